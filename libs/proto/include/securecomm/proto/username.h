// username.h: the username rule of relay.md §5.1, shared by the relay (which enforces it) and
// clients (which check a name before asking the relay, and bound stored names by it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sc::proto {

// NormalizeUsername lowercases ASCII letters and returns the name if it then has
// kMinUsernameLength..kMaxUsernameLength characters of [a-z0-9._-] and starts with a letter or
// digit; nullopt otherwise. Pure; thread safe.
std::optional<std::string> NormalizeUsername(std::string_view username);

}  // namespace sc::proto
