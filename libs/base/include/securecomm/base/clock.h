// clock.h: time, injected. Protocol cores never read the clock themselves (DESIGN.md §3); they
// take a Clock&, so tests drive time with ManualClock.
//
//   SystemClock clock;                    // production
//   ManualClock fake; fake.Advance(std::chrono::seconds(31));   // tests
//
// Thread safety: SystemClock is thread safe; ManualClock is not.
#pragma once

#include <chrono>
#include <cstdint>

namespace sc {

class Clock {
 public:
  using Duration = std::chrono::nanoseconds;
  // A point on a monotonic timeline: for timeouts and intervals, never for display.
  using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

  virtual ~Clock() = default;
  // Now returns the monotonic time; it never goes backwards.
  virtual TimePoint Now() const noexcept = 0;
  // UnixMillis returns wall-clock milliseconds since 1970-01-01 UTC, for timestamps on records.
  virtual int64_t UnixMillis() const noexcept = 0;
};

// SystemClock: std::chrono::steady_clock and system_clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const noexcept override;
  int64_t UnixMillis() const noexcept override;
};

// ManualClock: time moves only when the test says so. Starts at `start_unix_millis`.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_unix_millis = 1'700'000'000'000) noexcept
      : unix_millis_(start_unix_millis) {}
  TimePoint Now() const noexcept override { return TimePoint(now_); }
  int64_t UnixMillis() const noexcept override {
    return unix_millis_ + std::chrono::duration_cast<std::chrono::milliseconds>(now_).count();
  }
  // Advance moves both timelines forward by `d`. REQUIRES: d >= 0.
  void Advance(Duration d) noexcept;

 private:
  Duration now_{0};
  int64_t unix_millis_;
};

}  // namespace sc
