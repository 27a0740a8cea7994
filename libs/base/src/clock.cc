#include "securecomm/base/clock.h"

#include "securecomm/base/check.h"

namespace sc {

Clock::TimePoint SystemClock::Now() const noexcept {
  return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
}

int64_t SystemClock::UnixMillis() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ManualClock::Advance(Duration d) noexcept {
  SC_CHECK(d.count() >= 0);
  now_ += d;
}

}  // namespace sc
