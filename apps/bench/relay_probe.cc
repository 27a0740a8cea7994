#include "relay_probe.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "bench_limits.h"
#include "latency_histogram.h"

namespace sc::bench {
namespace {

// MachineCpu reads the "cpu" line of /proc/stat (proc(5)): busy and steal seconds of all cores.
void MachineCpu(double& busy, double& steal) {
  std::ifstream in("/proc/stat");
  std::string cpu;
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, st = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> st;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  busy = static_cast<double>(user + nice + system + irq + softirq) / ticks;
  steal = static_cast<double>(st) / ticks;
}

}  // namespace

asio::awaitable<ProbeSnapshot> ServerProbe::Snapshot() {
  ProbeSnapshot s;
  if (metrics_) {
    auto body = co_await Scrape(*metrics_);
    if (body) s.metrics = std::move(*body);
  }
  s.at = std::chrono::steady_clock::now();
  if (pid_ > 0) {
    s.threads = ThreadTimes(pid_);
    s.server_rss = ResidentBytes(pid_);
    s.server_written = WrittenBytes(pid_);
  }
  s.bench_cpu = ProcessCpuSeconds();
  for (const auto& [tid, t] : ThreadTimes(static_cast<int>(::getpid())))
    s.bench_runqueue += t.runqueue_seconds;
  MachineCpu(s.machine_busy, s.machine_steal);
  co_return s;
}

asio::awaitable<void> ServerProbe::Sample(const bool* stop) {
  if (!metrics_) co_return;
  while (!*stop) {
    auto body = co_await Scrape(*metrics_);
    if (body) {
      if (auto d = MetricValue(*body, "securecomm_relay_store_queue_depth")) {
        depth_sum_ += *d;
        depth_max_ = std::max(depth_max_, *d);
        ++depth_samples_;
      }
    }
    co_await Sleep(kMetricsSampleInterval);
  }
}

// StageTotals: the relay's securecomm_relay_stage_seconds histogram, as stage -> (sum, count).
// The stage names come from the scrape itself (docs/relay.md lists them).
namespace {

std::map<std::string, std::pair<double, double>> StageTotals(const std::string& body) {
  static const std::string kSum = "securecomm_relay_stage_seconds_sum{stage=\"";
  static const std::string kCount = "securecomm_relay_stage_seconds_count{stage=\"";
  std::map<std::string, std::pair<double, double>> out;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    const bool sum = line.starts_with(kSum);
    if (!sum && !line.starts_with(kCount)) continue;
    const size_t start = (sum ? kSum : kCount).size();
    const size_t end = line.find("\"} ", start);
    if (end == std::string::npos) continue;
    try {  // a scrape is input: std::stod throws on garbage
      const double v = std::stod(line.substr(end + 3));
      auto& slot = out[line.substr(start, end - start)];
      (sum ? slot.first : slot.second) = v;
    } catch (...) {
      continue;
    }
  }
  return out;
}

}  // namespace

nlohmann::json ServerProbe::Delta(const ProbeSnapshot& a, const ProbeSnapshot& b) const {
  const double dt = Seconds(b.at - a.at);
  nlohmann::json j;
  j["seconds"] = dt;
  if (a.metrics && b.metrics) {
    auto delta = [&](const char* name) -> std::optional<double> {
      auto x = MetricValue(*a.metrics, name), y = MetricValue(*b.metrics, name);
      if (!x || !y) return std::nullopt;
      return *y - *x;
    };
    const auto batches = delta("securecomm_relay_store_batches");
    const auto jobs = delta("securecomm_relay_store_jobs");
    if (batches && jobs) {
      j["store_batches_per_second"] = *batches / dt;
      j["store_jobs_per_second"] = *jobs / dt;
      j["store_jobs_per_batch"] = *batches > 0 ? *jobs / *batches : 0.0;
    }
    if (auto m = delta("securecomm_relay_messages_in_total")) j["relay_messages_in_per_second"] = *m / dt;
    if (auto m = delta("securecomm_relay_messages_out_total")) j["relay_messages_out_per_second"] = *m / dt;
    if (auto m = delta("securecomm_relay_acks_total")) j["relay_acks_per_second"] = *m / dt;
    if (auto m = delta("securecomm_relay_slow_readers_total")) j["relay_slow_readers"] = *m;
    if (auto f = delta("securecomm_relay_store_commit_failures")) j["store_commit_failures"] = *f;
    if (auto r = MetricValue(*b.metrics, "securecomm_relay_resident_bytes")) j["relay_resident_bytes"] = *r;
    const auto before = StageTotals(*a.metrics);
    nlohmann::json stages = nlohmann::json::object();
    for (const auto& [stage, after] : StageTotals(*b.metrics)) {
      const auto it = before.find(stage);
      const double n = after.second - (it == before.end() ? 0 : it->second.second);
      const double sum = after.first - (it == before.end() ? 0 : it->second.first);
      if (n > 0) stages[stage] = {{"count", n}, {"mean_ms", 1e3 * sum / n}};
    }
    if (!stages.empty()) j["relay_stages"] = stages;
  }
  if (depth_samples_ > 0) {
    j["store_queue_depth_mean"] = depth_sum_ / static_cast<double>(depth_samples_);
    j["store_queue_depth_max"] = depth_max_;
  }
  if (!b.threads.empty()) {
    nlohmann::json threads = nlohmann::json::array();
    double total = 0;
    for (const auto& [tid, t] : b.threads) {
      const auto it = a.threads.find(tid);
      const double used = t.cpu_seconds - (it == a.threads.end() ? 0 : it->second.cpu_seconds);
      const double waited = t.runqueue_seconds - (it == a.threads.end() ? 0 : it->second.runqueue_seconds);
      total += used;
      if (used / dt < 0.005) continue;  // idle helper threads
      threads.push_back({{"tid", tid},
                         {"name", t.name},
                         {"main", tid == pid_},
                         {"cpu_percent", 100 * used / dt},
                         {"runqueue_wait_percent", 100 * waited / dt}});
    }
    j["server_threads"] = threads;
    j["server_cpu_percent"] = 100 * total / dt;
  }
  if (b.server_rss) j["server_resident_bytes"] = *b.server_rss;
  if (a.server_written && b.server_written) {
    j["server_disk_write_bytes_per_second"] = static_cast<double>(*b.server_written - *a.server_written) / dt;
  }
  j["bench_cpu_percent"] = 100 * (b.bench_cpu - a.bench_cpu) / dt;
  j["bench_runqueue_wait_percent"] = 100 * (b.bench_runqueue - a.bench_runqueue) / dt;
  const double machine = 100 * (b.machine_busy - a.machine_busy) / dt;
  j["machine_cpu_percent"] = machine;  // of one core; the machine has nproc * 100
  j["machine_steal_percent"] = 100 * (b.machine_steal - a.machine_steal) / dt;
  // Everything else on the machine: other users' builds and tests make a run meaningless.
  j["other_cpu_percent"] =
      std::max(0.0, machine - j["bench_cpu_percent"].get<double>() - j.value("server_cpu_percent", 0.0));
  return j;
}

std::string ServerProbe::Describe(const nlohmann::json& d) {
  std::string out;
  if (d.contains("store_batches_per_second")) {
    out += fmt::format(
        "  relay store: {:.0f} transactions/s (fsync batches), {:.0f} jobs/s, {:.1f} jobs per batch",
        d["store_batches_per_second"].get<double>(), d["store_jobs_per_second"].get<double>(),
        d["store_jobs_per_batch"].get<double>());
    if (d.contains("store_queue_depth_mean")) {
      out += fmt::format("; queue depth mean {:.1f}, max {:.0f}", d["store_queue_depth_mean"].get<double>(),
                         d["store_queue_depth_max"].get<double>());
    }
    out += "\n";
  }
  if (d.contains("relay_messages_in_per_second")) {
    out += fmt::format("  relay counters: {:.0f} messages in/s, {:.0f} out/s, {:.0f} acks/s\n",
                       d["relay_messages_in_per_second"].get<double>(),
                       d.value("relay_messages_out_per_second", 0.0), d.value("relay_acks_per_second", 0.0));
  }
  if (d.contains("relay_stages")) {
    out += "  relay stages, mean over the window:";
    for (const auto& [stage, v] : d["relay_stages"].items()) {
      out += fmt::format(" {} {:.3f} ms;", stage, v["mean_ms"].get<double>());
    }
    out += "\n";
  }
  if (d.contains("server_threads")) {
    out += fmt::format("  server CPU {:.0f} % in all:", d["server_cpu_percent"].get<double>());
    for (const auto& t : d["server_threads"]) {
      out += fmt::format(" [{} {}{}: {:.0f} % on CPU, {:.0f} % runnable but waiting for one]",
                         t["tid"].get<int>(), t["name"].get<std::string>(),
                         t["main"].get<bool>() ? " (main)" : "", t["cpu_percent"].get<double>(),
                         t["runqueue_wait_percent"].get<double>());
    }
    out += "\n";
  }
  if (d.contains("server_disk_write_bytes_per_second")) {
    out += fmt::format("  server writes to storage: {:.1f} MB/s",
                       d["server_disk_write_bytes_per_second"].get<double>() / 1e6);
    if (d.contains("relay_messages_in_per_second") && d["relay_messages_in_per_second"].get<double>() > 0) {
      out += fmt::format(" ({:.0f} B per message)", d["server_disk_write_bytes_per_second"].get<double>() /
                                                        d["relay_messages_in_per_second"].get<double>());
    }
    out += "\n";
  }
  if (d.contains("server_resident_bytes")) {
    out += fmt::format("  server resident memory: {:.1f} MiB\n",
                       d["server_resident_bytes"].get<double>() / 1048576.0);
  }
  out += fmt::format(
      "  load generator CPU: {:.0f} % (and {:.0f} % runnable but waiting); whole machine {:.0f} % of {}00 %, "
      "of which other processes "
      "{:.0f} %, hypervisor steal {:.0f} %",
      d["bench_cpu_percent"].get<double>(), d["bench_runqueue_wait_percent"].get<double>(),
      d["machine_cpu_percent"].get<double>(), ::sysconf(_SC_NPROCESSORS_ONLN),
      d["other_cpu_percent"].get<double>(), d["machine_steal_percent"].get<double>());
  if (d["other_cpu_percent"].get<double>() > 15)
    out += "\n  WARNING: other processes used the CPU during the window";
  return out;
}

nlohmann::json LatencyJson(const LatencyHistogram& h) {
  return {{"samples", h.count()},
          {"p50_ms", h.PercentileMicros(50) / 1000},
          {"p90_ms", h.PercentileMicros(90) / 1000},
          {"p99_ms", h.PercentileMicros(99) / 1000},
          {"p999_ms", h.PercentileMicros(99.9) / 1000},
          {"max_ms", h.MaxMicros() / 1000},
          {"mean_ms", h.MeanMicros() / 1000}};
}

std::string LatencyLine(const LatencyHistogram& h) {
  return fmt::format(
      "p50 {:.2f} ms, p90 {:.2f} ms, p99 {:.2f} ms, p99.9 {:.2f} ms, max {:.2f} ms ({} samples)",
      h.PercentileMicros(50) / 1000, h.PercentileMicros(90) / 1000, h.PercentileMicros(99) / 1000,
      h.PercentileMicros(99.9) / 1000, h.MaxMicros() / 1000, h.count());
}

nlohmann::json CountersJson(const MessageCounters& c) {
  return {{"answered_ok", c.answered_ok},
          {"send_failures", c.send_failures},
          {"errors", c.errors},
          {"delivered", c.delivered},
          {"acked_ids", c.acked_ids},
          {"ack_requests", c.ack_requests},
          {"ack_failures", c.ack_failures},
          {"ok_in_window", c.ok_in_window},
          {"delivered_in_window", c.delivered_in_window},
          {"scheduled_in_window", c.scheduled_in_window},
          {"delivered_of_window", c.delivered_of_window},
          {"sessions_lost", c.sessions_lost}};
}

}  // namespace sc::bench
