#include "securecomm/crypto/ed25519.h"

#include <cstring>

#include <sodium/crypto_sign_ed25519.h>

#include "securecomm/base/check.h"
#include "securecomm/crypto/random.h"

namespace sc::crypto {

Ed25519KeyPair Ed25519KeyPair::Generate(Random& rng) noexcept {
  Ed25519Seed seed;
  rng.Fill(seed.MutableExpose());
  return FromSeed(seed);
}

Ed25519KeyPair Ed25519KeyPair::FromSeed(const Ed25519Seed& seed) noexcept {
  Init();
  Ed25519KeyPair kp;
  SC_CHECK(crypto_sign_ed25519_seed_keypair(kp.public_key_.mutable_span().data(),
                                            kp.expanded_.MutableExpose().data(), seed.Expose().data()) == 0);
  return kp;
}

Ed25519Signature Ed25519KeyPair::Sign(std::span<const uint8_t> message) const noexcept {
  Ed25519Signature sig;
  SC_CHECK(crypto_sign_ed25519_detached(sig.mutable_span().data(), nullptr, message.data(), message.size(),
                                        expanded_.Expose().data()) == 0);
  return sig;
}

Ed25519Seed Ed25519KeyPair::seed() const noexcept {
  Ed25519Seed seed;
  std::memcpy(seed.MutableExpose().data(), expanded_.Expose().data(), 32);
  return seed;
}

X25519PrivateKey Ed25519KeyPair::ToX25519Private() const noexcept {
  X25519PrivateKey out;
  SC_CHECK(crypto_sign_ed25519_sk_to_curve25519(out.MutableExpose().data(), expanded_.Expose().data()) == 0);
  return out;
}

Ed25519KeyPair Ed25519KeyPair::Clone() const noexcept {
  Ed25519KeyPair kp;
  kp.expanded_ = expanded_.Clone();
  kp.public_key_ = public_key_;
  return kp;
}

Status Ed25519Verify(const Ed25519PublicKey& pk, std::span<const uint8_t> message,
                     const Ed25519Signature& sig) noexcept {
  Init();
  if (crypto_sign_ed25519_verify_detached(sig.data(), message.data(), message.size(), pk.data()) != 0) {
    return Fail(Errc::kBadSignature);
  }
  return OkStatus();
}

}  // namespace sc::crypto
