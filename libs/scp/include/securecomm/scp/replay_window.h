// replay_window.h: the anti-replay sliding window for datagrams (RFC 6479's bitmap, as WireGuard
// uses it; docs/protocol/scp.md §7). Blocks of 64 bits in a ring; the window covers
// (kBlocks - 1) * 64 counters below the newest one seen.
//
//   ReplayWindow<> w;
//   if (w.Check(seq)) { /* authenticate the frame */ w.Commit(seq); }
//
// Check never changes state, so a forged frame (checked before authentication) cannot move the
// window. Not thread safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "securecomm/scp/limits.h"

namespace sc::scp {

template <size_t kBlocks = kReplayWindowBlocks>
class ReplayWindow {
  static_assert(kBlocks >= 2 && (kBlocks & (kBlocks - 1)) == 0, "a power of two, at least 2");

 public:
  static constexpr uint64_t kWindow = (kBlocks - 1) * 64;

  // `limit`: counters >= limit are always refused (the nonce-exhaustion bound).
  explicit ReplayWindow(uint64_t limit = kMaxSequence + 1) noexcept : limit_(limit) {}

  // Check returns whether `counter` would be accepted: below the limit, not older than the
  // window, and not seen before.
  bool Check(uint64_t counter) const noexcept {
    if (counter >= limit_) return false;
    if (counter > last_) return true;
    if (last_ - counter > kWindow) return false;
    return (bits_[(counter >> 6) % kBlocks] & (uint64_t{1} << (counter & 63))) == 0;
  }

  // Commit records `counter` as seen. REQUIRES: Check(counter) returned true.
  void Commit(uint64_t counter) noexcept {
    const uint64_t index = counter >> 6;
    if (counter > last_) {
      const uint64_t current = last_ >> 6;
      const uint64_t diff = index - current;
      const uint64_t clear = diff < kBlocks ? diff : kBlocks;
      for (uint64_t i = 1; i <= clear; ++i) bits_[(current + i) % kBlocks] = 0;
      last_ = counter;
    }
    bits_[index % kBlocks] |= uint64_t{1} << (counter & 63);
  }

  // CheckAndCommit: both steps, for callers that have already authenticated the frame.
  bool CheckAndCommit(uint64_t counter) noexcept {
    if (!Check(counter)) return false;
    Commit(counter);
    return true;
  }

 private:
  uint64_t limit_;
  uint64_t last_ = 0;
  std::array<uint64_t, kBlocks> bits_{};
};

}  // namespace sc::scp
