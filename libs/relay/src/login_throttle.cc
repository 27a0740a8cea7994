#include "securecomm/relay/login_throttle.h"

#include <algorithm>

#include "securecomm/relay/limits.h"

namespace sc::relay {

using securecomm::relay::v1::ErrorCode;

ThrottlePolicy AccountPolicy() noexcept {
  return {kAccountFreeFailures, kAccountLockoutFailures, kAccountLockout, ErrorCode::ACCOUNT_THROTTLED,
          ErrorCode::ACCOUNT_LOCKED};
}

ThrottlePolicy AddressPolicy() noexcept {
  return {kAddressFreeFailures, kAddressLockoutFailures, kAddressLockout, ErrorCode::ADDRESS_THROTTLED,
          ErrorCode::ADDRESS_THROTTLED};
}

ThrottleVerdict Check(const ThrottlePolicy& policy, uint32_t failed, int64_t not_before_ms,
                      int64_t now_ms) noexcept {
  if (failed < policy.free_failures || now_ms >= not_before_ms) return {ErrorCode::OK, 0};
  return {failed >= policy.lockout_failures ? policy.locked_code : policy.throttled_code,
          not_before_ms - now_ms};
}

FailureRecord AfterFailure(const ThrottlePolicy& policy, uint32_t failed, int64_t now_ms) noexcept {
  FailureRecord r;
  r.failed = failed == UINT32_MAX ? failed : failed + 1;
  if (r.failed >= policy.lockout_failures) {
    r.not_before_ms = now_ms + policy.lockout.count();
  } else if (r.failed >= policy.free_failures) {
    const uint32_t doublings = std::min<uint32_t>(r.failed - policy.free_failures, 30);
    const int64_t delay = std::min<int64_t>(int64_t{1000} << doublings, kMaxThrottleDelay.count());
    r.not_before_ms = now_ms + delay;
  }
  return r;
}

// Stale: no failure for kAddressFailureMemory and not locked now: the record counts as none.
bool AddressThrottle::Stale(const Entry& e, int64_t now_ms) noexcept {
  return now_ms - e.last_failure_ms > kAddressFailureMemory.count() && now_ms >= e.record.not_before_ms;
}

ThrottleVerdict AddressThrottle::Check(const std::string& address, int64_t now_ms) const {
  auto it = records_.find(address);
  if (it == records_.end() || Stale(it->second, now_ms)) return {ErrorCode::OK, 0};
  return relay::Check(AddressPolicy(), it->second.record.failed, it->second.record.not_before_ms, now_ms);
}

void AddressThrottle::RecordFailure(const std::string& address, int64_t now_ms) {
  auto it = records_.find(address);
  if (it == records_.end()) {
    if (records_.size() >= kMaxTrackedAddresses) Evict(now_ms);
    it = records_.emplace(address, Entry{}).first;
  } else if (Stale(it->second, now_ms)) {
    it->second = Entry{};
  }
  it->second.record = AfterFailure(AddressPolicy(), it->second.record.failed, now_ms);
  it->second.last_failure_ms = now_ms;
}

void AddressThrottle::Evict(int64_t now_ms) {
  std::erase_if(records_, [&](const auto& kv) { return Stale(kv.second, now_ms); });
  if (records_.size() < kMaxTrackedAddresses) return;
  std::erase_if(records_, [&](const auto& kv) { return now_ms >= kv.second.record.not_before_ms; });
  if (records_.size() >= kMaxTrackedAddresses) records_.clear();  // a flood of locked addresses: start over
}

}  // namespace sc::relay
