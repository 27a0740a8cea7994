#include "securecomm/e2e/prekey.h"

#include <cstring>

#include "securecomm/base/bytes.h"
#include "securecomm/e2e/errors.h"

namespace sc::e2e {

std::array<uint8_t, kSignedPrekeyMessageSize> SignedPrekeyMessage(
    uint32_t id, const crypto::X25519PublicKey& public_key) noexcept {
  std::array<uint8_t, kSignedPrekeyMessageSize> m{};
  std::memcpy(m.data(), kSignedPrekeyContext.data(), kSignedPrekeyContext.size());
  size_t at = kSignedPrekeyContext.size();
  StoreBe32(std::span(m).subspan(at).first<4>(), id);
  at += 4;
  std::memcpy(m.data() + at, public_key.data(), public_key.size());
  return m;
}

Status SignedPrekey::Verify(const crypto::Ed25519PublicKey& identity) const noexcept {
  if (!crypto::Ed25519Verify(identity, SignedPrekeyMessage(id, public_key), signature)) {
    return Fail(Errc::kBadSignature);
  }
  return OkStatus();
}

SignedPrekeyPair SignedPrekeyPair::Generate(const crypto::Ed25519KeyPair& identity, uint32_t id,
                                            Random& rng) noexcept {
  crypto::X25519KeyPair kp = crypto::X25519KeyPair::Generate(rng);
  const crypto::Ed25519Signature sig = identity.Sign(SignedPrekeyMessage(id, kp.public_key));
  return SignedPrekeyPair{id, std::move(kp), sig};
}

OneTimePrekeyPair OneTimePrekeyPair::Generate(uint32_t id, Random& rng) noexcept {
  return OneTimePrekeyPair{id, crypto::X25519KeyPair::Generate(rng)};
}

}  // namespace sc::e2e
