#include "message_run.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/this_coro.hpp>
#include <cstdio>

#include <fmt/format.h>

#include "bench_limits.h"

namespace sc::bench {
namespace {

void PutU64(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

void MessageRun::StampPayload(std::string& payload, uint64_t sequence, SteadyTime scheduled) {
  PutU64(payload.data(), static_cast<uint64_t>(scheduled.time_since_epoch().count()));
  PutU64(payload.data() + 8, sequence);
}

void MessageRun::OnAnswered(SteadyTime scheduled, bool ok, const std::string& error) {
  const auto now = std::chrono::steady_clock::now();
  if (!ok) {
    ++c.send_failures;
    ++c.errors[error];
    return;
  }
  ++c.answered_ok;
  if (InWindow(now)) ++c.ok_in_window;
  if (InWindow(scheduled)) answer_latency.Record(now - scheduled);
}

void MessageRun::OnDelivered(std::string_view payload) {
  const auto now = std::chrono::steady_clock::now();
  ++c.delivered;
  if (InWindow(now)) ++c.delivered_in_window;
  if (payload.size() < kMinPayload) return;
  const SteadyTime scheduled{
      std::chrono::steady_clock::duration(static_cast<int64_t>(GetU64(payload.data())))};
  if (InWindow(scheduled)) {
    ++c.delivered_of_window;
    delivery_latency.Record(now - scheduled);
  }
}

asio::awaitable<void> MessageRun::Drive(LoadSchedule& load, ServerProbe& probe, uint32_t warmup,
                                        uint32_t seconds, const std::function<bool()>& is_drained) {
  auto ex = co_await asio::this_coro::executor;
  load.Start();
  co_await Sleep(std::chrono::seconds(warmup));
  const auto before = co_await probe.Snapshot();
  window_start = before.at;
  window_end = window_start + std::chrono::seconds(seconds);
  bool stop_sampling = false;
  asio::co_spawn(ex, probe.Sample(&stop_sampling), asio::detached);
  std::fprintf(stderr, "measuring for %u s ...\n", seconds);
  co_await SleepUntil(window_end);
  stop_sampling = true;
  const auto after = co_await probe.Snapshot();
  load.Stop();
  probe_delta = probe.Delta(before, after);
  // The window's nominal length is used for rates; the snapshot's scrape took a few ms.
  const auto drain_from = std::chrono::steady_clock::now();
  const auto deadline = drain_from + kDrainTimeout;
  while (!(drained = is_drained()) && std::chrono::steady_clock::now() < deadline) {
    co_await Sleep(std::chrono::milliseconds(20));
  }
  drain_seconds = Seconds(std::chrono::steady_clock::now() - drain_from);
  co_await Sleep(std::chrono::milliseconds(50));  // the sampler and the scheduler's tick end
}

nlohmann::json MessageRun::Report(const std::string& title, const LoadSchedule& load, double seconds) const {
  auto print = [](const std::string& s) {
    std::fputs(s.c_str(), stdout);
    std::fputc('\n', stdout);
  };
  const double acked_rate = static_cast<double>(c.ok_in_window) / seconds;
  const double delivered_rate = static_cast<double>(c.delivered_in_window) / seconds;
  print(
      fmt::format("{}: sends issued {}, answered OK {}, failed {}, skipped (backlog full) {}, issued late {}",
                  title, load.issued(), c.answered_ok, c.send_failures, load.skipped(), load.late()));
  for (const auto& [e, n] : c.errors) print(fmt::format("  send error {}: {}", e, n));
  print(fmt::format("  throughput over the {:.0f} s window: {:.0f} acknowledged sends/s, {:.0f} deliveries/s",
                    seconds, acked_rate, delivered_rate));
  print("  latency scheduled send -> delivery: " + LatencyLine(delivery_latency));
  print("  latency scheduled send -> server ack: " + LatencyLine(answer_latency));
  const uint64_t missing = c.scheduled_in_window - std::min(c.scheduled_in_window, c.delivered_of_window);
  print(fmt::format(
      "  of {} sends scheduled in the window, {} delivered, {} missing after a drain of {:.1f} s{}",
      c.scheduled_in_window, c.delivered_of_window, missing, drain_seconds,
      drained ? "" : " (drain timed out)"));
  print(fmt::format("  receiver acks: {} ids confirmed in {} requests, {} failed; sessions lost {}",
                    c.acked_ids, c.ack_requests, c.ack_failures, c.sessions_lost));
  print(ServerProbe::Describe(probe_delta));
  std::fflush(stdout);
  return {{"acked_per_second", acked_rate},
          {"delivered_per_second", delivered_rate},
          {"window_seconds", seconds},
          {"issued", load.issued()},
          {"skipped", load.skipped()},
          {"late", load.late()},
          {"missing_of_window", missing},
          {"drained", drained},
          {"drain_seconds", drain_seconds},
          {"delivery_latency", LatencyJson(delivery_latency)},
          {"answer_latency", LatencyJson(answer_latency)},
          {"counters", CountersJson(c)},
          {"server", probe_delta}};
}

}  // namespace sc::bench
