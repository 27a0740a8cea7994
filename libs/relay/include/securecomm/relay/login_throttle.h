// login_throttle.h: slowing down password guessing (docs/protocol/relay.md §5.3). Sans-I/O: the
// caller passes the time. The first failures are free; then every attempt must wait twice as
// long as the one before (1 s, 2 s, 4 s, ... up to kMaxThrottleDelay); at the lockout count the
// account or address is locked for the lockout time. A success clears the record.
//
//   ThrottlePolicy p = AccountPolicy();
//   if (auto v = Check(p, record.failed, record.not_before_ms, now); v.code != ErrorCode::OK) refuse(v);
//   auto [failed, not_before] = AfterFailure(p, record.failed, now);   // store these
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "securecomm/proto/relay.pb.h"

namespace sc::relay {

using proto_ErrorCode = securecomm::relay::v1::ErrorCode;

struct ThrottlePolicy {
  uint32_t free_failures = 0;
  uint32_t lockout_failures = 0;
  std::chrono::milliseconds lockout{0};
  proto_ErrorCode throttled_code{};  // the answer while throttled
  proto_ErrorCode locked_code{};     // the answer while locked
};

ThrottlePolicy AccountPolicy() noexcept;
ThrottlePolicy AddressPolicy() noexcept;

struct ThrottleVerdict {
  proto_ErrorCode code{};  // OK, or the policy's throttled or locked code
  int64_t retry_after_ms = 0;
};

// Check says whether an attempt may proceed at `now_ms` given the stored failure record.
ThrottleVerdict Check(const ThrottlePolicy& policy, uint32_t failed, int64_t not_before_ms,
                      int64_t now_ms) noexcept;

struct FailureRecord {
  uint32_t failed = 0;
  int64_t not_before_ms = 0;
};
// AfterFailure is the record after one more failure at `now_ms`.
FailureRecord AfterFailure(const ThrottlePolicy& policy, uint32_t failed, int64_t now_ms) noexcept;

// AddressThrottle keeps failure records per source address in memory, bounded by
// kMaxTrackedAddresses (records older than kAddressFailureMemory are dropped first; if none is,
// the table is cleared of all but locked addresses). A record with no failure for
// kAddressFailureMemory that is not locked counts as none. A success does not clear it: it
// counts failures on every account from that address (relay.md §5.4). Not thread safe.
class AddressThrottle {
 public:
  ThrottleVerdict Check(const std::string& address, int64_t now_ms) const;
  void RecordFailure(const std::string& address, int64_t now_ms);
  size_t tracked() const noexcept { return records_.size(); }

 private:
  struct Entry {
    FailureRecord record;
    int64_t last_failure_ms = 0;
  };
  static bool Stale(const Entry& e, int64_t now_ms) noexcept;
  void Evict(int64_t now_ms);
  std::unordered_map<std::string, Entry> records_;
};

}  // namespace sc::relay
