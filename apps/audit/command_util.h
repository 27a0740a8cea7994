// command_util.h (securecomm-audit): what every subcommand does first: parse its flags (a usage
// error prints the command's synopsis and exits 2) and format hashes for output.
#pragma once

#include <algorithm>
#include <string>

#include "securecomm/audit/hash.h"
#include "securecomm/base/encoding.h"

#include "args.h"
#include "cli.h"
#include "commands.h"
#include "output.h"

namespace sc::audit_cli {

// WantsJson: whether --json is among the words (known before the flags are parsed, so that
// even a usage error is printed as JSON).
inline bool WantsJson(const Words& words) {
  return std::find(words.begin(), words.end(), "--json") != words.end();
}

// ParseOrUsage parses `words` into `args`; on error prints "<message>; usage: <synopsis>" and
// returns false (the caller returns kExitUsage).
inline bool ParseOrUsage(const Words& words, const FlagSpec& spec, const char* synopsis, Args& args,
                         Output& out) {
  if (auto bad = ParseArgs(words, spec, args)) {
    out.Fail(kExitUsage, "usage", *bad + "; usage: securecomm-audit " + synopsis);
    return false;
  }
  return true;
}

// B64 formats a hash as checkpoints do (base64, padded).
inline std::string B64(const audit::Hash& h) {
  return Base64Encode(h.span());
}

}  // namespace sc::audit_cli
