#include "securecomm/net/partial_frame_budget.h"

#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace sc::net {
namespace {

TEST(PartialFrameBudgetTest, TakesUpToTheLimitAndNoMore) {
  auto shared = std::make_shared<PartialFrameBudget>(100);
  PartialFrameBudget& budget = *shared;
  EXPECT_TRUE(budget.TryTake(60));
  EXPECT_FALSE(budget.TryTake(41));  // refused whole: nothing taken
  EXPECT_EQ(budget.used(), 60u);
  EXPECT_TRUE(budget.TryTake(40));
  EXPECT_EQ(budget.used(), 100u);
  EXPECT_FALSE(budget.TryTake(1));
  budget.Give(100);
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(budget.limit(), 100u);
}

TEST(PartialFrameBudgetTest, LeaseGrowsWithinTheBudgetAndGivesBackWhenItShrinksOrDies) {
  auto shared = std::make_shared<PartialFrameBudget>(100);
  PartialFrameBudget& budget = *shared;
  {
    PartialFrameBudget::Lease a(shared);
    ASSERT_TRUE(a.Resize(70));
    PartialFrameBudget::Lease b(shared);
    EXPECT_FALSE(b.Resize(31));  // a refused growth leaves the lease as it was
    EXPECT_EQ(b.bytes(), 0u);
    ASSERT_TRUE(b.Resize(30));
    EXPECT_EQ(budget.used(), 100u);
    ASSERT_TRUE(a.Resize(20));  // shrinking always succeeds
    EXPECT_EQ(budget.used(), 50u);
    PartialFrameBudget::Lease moved(std::move(a));  // the moved-from lease holds nothing
    EXPECT_EQ(moved.bytes(), 20u);
    EXPECT_EQ(budget.used(), 50u);
    b = std::move(moved);  // b's 30 go back, and it takes over moved's 20
    EXPECT_EQ(budget.used(), 20u);
  }
  EXPECT_EQ(budget.used(), 0u);
}

TEST(PartialFrameBudgetTest, ALeaseWithoutABudgetAlwaysGrows) {
  PartialFrameBudget::Lease unbounded;
  EXPECT_TRUE(unbounded.Resize(size_t{1} << 40));
  EXPECT_EQ(unbounded.bytes(), size_t{1} << 40);
}

TEST(PartialFrameBudgetTest, ThreadsSharingItNeverPassTheLimit) {
  static constexpr size_t kLimit = 1000;
  auto budget = std::make_shared<PartialFrameBudget>(kLimit);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([budget] {
      PartialFrameBudget::Lease lease(budget);
      for (size_t i = 0; i < 20000; ++i) {
        (void)lease.Resize((i * 37) % 400);
        EXPECT_LE(budget->used(), kLimit);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(budget->used(), 0u);
}

}  // namespace
}  // namespace sc::net
