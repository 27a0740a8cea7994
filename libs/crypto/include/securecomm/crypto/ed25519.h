// ed25519.h: Ed25519 signatures (RFC 8032 §5.1) over libsodium, with strict verification.
//
//   Ed25519KeyPair id = Ed25519KeyPair::Generate(rng);
//   Ed25519Signature sig = id.Sign(message);
//   if (auto s = Ed25519Verify(id.public_key(), message, sig); !s) { /* kBadSignature */ }
//
// Strict verification (libsodium 1.0.18 without ED25519_COMPAT) rejects: S >= L (malleability),
// non-canonical or small-order public keys, small-order R. Every Wycheproof ed25519 case passes
// (tests/vectors/wycheproof_test.cc). Thread safety: all functions and const methods are thread safe.
#pragma once

#include <cstdint>
#include <span>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/keys.h"

namespace sc::crypto {

class Ed25519KeyPair {
 public:
  // Generate draws a fresh 32-byte seed from `rng`.
  static Ed25519KeyPair Generate(Random& rng) noexcept;
  // FromSeed derives the key pair of RFC 8032 §5.1.5 from a 32-byte seed.
  static Ed25519KeyPair FromSeed(const Ed25519Seed& seed) noexcept;

  // Sign returns the deterministic RFC 8032 signature of `message`.
  [[nodiscard]] Ed25519Signature Sign(std::span<const uint8_t> message) const noexcept;
  const Ed25519PublicKey& public_key() const noexcept { return public_key_; }
  // seed returns the private seed, e.g. to store it encrypted. Never log it.
  [[nodiscard]] Ed25519Seed seed() const noexcept;
  // ToX25519Private returns the X25519 private key of the same identity (SHA-512 of the seed,
  // clamped: libsodium's crypto_sign_ed25519_sk_to_curve25519).
  [[nodiscard]] X25519PrivateKey ToX25519Private() const noexcept;

  [[nodiscard]] Ed25519KeyPair Clone() const noexcept;

 private:
  Ed25519KeyPair() = default;
  SecretArray<64> expanded_;  // libsodium's secret key layout: seed || public key
  Ed25519PublicKey public_key_;
};

// Ed25519Verify returns OkStatus() iff `sig` is a valid strict signature of `message` by `pk`,
// otherwise kBadSignature.
[[nodiscard]] Status Ed25519Verify(const Ed25519PublicKey& pk, std::span<const uint8_t> message,
                                   const Ed25519Signature& sig) noexcept;

}  // namespace sc::crypto
