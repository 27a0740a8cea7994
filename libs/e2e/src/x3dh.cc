#include "securecomm/e2e/x3dh.h"

#include <algorithm>
#include <cstring>

#include "securecomm/crypto/x25519.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/kdf.h"

namespace sc::e2e {
namespace {

// KM: the concatenated DH outputs, wiped when it goes out of scope.
class KeyMaterial {
 public:
  // Append adds one DH output; kInvalidKey for a failed (all-zero) DH.
  Status Append(Result<crypto::X25519SharedSecret> dh) {
    if (!dh) return Fail(Errc::kInvalidKey);
    std::memcpy(km_.MutableExpose().data() + size_, dh->Expose().data(), 32);
    size_ += 32;
    return OkStatus();
  }
  std::span<const uint8_t> bytes() const { return km_.Expose().first(size_); }

 private:
  SecretArray<4 * 32> km_;
  size_t size_ = 0;
};

}  // namespace

AssociatedData MakeAssociatedData(const crypto::Ed25519PublicKey& initiator,
                                  const crypto::Ed25519PublicKey& responder) noexcept {
  AssociatedData ad{};
  std::copy(initiator.span().begin(), initiator.span().end(), ad.begin());
  std::copy(responder.span().begin(), responder.span().end(), ad.begin() + 32);
  return ad;
}

Result<X3dhInitiation> X3dhInitiate(const crypto::Ed25519KeyPair& identity, const PrekeyBundle& bundle,
                                    const crypto::Ed25519PublicKey& expected_identity, Random& rng) {
  if (!(bundle.identity_key == expected_identity)) return Fail(Errc::kUntrustedIdentity);
  // X3DH §3.3: "Alice verifies the prekey signature and aborts the protocol if verification fails."
  if (auto s = bundle.signed_prekey.Verify(bundle.identity_key); !s) return Fail(s.error());
  auto ik_b = crypto::Ed25519PublicToX25519(bundle.identity_key);
  if (!ik_b) return Fail(Errc::kInvalidKey);
  const crypto::X25519PrivateKey ik_a = identity.ToX25519Private();
  const crypto::X25519KeyPair ek_a = crypto::X25519KeyPair::Generate(rng);
  const crypto::X25519PublicKey& spk_b = bundle.signed_prekey.public_key;

  KeyMaterial km;
  if (auto s = km.Append(crypto::X25519(ik_a, spk_b)); !s) return Fail(s.error());              // DH1
  if (auto s = km.Append(crypto::X25519(ek_a.private_key, *ik_b)); !s) return Fail(s.error());  // DH2
  if (auto s = km.Append(crypto::X25519(ek_a.private_key, spk_b)); !s) return Fail(s.error());  // DH3
  if (bundle.one_time_prekey) {                                                                 // DH4
    if (auto s = km.Append(crypto::X25519(ek_a.private_key, bundle.one_time_prekey->public_key)); !s) {
      return Fail(s.error());
    }
  }
  X3dhInitiation out;
  out.sk = X3dhKdf(km.bytes());
  out.ad = MakeAssociatedData(identity.public_key(), bundle.identity_key);
  out.base_key = ek_a.public_key;
  out.signed_prekey_id = bundle.signed_prekey.id;
  if (bundle.one_time_prekey) out.one_time_prekey_id = bundle.one_time_prekey->id;
  out.signed_prekey = spk_b;
  return out;  // ek_a, ik_a and km are wiped here (X3DH §3.3: "Alice deletes her ephemeral private key")
}

Result<X3dhResponse> X3dhRespond(const crypto::Ed25519KeyPair& identity,
                                 const SignedPrekeyPair& signed_prekey,
                                 const OneTimePrekeyPair* one_time_prekey,
                                 const crypto::Ed25519PublicKey& initiator_identity,
                                 const crypto::X25519PublicKey& base_key) {
  auto ik_a = crypto::Ed25519PublicToX25519(initiator_identity);
  if (!ik_a) return Fail(Errc::kInvalidKey);
  const crypto::X25519PrivateKey ik_b = identity.ToX25519Private();
  const crypto::X25519PrivateKey& spk_b = signed_prekey.key_pair.private_key;

  KeyMaterial km;
  if (auto s = km.Append(crypto::X25519(spk_b, *ik_a)); !s) return Fail(s.error());     // DH1
  if (auto s = km.Append(crypto::X25519(ik_b, base_key)); !s) return Fail(s.error());   // DH2
  if (auto s = km.Append(crypto::X25519(spk_b, base_key)); !s) return Fail(s.error());  // DH3
  if (one_time_prekey != nullptr) {                                                     // DH4
    if (auto s = km.Append(crypto::X25519(one_time_prekey->key_pair.private_key, base_key)); !s) {
      return Fail(s.error());
    }
  }
  return X3dhResponse{X3dhKdf(km.bytes()), MakeAssociatedData(initiator_identity, identity.public_key())};
}

}  // namespace sc::e2e
