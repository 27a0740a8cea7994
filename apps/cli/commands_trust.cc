// The trust commands: contacts, verify (safety number, QR), trust.
#include "commands.h"

// GCC 12 false positive on coroutine frames (see libs/client/src/relay_client.cc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <iostream>

#include "securecomm/base/encoding.h"
#include "securecomm/client/errors.h"
#include "securecomm/e2e/safety_number.h"
#include "securecomm/qr/qr.h"
#include "securecomm/store/errors.h"

#include "cli_util.h"
#include "exit_codes.h"

namespace sc::cli {

int CmdContacts(const Options& o) {
  auto opened = OpenMessenger(o);
  if (!opened.messenger) return opened.rc;
  auto list = opened.messenger->Contacts();
  if (!list) return Report(o, list.error(), "contacts");
  json arr = json::array();
  for (const auto& c : *list) {
    const char* state = (!c.pending.empty() || c.pending_account_id != 0) ? "changed"
                        : c.verified                                      ? "verified"
                                                                          : "unverified";
    if (o.json) {
      arr.push_back({{"username", c.username},
                     {"account_id", c.account_id},
                     {"devices", c.devices.size()},
                     {"pending_devices", c.pending.size()},
                     {"state", state}});
    } else {
      const auto me = opened.messenger->account();
      std::cout << Printable(c.username) << (me && me->username == c.username ? " (you)" : "") << "  "
                << state << "  " << c.devices.size() << " device" << (c.devices.size() == 1 ? "" : "s");
      if (!c.pending.empty()) {
        std::cout << "  (" << c.pending.size() << " new or changed key(s): securecomm trust "
                  << Printable(c.username) << ")";
      }
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
    PrintJson({{"ok", true},
               {"contact", o.user},
               {"safety_number", *number},
               {"verified", o.mark ? !changed : contact->verified},
               {"changed", changed},
               {"refreshed", refreshed}});
  } else {
    std::cout << "safety number with " << Printable(o.user) << ":\n\n    " << e2e::FormatSafetyNumber(*number)
              << "\n\n";
    if (o.qr) {
      auto code = qr::EncodeQr(*number);
      if (code) std::cout << qr::RenderQrTerminal(*code) << "\n";
    }
    if (changed) {
      std::cout << "! " << Printable(o.user)
                << " has new or changed keys (not included above). Once you have checked "
                   "with them, run `securecomm trust "
                << Printable(o.user) << "` and verify again.\n";
    } else if (o.mark) {
      std::cout << "marked " << Printable(o.user) << " as verified\n";
    } else {
      std::cout << "Compare these digits with " << Printable(o.user)
                << " in person or over a call; if they match, run `securecomm verify --mark "
                << Printable(o.user) << "`.\n";
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
