// x25519.h: X25519 Diffie-Hellman (RFC 7748) over libsodium, and the Ed25519-to-X25519 key
// conversion (the birational map of RFC 7748 §4.1) used where X3DH needs an identity key for DH.
//
//   X25519KeyPair alice = X25519KeyPair::Generate(rng);
//   Result<X25519SharedSecret> k = X25519(alice.private_key, bob_public);
//   if (!k) { /* kWeakKey: the peer sent a low-order point */ }
//
// Policy: an all-zero shared secret is an error (kWeakKey), never a key (RFC 7748 §6.1 "MAY
// check"; WireGuard and libsignal do). Thread safety: all functions are thread safe.
#pragma once

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/keys.h"

namespace sc::crypto {

struct X25519KeyPair {
  X25519PrivateKey private_key;
  X25519PublicKey public_key;

  // Generate draws 32 bytes from `rng` as the private key (clamped at use, RFC 7748 §5).
  static X25519KeyPair Generate(Random& rng) noexcept;
  // FromPrivate derives the public key X25519(k, 9).
  static X25519KeyPair FromPrivate(X25519PrivateKey private_key) noexcept;
  // Clone returns an independent copy (the private key is copied explicitly).
  [[nodiscard]] X25519KeyPair Clone() const noexcept {
    return X25519KeyPair{private_key.Clone(), public_key};
  }
};

// X25519 returns the shared secret of `private_key` and `peer`, or kWeakKey if it is all zero.
[[nodiscard]] Result<X25519SharedSecret> X25519(const X25519PrivateKey& private_key,
                                                const X25519PublicKey& peer) noexcept;

// Ed25519PublicToX25519 maps an Ed25519 public key to its Montgomery form; kInvalidPublicKey if
// the point does not decode or has small order.
[[nodiscard]] Result<X25519PublicKey> Ed25519PublicToX25519(const Ed25519PublicKey& pk) noexcept;

}  // namespace sc::crypto
