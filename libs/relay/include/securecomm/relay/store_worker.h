// store_worker.h: one thread that owns the relay's store and runs every request against it in
// batches: one transaction per batch, one savepoint per job (group commit, DESIGN.md §6). A
// job's `done` runs only after its batch's Commit returned, so nothing is acknowledged before
// it is durable; if the commit fails, every job of the batch is told so and answers
// STORAGE_FAILURE.
//
//   StoreWorker worker(store);
//   worker.Submit([&](store::RelayStore& s) { outcome = service.Handle(ctx, frame); return outcome.ok(); },
//                 [&](Status committed) { asio::post(io, [=] { reply(committed ? outcome : failure); }); });
//
// Backpressure: at most kMaxPendingJobs wait; Submit then returns false and the caller answers
// STORAGE_FAILURE at once. Thread safety: Submit and Stop from any thread; the jobs and `done`
// callbacks run on the worker thread, in submission order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "securecomm/base/error.h"
#include "securecomm/relay/disk_full.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay {

class StoreWorker {
 public:
  // Work runs inside a savepoint; it returns true to keep its writes, false to roll them back.
  using Work = std::function<bool(store::RelayStore&)>;
  // Done learns whether the batch that ran the work committed.
  using Done = std::function<void(Status committed)>;
  // Idle runs on the worker thread when the queue is empty, at most once per `idle_interval`
  // (the relay purges expired messages there).
  using Idle = std::function<void(store::RelayStore&)>;

  struct Stats {
    std::atomic<uint64_t> batches{0};  // committed transactions (fsync batches)
    std::atomic<uint64_t> jobs{0};     // jobs run
    std::atomic<uint64_t> commit_failures{0};
    std::atomic<uint64_t> refused{0};  // Submit returned false
    std::atomic<uint64_t> pending{0};  // jobs waiting now
  };

  // `disk_full` (may be null; must outlive the worker): a batch whose commit fails with
  // kDiskFull enters the mode, and while it is active the worker calls its Check, outside any
  // transaction, every disk_full->check_interval(), even under load (disk_full.h).
  explicit StoreWorker(store::RelayStore& store, Idle idle = {},
                       std::chrono::milliseconds idle_interval = std::chrono::seconds(60),
                       DiskFullMode* disk_full = nullptr);
  ~StoreWorker();  // Stop()
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Priority: urgent jobs (the priority lane, relay.md §7.4) run before every ordinary job still
  // waiting, in their own submission order; they share the queue's bound.
  enum class Priority { kOrdinary, kUrgent };

  // Submit queues a job. False when the queue is full or the worker is stopping: the job will
  // never run and `done` is not called.
  [[nodiscard]] bool Submit(Work work, Done done, Priority priority = Priority::kOrdinary);

  // Stop runs every job already queued, then joins the thread. Idempotent.
  void Stop();

  const Stats& stats() const noexcept { return stats_; }

 private:
  struct Job {
    Work work;
    Done done;
  };
  void Run();
  void RunBatch(std::deque<Job>& batch);
  // CheckDiskFull runs the disk-full mode's Check when it is due.
  void CheckDiskFull(std::chrono::steady_clock::time_point now);

  store::RelayStore* store_;
  Idle idle_;
  std::chrono::milliseconds idle_interval_;
  DiskFullMode* disk_full_;
  bool disk_full_seen_ = false;  // the mode was active at the last look: a check is scheduled
  std::chrono::steady_clock::time_point next_disk_check_{};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  size_t urgent_waiting_ = 0;  // the first urgent_waiting_ jobs of queue_ are urgent
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace sc::relay
