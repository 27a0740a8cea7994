// terminal.h: secrets from the user: an environment variable for scripts, else a prompt on the
// controlling terminal with echo off.
#pragma once

#include <optional>
#include <string>

#include "securecomm/base/secret.h"

namespace sc::cli {

// ReadSecret returns the value of `env_var` if set, else prompts `prompt` on /dev/tty without
// echo (twice when `confirm`, until both agree). std::nullopt when there is no terminal to ask
// and the variable is unset, or the answers differ.
std::optional<SecretBytes> ReadSecret(const char* env_var, const std::string& prompt, bool confirm = false);

}  // namespace sc::cli
