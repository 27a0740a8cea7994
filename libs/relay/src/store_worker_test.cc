#include "securecomm/relay/store_worker.h"

#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/store/errors.h"
#include "securecomm/store/memory_relay_store.h"

namespace sc::relay {
namespace {

// Prepare gives `store` account 1 with devices 1, 2 and 3 (queues need their device).
void Prepare(store::RelayStore& store) {
  ASSERT_TRUE(store.Begin());
  ASSERT_EQ(store.CreateAccount({"alice", {}, {}, 3072, 0}).value_or(0), 1u);
  for (uint8_t k = 1; k <= 3; ++k) ASSERT_EQ(store.AddDevice(1, store::PublicKey32{k}, 0).value_or(0), k);
  ASSERT_TRUE(store.Commit());
}

store::NewMessage Message(uint32_t device) {
  store::NewMessage m;
  m.recipient = {1, device};
  m.sender = {2, 1};
  m.expires_ms = INT64_MAX;
  m.payload = {1, 2, 3};
  return m;
}

TEST(StoreWorkerTest, JobsRunInOrderAndDoneFollowsTheCommit) {
  store::MemoryRelayStore store;
  Prepare(store);
  std::vector<int> order;
  std::promise<void> all_done;
  int remaining = 100;
  {
    StoreWorker worker(store);
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(worker.Submit(
          [&, i](store::RelayStore& s) {
            order.push_back(i);
            return s.Enqueue(Message(1)).has_value();
          },
          [&](Status committed) {
            EXPECT_TRUE(committed);
            if (--remaining == 0) all_done.set_value();
          }));
    }
    all_done.get_future().wait();
    EXPECT_LE(worker.stats().batches.load(), 100u);
  }
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
  EXPECT_EQ(store.QueueDepth({1, 1}).value_or(0), 100u);
}

TEST(StoreWorkerTest, AFailedJobRollsBackOnlyItsOwnWrites) {
  store::MemoryRelayStore store;
  Prepare(store);
  std::promise<void> done;
  int remaining = 3;
  {
    StoreWorker worker(store);
    auto finish = [&](Status) {
      if (--remaining == 0) done.set_value();
    };
    ASSERT_TRUE(
        worker.Submit([](store::RelayStore& s) { return s.Enqueue(Message(1)).has_value(); }, finish));
    ASSERT_TRUE(worker.Submit(
        [](store::RelayStore& s) {
          (void)s.Enqueue(Message(2));
          return false;  // refused after writing: its write must vanish
        },
        finish));
    ASSERT_TRUE(
        worker.Submit([](store::RelayStore& s) { return s.Enqueue(Message(3)).has_value(); }, finish));
    done.get_future().wait();
  }
  EXPECT_EQ(store.QueueDepth({1, 1}).value_or(9), 1u);
  EXPECT_EQ(store.QueueDepth({1, 2}).value_or(9), 0u);
  EXPECT_EQ(store.QueueDepth({1, 3}).value_or(9), 1u);
}

// FailingCommitStore: a memory store whose commits fail, as on a full disk.
class FailingCommitStore : public store::MemoryRelayStore {
 public:
  Status Commit() override {
    Rollback();
    return Fail(store::Errc::kDiskFull);
  }
};

TEST(StoreWorkerTest, ACommitFailureReachesEveryJobOfTheBatch) {
  FailingCommitStore store;
  ASSERT_TRUE(store.Begin());
  ASSERT_EQ(store.CreateAccount({"alice", {}, {}, 3072, 0}).value_or(0), 1u);
  ASSERT_EQ(store.AddDevice(1, store::PublicKey32{1}, 0).value_or(0), 1u);
  ASSERT_TRUE(store.MemoryRelayStore::Commit());
  std::promise<void> done;
  int remaining = 10, failures = 0;
  {
    StoreWorker worker(store);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(worker.Submit([](store::RelayStore& s) { return s.Enqueue(Message(1)).has_value(); },
                                [&](Status committed) {
                                  if (!committed && committed.error() == store::Errc::kDiskFull) ++failures;
                                  if (--remaining == 0) done.set_value();
                                }));
    }
    done.get_future().wait();
    EXPECT_GE(worker.stats().commit_failures.load(), 1u);
  }
  EXPECT_EQ(failures, 10);
  EXPECT_EQ(store.QueueDepth({1, 1}).value_or(9), 0u) << "nothing of a failed batch remains";
}

TEST(StoreWorkerTest, StopRunsWhatIsQueuedAndRefusesMore) {
  store::MemoryRelayStore store;
  int ran = 0;
  StoreWorker worker(store);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(worker.Submit([&](store::RelayStore&) { return ++ran, true; }, [](Status) {}));
  }
  worker.Stop();
  EXPECT_EQ(ran, 50);
  EXPECT_FALSE(worker.Submit([](store::RelayStore&) { return true; }, [](Status) {}));
}

TEST(StoreWorkerTest, UrgentJobsRunBeforeTheOrdinaryOnesWaiting) {
  store::MemoryRelayStore store;
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::vector<std::string> order;
  StoreWorker worker(store);
  // The first job holds the worker until everything else is queued behind it.
  ASSERT_TRUE(worker.Submit(
      [&](store::RelayStore&) {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return release; });
        return true;
      },
      [](Status) {}));
  auto job = [&](std::string name) {
    return [&order, name = std::move(name)](store::RelayStore&) {
      order.push_back(name);
      return true;
    };
  };
  std::promise<void> done;
  ASSERT_TRUE(worker.Submit(job("o1"), [](Status) {}));
  ASSERT_TRUE(worker.Submit(job("o2"), [](Status) {}));
  ASSERT_TRUE(worker.Submit(
      job("u1"), [](Status) {}, StoreWorker::Priority::kUrgent));
  ASSERT_TRUE(worker.Submit(
      job("u2"), [](Status) {}, StoreWorker::Priority::kUrgent));
  ASSERT_TRUE(worker.Submit(job("o3"), [&](Status) { done.set_value(); }));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  done.get_future().wait();
  EXPECT_EQ(order, (std::vector<std::string>{"u1", "u2", "o1", "o2", "o3"}));
}

}  // namespace
}  // namespace sc::relay
