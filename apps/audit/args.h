// args.h (securecomm-audit): the command line, parsed against one command's flags.
//
//   Args args;
//   if (auto bad = ParseArgs(argv_tail, {.value_flags = {"log", "index"}, .required = {"log"}}, args))
//     return Usage(*bad);
//   uint64_t index = ParseCount(args.Get("index")).value();
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::audit_cli {

struct FlagSpec {
  std::vector<std::string> value_flags;  // flags that take a value: "--log PATH" or "--log=PATH"
  std::vector<std::string> required;     // value flags that must be present
  bool positional = false;               // whether bare arguments are accepted
};

struct Args {
  std::map<std::string, std::string> values;  // by flag name without "--"
  std::vector<std::string> positional;
  bool json = false;  // --json, accepted by every command

  bool Has(std::string_view flag) const { return values.find(std::string(flag)) != values.end(); }
  // Get returns the flag's value, or "" when absent.
  const std::string& Get(std::string_view flag) const;
};

// ParseArgs fills `out` from `args` (the words after the command name). Returns nullopt on
// success or a one-line usage message: an unknown or repeated flag, a missing value or required
// flag, an unexpected positional argument.
std::optional<std::string> ParseArgs(const std::vector<std::string>& args, const FlagSpec& spec, Args& out);

// ParseCount returns the value of canonical decimal `text` (digits only, no sign, no leading
// zero unless "0", within uint64), or nullopt.
std::optional<uint64_t> ParseCount(std::string_view text);

// ParseSeconds returns a non-negative decimal number of seconds ("60", "0.25") of at most
// kMaxIntervalSeconds, or nullopt.
std::optional<double> ParseSeconds(std::string_view text);

}  // namespace sc::audit_cli
