// relay_probe.h: what the messages modes observe of the server under load (the relay, or
// mosquitto): its /metrics counters (relay only), its resident memory and per-thread CPU from
// /proc, and this bench process's own CPU, as snapshots at the window's edges plus a sampler of
// the relay's store queue depth in between.
//
//   ServerProbe probe(metrics_url, relay_pid);
//   auto a = co_await probe.Snapshot();  ... window ...  auto b = co_await probe.Snapshot();
//   nlohmann::json j = ServerProbe::Delta(a, b);   // counters per second, CPU % per thread
#pragma once

#include <asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bench_common.h"

namespace sc::bench {

// Counters of a messages run, kept by the mode and reported the same way for relay and MQTT.
struct MessageCounters {
  uint64_t answered_ok = 0;    // sends the server acknowledged (relay: durable; MQTT: PUBACK)
  uint64_t send_failures = 0;  // sends answered with an error or lost with their connection
  std::map<std::string, uint64_t> errors;
  uint64_t delivered = 0;  // deliveries received by receivers
  uint64_t acked_ids = 0;  // receiver acknowledgements the server confirmed
  uint64_t ack_requests = 0;
  uint64_t ack_failures = 0;
  uint64_t ok_in_window = 0;
  uint64_t delivered_in_window = 0;
  uint64_t scheduled_in_window = 0;  // sends whose scheduled time fell in the window
  uint64_t delivered_of_window = 0;  // deliveries of those
  uint64_t sessions_lost = 0;
};

struct ProbeSnapshot {
  SteadyTime at;
  std::optional<std::string> metrics;  // the relay's /metrics body
  std::map<int, ThreadTime> threads;   // the server's threads
  std::optional<uint64_t> server_rss;
  std::optional<uint64_t> server_written;  // /proc/PID/io write_bytes: WAL, database, checkpoints
  double bench_cpu = 0;
  double bench_runqueue = 0;  // seconds this process's threads waited for a CPU
  // Machine-wide CPU seconds from /proc/stat: busy (user, nice, system, irq, softirq) and steal
  // (time the hypervisor ran someone else), to tell a quiet machine from a shared one.
  double machine_busy = 0, machine_steal = 0;
};

class ServerProbe {
 public:
  ServerProbe(std::optional<MetricsUrl> metrics, int server_pid)
      : metrics_(std::move(metrics)), pid_(server_pid) {}

  asio::awaitable<ProbeSnapshot> Snapshot();
  // Sample runs until `*stop` is true, scraping the store queue depth every kMetricsSampleInterval.
  asio::awaitable<void> Sample(const bool* stop);

  // Delta: rates and CPU shares between two snapshots, plus the sampled queue depth.
  nlohmann::json Delta(const ProbeSnapshot& a, const ProbeSnapshot& b) const;
  // Describe: the same as a few human-readable lines.
  static std::string Describe(const nlohmann::json& delta);

 private:
  std::optional<MetricsUrl> metrics_;
  int pid_;
  double depth_sum_ = 0, depth_max_ = 0;
  uint64_t depth_samples_ = 0;
};

// Percentiles of a histogram as JSON (milliseconds).
class LatencyHistogram;
nlohmann::json LatencyJson(const LatencyHistogram& h);
std::string LatencyLine(const LatencyHistogram& h);

// CountersJson: the counters as JSON.
nlohmann::json CountersJson(const MessageCounters& c);

}  // namespace sc::bench
