// random.h: randomness, injected. Protocol cores take a Random& so every state machine can be
// replayed deterministically in tests (DESIGN.md §3).
//
//   SystemRandom rng;                         // the kernel CSPRNG (getrandom)
//   SecretArray<32> k; rng.Fill(k.MutableExpose());
//
//   DeterministicRandom test_rng(42);         // tests only: NOT cryptographic
//   ScriptedRandom script({e_priv});          // tests: hand out given bytes, e.g. Noise ephemerals
//
// Thread safety: SystemRandom is thread safe; the test generators are not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace sc {

class Random {
 public:
  virtual ~Random() = default;
  // Fill overwrites every byte of `out` with random bytes. Never fails: a CSPRNG that cannot be
  // read is a broken machine, and the implementation aborts rather than return weak bytes.
  virtual void Fill(std::span<uint8_t> out) noexcept = 0;
};

// SystemRandom reads the kernel CSPRNG with getrandom(2), retrying on EINTR.
class SystemRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) noexcept override;
};

// DeterministicRandom: a seeded, reproducible stream (SplitMix64). For tests and benchmarks only;
// it is not a cryptographic generator and production code must never construct one.
class DeterministicRandom final : public Random {
 public:
  explicit DeterministicRandom(uint64_t seed) noexcept : state_(seed) {}
  void Fill(std::span<uint8_t> out) noexcept override;

 private:
  uint64_t state_;
};

// ScriptedRandom hands out the given byte strings in order, one per Fill call; each must match
// the size requested. Running out, or a size mismatch, is a test bug and aborts. Tests only.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<std::vector<uint8_t>> script) noexcept : script_(std::move(script)) {}
  void Fill(std::span<uint8_t> out) noexcept override;
  bool exhausted() const noexcept { return next_ == script_.size(); }

 private:
  std::vector<std::vector<uint8_t>> script_;
  size_t next_ = 0;
};

}  // namespace sc
