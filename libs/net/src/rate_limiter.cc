#include "securecomm/net/rate_limiter.h"

#include <algorithm>
#include <chrono>

namespace sc::net {

void HandshakeLimiter::Refill(Bucket& b, double rate, double cap, Clock::TimePoint now) {
  if (now <= b.last) return;
  const double seconds = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(cap, b.tokens + seconds * rate);
  b.last = now;
}

void HandshakeLimiter::Evict(Clock::TimePoint now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, options_.per_second, options_.burst, now);
    it = it->second.tokens >= options_.burst ? buckets_.erase(it) : std::next(it);
  }
}

bool HandshakeLimiter::Allow(const std::string& address, Clock::TimePoint now) {
  Refill(global_, options_.global_per_second, options_.global_per_second, now);
  if (global_.tokens < 1) return false;
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_tracked) Evict(now);
    if (buckets_.size() >= options_.max_tracked) return false;  // every tracked address is busy
    it = buckets_.emplace(address, Bucket{options_.burst, now}).first;
  }
  Refill(it->second, options_.per_second, options_.burst, now);
  if (it->second.tokens < 1) return false;
  it->second.tokens -= 1;
  global_.tokens -= 1;
  return true;
}

}  // namespace sc::net
