// hkdf.h: HKDF (RFC 5869) with SHA-256 (built on HmacSha256Pads: libsodium HMAC, no per-call
// objects) and SHA-512 (OpenSSL 3 EVP_KDF).
//
//   SecretArray<64> okm;
//   if (auto s = HkdfSha256(ikm, salt, info, okm.MutableExpose()); !s) ...
//
// Output goes to a caller buffer; its length is the requested length (at most 255 * hash size,
// else kOutputTooLarge, and the buffer is zeroed). An empty salt means a salt of HashLen zeros
// (RFC 5869 §2.2). Thread safety: thread safe (contexts are per thread).
#pragma once

#include <cstdint>
#include <span>

#include "securecomm/base/error.h"

namespace sc::crypto {

[[nodiscard]] Status HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                                std::span<const uint8_t> info, std::span<uint8_t> out) noexcept;
[[nodiscard]] Status HkdfSha512(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                                std::span<const uint8_t> info, std::span<uint8_t> out) noexcept;

}  // namespace sc::crypto
