#include "securecomm/base/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "securecomm/base/check.h"

namespace sc {

void SystemRandom::Fill(std::span<uint8_t> out) noexcept {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    SC_CHECK(n > 0);  // no weak fallback: a machine without a CSPRNG must not run this
    done += static_cast<size_t>(n);
  }
}

void DeterministicRandom::Fill(std::span<uint8_t> out) noexcept {
  // SplitMix64 (Steele, Lea, Flood 2014): reproducible test data only.
  for (size_t i = 0; i < out.size(); i += 8) {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (size_t j = 0; j < 8 && i + j < out.size(); ++j) out[i + j] = static_cast<uint8_t>(z >> (8 * j));
  }
}

void ScriptedRandom::Fill(std::span<uint8_t> out) noexcept {
  SC_CHECK(next_ < script_.size());
  const auto& bytes = script_[next_++];
  SC_CHECK(bytes.size() == out.size());
  if (!out.empty()) {  // memcpy's pointers must not be null, even for 0 bytes (UBSan aborts)
    std::memcpy(out.data(), bytes.data(), out.size());
  }
}

}  // namespace sc
