// RFC 9420 §8 (key schedule), §8.5 (exporters).
#include "securecomm/mls/key_schedule.h"

#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hpke.h"
#include "securecomm/mls/errors.h"

#include "hpke_suite.h"

namespace sc::mls {
EpochSecrets EpochSecrets::FromEpochSecret(const Secret& epoch_secret) {
  const auto e = epoch_secret.Expose();
  return EpochSecrets{
      DeriveSecret(e, "sender data"), DeriveSecret(e, "encryption"),     DeriveSecret(e, "exporter"),
      DeriveSecret(e, "external"),    DeriveSecret(e, "confirm"),        DeriveSecret(e, "membership"),
      DeriveSecret(e, "resumption"),  DeriveSecret(e, "authentication"), DeriveSecret(e, "init"),
  };
}

Result<KeyScheduleEpoch> KeyScheduleEpoch::FromInitSecret(const Secret& init_secret,
                                                          const Secret& commit_secret,
                                                          const Secret& psk_secret,
                                                          std::span<const uint8_t> group_context) {
  // KDF.Extract with init_secret_[n-1] as the salt and commit_secret as the input key material.
  const Secret extracted = KdfExtract(init_secret.Expose(), commit_secret.Expose());
  Secret joiner;
  if (auto s = ExpandWithLabel(extracted.Expose(), "joiner", group_context, joiner.MutableExpose()); !s) {
    return Fail(s.error());
  }
  return FromJoinerSecret(std::move(joiner), psk_secret, group_context);
}

Result<KeyScheduleEpoch> KeyScheduleEpoch::FromJoinerSecret(Secret joiner_secret, const Secret& psk_secret,
                                                            std::span<const uint8_t> group_context) {
  const Secret member = KdfExtract(joiner_secret.Expose(), psk_secret.Expose());
  Secret epoch_secret;
  if (auto s = ExpandWithLabel(member.Expose(), "epoch", group_context, epoch_secret.MutableExpose()); !s) {
    return Fail(s.error());
  }
  return KeyScheduleEpoch{std::move(joiner_secret), DeriveSecret(member.Expose(), "welcome"),
                          EpochSecrets::FromEpochSecret(epoch_secret)};
}

Secret WelcomeSecret(const Secret& joiner_secret, const Secret& psk_secret) {
  const Secret member = KdfExtract(joiner_secret.Expose(), psk_secret.Expose());
  return DeriveSecret(member.Expose(), "welcome");
}

Result<SecretBytes> MlsExporter(const Secret& exporter_secret, std::string_view label,
                                std::span<const uint8_t> context, size_t length) {
  if (length > kMaxExpandLength) return Fail(Errc::kInvalidLength);
  const Secret derived = DeriveSecret(exporter_secret.Expose(), label);
  const crypto::Sha256Digest context_hash = crypto::Sha256(context);
  SecretBytes out(length);
  if (auto s = ExpandWithLabel(derived.Expose(), "exported", context_hash.span(), out.MutableExpose()); !s) {
    return Fail(s.error());
  }
  return out;
}

Result<crypto::X25519KeyPair> ExternalKeyPair(const CipherSuite& suite, const Secret& external_secret) {
  auto kp = crypto::hpke::DeriveKeyPair(internal::HpkeSuite(suite), external_secret.Expose());
  if (!kp) return Fail(kp.error());
  return std::move(*kp);
}

}  // namespace sc::mls
