#include "securecomm/relay/store_worker.h"

#include "securecomm/base/log.h"
#include "securecomm/relay/limits.h"
#include "securecomm/store/errors.h"

namespace sc::relay {

StoreWorker::StoreWorker(store::RelayStore& store, Idle idle, std::chrono::milliseconds idle_interval,
                         DiskFullMode* disk_full)
    : store_(&store),
      idle_(std::move(idle)),
      idle_interval_(idle_interval),
      disk_full_(disk_full),
      thread_([this] { Run(); }) {}

StoreWorker::~StoreWorker() {
  Stop();
}

bool StoreWorker::Submit(Work work, Done done, Priority priority) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= kMaxPendingJobs) {
      stats_.refused.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (priority == Priority::kUrgent) {  // behind the urgent jobs already waiting, ahead of the rest
      queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(urgent_waiting_),
                    Job{std::move(work), std::move(done)});
      ++urgent_waiting_;
    } else {
      queue_.push_back(Job{std::move(work), std::move(done)});
    }
    stats_.pending.store(queue_.size(), std::memory_order_relaxed);
  }
  cv_.notify_one();
  return true;
}

void StoreWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StoreWorker::Run() {
  auto next_idle = std::chrono::steady_clock::now() + idle_interval_;
  std::deque<Job> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      const auto wake = disk_full_seen_ ? std::min(next_idle, next_disk_check_) : next_idle;
      cv_.wait_until(lock, wake, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      const size_t n = std::min(queue_.size(), kMaxJobsPerBatch);
      urgent_waiting_ -= std::min(urgent_waiting_, n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stats_.pending.store(queue_.size(), std::memory_order_relaxed);
    }
    if (!batch.empty()) {
      RunBatch(batch);
      batch.clear();
    } else if (idle_ && std::chrono::steady_clock::now() >= next_idle) {
      if (store_->Begin()) {
        idle_(*store_);
        if (auto c = store_->Commit(); !c) {
          if (disk_full_ != nullptr && c.error() == store::Errc::kDiskFull) disk_full_->Enter();
          store_->Rollback();
        }
      }
      next_idle = std::chrono::steady_clock::now() + idle_interval_;
    }
    CheckDiskFull(std::chrono::steady_clock::now());
  }
}

void StoreWorker::CheckDiskFull(std::chrono::steady_clock::time_point now) {
  if (disk_full_ == nullptr) return;
  if (!disk_full_->active()) {
    disk_full_seen_ = false;
    return;
  }
  if (!disk_full_seen_) {  // just entered: the reserve was released now, look again later
    disk_full_seen_ = true;
    next_disk_check_ = now + disk_full_->check_interval();
    return;
  }
  if (now < next_disk_check_) return;
  if (disk_full_->Check(*store_)) disk_full_seen_ = false;
  next_disk_check_ = std::chrono::steady_clock::now() + disk_full_->check_interval();
}

void StoreWorker::RunBatch(std::deque<Job>& batch) {
  Status begun = store_->Begin();
  Status committed = begun;
  if (begun) {
    for (auto& job : batch) {
      if (!store_->Savepoint()) {
        job.work = nullptr;  // cannot isolate it: it does not run, and its done sees the failure below
        committed = Fail(store::Errc::kIoError);
        break;
      }
      const bool keep = job.work(*store_);
      stats_.jobs.fetch_add(1, std::memory_order_relaxed);
      if (!keep) {
        store_->RollbackToSavepoint();  // ends the savepoint too
      } else if (auto st = store_->ReleaseSavepoint(); !st) {
        committed = st;
        break;
      }
    }
    if (committed) committed = store_->Commit();
    if (!committed) store_->Rollback();
  }
  if (committed) {
    stats_.batches.fetch_add(1, std::memory_order_relaxed);
  } else {
    if (disk_full_ != nullptr && committed.error() == store::Errc::kDiskFull) disk_full_->Enter();
    stats_.commit_failures.fetch_add(1, std::memory_order_relaxed);
    SC_LOG_ERROR("relay store: a batch of {} requests failed to commit: {}", batch.size(),
                 committed.error().name());
  }
  for (auto& job : batch) job.done(committed);
}

}  // namespace sc::relay
