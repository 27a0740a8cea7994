// RFC 9420 §5.1.3 over RFC 9180 §6.1 (SealBase, OpenBase).
#include "securecomm/mls/encrypt_with_label.h"

#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/hpke.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/errors.h"

#include "hpke_suite.h"
#include "labels.h"

namespace sc::mls {
namespace {

namespace hpke = crypto::hpke;

Result<std::vector<uint8_t>> EncodeEncryptContext(std::string_view label, std::span<const uint8_t> context) {
  Writer w;
  if (auto s = internal::WriteLabeled(w, label, context); !s) return Fail(s.error());
  return std::move(w).Take();
}

// MlsError names an HPKE failure in MLS terms: a bad key, or a ciphertext that does not open.
Error MlsError(Error e) {
  if (e == crypto::Errc::kInvalidKeySize || e == crypto::Errc::kWeakKey ||
      e == crypto::Errc::kInvalidPublicKey) {
    return Errc::kInvalidKey;
  }
  if (e == crypto::Errc::kAuthFailed || e == crypto::Errc::kTruncated) return Errc::kDecryptFailed;
  return e;
}

}  // namespace

Status HpkeCiphertext::Encode(Writer& w) const {
  Status s = w.WriteOpaque(kem_output);
  if (s) s = w.WriteOpaque(ciphertext);
  return s;
}

Result<HpkeCiphertext> HpkeCiphertext::Decode(Reader& r) {
  HpkeCiphertext c;
  Status s = ReadField(r, c.kem_output);
  if (s) s = ReadField(r, c.ciphertext);
  if (!s) return Fail(s.error());
  return c;
}

Result<HpkeCiphertext> EncryptWithLabel(const CipherSuite& suite, const crypto::X25519PublicKey& public_key,
                                        std::string_view label, std::span<const uint8_t> context,
                                        std::span<const uint8_t> plaintext, Random& rng) {
  auto info = EncodeEncryptContext(label, context);
  if (!info) return Fail(info.error());
  auto sealed = hpke::SealBase(internal::HpkeSuite(suite), public_key, *info, {}, plaintext, rng);
  if (!sealed) return Fail(MlsError(sealed.error()));
  const auto enc = sealed->enc.span();
  return HpkeCiphertext{{enc.begin(), enc.end()}, std::move(sealed->ct)};
}

Result<SecretBytes> DecryptWithLabel(const CipherSuite& suite, const crypto::X25519KeyPair& key_pair,
                                     std::string_view label, std::span<const uint8_t> context,
                                     std::span<const uint8_t> kem_output,
                                     std::span<const uint8_t> ciphertext) {
  auto info = EncodeEncryptContext(label, context);
  if (!info) return Fail(info.error());
  auto opened = hpke::OpenBase(internal::HpkeSuite(suite), kem_output, key_pair, *info, {}, ciphertext);
  if (!opened) return Fail(MlsError(opened.error()));
  return std::move(*opened);
}

}  // namespace sc::mls
