#include "cli_util.h"

// GCC 12 false positive on coroutine frames (see libs/client/src/relay_client.cc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <ctime>
#include <iostream>

#include <fmt/core.h>

#include "securecomm/base/encoding.h"
#include "securecomm/client/errors.h"
#include "securecomm/proto/relay_error.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/store/errors.h"

#include "exit_codes.h"
#include "terminal.h"

namespace sc::cli {

SystemClock& TheClock() {
  static SystemClock clock;
  return clock;
}

// Printable makes untrusted text safe for a terminal: control characters (escape sequences could
// rewrite the screen or forge a sender line) become U+FFFD, except tab; newlines are kept indented.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\n    ";
    } else if ((u < 0x20 && c != '\t') || u == 0x7f) {
      out += "\xEF\xBF\xBD";
    } else {
      out += c;
    }
  }
  return out;
}

std::string TimeText(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm) == 0) return "?";
  return buf;
}

void PrintJson(const json& j) {
  std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
}

namespace {

// RetryText: " (retry in N s)" for an error with a retry hint, else "".
std::string RetryText(const Error& e) {
  if (e.retry_after().count() == 0) return "";
  return fmt::format(" (retry in {} s)", (e.retry_after().count() + 999) / 1000);
}

std::string Describe(const Error& e) {
  switch (e.domain()) {
    case ErrorDomain::kRelay: {
      const auto code = static_cast<proto::RelayErrc>(e.code());
      return fmt::format("the relay refused: {} ({}){}", proto::DescribeRelayError(code),
                         proto::WireName(code), RetryText(e));
    }
    case ErrorDomain::kClient:
      return std::string(client::Describe(static_cast<client::Errc>(e.code())));
    case ErrorDomain::kStore:
      return std::string(store::Describe(static_cast<store::Errc>(e.code())));
    case ErrorDomain::kNet:
    case ErrorDomain::kScp:
      return fmt::format("the relay cannot be reached or the session failed ({})", e.name());
    default:
      return std::string(e.name());
  }
}
}  // namespace

int Report(const Options& o, const Error& e, const std::string& what, const Messenger*) {
  const int code = ExitCodeFor(e);
  const std::string text = Describe(e);
  if (o.json) {
    json j{{"ok", false}, {"error", std::string(e.name())}, {"message", text}, {"exit_code", code}};
    if (e.domain() == ErrorDomain::kRelay) {
      j["relay_code"] = std::string(proto::WireName(static_cast<proto::RelayErrc>(e.code())));
      if (e.retry_after().count() > 0) j["retry_after_ms"] = e.retry_after().count();
    }
    PrintJson(j);
  }
  std::cerr << "securecomm: " << what << ": " << text << "\n";
  return code;
}

// RunAsync runs `body` on a fresh io_context until it finishes (the relay session's reader is
// stopped with it).
int RunAsync(std::function<asio::awaitable<int>(asio::io_context&)> body) {
  asio::io_context io;
  int rc = kExitFailure;
  // Spawned from inside the io_context (asio 1.22 frees a frame allocated outside it with the
  // wrong deallocator when its recycling cache is full; see libs/relay_server).
  asio::post(io, [&] {
    asio::co_spawn(io, body(io), [&](std::exception_ptr e, int r) {
      rc = e ? kExitFailure : r;
      io.stop();
    });
  });
  io.run();
  return rc;
}

Opened OpenMessenger(const Options& o, bool need_account) {
  auto pass = ReadSecret(kPassphraseEnv, "passphrase for " + o.home + ": ");
  if (!pass) {
    std::cerr << "securecomm: no passphrase (set " << kPassphraseEnv << " or run in a terminal)\n";
    return {nullptr, kExitUsage};
  }
  auto m = Messenger::Open(o.home, pass->Expose(), TheClock());
  if (!m) {
    if (m.error() == store::Errc::kCannotOpen) {
      std::cerr << "securecomm: no client in " << o.home << ": run `securecomm init` first\n";
      if (o.json) PrintJson({{"ok", false}, {"error", "kNotSetUp"}, {"exit_code", kExitNotSetUp}});
      return {nullptr, kExitNotSetUp};
    }
    return {nullptr, Report(o, m.error(), "cannot open " + o.home)};
  }
  if (need_account && !(*m)->account())
    return {nullptr, Report(o, client::Errc::kNotRegistered, "not set up")};
  return {std::move(*m), kExitOk};
}

std::string Fingerprint(const crypto::Ed25519PublicKey& k) {
  return scp::IdentityFingerprint(k);
}

void ShowEntry(const Options& o, const client::InboxEntry& e) {
  using client::InboxEntry;
  if (o.json) {
    json j;
    if (e.flags & InboxEntry::kUndecryptable) {
      j = {{"event", "undecryptable"},
           {"from_account", e.sender_account},
           {"from_device", e.sender_device},
           {"error", e.error},
           {"relay_message_id", e.relay_message_id}};
    } else {
      j = {{"event", (e.flags & InboxEntry::kSentCopy) ? "sent_copy" : "message"},
           {"from", e.sender},
           {"from_device", e.sender_device},
           {"text", e.body},
           {"sent_at_ms", e.sent_at_ms},
           {"server_time_ms", e.server_time_ms},
           {"message_id", HexEncode(e.message_id)}};
      if (e.flags & InboxEntry::kSentCopy) j["to"] = e.peer;
      j["warnings"] = json::array();
      if (e.flags & InboxEntry::kIdentityWarning) j["warnings"].push_back("untrusted_key");
    }
    PrintJson(j);
    return;
  }
  if (e.flags & InboxEntry::kUndecryptable) {
    std::cout << "! a message from account " << e.sender_account << " device " << e.sender_device
              << " could not be read (" << e.error << ")\n";
    return;
  }
  if (e.flags & InboxEntry::kIdentityWarning) {
    std::cout << "! WARNING: this message comes from a key you have not accepted for " << Printable(e.sender)
              << " (device " << e.sender_device << "): their key changed or they added a device.\n"
              << "!   Compare safety numbers with `securecomm verify " << Printable(e.sender)
              << "`, then accept it with `securecomm trust " << Printable(e.sender) << "`.\n";
  }
  if (e.flags & InboxEntry::kSentCopy) {
    std::cout << "[" << TimeText(e.sent_at_ms) << "] you -> " << Printable(e.peer) << " (from your device "
              << e.sender_device << "): " << Printable(e.body) << "\n";
  } else {
    std::cout << "[" << TimeText(e.sent_at_ms) << "] " << Printable(e.sender) << ": " << Printable(e.body)
              << "\n";
  }
  std::cout << std::flush;
}

// ShowInbox prints and empties the inbox; returns how many messages it showed, or -exit code.
int64_t ShowInbox(const Options& o, Messenger& m) {
  auto entries = m.TakeInbox();
  if (!entries) return -Report(o, entries.error(), "cannot read the inbox", &m);
  for (const auto& e : *entries) ShowEntry(o, e);
  return static_cast<int64_t>(entries->size());
}

int ExitCodeFor(const Error& e) noexcept {
  if (e == store::Errc::kWrongPassphrase) return kExitWrongPassphrase;
  if (e.domain() == ErrorDomain::kStore) return e == store::Errc::kAlreadyExists ? kExitUsage : kExitStore;
  if (e.domain() == ErrorDomain::kNet || e.domain() == ErrorDomain::kScp) return kExitUnreachable;
  if (e.domain() == ErrorDomain::kRelay) return kExitRefused;
  if (e.domain() == ErrorDomain::kClient) {
    switch (static_cast<client::Errc>(e.code())) {
      case client::Errc::kDisconnected:
        return kExitUnreachable;
      case client::Errc::kIdentityChanged:
        return kExitIdentityChanged;
      case client::Errc::kUnknownUser:
      case client::Errc::kNotAContact:
        return kExitUnknownUser;
      case client::Errc::kNotRegistered:
        return kExitNotSetUp;
      case client::Errc::kAlreadyRegistered:
      case client::Errc::kMessageTooLarge:
        return kExitUsage;
      default:
        return kExitFailure;
    }
  }
  return kExitFailure;
}

}  // namespace sc::cli
