#include "securecomm/crypto/x25519.h"

#include <sodium/crypto_scalarmult_curve25519.h>
#include <sodium/crypto_sign_ed25519.h>

#include "securecomm/base/check.h"
#include "securecomm/crypto/random.h"

namespace sc::crypto {

X25519KeyPair X25519KeyPair::Generate(Random& rng) noexcept {
  X25519PrivateKey sk;
  rng.Fill(sk.MutableExpose());
  return FromPrivate(std::move(sk));
}

X25519KeyPair X25519KeyPair::FromPrivate(X25519PrivateKey private_key) noexcept {
  Init();
  X25519PublicKey pk;
  // Only fails for a private key that clamps to zero, which clamping makes impossible.
  SC_CHECK(crypto_scalarmult_curve25519_base(pk.mutable_span().data(), private_key.Expose().data()) == 0);
  return X25519KeyPair{std::move(private_key), pk};
}

Result<X25519SharedSecret> X25519(const X25519PrivateKey& private_key, const X25519PublicKey& peer) noexcept {
  Init();
  X25519SharedSecret out;
  // libsodium returns -1 for an all-zero result (and for the low-order inputs that produce it):
  // RFC 7748 §6.1's check, which our policy makes mandatory.
  if (crypto_scalarmult_curve25519(out.MutableExpose().data(), private_key.Expose().data(), peer.data()) !=
      0) {
    return Fail(Errc::kWeakKey);
  }
  return out;
}

Result<X25519PublicKey> Ed25519PublicToX25519(const Ed25519PublicKey& pk) noexcept {
  Init();
  X25519PublicKey out;
  if (crypto_sign_ed25519_pk_to_curve25519(out.mutable_span().data(), pk.data()) != 0) {
    return Fail(Errc::kInvalidPublicKey);
  }
  return out;
}

}  // namespace sc::crypto
