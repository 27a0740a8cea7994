// secret.h: types that hold key material and other secrets.
//
// SecretArray<N> holds exactly N secret bytes inline; SecretBytes holds a variable number on the
// heap. Both:
//   - wipe their bytes when destroyed, when moved from, and (SecretBytes) on every reallocation;
//   - cannot be copied implicitly (Clone() is the explicit, greppable copy);
//   - compare only in constant time;
//   - cannot be printed: there is no operator<< and no fmt formatter, so logging one does not
//     compile (secret_test.cc proves it with static_asserts).
// Reading the bytes takes an explicit call, `Expose()`, so every use is visible in review.
//
//   SecretArray<32> key;                 // zero-filled
//   random.Fill(key.MutableExpose());
//   SecretArray<32> k2 = key.Clone();    // explicit copy
//   if (key == k2) { ... }               // constant time
//
// Thread safety: none of their own; like any value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace sc {

// SecureWipe overwrites `bytes` with zeros in a way the compiler may not elide.
void SecureWipe(std::span<uint8_t> bytes) noexcept;
void SecureWipe(void* data, size_t size) noexcept;

// ConstantTimeEqual returns true iff a and b have equal length and equal contents. Its running
// time depends only on the lengths, never on the contents.
[[nodiscard]] bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept;

// ZeroizingAllocator wipes every block before handing it back to `Base`. Base is a parameter so a
// test can observe the wipe (secret_test.cc); production code uses the default.
template <typename T, typename Base = std::allocator<T>>
class ZeroizingAllocator : public Base {
 public:
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = ZeroizingAllocator<U, typename std::allocator_traits<Base>::template rebind_alloc<U>>;
  };
  ZeroizingAllocator() noexcept = default;
  template <typename U, typename B2>
  ZeroizingAllocator(const ZeroizingAllocator<U, B2>& other) noexcept  // NOLINT: allocator rebind
      : Base(static_cast<const B2&>(other)) {}

  void deallocate(T* p, size_t n) noexcept {
    SecureWipe(p, n * sizeof(T));
    Base::deallocate(p, n);
  }
  friend bool operator==(const ZeroizingAllocator&, const ZeroizingAllocator&) noexcept { return true; }
};

template <size_t N>
class SecretArray {
 public:
  static constexpr size_t kSize = N;

  SecretArray() noexcept : bytes_{} {}
  // FromSpan copies `src` (which must be exactly N bytes) into a new SecretArray.
  // REQUIRES: src.size() == N. Callers check untrusted lengths first.
  static SecretArray FromSpan(std::span<const uint8_t, N> src) noexcept {
    SecretArray s;
    for (size_t i = 0; i < N; ++i) s.bytes_[i] = src[i];
    return s;
  }
  ~SecretArray() { SecureWipe(bytes_, N); }

  SecretArray(const SecretArray&) = delete;
  SecretArray& operator=(const SecretArray&) = delete;
  SecretArray(SecretArray&& other) noexcept : bytes_{} {
    for (size_t i = 0; i < N; ++i) bytes_[i] = other.bytes_[i];
    SecureWipe(other.bytes_, N);
  }
  SecretArray& operator=(SecretArray&& other) noexcept {
    if (this != &other) {
      for (size_t i = 0; i < N; ++i) bytes_[i] = other.bytes_[i];
      SecureWipe(other.bytes_, N);
    }
    return *this;
  }

  // Clone returns an independent copy. Explicit so copies of secrets are visible in review.
  [[nodiscard]] SecretArray Clone() const noexcept { return FromSpan(Expose()); }

  // Expose returns a view of the secret bytes, valid while *this lives and is not moved from.
  std::span<const uint8_t, N> Expose() const noexcept { return std::span<const uint8_t, N>(bytes_, N); }
  std::span<uint8_t, N> MutableExpose() noexcept { return std::span<uint8_t, N>(bytes_, N); }
  static constexpr size_t size() noexcept { return N; }

  friend bool operator==(const SecretArray& a, const SecretArray& b) noexcept {
    return ConstantTimeEqual(a.Expose(), b.Expose());
  }

 private:
  uint8_t bytes_[N];
};

// BasicSecretBytes: a variable-length secret. `Alloc` is a parameter only for tests.
template <typename Alloc = ZeroizingAllocator<uint8_t>>
class BasicSecretBytes {
 public:
  BasicSecretBytes() noexcept = default;
  explicit BasicSecretBytes(size_t size) : bytes_(size, 0) {}
  explicit BasicSecretBytes(std::span<const uint8_t> src) : bytes_(src.begin(), src.end()) {}
  ~BasicSecretBytes() { SecureWipe(bytes_); }  // the allocator wipes capacity beyond size() too

  BasicSecretBytes(const BasicSecretBytes&) = delete;
  BasicSecretBytes& operator=(const BasicSecretBytes&) = delete;
  // Moving transfers the heap block; the moved-from object is left empty.
  BasicSecretBytes(BasicSecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.bytes_.clear();
  }
  BasicSecretBytes& operator=(BasicSecretBytes&& other) noexcept {
    if (this != &other) {
      SecureWipe(bytes_);
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }

  [[nodiscard]] BasicSecretBytes Clone() const { return BasicSecretBytes(Expose()); }

  // Resize changes the length; growth reallocates through the zeroizing allocator, which wipes
  // the old block. New bytes are zero.
  void Resize(size_t n) { bytes_.resize(n, 0); }
  // Append adds bytes at the end.
  void Append(std::span<const uint8_t> more) { bytes_.insert(bytes_.end(), more.begin(), more.end()); }

  std::span<const uint8_t> Expose() const noexcept { return bytes_; }
  std::span<uint8_t> MutableExpose() noexcept { return bytes_; }
  size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }

  friend bool operator==(const BasicSecretBytes& a, const BasicSecretBytes& b) noexcept {
    return ConstantTimeEqual(a.Expose(), b.Expose());
  }

 private:
  std::vector<uint8_t, Alloc> bytes_;
};

using SecretBytes = BasicSecretBytes<>;

}  // namespace sc
