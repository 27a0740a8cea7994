// partial_frame_budget.h: PartialFrameBudget, the read-buffer memory that all of a server's SCP
// streams may hold at once for frames in progress, so that peers which announce large frames and
// stall cannot add up to gigabytes (docs/protocol/scp.md §10, "Frames in progress").
//
//   auto budget = std::make_shared<PartialFrameBudget>(64 << 20);  // one per server
//   ScpStream s(std::move(sock), std::move(session), clock, {.budget = budget});
//   metrics_gauge.Set(budget->used());                    // what the streams hold now
//
// A stream's read buffer up to kPartialFrameAllowance is its own; every byte beyond that is drawn
// from the budget with a Lease, before the buffer is allocated, and given back when the buffer
// shrinks or is freed. A stream whose frame in progress needs more than the budget has left is
// ended (scp_stream.h); frames that fit the allowance never need the budget, so a spent budget
// does not stop small frames.
//
// Thread safety: a budget may be shared by streams on any threads (one atomic counter); a Lease
// belongs to one stream and is used by one thread at a time. Each lease keeps its budget alive, so
// a stream destroyed after its server (with the io_context) still gives its bytes back safely.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>

namespace sc::net {

class PartialFrameBudget {
 public:
  explicit PartialFrameBudget(size_t limit) noexcept : limit_(limit) {}
  PartialFrameBudget(const PartialFrameBudget&) = delete;
  PartialFrameBudget& operator=(const PartialFrameBudget&) = delete;

  // TryTake reserves `bytes` and returns true, or returns false and reserves nothing if the
  // reservations would then pass the limit.
  [[nodiscard]] bool TryTake(size_t bytes) noexcept;
  // Give returns `bytes` taken earlier. REQUIRES: bytes <= used().
  void Give(size_t bytes) noexcept;

  size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  size_t limit() const noexcept { return limit_; }

  // Lease: what one stream holds of a budget (none without a budget: then every Resize succeeds).
  // Gives its bytes back on destruction; a moved-from lease holds nothing.
  class Lease {
   public:
    Lease() noexcept = default;
    explicit Lease(std::shared_ptr<PartialFrameBudget> budget) noexcept : budget_(std::move(budget)) {}
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { (void)Resize(0); }

    // Resize makes the lease hold `bytes`: shrinking always succeeds; growing takes the
    // difference from the budget, or returns false and leaves the lease as it was.
    [[nodiscard]] bool Resize(size_t bytes) noexcept;
    size_t bytes() const noexcept { return bytes_; }

   private:
    std::shared_ptr<PartialFrameBudget> budget_;
    size_t bytes_ = 0;
  };

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

}  // namespace sc::net
