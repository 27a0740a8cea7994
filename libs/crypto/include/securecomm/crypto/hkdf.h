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

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "securecomm/base/error.h"

namespace sc::crypto {

[[nodiscard]] Status HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                                std::span<const uint8_t> info, std::span<uint8_t> out) noexcept;
// The two steps of HKDF-SHA256 (RFC 5869 §2.2, §2.3) for protocols that label their inputs
// (HPKE's LabeledExtract/Expand, MLS's KDF): each input is given in parts, MACed as their
// concatenation, so no buffer holds a copy of a secret. HkdfSha256 is the two in sequence.
//
// HkdfSha256Extract writes PRK = HMAC-SHA256(salt, ikm[0] || ikm[1] || ...) to `prk`. An empty
// salt means HashLen zeros. REQUIRES: prk.size() == 32; `prk` aliases no input.
void HkdfSha256Extract(std::span<const uint8_t> salt, std::initializer_list<std::span<const uint8_t>> ikm,
                       std::span<uint8_t> prk) noexcept;
// HkdfSha256Expand writes the first out.size() bytes of T(1) || T(2) || ..., T(i) =
// HMAC-SHA256(prk, T(i-1) || info[0] || info[1] || ... || i). kOutputTooLarge (`out` zeroed)
// past 255 * 32 bytes. REQUIRES: at most kMaxHkdfInfoParts info parts; `out` aliases no input.
inline constexpr size_t kMaxHkdfInfoParts = 8;
[[nodiscard]] Status HkdfSha256Expand(std::span<const uint8_t> prk,
                                      std::initializer_list<std::span<const uint8_t>> info,
                                      std::span<uint8_t> out) noexcept;

[[nodiscard]] Status HkdfSha512(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                                std::span<const uint8_t> info, std::span<uint8_t> out) noexcept;

}  // namespace sc::crypto
