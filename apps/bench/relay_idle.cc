// The `register` and `idle` modes: accounts for the idle test, then many authenticated idle
// delivery sessions held until told to stop.

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_limits.h"
#include "modes.h"
#include "relay_sessions.h"

namespace sc::bench {
namespace {

void Print(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

Expected<RelayTarget> MakeTarget(const std::string& relay, const std::string& sources, const Clock& clock) {
  auto cs = scp::ParseConnectionString(relay);
  if (!cs) return Failure("--relay: not a connection string (scp://HOST:PORT/#k=...&id=...)");
  auto src = ParseSources(sources);
  if (!src) return Failure(src.error());
  return RelayTarget{*cs, *src, &clock};
}

}  // namespace

asio::awaitable<int> RunRegister(asio::io_context& io, RegisterOptions o) {
  SystemClock clock;
  auto target = MakeTarget(o.relay, o.sources, clock);
  if (!target) {
    Print("error: " + target.error());
    co_return 1;
  }
  if (o.count == 0 || o.count > kMaxAccounts) {
    Print(fmt::format("error: --count must be 1..{}", kMaxAccounts));
    co_return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto names = AccountNames(o.prefix, o.count);  // named: no temporaries across a co_await
  auto accounts = co_await RegisterAccounts(io, *target, names, std::min(o.parallel, kMaxSetupParallelism));
  const double took = Seconds(std::chrono::steady_clock::now() - t0);
  if (!accounts) {
    Print("error: " + accounts.error());
    co_return 1;
  }
  if (auto w = WriteAccounts(o.out, *accounts); !w) {
    Print("error: " + w.error());
    co_return 1;
  }
  Print(fmt::format("registered {} accounts ({} .. {}) in {:.2f} s ({:.0f}/s), written to {}", o.count,
                    names.front(), names.back(), took, static_cast<double>(o.count) / took, o.out));
  nlohmann::json j{{"bench", "register"},
                   {"accounts", o.count},
                   {"seconds", took},
                   {"per_second", static_cast<double>(o.count) / took},
                   {"file", o.out}};
  Print(j.dump());
  co_return 0;
}

asio::awaitable<int> RunIdle(asio::io_context& io, IdleOptions o) {
  SystemClock clock;
  auto target = MakeTarget(o.relay, o.sources, clock);
  if (!target) {
    Print("error: " + target.error());
    co_return 1;
  }
  auto accounts = ReadAccounts(o.accounts);
  if (!accounts) {
    Print("error: " + accounts.error());
    co_return 1;
  }
  if (o.connections == 0 || o.connections > kMaxConnectionsPerProcess) {
    Print(fmt::format(
        "error: --connections must be 1..{} per process (descriptor limit); use several processes",
        kMaxConnectionsPerProcess));
    co_return 1;
  }
  if ((o.first + o.connections + kDevicesPerAccount - 1) / kDevicesPerAccount > accounts->size()) {
    Print(fmt::format("error: connections {}..{} need {} accounts of {} devices; the file has {}", o.first,
                      o.first + o.connections - 1, (o.first + o.connections + 15) / 16, kDevicesPerAccount,
                      accounts->size()));
    co_return 1;
  }

  std::vector<std::shared_ptr<client::RelayClient>> clients(o.connections);
  size_t up = 0, failed = 0;
  std::string first_error;
  const auto t0 = std::chrono::steady_clock::now();
  auto last_report = t0;
  const ParallelTask open_one = [&](size_t j) -> asio::awaitable<void> {
    const size_t i = o.first + j;
    auto s = co_await OpenSession(io, *target, (*accounts)[i / kDevicesPerAccount], i % kDevicesPerAccount, i,
                                  /*send_only=*/false);
    if (s) {
      clients[j] = std::move(s->client);
      ++up;
    } else {
      ++failed;
      if (first_error.empty()) first_error = s.error();
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_report >= std::chrono::seconds(5)) {
      last_report = now;
      std::fprintf(stderr, "idle[%zu..]: %zu up, %zu failed after %.1f s\n", o.first, up, failed,
                   Seconds(now - t0));
    }
  };
  co_await ParallelFor(o.connections, std::min(o.parallel, kMaxSetupParallelism), open_one);
  const double setup = Seconds(std::chrono::steady_clock::now() - t0);
  Print(fmt::format(
      "ready: {} of {} connections logged in (delivery sessions, queue drained), {} failed, in {:.1f} s "
      "({:.0f} logins/s){}",
      up, o.connections, failed, setup, static_cast<double>(up) / setup,
      first_error.empty() ? "" : "; first error: " + first_error));

  const auto held_from = std::chrono::steady_clock::now();
  const std::string why = co_await WaitForStop(o.watch_stdin, std::chrono::seconds(o.hold_seconds));
  const double held = Seconds(std::chrono::steady_clock::now() - held_from);
  size_t still = 0;
  for (auto& c : clients) {
    if (c && c->connected()) ++still;
  }
  for (auto& c : clients) {
    if (c) {
      co_await c->Close();
    }
  }
  Print(fmt::format("stopped ({}): {} of {} connections were still up after {:.0f} s", why, still, up, held));
  nlohmann::json j{{"bench", "idle"},
                   {"first", o.first},
                   {"connections", o.connections},
                   {"up", up},
                   {"failed", failed},
                   {"setup_seconds", setup},
                   {"logins_per_second", static_cast<double>(up) / setup},
                   {"held_seconds", held},
                   {"still_up_at_end", still},
                   {"stop", why},
                   {"first_error", first_error}};
  Print(j.dump());
  co_return failed == 0 ? 0 : 1;
}

}  // namespace sc::bench
