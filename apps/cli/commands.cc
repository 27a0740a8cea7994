#include "commands.h"

// GCC 12 false positive on coroutine frames (see libs/client/src/relay_client.cc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "securecomm/base/encoding.h"
#include "securecomm/client/errors.h"
#include "securecomm/client/messenger.h"
#include "securecomm/e2e/safety_number.h"
#include "securecomm/qr/qr.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/store/errors.h"
#include "terminal.h"

namespace sc::cli {
namespace {

using client::Messenger;
using nlohmann::json;

// libsodium's crypto_pwhash_OPSLIMIT/MEMLIMIT_INTERACTIVE: for devices that cannot spare 256 MiB.
constexpr crypto::Argon2Params kArgon2Interactive{2, size_t{64} << 20};
constexpr const char* kPassphraseEnv = "SECURECOMM_PASSPHRASE";
constexpr const char* kPasswordEnv = "SECURECOMM_PASSWORD";
// How long one-shot commands give the relay to answer a connection attempt before giving up.
constexpr std::chrono::seconds kConnectPatience{20};

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
  std::tm tm {};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

void PrintJson(const json& j) {
  std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
}

std::string Describe(const Error& e, const Messenger* m) {
  switch (e.domain()) {
    case ErrorDomain::kClient:
      if (e == client::Errc::kRefused && m != nullptr) {
        return fmt::format("the relay refused: {}{}", client::pb::ErrorCode_Name(m->last_refusal().code),
                           m->last_refusal().retry_after_ms > 0
                               ? fmt::format(" (retry in {} s)", (m->last_refusal().retry_after_ms + 999) / 1000)
                               : "");
      }
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

int Report(const Options& o, const Error& e, const std::string& what, const Messenger* m = nullptr) {
  const int code = ExitCodeFor(e);
  const std::string text = Describe(e, m);
  if (o.json) {
    json j{{"ok", false}, {"error", std::string(e.name())}, {"message", text}, {"exit_code", code}};
    if (e == client::Errc::kRefused && m != nullptr) j["relay_code"] = client::pb::ErrorCode_Name(m->last_refusal().code);
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

struct Opened {
  std::unique_ptr<Messenger> messenger;
  int rc = kExitOk;
};

Opened OpenMessenger(const Options& o, bool need_account = true) {
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
  if (need_account && !(*m)->account()) return {nullptr, Report(o, client::Errc::kNotRegistered, "not set up")};
  return {std::move(*m), kExitOk};
}

std::string Fingerprint(const crypto::Ed25519PublicKey& k) { return scp::IdentityFingerprint(k); }

void ShowEntry(const Options& o, const client::InboxEntry& e) {
  using client::InboxEntry;
  if (o.json) {
    json j;
    if (e.flags & InboxEntry::kUndecryptable) {
      j = {{"event", "undecryptable"}, {"from_account", e.sender_account}, {"from_device", e.sender_device},
           {"error", e.error}, {"relay_message_id", e.relay_message_id}};
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
    std::cout << "[" << TimeText(e.sent_at_ms) << "] " << Printable(e.sender) << ": " << Printable(e.body) << "\n";
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

}  // namespace

int ExitCodeFor(const Error& e) noexcept {
  if (e == store::Errc::kWrongPassphrase) return kExitWrongPassphrase;
  if (e.domain() == ErrorDomain::kStore) return e == store::Errc::kAlreadyExists ? kExitUsage : kExitStore;
  if (e.domain() == ErrorDomain::kNet || e.domain() == ErrorDomain::kScp) return kExitUnreachable;
  if (e.domain() == ErrorDomain::kClient) {
    switch (static_cast<client::Errc>(e.code())) {
      case client::Errc::kDisconnected: return kExitUnreachable;
      case client::Errc::kRefused: return kExitRefused;
      case client::Errc::kIdentityChanged: return kExitIdentityChanged;
      case client::Errc::kUnknownUser:
      case client::Errc::kNotAContact: return kExitUnknownUser;
      case client::Errc::kNotRegistered: return kExitNotSetUp;
      case client::Errc::kAlreadyRegistered:
      case client::Errc::kMessageTooLarge: return kExitUsage;
      default: return kExitFailure;
    }
  }
  return kExitFailure;
}

int CmdInit(const Options& o) {
  std::string relay = o.relay;
  if (!relay.empty() && relay[0] == '@') {
    std::ifstream in(relay.substr(1));
    if (!in || !std::getline(in, relay)) {
      std::cerr << "securecomm: cannot read the connection string from " << o.relay.substr(1) << "\n";
      return kExitUsage;
    }
  }
  if (!scp::ParseConnectionString(relay)) {
    std::cerr << "securecomm: not a relay connection string (scp://HOST:PORT/#k=...&id=...): " << relay << "\n";
    return kExitUsage;
  }
  auto pass = ReadSecret(kPassphraseEnv, "new passphrase for " + o.home + ": ", /*confirm=*/true);
  if (!pass || pass->empty()) {
    std::cerr << "securecomm: no passphrase (set " << kPassphraseEnv << " or run in a terminal)\n";
    return kExitUsage;
  }
  const auto& kdf = o.kdf == "interactive" ? kArgon2Interactive : crypto::kArgon2Moderate;
  auto m = Messenger::Init(o.home, pass->Expose(), relay, kdf, TheClock());
  if (!m) {
    if (m.error() == store::Errc::kAlreadyExists) {
      std::cerr << "securecomm: " << o.home << " already holds a client; nothing changed\n";
      return kExitUsage;
    }
    return Report(o, m.error(), "init failed");
  }
  const std::string fp = Fingerprint((*m)->identity());
  if (o.json) {
    PrintJson({{"ok", true}, {"home", o.home}, {"device_key", fp}});
  } else {
    std::cout << "created " << o.home << "\nthis device's key: " << fp
              << "\nnext: securecomm register <name>   (or `securecomm login <name>` to add this device to your account)\n";
  }
  return kExitOk;
}

int CmdRegister(const Options& o, bool link_existing) {
  auto opened = OpenMessenger(o, /*need_account=*/false);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  auto password = ReadSecret(kPasswordEnv, "account password for " + o.user + ": ", /*confirm=*/!link_existing);
  if (!password || password->empty()) {
    std::cerr << "securecomm: no account password (set " << kPasswordEnv << " or run in a terminal)\n";
    return kExitUsage;
  }
  return RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    const std::string user = o.user;
    // Two statements: GCC 12 miscompiles co_await inside a conditional expression.
    Result<client::Refusal> r = client::Refusal{};
    if (link_existing) {
      r = co_await m.Login(io, user, password->Expose());
    } else {
      r = co_await m.Register(io, user, password->Expose());
    }
    if (!r) co_return Report(o, r.error(), link_existing ? "login failed" : "register failed", &m);
    if (r->code != client::pb::OK) {
      const std::string name = client::pb::ErrorCode_Name(r->code);
      if (o.json) PrintJson({{"ok", false}, {"error", name}, {"exit_code", kExitRefused}, {"retry_after_ms", r->retry_after_ms}});
      std::cerr << "securecomm: the relay refused: " << name << "\n";
      co_await m.Close();
      co_return kExitRefused;
    }
    const auto a = m.account();
    if (o.json) {
      PrintJson({{"ok", true}, {"username", a->username}, {"account_id", a->account_id}, {"device_id", a->device_id}});
    } else {
      std::cout << (link_existing ? "this device joined " : "registered ") << a->username << " (device "
                << a->device_id << ")\n";
    }
    co_await m.Close();
    co_return kExitOk;
  });
}

int CmdWhoami(const Options& o) {
  auto opened = OpenMessenger(o, /*need_account=*/false);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  const auto a = m.account();
  if (o.json) {
    json j{{"ok", true}, {"relay", m.relay()}, {"device_key", Fingerprint(m.identity())}};
    if (a) {
      j["username"] = a->username;
      j["device_id"] = a->device_id;
    }
    PrintJson(j);
  } else {
    std::cout << "relay: " << m.relay() << "\ndevice key: " << Fingerprint(m.identity()) << "\n";
    if (a) std::cout << "account: " << a->username << " (device " << a->device_id << ")\n";
    else std::cout << "account: none yet\n";
  }
  return kExitOk;
}

int CmdDevices(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  return RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    if (auto s = co_await m.ConnectWithRetry(io, true, kConnectPatience); !s) co_return Report(o, s.error(), "connect", &m);
    if (o.remove_device) {
      if (auto s = co_await m.RemoveDevice(*o.remove_device); !s) co_return Report(o, s.error(), "remove device", &m);
    }
    auto list = co_await m.Devices();
    if (!list) co_return Report(o, list.error(), "list devices", &m);
    json arr = json::array();
    for (const auto& d : *list) {
      if (o.json) {
        arr.push_back({{"device_id", d.device_id}, {"key", Fingerprint(d.identity_key)}, {"created_ms", d.created_ms},
                       {"this_device", d.this_device}});
      } else {
        std::cout << "device " << d.device_id << (d.this_device ? " (this device)" : "") << "  added "
                  << TimeText(d.created_ms) << "  key " << Fingerprint(d.identity_key) << "\n";
      }
    }
    if (o.json) PrintJson({{"ok", true}, {"devices", arr}});
    co_await m.Close();
    co_return kExitOk;
  });
}

int CmdSend(const Options& o) {
  std::vector<std::string> messages;
  if (o.text.size() == 1 && o.text[0] == "-") {
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty()) messages.push_back(line);
    }
  } else {
    std::string joined;
    for (const auto& w : o.text) joined += (joined.empty() ? "" : " ") + w;
    messages.push_back(joined);
  }
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  return RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    // A send-only session: a `listen` of the same device elsewhere keeps its deliveries.
    if (auto s = co_await m.ConnectWithRetry(io, true, kConnectPatience); !s) co_return Report(o, s.error(), "connect", &m);
    size_t sent = 0;
    for (const auto& text : messages) {
      const std::string to = o.user;
      auto r = co_await m.Send(to, text);
      if (!r) {
        const int rc = Report(o, r.error(), fmt::format("message {} of {} to {} not sent", sent + 1, messages.size(), to), &m);
        if (r.error() == client::Errc::kIdentityChanged && !o.json) {
          std::cerr << "  compare safety numbers with `securecomm verify " << to << "`, then run `securecomm trust "
                    << to << "`\n";
        }
        co_await m.Close();
        co_return rc;
      }
      ++sent;
      if (o.json) {
        PrintJson({{"ok", true}, {"message_id", HexEncode(r->message_id)}, {"to", to},
                   {"devices", r->recipient_devices}, {"own_devices", r->own_devices},
                   {"server_time_ms", r->server_time_ms}});
      } else if (messages.size() == 1) {
        std::cout << "sent to " << to << " (" << r->recipient_devices << " device"
                  << (r->recipient_devices == 1 ? "" : "s") << ")\n";
      }
      if (r->skipped_own_devices > 0 && sent == 1) {
        std::cerr << "securecomm: " << r->skipped_own_devices
                  << " of your own devices are not trusted yet and got no copy (securecomm trust <your name>)\n";
      }
    }
    if (!o.json && messages.size() > 1) std::cout << "sent " << sent << " messages to " << o.user << "\n";
    co_await m.Close();
    co_return kExitOk;
  });
}

int CmdRecv(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  return RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    if (auto s = co_await m.ConnectWithRetry(io, false, kConnectPatience); !s) co_return Report(o, s.error(), "connect", &m);
    // The relay pushes the queue, then QueueDrained; then wait as asked for more.
    const auto patience = std::chrono::milliseconds(30'000);
    bool drained = false;
    while (!drained) {
      auto ev = co_await m.Pump(patience);
      if (ev.kind == client::PumpEvent::Kind::kQueueDrained) drained = true;
      if (ev.kind == client::PumpEvent::Kind::kTimeout) break;
      if (ev.kind == client::PumpEvent::Kind::kEnded) co_return Report(o, *ev.ended, "the session ended", &m);
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.wait_seconds * 1000));
    while (std::chrono::steady_clock::now() < until) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      auto ev = co_await m.Pump(left);
      if (ev.kind == client::PumpEvent::Kind::kEnded) break;
    }
    const int64_t shown = ShowInbox(o, m);
    if (shown < 0) co_return static_cast<int>(-shown);
    if (!o.json && shown == 0) std::cout << "no new messages\n";
    co_await m.Close();
    co_return kExitOk;
  });
}

int CmdListen(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  return RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    asio::signal_set signals(io, SIGINT, SIGTERM);
    bool stop = false;
    signals.async_wait([&](const asio::error_code& ec, int) {
      if (!ec) stop = true;
    });
    const bool bounded = o.timeout_seconds > 0;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<int64_t>(o.timeout_seconds * 1000));
    uint64_t seen = 0;
    // Anything left in the inbox by an earlier run comes first.
    if (int64_t n = ShowInbox(o, m); n >= 0) seen += static_cast<uint64_t>(n);
    while (!stop && (o.count == 0 || seen < o.count)) {
      if (bounded && std::chrono::steady_clock::now() >= deadline) break;
      if (!m.connected()) {
        const auto patience = bounded ? std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                                      : std::chrono::hours(24);
        auto s = co_await m.ConnectWithRetry(io, false, patience);
        if (!s) {
          if (bounded && std::chrono::steady_clock::now() >= deadline) break;
          co_return Report(o, s.error(), "connect", &m);
        }
        if (o.json) PrintJson({{"event", "connected"}});
        else std::cerr << "securecomm: connected; listening (Ctrl-C to stop)\n";
      }
      auto ev = co_await m.Pump(std::chrono::milliseconds(500));
      if (ev.kind == client::PumpEvent::Kind::kEnded) {
        const auto reason = m.last_refusal().code;
        std::cerr << "securecomm: the relay session ended ("
                  << (reason != client::pb::OK ? client::pb::ErrorCode_Name(reason) : std::string(ev.ended ? ev.ended->name() : ""))
                  << "); reconnecting\n";
        co_await m.Close();
        continue;
      }
      if (ev.delivered > 0) {
        const int64_t n = ShowInbox(o, m);
        if (n < 0) co_return static_cast<int>(-n);
        seen += static_cast<uint64_t>(n);
      }
    }
    signals.cancel();
    co_await m.Close();
    if (o.count > 0 && seen < o.count && !stop) co_return kExitTimeout;
    co_return kExitOk;
  });
}

int CmdContacts(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  auto list = opened.messenger->Contacts();
  if (!list) return Report(o, list.error(), "contacts");
  json arr = json::array();
  for (const auto& c : *list) {
    const char* state = (!c.pending.empty() || c.pending_account_id != 0) ? "changed" : c.verified ? "verified" : "unverified";
    if (o.json) {
      arr.push_back({{"username", c.username}, {"account_id", c.account_id}, {"devices", c.devices.size()},
                     {"pending_devices", c.pending.size()}, {"state", state}});
    } else {
      const auto me = opened.messenger->account();
      std::cout << Printable(c.username) << (me && me->username == c.username ? " (you)" : "") << "  " << state << "  " << c.devices.size() << " device"
                << (c.devices.size() == 1 ? "" : "s");
      if (!c.pending.empty()) std::cout << "  (" << c.pending.size() << " new or changed key(s): securecomm trust " << Printable(c.username) << ")";
      std::cout << "\n";
    }
  }
  if (o.json) PrintJson({{"ok", true}, {"contacts", arr}});
  return kExitOk;
}

int CmdVerify(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  // Refresh from the relay first (new or changed keys become pending), unless it is unreachable.
  bool refreshed = false;
  const int rc = RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    if (auto s = co_await m.Connect(io, true); !s) co_return kExitOk;
    const std::string user = o.user;
    auto c = co_await m.RefreshContact(user);
    co_await m.Close();
    if (!c) co_return Report(o, c.error(), "look up " + user, &m);
    refreshed = true;
    co_return kExitOk;
  });
  if (rc != kExitOk) return rc;
  auto contact = m.GetContact(o.user);
  if (!contact) return Report(o, contact.error(), o.user);
  auto number = m.SafetyNumber(o.user);
  if (!number) return Report(o, number.error(), "safety number");
  const bool changed = !contact->pending.empty() || contact->pending_account_id != 0;
  if (o.mark && !changed) {
    if (auto s = m.MarkVerified(o.user); !s) return Report(o, s.error(), "mark verified");
  }
  if (!o.png.empty()) {
    auto code = qr::EncodeQr(*number);
    if (!code) return Report(o, code.error(), "QR code");
    if (auto s = qr::WriteQrPng(*code, o.png); !s) return Report(o, s.error(), "write " + o.png);
  }
  if (o.json) {
    PrintJson({{"ok", true}, {"contact", o.user}, {"safety_number", *number}, {"verified", o.mark ? !changed : contact->verified},
               {"changed", changed}, {"refreshed", refreshed}});
  } else {
    std::cout << "safety number with " << Printable(o.user) << ":\n\n    " << e2e::FormatSafetyNumber(*number) << "\n\n";
    if (o.qr) {
      auto code = qr::EncodeQr(*number);
      if (code) std::cout << qr::RenderQrTerminal(*code) << "\n";
    }
    if (changed) {
      std::cout << "! " << Printable(o.user) << " has new or changed keys (not included above). Once you have checked "
                   "with them, run `securecomm trust " << Printable(o.user) << "` and verify again.\n";
    } else if (o.mark) {
      std::cout << "marked " << Printable(o.user) << " as verified\n";
    } else {
      std::cout << "Compare these digits with " << Printable(o.user)
                << " in person or over a call; if they match, run `securecomm verify --mark " << Printable(o.user) << "`.\n";
    }
    if (!refreshed) std::cout << "(relay unreachable: shown from the keys stored here)\n";
  }
  if (o.mark && changed) return kExitIdentityChanged;
  return kExitOk;
}

int CmdTrust(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  auto before = m.GetContact(o.user);
  if (!before) return Report(o, before.error(), o.user);
  if (auto s = m.Trust(o.user); !s) return Report(o, s.error(), "trust");
  if (o.json) {
    PrintJson({{"ok", true}, {"contact", o.user}, {"accepted", before->pending.size()}});
  } else if (before->pending.empty() && before->pending_account_id == 0) {
    std::cout << "nothing to accept: " << Printable(o.user) << "'s keys have not changed\n";
  } else {
    std::cout << "accepted " << before->pending.size() << " new key(s) for " << Printable(o.user)
              << "; verify the new safety number with `securecomm verify " << Printable(o.user) << "`\n";
  }
  return kExitOk;
}

}  // namespace sc::cli
