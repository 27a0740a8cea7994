// metrics.h: a small thread-safe registry of counters and gauges, rendered in the Prometheus text
// exposition format 0.0.4 for the relay's /metrics endpoint.
//
//   Metrics metrics;                                       // one per process, built at startup
//   Counter& frames = metrics.AddCounter("sc_relay_frames_total", "SCP frames received.");
//   Gauge& sessions = metrics.AddGauge("sc_relay_sessions", "Open SCP sessions.");
//   LabeledCounter& drops =
//       metrics.AddLabeledCounter("sc_relay_drops_total", "Frames dropped, by reason.", "reason");
//   metrics.AddGaugeCallback("sc_relay_queue_depth", "Queued messages.", [&] { return q.size(); });
//
//   frames.Inc();                 // hot path: one relaxed atomic add, no lock, no allocation
//   sessions.Add(1);
//   drops.Inc(err.name());        // a lock and a lookup; allocates once per new label value
//   std::string page = metrics.Render();  // served with kPrometheusContentType
//
// Families are registered at startup and never removed; the references Add* returns stay valid for
// the registry's whole life. A bad metric or label name, or a name registered twice, is a
// programming error and aborts through SC_CHECK. Label values may come from untrusted input: they
// are escaped on output, and their number and length are bounded (kMaxLabelValues,
// kMaxLabelValueBytes) so no peer can grow the registry or the scrape. Never put secrets, user
// identifiers or message contents in a label value (DESIGN.md §7.4): a scrape is not access-controlled
// like the message store is.
//
// Thread safety: every member of every class here is thread safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sc {

// The Content-Type of Render's output (Prometheus text exposition format 0.0.4).
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// A labeled family keeps at most this many label values, plus one "other" series that absorbs the
// rest. Labels name small closed sets (error codes, frame types); 64 is several times the largest
// such set, and keeps a family's scrape under ~25 KiB even if label values are attacker-chosen.
inline constexpr size_t kMaxLabelValues = 64;
// A label value longer than this folds into "other": labels are short identifiers, and the bound
// keeps a family's memory under kMaxLabelValues * 128 bytes whatever a peer sends.
inline constexpr size_t kMaxLabelValueBytes = 128;
// The series that absorbs label values past kMaxLabelValues or longer than kMaxLabelValueBytes.
inline constexpr std::string_view kOtherLabelValue = "other";

// Counter: a monotonically increasing count. Aligned to a cache line so two hot counters updated
// from different threads do not contend for one line.
class alignas(64) Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // Inc adds `n` (wrapping at 2^64, which no real count reaches). Lock-free, never allocates.
  void Inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  // value returns the current count; concurrent Incs may or may not be included.
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Gauge: a value that goes up and down (open sessions, bytes buffered).
class alignas(64) Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  // Set replaces the value. Lock-free, never allocates.
  void Set(int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  // Add adds `delta` (negative to decrease). Lock-free, never allocates.
  void Add(int64_t delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// LabeledCounter: one Counter per value of a single label, e.g. drops by reason.
class LabeledCounter {
 public:
  LabeledCounter() = default;
  LabeledCounter(const LabeledCounter&) = delete;
  LabeledCounter& operator=(const LabeledCounter&) = delete;

  // Inc adds `n` to the counter of `label_value`, creating it at zero first. Once kMaxLabelValues
  // values exist, a new value counts toward kOtherLabelValue instead, as does any value longer than
  // kMaxLabelValueBytes. Takes a lock; allocates only when a new value is created. Any bytes are
  // accepted (Render escapes them); a caller's own "other" shares the overflow series.
  void Inc(std::string_view label_value, uint64_t n = 1);
  // value returns the count of `label_value` (0 if it was never incremented), as stored: a value
  // that was folded reads 0 here and is counted under kOtherLabelValue.
  uint64_t value(std::string_view label_value) const;
  // size returns the number of series, kOtherLabelValue included once created: at most
  // kMaxLabelValues + 1.
  size_t size() const;

 private:
  friend class Metrics;
  // AppendSamples appends one "name{label="value"} count" line per series, in value order.
  void AppendSamples(std::string& out, std::string_view name, std::string_view label_name) const;

  mutable std::mutex mu_;
  // Ordered, so Render's output is stable; std::less<> finds by string_view without a copy.
  // Counter does not move, so the map (node-based) constructs each in place.
  std::map<std::string, Counter, std::less<>> counters_;
};

// LabeledHistogram: latency observations in fixed buckets, one series per value of a label whose
// values are a closed set fixed at registration (e.g. the stages of a request). Rendered as a
// Prometheus histogram: cumulative `_bucket{le=...}` counts, `_sum` in seconds and `_count`.
class LabeledHistogram {
 public:
  LabeledHistogram(std::vector<std::string> label_values, std::vector<double> bounds_seconds);
  LabeledHistogram(const LabeledHistogram&) = delete;
  LabeledHistogram& operator=(const LabeledHistogram&) = delete;

  // Observe records one duration in the series `series` (the index of its label value at
  // registration). Negative durations count as zero. Lock-free (relaxed atomics), never allocates.
  // REQUIRES: series < number of label values.
  void Observe(size_t series, std::chrono::nanoseconds duration) noexcept;
  // count and sum_seconds read one series; concurrent Observes may or may not be included.
  uint64_t count(size_t series) const noexcept;
  double sum_seconds(size_t series) const noexcept;

 private:
  friend class Metrics;
  void AppendSamples(std::string& out, std::string_view name, std::string_view label_name) const;
  size_t stride() const noexcept { return bounds_.size() + 1; }  // the buckets, then +Inf

  std::vector<std::string> values_;
  std::vector<double> bounds_;
  std::vector<int64_t> bounds_ns_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // values x stride, not cumulative
  std::unique_ptr<std::atomic<uint64_t>[]> sums_ns_;  // per series
};

// Metrics: the registry. Not copyable or movable: it hands out references into itself.
class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // AddCounter registers a counter family and returns its counter, valid for the registry's life.
  // REQUIRES: `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*, ends in "_total" (the format's convention;
  // it is rendered as given) and is not registered yet.
  Counter& AddCounter(std::string name, std::string help);
  // AddGauge registers a gauge. REQUIRES: a valid name not registered yet.
  Gauge& AddGauge(std::string name, std::string help);
  // AddLabeledCounter registers a counter family with one label. REQUIRES: as AddCounter, and
  // `label_name` matches [a-zA-Z_][a-zA-Z0-9_]* without the reserved "__" prefix.
  LabeledCounter& AddLabeledCounter(std::string name, std::string help, std::string label_name);
  // AddGaugeCallback registers a gauge whose value `compute` returns at each Render (queue depth,
  // resident memory). `compute` runs on the rendering thread with the registry locked: it must be
  // thread safe, quick, and must not call this registry. If it throws, the sample renders as NaN.
  // REQUIRES: a valid name not registered yet; `compute` non-empty.
  void AddGaugeCallback(std::string name, std::string help, std::function<double()> compute);
  // AddLabeledHistogram registers a histogram family with one label whose values are
  // `label_values`, and buckets with the upper bounds `bounds_seconds` (+Inf is added).
  // REQUIRES: a valid name not registered yet (no "_total" suffix), a valid label name, at least
  // one label value, bounds strictly increasing and positive.
  LabeledHistogram& AddLabeledHistogram(std::string name, std::string help, std::string label_name,
                                        std::vector<std::string> label_values,
                                        std::vector<double> bounds_seconds);

  // Render returns every family in registration order, in the text exposition format 0.0.4:
  // "# HELP", "# TYPE" and the samples, each line ending in '\n'. HELP text escapes '\\' and
  // newline; label values escape '\\', '"' and newline. Values are read without stopping writers,
  // so families are not a consistent snapshot of one instant.
  std::string Render() const;

 private:
  enum class Kind { kCounter, kGauge, kLabeledCounter, kGaugeCallback, kHistogram };
  struct Family {
    std::string name;
    std::string help;
    Kind kind;
    const Counter* counter = nullptr;
    const Gauge* gauge = nullptr;
    const LabeledCounter* labeled = nullptr;
    const LabeledHistogram* histogram = nullptr;
    std::string label_name = {};
    std::function<double()> compute = {};
  };
  // Register checks the name and its uniqueness and appends the family. Requires mu_ held.
  void Register(Family family);

  mutable std::mutex mu_;
  std::vector<Family> families_;
  // Deques never move their elements on emplace_back: references handed out stay valid.
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<LabeledCounter> labeled_;
  std::deque<LabeledHistogram> histograms_;
};

}  // namespace sc
