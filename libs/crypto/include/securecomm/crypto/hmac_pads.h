// hmac_pads.h: HMAC-SHA256 (RFC 2104, libsodium's crypto_auth_hmacsha256) keyed once, its state
// (the key's two hashed pads) held by value and copied per call: no allocation, no OpenSSL object
// and no lock per key or per call. For derivations on the per-message path
// (Double Ratchet KDF_CK, HKDF-SHA256 in hkdf.h), where an EVP_MAC_CTX made per key costs more
// than the hashing itself.
//
//   HmacSha256Pads mac(chain_key);               // two SHA-256 blocks: H(K ^ ipad), H(K ^ opad)
//   HmacSha256Tag mk = mac.Compute(kConstant);   // then two blocks per short message
//   mac.ComputeInto({prk_input_a, b, c}, out);   // tag over a || b || c, into a caller buffer
//
// Same bytes as HmacSha256 / HmacSha256Key in hash.h. HkdfSha256 (hkdf.h) is built on it, so
// the RFC 5869 and Wycheproof HKDF-SHA256 vectors check it, and e2e's known answers check KDF_CK.
// Keys longer than 64 bytes are hashed first, as RFC 2104 says.
// Thread safety: a const HmacSha256Pads may be used from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "securecomm/crypto/keys.h"

namespace sc::crypto {

class HmacSha256Pads {
 public:
  // HmacSha256Pads keys the MAC with `key` (any length, including empty).
  explicit HmacSha256Pads(std::span<const uint8_t> key) noexcept;
  // ~HmacSha256Pads wipes both keyed states.
  ~HmacSha256Pads();
  HmacSha256Pads(const HmacSha256Pads&) = delete;
  HmacSha256Pads& operator=(const HmacSha256Pads&) = delete;

  // Compute returns HMAC-SHA256(key, data).
  [[nodiscard]] HmacSha256Tag Compute(std::span<const uint8_t> data) const noexcept;
  // ComputeInto writes HMAC-SHA256(key, parts[0] || parts[1] || ...) to `out`.
  // REQUIRES: out.size() == 32; `out` may alias none of `parts`.
  void ComputeInto(std::initializer_list<std::span<const uint8_t>> parts,
                   std::span<uint8_t> out) const noexcept;
  // ComputeInto, the parts as a span (a list built at run time).
  void ComputeInto(std::span<const std::span<const uint8_t>> parts, std::span<uint8_t> out) const noexcept;

  // Opaque storage for libsodium's crypto_auth_hmacsha256_state (static_assert'ed in
  // hmac_pads.cc), so this header does not include sodium.h.
  static constexpr size_t kStateBytes = 208;

 private:
  alignas(8) unsigned char state_[kStateBytes]{};
};

}  // namespace sc::crypto
