// hash.h: SHA-256, SHA-512 and HMAC-SHA256 over OpenSSL 3.
//
// Algorithms are fetched once per process and contexts are kept per thread, so a call on a small
// input costs what the raw EVP call costs.
//
//   Sha256Digest d = Sha256(bytes);
//   HmacSha256Tag t = HmacSha256(key, bytes);
//   HmacSha256Key k(key);  t = k.Compute(bytes);   // keyed once, reused (SCP record MACs)
//   if (!k.Verify(bytes, received_tag)) ...           // constant time
//
// Thread safety: the free functions are thread safe; a HmacSha256Key or Hasher is not.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "securecomm/base/error.h"
#include "securecomm/crypto/keys.h"

namespace sc::crypto {

[[nodiscard]] Sha256Digest Sha256(std::span<const uint8_t> data) noexcept;
[[nodiscard]] Sha512Digest Sha512(std::span<const uint8_t> data) noexcept;

// Sha256Hasher: incremental SHA-256 for data that arrives in pieces.
class Sha256Hasher {
 public:
  Sha256Hasher() noexcept;
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(std::span<const uint8_t> data) noexcept;
  // Final returns the digest and resets the hasher for reuse.
  [[nodiscard]] Sha256Digest Final() noexcept;

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// HmacSha256 returns HMAC-SHA256(key, data) (RFC 2104). Any key length is accepted.
[[nodiscard]] HmacSha256Tag HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) noexcept;

// HmacSha256Key: an HMAC key set up once (inner and outer pads hashed) and reused per message.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::span<const uint8_t> key) noexcept;
  ~HmacSha256Key();
  HmacSha256Key(HmacSha256Key&&) noexcept;
  HmacSha256Key& operator=(HmacSha256Key&&) noexcept;

  // Compute returns the tag over the concatenation of `parts` (e.g. header then ciphertext).
  [[nodiscard]] HmacSha256Tag Compute(std::span<const uint8_t> data) noexcept;
  [[nodiscard]] HmacSha256Tag Compute2(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept;
  // Verify compares `tag` (16 to 32 bytes, a truncation is compared as a prefix) in constant time.
  // kAuthFailed on mismatch or on a tag shorter than 16 bytes.
  [[nodiscard]] Status Verify(std::span<const uint8_t> data, std::span<const uint8_t> tag) noexcept;

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace sc::crypto
