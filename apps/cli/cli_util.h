// cli_util.h: what the `securecomm` commands share: opening the device's Messenger, running a
// command's coroutine, error reports with their exit codes, and output (human or JSON lines).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/client/messenger.h"
#include "securecomm/crypto/argon2.h"

#include "commands.h"

namespace sc::cli {

using client::Messenger;
using nlohmann::json;

// libsodium's crypto_pwhash_OPSLIMIT/MEMLIMIT_INTERACTIVE: for devices that cannot spare 256 MiB.
inline constexpr crypto::Argon2Params kArgon2Interactive{2, size_t{64} << 20};
inline constexpr const char* kPassphraseEnv = "SECURECOMM_PASSPHRASE";
inline constexpr const char* kPasswordEnv = "SECURECOMM_PASSWORD";
// How long one-shot commands give the relay to answer a connection attempt before giving up.
inline constexpr std::chrono::seconds kConnectPatience{20};

SystemClock& TheClock();
// Printable makes untrusted text safe for a terminal: control characters (escape sequences could
// rewrite the screen or forge a sender line) become U+FFFD, except tab; newlines are indented.
std::string Printable(std::string_view s);
// TimeText: local time "YYYY-MM-DD HH:MM:SS" of a Unix millisecond timestamp.
std::string TimeText(int64_t unix_ms);
// PrintJson writes one line; invalid UTF-8 in untrusted text is replaced, never fatal.
void PrintJson(const json& j);
// Report prints the error (stderr; also a JSON line with --json) and returns its exit code.
int Report(const Options& o, const Error& e, const std::string& what, const Messenger* m = nullptr);
// RunAsync runs `body` on a fresh io_context until it finishes; returns its exit code.
int RunAsync(std::function<asio::awaitable<int>(asio::io_context&)> body);

struct Opened {
  std::unique_ptr<Messenger> messenger;
  int rc = 0;  // the exit code when messenger is null
};
// OpenMessenger asks for the passphrase and opens the device in o.home.
Opened OpenMessenger(const Options& o, bool need_account = true);
std::string Fingerprint(const crypto::Ed25519PublicKey& k);
// ShowEntry prints one received message (or its warning); ShowInbox prints and empties the
// inbox, returning how many it showed, or minus an exit code.
void ShowEntry(const Options& o, const client::InboxEntry& e);
int64_t ShowInbox(const Options& o, Messenger& m);

}  // namespace sc::cli
