// prekey.h: signed and one-time prekeys, and the prekey bundle an initiator fetches (X3DH §3.2;
// docs/protocol/e2e.md §2).
//
// A device owns the private halves (SignedPrekeyPair, OneTimePrekeyPair) and uploads the public
// halves to the relay; the relay verifies the signed prekey's signature over the same bytes
// (relay.md §6: SignedPrekeyMessage below), and an initiator verifies it again (x3dh.h).
//
//   SignedPrekeyPair spk = SignedPrekeyPair::Generate(identity, /*id=*/7, rng);
//   upload(spk.PublicPrekey());                        // {id, public key, signature}
//   OneTimePrekeyPair opk = OneTimePrekeyPair::Generate(/*id=*/100, rng);
//
// Thread safety: value types; none of their own.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/crypto/x25519.h"

namespace sc::e2e {

// The context of a signed prekey signature (relay.md §6); 27 ASCII bytes, no terminator.
inline constexpr std::string_view kSignedPrekeyContext = "SecureComm signed prekey v1";
inline constexpr size_t kSignedPrekeyMessageSize = kSignedPrekeyContext.size() + 4 + 32;

// SignedPrekeyMessage returns the bytes an identity key signs for a signed prekey:
// "SecureComm signed prekey v1" || uint32 id (big-endian) || the 32-byte X25519 public key.
// The same bytes as relay::Service::SignedPrekeyMessage, which the relay verifies.
[[nodiscard]] std::array<uint8_t, kSignedPrekeyMessageSize> SignedPrekeyMessage(
    uint32_t id, const crypto::X25519PublicKey& public_key) noexcept;

// The public half of a signed prekey, as uploaded and as found in a bundle.
struct SignedPrekey {
  uint32_t id = 0;
  crypto::X25519PublicKey public_key;
  crypto::Ed25519Signature signature;

  // Verify returns OkStatus() iff `signature` is `identity`'s signature over
  // SignedPrekeyMessage(id, public_key); otherwise kBadSignature.
  [[nodiscard]] Status Verify(const crypto::Ed25519PublicKey& identity) const noexcept;
};

// The public half of a one-time prekey.
struct OneTimePrekey {
  uint32_t id = 0;
  crypto::X25519PublicKey public_key;
};

// PrekeyBundle: what an initiator fetches for one device (X3DH §3.2): IK_B, SPK_B with its
// signature, and OPK_B when the relay still had one.
struct PrekeyBundle {
  crypto::Ed25519PublicKey identity_key;
  SignedPrekey signed_prekey;
  std::optional<OneTimePrekey> one_time_prekey;
};

// SignedPrekeyPair: a device's signed prekey with its private key. Move-only (it holds a secret).
struct SignedPrekeyPair {
  uint32_t id = 0;
  crypto::X25519KeyPair key_pair;
  crypto::Ed25519Signature signature;

  // Generate draws a new key pair from `rng` and signs it with `identity`.
  static SignedPrekeyPair Generate(const crypto::Ed25519KeyPair& identity, uint32_t id, Random& rng) noexcept;
  // PublicPrekey returns the public half, to upload.
  [[nodiscard]] SignedPrekey PublicPrekey() const noexcept { return {id, key_pair.public_key, signature}; }
  [[nodiscard]] SignedPrekeyPair Clone() const noexcept { return {id, key_pair.Clone(), signature}; }
};

// OneTimePrekeyPair: a device's one-time prekey with its private key. The owner deletes it once a
// prekey message that used it has been accepted (X3DH §3.4).
struct OneTimePrekeyPair {
  uint32_t id = 0;
  crypto::X25519KeyPair key_pair;

  static OneTimePrekeyPair Generate(uint32_t id, Random& rng) noexcept;
  [[nodiscard]] OneTimePrekey PublicPrekey() const noexcept { return {id, key_pair.public_key}; }
  [[nodiscard]] OneTimePrekeyPair Clone() const noexcept { return {id, key_pair.Clone()}; }
};

}  // namespace sc::e2e
