#include "securecomm/relay/login_throttle.h"

#include <gtest/gtest.h>

#include "securecomm/relay/limits.h"

namespace sc::relay {
namespace {

using securecomm::relay::v1::ErrorCode;

TEST(LoginThrottleTest, FreeFailuresThenDoublingThenLockout) {
  const auto p = AccountPolicy();
  int64_t now = 1'000'000;
  FailureRecord r;
  for (uint32_t i = 0; i < kAccountFreeFailures - 1; ++i) {
    r = AfterFailure(p, r.failed, now);
    EXPECT_EQ(Check(p, r.failed, r.not_before_ms, now).code, ErrorCode::OK) << i;
  }
  r = AfterFailure(p, r.failed, now);  // the last free one: now it slows down
  auto v = Check(p, r.failed, r.not_before_ms, now);
  EXPECT_EQ(v.code, ErrorCode::ACCOUNT_THROTTLED);
  EXPECT_EQ(v.retry_after_ms, 1000);
  EXPECT_EQ(Check(p, r.failed, r.not_before_ms, now + 1000).code, ErrorCode::OK);
  int64_t expected = 1000;
  while (r.failed + 1 < kAccountLockoutFailures) {
    now += 100'000;
    r = AfterFailure(p, r.failed, now);
    expected = std::min<int64_t>(expected * 2, kMaxThrottleDelay.count());
    EXPECT_EQ(Check(p, r.failed, r.not_before_ms, now).retry_after_ms, expected) << r.failed;
  }
  r = AfterFailure(p, r.failed, now);
  v = Check(p, r.failed, r.not_before_ms, now);
  EXPECT_EQ(v.code, ErrorCode::ACCOUNT_LOCKED);
  EXPECT_EQ(v.retry_after_ms, kAccountLockout.count());
  EXPECT_EQ(Check(p, r.failed, r.not_before_ms, now + kAccountLockout.count()).code, ErrorCode::OK);
  // After the lockout, one more failure locks again at once.
  r = AfterFailure(p, r.failed, now + kAccountLockout.count());
  EXPECT_EQ(Check(p, r.failed, r.not_before_ms, now + kAccountLockout.count()).code,
            ErrorCode::ACCOUNT_LOCKED);
}

TEST(LoginThrottleTest, AddressesAreTrackedSeparatelyAndForgottenAfterTheirMemory) {
  AddressThrottle t;
  for (uint32_t i = 0; i < kAddressFreeFailures; ++i) t.RecordFailure("10.0.0.1", 0);
  const auto v = t.Check("10.0.0.1", 0);
  EXPECT_EQ(v.code, ErrorCode::ADDRESS_THROTTLED);
  EXPECT_EQ(t.Check("10.0.0.2", 0).code, ErrorCode::OK);
  // Nothing clears a record but time: kAddressFailureMemory after its last failure, once its
  // wait is over, it counts as none, and the next failure starts a new count.
  const int64_t later = kAddressFailureMemory.count() + v.retry_after_ms + 1;
  EXPECT_EQ(t.Check("10.0.0.1", later).code, ErrorCode::OK);
  t.RecordFailure("10.0.0.1", later);
  EXPECT_EQ(t.Check("10.0.0.1", later).code, ErrorCode::OK) << "one failure of a new count is free";
}

TEST(LoginThrottleTest, TheAddressTableIsBounded) {
  AddressThrottle t;
  const int64_t later = kAddressFailureMemory.count() + 1;
  for (size_t i = 0; i < kMaxTrackedAddresses; ++i) t.RecordFailure("a" + std::to_string(i), 0);
  EXPECT_EQ(t.tracked(), kMaxTrackedAddresses);
  t.RecordFailure("newcomer", later);  // the old, forgiven records make room
  EXPECT_EQ(t.tracked(), 1u);
}

}  // namespace
}  // namespace sc::relay
