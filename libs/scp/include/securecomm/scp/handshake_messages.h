// handshake_messages.h: the payloads SCP carries inside the Noise XX messages, and the identity
// credential that binds a Noise static key to an Ed25519 identity (docs/protocol/scp.md §4.2, §6).
//
//   IdentityCredential c = IdentityCredential::Sign(identity, noise_static.public_key);
//   if (auto s = c.Verify(received_static); !s) { /* kBadCredential */ }
//
// Every decoder rejects truncation and trailing bytes with kMalformedFrame.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/scp/noise.h"

namespace sc::scp {

inline constexpr uint16_t kProtocolVersion = 1;

// IdentityCredential: opaque identity_key[32]; opaque signature[64];
struct IdentityCredential {
  crypto::Ed25519PublicKey identity_key;
  crypto::Ed25519Signature signature;

  static constexpr size_t kEncodedSize = 96;

  // Sign signs "SCP/1 identity binding" || noise_static with `identity`.
  static IdentityCredential Sign(const crypto::Ed25519KeyPair& identity,
                                 const crypto::X25519PublicKey& noise_static);
  // Verify returns OkStatus() iff the signature binds `noise_static` to identity_key; else kBadCredential.
  [[nodiscard]] Status Verify(const crypto::X25519PublicKey& noise_static) const;
};

// struct { uint16 version; uint8 suites<1..255>; } ClientHello;
struct ClientHello {
  uint16_t version = kProtocolVersion;
  std::vector<uint8_t> suites;  // NoiseSuite values, preferred first

  std::vector<uint8_t> Encode() const;
  [[nodiscard]] static Result<ClientHello> Decode(std::span<const uint8_t> bytes);
};

// struct { uint16 version; uint8 suite; IdentityCredential credential; } ServerHello;
struct ServerHello {
  uint16_t version = kProtocolVersion;
  NoiseSuite suite = NoiseSuite::kAesGcm;
  IdentityCredential credential;

  std::vector<uint8_t> Encode() const;
  [[nodiscard]] static Result<ServerHello> Decode(std::span<const uint8_t> bytes);
};

// struct { IdentityCredential credential; } ClientFinish;
struct ClientFinish {
  IdentityCredential credential;

  std::vector<uint8_t> Encode() const;
  [[nodiscard]] static Result<ClientFinish> Decode(std::span<const uint8_t> bytes);
};

}  // namespace sc::scp
