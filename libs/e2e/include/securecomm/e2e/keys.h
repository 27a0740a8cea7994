// keys.h: the typed secrets of X3DH and the Double Ratchet. Each is a crypto::SecretKey (wiped,
// move-only, constant-time equality, never printable) with its own tag, so a chain key cannot be
// passed where a root key or a message key is expected (STYLE.md "Secrets").
//
//   RootKey rk = ...;  ChainKey ck = ...;
//   ChainStep step = KdfCk(ck);          // kdf.h
#pragma once

#include <array>
#include <cstdint>

#include "securecomm/crypto/keys.h"
#include "securecomm/e2e/limits.h"

namespace sc::e2e {

namespace kind {
// clang-format off
struct SharedKey; struct RootKey; struct ChainKey; struct MessageKey;
// clang-format on
}  // namespace kind

// SK, the 32-byte output of X3DH (X3DH §3.3); the Double Ratchet's first root key.
using SharedKey = crypto::SecretKey<32, kind::SharedKey>;
// RK, CKs/CKr and mk of Double Ratchet §3.2.
using RootKey = crypto::SecretKey<32, kind::RootKey>;
using ChainKey = crypto::SecretKey<32, kind::ChainKey>;
using MessageKey = crypto::SecretKey<32, kind::MessageKey>;

// AD of X3DH §3.3: Encode(IK_A) || Encode(IK_B), the Ed25519 identity keys, initiator first.
// Public: both keys are public.
using AssociatedData = std::array<uint8_t, kAssociatedDataSize>;

}  // namespace sc::e2e
