// Tests for the injected randomness and time sources.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/clock.h"
#include "securecomm/base/random.h"

namespace sc {
namespace {

using Bytes = std::vector<uint8_t>;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

Bytes Draw(Random& rng, size_t n) {
  Bytes out(n, 0);
  rng.Fill(out);
  return out;
}

bool AllZero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

TEST(DeterministicRandomTest, EqualSeedsGiveEqualStreams) {
  DeterministicRandom a(42);
  DeterministicRandom b(42);
  const Bytes a1 = Draw(a, 37);
  const Bytes a2 = Draw(a, 64);
  EXPECT_EQ(a1, Draw(b, 37));
  EXPECT_EQ(a2, Draw(b, 64));
  EXPECT_NE(a1, Bytes(a2.begin(), a2.begin() + 37));  // the stream moves on between calls
}

TEST(DeterministicRandomTest, DifferentSeedsGiveDifferentStreams) {
  DeterministicRandom a(42);
  DeterministicRandom b(43);
  EXPECT_NE(Draw(a, 32), Draw(b, 32));
}

TEST(DeterministicRandomTest, IsSplitMix64) {
  // The first SplitMix64 output for seed 0 is 0xe220a8397b1dcdaf, written little-endian. Pinning
  // it keeps recorded test transcripts reproducible across versions.
  DeterministicRandom rng(0);
  EXPECT_EQ(Draw(rng, 8), (Bytes{0xaf, 0xcd, 0x1d, 0x7b, 0x39, 0xa8, 0x20, 0xe2}));
}

TEST(SystemRandomTest, FillsWithFreshBytes) {
  SystemRandom rng;
  const Bytes a = Draw(rng, 32);
  const Bytes b = Draw(rng, 32);
  EXPECT_NE(a, b);
  EXPECT_FALSE(AllZero(a));
  EXPECT_FALSE(AllZero(b));

  Bytes big = Draw(rng, 1 << 20);  // large requests may be served in pieces
  EXPECT_FALSE(AllZero(Bytes(big.end() - 64, big.end())));
  rng.Fill({});  // an empty request is fine
}

TEST(ScriptedRandomTest, HandsOutBytesInOrder) {
  ScriptedRandom rng(std::vector<Bytes>{Bytes{1, 2, 3}, Bytes{4, 5}, Bytes{}});
  EXPECT_FALSE(rng.exhausted());
  EXPECT_EQ(Draw(rng, 3), (Bytes{1, 2, 3}));
  EXPECT_FALSE(rng.exhausted());
  EXPECT_EQ(Draw(rng, 2), (Bytes{4, 5}));
  EXPECT_FALSE(rng.exhausted());
  EXPECT_EQ(Draw(rng, 0), Bytes{});  // an empty request takes an empty entry (no null memcpy)
  EXPECT_TRUE(rng.exhausted());
}

// Each helper misuses a ScriptedRandom in one way; the death tests below run them.
void DrawPastTheEnd() {
  ScriptedRandom rng(std::vector<Bytes>{Bytes{1}});
  Draw(rng, 1);
  Draw(rng, 1);
}

void DrawWrongSize() {
  ScriptedRandom rng(std::vector<Bytes>{Bytes{1, 2}});
  Draw(rng, 3);
}

TEST(ScriptedRandomDeathTest, RunningOutOrSizeMismatchAborts) {
  EXPECT_DEATH(DrawPastTheEnd(), "check failed");
  EXPECT_DEATH(DrawWrongSize(), "check failed");
}

TEST(ManualClockTest, AdvanceMovesBothTimelines) {
  ManualClock clock;
  EXPECT_EQ(clock.Now().time_since_epoch(), Clock::Duration::zero());
  EXPECT_EQ(clock.UnixMillis(), 1'700'000'000'000);

  clock.Advance(milliseconds(1500));
  EXPECT_EQ(clock.Now().time_since_epoch(), milliseconds(1500));
  EXPECT_EQ(clock.UnixMillis(), 1'700'000'001'500);

  clock.Advance(microseconds(999));  // below a millisecond: Now moves, UnixMillis rounds down
  EXPECT_EQ(clock.Now().time_since_epoch(), microseconds(1'500'999));
  EXPECT_EQ(clock.UnixMillis(), 1'700'000'001'500);
  clock.Advance(microseconds(1));
  EXPECT_EQ(clock.UnixMillis(), 1'700'000'001'501);

  clock.Advance(Clock::Duration::zero());
  EXPECT_EQ(clock.UnixMillis(), 1'700'000'001'501);
}

TEST(ManualClockTest, StartsWhereTold) {
  ManualClock clock(/*start_unix_millis=*/1000);
  EXPECT_EQ(clock.UnixMillis(), 1000);
  clock.Advance(seconds(31));
  EXPECT_EQ(clock.UnixMillis(), 32'000);
  EXPECT_EQ(clock.Now().time_since_epoch(), seconds(31));
}

TEST(ManualClockDeathTest, NegativeAdvanceAborts) {
  ManualClock clock;
  EXPECT_DEATH(clock.Advance(milliseconds(-1)), "check failed");
}

TEST(SystemClockTest, IsMonotonicAndPlausible) {
  SystemClock clock;
  const Clock::TimePoint t1 = clock.Now();
  const Clock::TimePoint t2 = clock.Now();
  EXPECT_LE(t1, t2);
  EXPECT_GT(clock.UnixMillis(), int64_t{1'600'000'000'000});  // after September 2020
}

}  // namespace
}  // namespace sc
