// kdf.h: the key derivation functions of X3DH and the Double Ratchet, with SecureComm's parameters
// (docs/protocol/e2e.md §3 and §5.1). Every input is fixed here so that two implementations agree
// byte for byte:
//
//   KDF(KM)         X3DH §2.2   HKDF-SHA256(ikm = 32 x 0xFF || KM, salt = 32 x 0x00,
//                               info = "SecureComm X3DH v1"), 32 bytes -> SK
//   KDF_RK(rk, dh)  DR §5.2     HKDF-SHA256(ikm = dh, salt = rk, info = "SecureComm Ratchet v1"),
//                               64 bytes -> (RK, CK)
//   KDF_CK(ck)      DR §5.2     mk = HMAC-SHA256(ck, 0x01), next ck = HMAC-SHA256(ck, 0x02)
//
//   RootStep r = KdfRk(rk, dh_out);   ChainStep c = KdfCk(r.chain_key);
//
// All functions are pure, never fail and are thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "securecomm/crypto/keys.h"
#include "securecomm/e2e/keys.h"

namespace sc::e2e {

// The HKDF info strings ("an ASCII string identifying the application", X3DH §2.1, DR §5.2).
inline constexpr std::string_view kX3dhInfo = "SecureComm X3DH v1";
inline constexpr std::string_view kRatchetInfo = "SecureComm Ratchet v1";

// X3dhKdf returns KDF(KM) of X3DH §2.2, where `km` is DH1 || DH2 || DH3 [|| DH4].
[[nodiscard]] SharedKey X3dhKdf(std::span<const uint8_t> km) noexcept;

// FirstRootKey turns SK into the Double Ratchet's first root key (DR §3.3 and §5.1: SK is the first RK).
[[nodiscard]] RootKey FirstRootKey(SharedKey sk) noexcept;

struct RootStep {
  RootKey root_key;
  ChainKey chain_key;
};
// KdfRk returns KDF_RK(rk, dh_out): the next root key and a new chain key.
[[nodiscard]] RootStep KdfRk(const RootKey& rk, const crypto::X25519SharedSecret& dh_out) noexcept;

struct ChainStep {
  ChainKey chain_key;
  MessageKey message_key;
};
// KdfCk returns KDF_CK(ck): the next chain key and this step's message key.
[[nodiscard]] ChainStep KdfCk(const ChainKey& ck) noexcept;

}  // namespace sc::e2e
