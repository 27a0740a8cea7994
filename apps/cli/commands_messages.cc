// The message commands: send, recv, listen.
#include "commands.h"

// GCC 12 false positive on coroutine frames (see libs/client/src/relay_client.cc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include <fmt/core.h>

#include "securecomm/base/encoding.h"
#include "securecomm/client/errors.h"
#include "securecomm/store/errors.h"

#include "cli_util.h"
#include "exit_codes.h"

namespace sc::cli {

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
    if (auto s = co_await m.ConnectWithRetry(io, true, kConnectPatience); !s)
      co_return Report(o, s.error(), "connect", &m);
    size_t sent = 0;
    for (const auto& text : messages) {
      const std::string to = o.user;
      auto r = co_await m.Send(to, text);
      if (!r) {
        const int rc = Report(
            o, r.error(), fmt::format("message {} of {} to {} not sent", sent + 1, messages.size(), to), &m);
        if (r.error() == client::Errc::kIdentityChanged && !o.json) {
          std::cerr << "  compare safety numbers with `securecomm verify " << to
                    << "`, then run `securecomm trust " << to << "`\n";
        }
        co_await m.Close();
        co_return rc;
      }
      ++sent;
      if (o.json) {
        PrintJson({{"ok", true},
                   {"message_id", HexEncode(r->message_id)},
                   {"to", to},
                   {"devices", r->recipient_devices},
                   {"own_devices", r->own_devices},
                   {"server_time_ms", r->server_time_ms}});
      } else if (messages.size() == 1) {
        std::cout << "sent to " << to << " (" << r->recipient_devices << " device"
                  << (r->recipient_devices == 1 ? "" : "s") << ")\n";
      }
      if (r->skipped_own_devices > 0 && sent == 1) {
        std::cerr
            << "securecomm: " << r->skipped_own_devices
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
    if (auto s = co_await m.ConnectWithRetry(io, false, kConnectPatience); !s)
      co_return Report(o, s.error(), "connect", &m);
    // The relay pushes the queue, then QueueDrained; then wait as asked for more.
    const auto patience = std::chrono::milliseconds(30'000);
    bool drained = false;
    while (!drained) {
      auto ev = co_await m.Pump(patience);
      if (ev.queue_drained) drained = true;
      if (ev.kind == client::PumpEvent::Kind::kTimeout) break;
      if (ev.kind == client::PumpEvent::Kind::kEnded) co_return Report(o, *ev.ended, "the session ended", &m);
    }
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(o.wait_seconds * 1000));
    while (std::chrono::steady_clock::now() < until) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
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
        const auto patience = bounded ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now())
                                      : std::chrono::hours(24);
        auto s = co_await m.ConnectWithRetry(io, false, patience);
        if (!s) {
          if (bounded && std::chrono::steady_clock::now() >= deadline) break;
          co_return Report(o, s.error(), "connect", &m);
        }
        if (o.json) {
          PrintJson({{"event", "connected"}});
        } else {
          std::cerr << "securecomm: connected; listening (Ctrl-C to stop)\n";
        }
      }
      auto ev = co_await m.Pump(std::chrono::milliseconds(500));
      if (ev.kind == client::PumpEvent::Kind::kEnded) {
        std::cerr << "securecomm: the relay session ended (" << (ev.ended ? ev.ended->name() : "disconnected")
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

}  // namespace sc::cli
