#include "securecomm/net/partial_frame_budget.h"

#include <utility>

#include "securecomm/base/check.h"

namespace sc::net {

bool PartialFrameBudget::TryTake(size_t bytes) noexcept {
  // A compare-exchange loop, not fetch_add then undo: an overshoot undone a moment later would
  // refuse another stream's small request that fitted.
  size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ - used) return false;  // used <= limit_ always holds
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

void PartialFrameBudget::Give(size_t bytes) noexcept {
  const size_t before = used_.fetch_sub(bytes, std::memory_order_relaxed);
  SC_CHECK(before >= bytes);
}

PartialFrameBudget::Lease::Lease(Lease&& other) noexcept
    : budget_(std::move(other.budget_)), bytes_(std::exchange(other.bytes_, 0)) {}

PartialFrameBudget::Lease& PartialFrameBudget::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    (void)Resize(0);
    budget_ = std::move(other.budget_);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

bool PartialFrameBudget::Lease::Resize(size_t bytes) noexcept {
  if (budget_ != nullptr) {
    if (bytes > bytes_ && !budget_->TryTake(bytes - bytes_)) return false;
    if (bytes < bytes_) budget_->Give(bytes_ - bytes);
  }
  bytes_ = bytes;
  return true;
}

}  // namespace sc::net
