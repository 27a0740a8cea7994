#include "latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "bench_limits.h"

namespace sc::bench {
namespace {

constexpr uint64_t kSub = uint64_t{1} << kHistogramSubBits;  // exact range, then buckets per octave
constexpr size_t kBuckets =
    kSub + static_cast<size_t>(kHistogramMaxExponent - kHistogramSubBits) * (kSub / 2);

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

// Index: values below kSub map to themselves; above, an octave [2^e, 2^(e+1)) is split into
// kSub/2 buckets by the bits just below the leading one.
size_t LatencyHistogram::Index(uint64_t us) noexcept {
  if (us < kSub) return static_cast<size_t>(us);
  const int top = static_cast<int>(std::bit_width(us)) - 1;  // >= kHistogramSubBits
  if (top >= kHistogramMaxExponent) return kBuckets - 1;
  const int shift = top - (kHistogramSubBits - 1);
  const uint64_t mantissa = (us >> shift) - kSub / 2;  // 0 .. kSub/2 - 1
  return static_cast<size_t>(kSub + static_cast<uint64_t>(top - kHistogramSubBits) * (kSub / 2) + mantissa);
}

uint64_t LatencyHistogram::UpperEdge(size_t index) noexcept {
  if (index < kSub) return index;
  const uint64_t rel = index - kSub;
  const int top = static_cast<int>(rel / (kSub / 2)) + kHistogramSubBits;
  const uint64_t mantissa = rel % (kSub / 2) + kSub / 2;
  const int shift = top - (kHistogramSubBits - 1);
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::Record(std::chrono::nanoseconds d) noexcept {
  const int64_t ns = std::max<int64_t>(d.count(), 0);
  const auto us = static_cast<uint64_t>((ns + 500) / 1000);
  ++buckets_[Index(us)];
  ++count_;
  sum_us_ += us;
  max_us_ = std::max(max_us_, us);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) noexcept {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_us_ += other.sum_us_;
  max_us_ = std::max(max_us_, other.max_us_);
}

double LatencyHistogram::PercentileMicros(double p) const noexcept {
  if (count_ == 0) return 0;
  const auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  const uint64_t target = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= target) return static_cast<double>(std::min(UpperEdge(i), max_us_));
  }
  return static_cast<double>(max_us_);
}

}  // namespace sc::bench
