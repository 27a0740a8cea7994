#include "securecomm/net/rate_limiter.h"

#include <gtest/gtest.h>

namespace sc::net {
namespace {

using namespace std::chrono_literals;

TEST(HandshakeLimiter, BurstThenRate) {
  ManualClock clock;
  HandshakeLimiter l({.per_second = 2, .burst = 3, .global_per_second = 1000, .max_tracked = 10});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.Allow("a", clock.Now()));
  EXPECT_FALSE(l.Allow("a", clock.Now()));
  EXPECT_TRUE(l.Allow("b", clock.Now()));  // another address has its own bucket
  clock.Advance(500ms);
  EXPECT_TRUE(l.Allow("a", clock.Now()));  // one token back after half a second at 2/s
  EXPECT_FALSE(l.Allow("a", clock.Now()));
}

TEST(HandshakeLimiter, GlobalCapHoldsAcrossAddresses) {
  ManualClock clock;
  HandshakeLimiter l({.per_second = 100, .burst = 100, .global_per_second = 5, .max_tracked = 1000});
  int allowed = 0;
  for (int i = 0; i < 50; ++i) allowed += l.Allow("addr" + std::to_string(i), clock.Now()) ? 1 : 0;
  EXPECT_EQ(allowed, 5);
}

TEST(HandshakeLimiter, TableIsBounded) {
  ManualClock clock;
  HandshakeLimiter l({.per_second = 1, .burst = 1, .global_per_second = 1e9, .max_tracked = 4});
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.Allow(std::to_string(i), clock.Now()));
  EXPECT_FALSE(l.Allow("new", clock.Now()));  // all four are busy: refuse rather than grow
  EXPECT_EQ(l.tracked(), 4u);
  clock.Advance(2s);  // all refilled: evicted to make room
  EXPECT_TRUE(l.Allow("new", clock.Now()));
  EXPECT_LE(l.tracked(), 4u);
}

}  // namespace
}  // namespace sc::net
