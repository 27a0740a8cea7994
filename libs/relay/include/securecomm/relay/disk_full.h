// disk_full.h: the relay's disk-full mode (docs/relay.md "Disk full"; relay.md §2.6). When a
// store write fails for want of space (store::Errc::kDiskFull, from a statement or a commit),
// the mode is entered once: the adapter's reserve of disk space (DiskReserve; securecomm-relay
// keeps a preallocated file) is released so that the writes that shrink the store (acks, device
// removal, purges, logins' small records) can still commit, and the requests that grow it (the
// request table's grows_store rows) are refused STORAGE_FAILURE with kDiskFullRetryAfter. The
// store worker calls Check every kDiskFullCheckInterval: once the reserve can be recreated
// (enough free space again) the WAL is checkpointed and the mode is left, by itself.
//
//   ReserveFile reserve(data_dir / "relay.reserve", bytes);   // an adapter's DiskReserve
//   DiskFullMode disk_full(&reserve);
//   ServiceOptions options{.disk_full = &disk_full, ...};     // refuses grows_store requests
//   StoreWorker worker(store, idle, interval, &disk_full);    // enters on a failed commit, checks
//   metrics gauge: disk_full.active()
//
// Sans-I/O: the reserve is an interface; the mode only decides and logs. Enter, Check and
// the refusals run on the store worker's thread; active() may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "securecomm/relay/limits.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay {

// DiskReserve: disk space the adapter holds back for the writes that shrink the store.
class DiskReserve {
 public:
  virtual ~DiskReserve() = default;
  // Release gives the reserve's space back to the filesystem. Idempotent; never fails.
  virtual void Release() noexcept = 0;
  // Restore recreates the reserve if the free space now exceeds it plus a margin, and returns
  // whether the reserve is in place (true at once if it was never released).
  virtual bool Restore() = 0;
};

class DiskFullMode {
 public:
  // `reserve` may be null (disk_reserve_mib 0: nothing to release; the mode is left at the
  // first Check whose checkpoint succeeds, and entered again by the next failed write if the
  // disk is still full); it must outlive the mode.
  // `check_interval`: how often the store worker calls Check while active (tests shorten it).
  explicit DiskFullMode(DiskReserve* reserve = nullptr,
                        std::chrono::milliseconds check_interval = kDiskFullCheckInterval) noexcept
      : reserve_(reserve), check_interval_(check_interval) {}
  DiskFullMode(const DiskFullMode&) = delete;
  DiskFullMode& operator=(const DiskFullMode&) = delete;

  // active: requests that grow the store are refused. Any thread.
  bool active() const noexcept { return active_.load(std::memory_order_relaxed); }
  std::chrono::milliseconds check_interval() const noexcept { return check_interval_; }

  // Enter: a store write failed with kDiskFull. The first call of an episode releases the
  // reserve and logs a warning saying what to do; later calls only count.
  void Enter();

  // Check: while active, checkpoints the store's WAL (outside a transaction) and asks the
  // reserve to come back; once it is back, leaves the mode (logged) and returns true. Returns
  // false while still full, and at once when not active.
  bool Check(store::RelayStore& store);

  // Counters for tests and logs.
  uint64_t entered() const noexcept { return entered_.load(std::memory_order_relaxed); }
  uint64_t failures_seen() const noexcept { return failures_.load(std::memory_order_relaxed); }

 private:
  DiskReserve* reserve_;
  std::chrono::milliseconds check_interval_;
  std::atomic<bool> active_{false};
  std::atomic<uint64_t> entered_{0};   // episodes
  std::atomic<uint64_t> failures_{0};  // kDiskFull failures reported, in or out of the mode
  bool warned_still_full_ = false;
};

}  // namespace sc::relay
