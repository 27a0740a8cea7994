// wycheproof_runner.h: runs Wycheproof JSON test files against sc::crypto and counts verdicts.
//
// Used by tests/vectors/wycheproof_test.cc (which asserts the counts) and by the self-check
// program (which prints them). Policy refusals are described in tests/vectors/SOURCES.md.
//
//   auto stats = sc::vectors::RunWycheproofFile(dir, sc::vectors::WycheproofKind::kAesGcm);
//   // stats->ran == stats->passed + stats->policy_refused when every verdict matches
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"

namespace sc::vectors {

enum class WycheproofKind {
  kAesGcm,
  kChaCha20Poly1305,
  kXChaCha20Poly1305,
  kX25519,
  kEd25519,
  kHkdfSha256,
  kHmacSha256,
};

struct WycheproofStats {
  std::string file;                   // e.g. "aes_gcm_test.json"
  int declared = 0;                   // numberOfTests in the file's header
  int ran = 0;                        // cases executed
  int passed = 0;                     // our verdict equals the file's
  int policy_refused = 0;             // refused by a written policy (SOURCES.md); never counted as passed
  std::vector<std::string> failures;  // "tcId N: why" for each mismatch
};

// FileFor returns the file name of `kind` inside the wycheproof folder.
std::string_view FileFor(WycheproofKind kind);

// RunWycheproofFile runs every case of one file from `dir`. The error is base::Errc::kInvalidEncoding
// when the file is missing or malformed (a broken checkout, never a verdict).
Result<WycheproofStats> RunWycheproofFile(const std::string& dir, WycheproofKind kind);

// AllKinds lists every kind, in the order the self-check prints them.
std::vector<WycheproofKind> AllKinds();

}  // namespace sc::vectors
