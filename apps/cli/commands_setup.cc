// The device and account commands: init, register, login, whoami, devices.
#include "commands.h"

// GCC 12 false positive on coroutine frames (see libs/client/src/relay_client.cc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <fstream>
#include <iostream>

#include <fmt/core.h>

#include "securecomm/base/encoding.h"
#include "securecomm/client/errors.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/store/errors.h"

#include "cli_util.h"
#include "exit_codes.h"
#include "terminal.h"

namespace sc::cli {

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
    std::cerr << "securecomm: not a relay connection string (scp://HOST:PORT/#k=...&id=...): " << relay
              << "\n";
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
              << "\nnext: securecomm register <name>   (or `securecomm login <name>` to add this device to "
                 "your account)\n";
  }
  return kExitOk;
}

int CmdRegister(const Options& o, bool link_existing) {
  auto opened = OpenMessenger(o, /*need_account=*/false);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  auto password =
      ReadSecret(kPasswordEnv, "account password for " + o.user + ": ", /*confirm=*/!link_existing);
  if (!password || password->empty()) {
    std::cerr << "securecomm: no account password (set " << kPasswordEnv << " or run in a terminal)\n";
    return kExitUsage;
  }
  return RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    const std::string user = o.user;
    // Two statements: GCC 12 miscompiles co_await inside a conditional expression.
    Status r = OkStatus();
    if (link_existing) {
      r = co_await m.Login(io, user, password->Expose());
    } else {
      r = co_await m.Register(io, user, password->Expose());
    }
    if (!r) {
      const int rc = Report(o, r.error(), link_existing ? "login failed" : "register failed", &m);
      co_await m.Close();
      co_return rc;
    }
    const auto a = m.account();
    if (o.json) {
      PrintJson({{"ok", true},
                 {"username", a->username},
                 {"account_id", a->account_id},
                 {"device_id", a->device_id}});
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
    if (a) {
      std::cout << "account: " << a->username << " (device " << a->device_id << ")\n";
    } else {
      std::cout << "account: none yet\n";
    }
  }
  return kExitOk;
}

int CmdDevices(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  Messenger& m = *opened.messenger;
  return RunAsync([&](asio::io_context& io) -> asio::awaitable<int> {
    if (auto s = co_await m.ConnectWithRetry(io, true, kConnectPatience); !s)
      co_return Report(o, s.error(), "connect", &m);
    if (o.remove_device) {
      if (auto s = co_await m.RemoveDevice(*o.remove_device); !s)
        co_return Report(o, s.error(), "remove device", &m);
    }
    auto list = co_await m.Devices();
    if (!list) co_return Report(o, list.error(), "list devices", &m);
    json arr = json::array();
    for (const auto& d : *list) {
      if (o.json) {
        arr.push_back({{"device_id", d.device_id},
                       {"key", Fingerprint(d.identity_key)},
                       {"created_ms", d.created_ms},
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

}  // namespace sc::cli
