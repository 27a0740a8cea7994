// latency_histogram.h: a log-linear histogram of durations in microseconds, bounded in memory
// whatever the number of samples (HdrHistogram's idea, ~0.2 % precision).
//
//   LatencyHistogram h;
//   h.Record(std::chrono::microseconds(1234));
//   double p99_ms = h.PercentileMicros(99.0) / 1000.0;
//
// Not thread safe (each bench process records on its one io thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace sc::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Record adds one sample; negative durations count as 0, huge ones land in the last bucket.
  void Record(std::chrono::nanoseconds d) noexcept;
  // Merge adds every sample of `other`.
  void Merge(const LatencyHistogram& other) noexcept;

  uint64_t count() const noexcept { return count_; }
  // PercentileMicros returns the smallest bucket value v such that at least p % of the samples
  // are <= v (the bucket's upper edge), or 0 with no samples. REQUIRES: 0 <= p <= 100.
  double PercentileMicros(double p) const noexcept;
  double MaxMicros() const noexcept { return static_cast<double>(max_us_); }
  double MeanMicros() const noexcept {
    return count_ == 0 ? 0 : static_cast<double>(sum_us_) / static_cast<double>(count_);
  }

 private:
  static size_t Index(uint64_t us) noexcept;
  static uint64_t UpperEdge(size_t index) noexcept;

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t max_us_ = 0;
  uint64_t sum_us_ = 0;
};

}  // namespace sc::bench
