// HPKE, RFC 9180, written in the order and with the names of its pseudocode (§4.1, §5, §6, §7).
#include "securecomm/crypto/hpke.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/limits.h"

#include "hpke_labeled_kdf.h"

namespace sc::crypto::hpke {

using internal::LabeledExpand;
using internal::LabeledExtract;

// ContextFactory: the one place that constructs contexts (their constructors are protected).
class ContextFactory {
 public:
  template <typename C>
  static Result<C> Make(const Suite& suite, KeyScheduleOutput&& schedule) {
    std::optional<Aead> aead;
    if (suite.aead != AeadId::kExportOnly) {
      const AeadAlgorithm alg =
          suite.aead == AeadId::kAes128Gcm ? AeadAlgorithm::kAes128Gcm : AeadAlgorithm::kChaCha20Poly1305;
      Result<Aead> keyed = Aead::Create(alg, schedule.key.Expose());
      if (!keyed) return Fail(keyed.error());
      aead.emplace(std::move(*keyed));
    }
    return C(suite, std::move(aead), std::move(schedule));
  }
};

namespace {

Status CheckSuite(const Suite& suite) noexcept {
  const bool kem_ok = suite.kem == KemId::kX25519Sha256;
  const bool kdf_ok = suite.kdf == KdfId::kHkdfSha256;
  const bool aead_ok = suite.aead == AeadId::kAes128Gcm || suite.aead == AeadId::kChaCha20Poly1305 ||
                       suite.aead == AeadId::kExportOnly;
  if (!kem_ok || !kdf_ok || !aead_ok) return Fail(Errc::kUnsupportedAlgorithm);
  return OkStatus();
}

// §4.1: suite_id = concat("KEM", I2OSP(kem_id, 2)), inside the KEM.
std::array<uint8_t, 5> KemSuiteId(KemId kem) noexcept {
  std::array<uint8_t, 5> id{'K', 'E', 'M', 0, 0};
  StoreBe16(std::span<uint8_t>(id).subspan<3, 2>(), static_cast<uint16_t>(kem));
  return id;
}

// §5.1: suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2)).
std::array<uint8_t, 10> HpkeSuiteId(const Suite& suite) noexcept {
  std::array<uint8_t, 10> id{'H', 'P', 'K', 'E'};
  const std::span<uint8_t> s(id);
  StoreBe16(s.subspan<4, 2>(), static_cast<uint16_t>(suite.kem));
  StoreBe16(s.subspan<6, 2>(), static_cast<uint16_t>(suite.kdf));
  StoreBe16(s.subspan<8, 2>(), static_cast<uint16_t>(suite.aead));
  return id;
}

// §4.1 ExtractAndExpand(dh, kem_context).
SharedSecret ExtractAndExpand(const Suite& suite, std::span<const uint8_t> dh,
                              std::span<const uint8_t> kem_context) noexcept {
  const auto suite_id = KemSuiteId(suite.kem);
  // eae_prk = LabeledExtract("", "eae_prk", dh)
  SecretArray<kNh> eae_prk;
  LabeledExtract(suite_id, {}, "eae_prk", dh, eae_prk.MutableExpose());
  // shared_secret = LabeledExpand(eae_prk, "shared_secret", kem_context, Nsecret)
  SharedSecret shared_secret;
  // Nsecret is far below 255 * Nh: cannot fail.
  SC_CHECK(
      LabeledExpand(suite_id, eae_prk.Expose(), "shared_secret", kem_context, shared_secret.MutableExpose())
          .has_value());
  return shared_secret;
}

// KemSharedSecret finishes §4.1's four functions alike: dh = concat(dh_e[, dh_s]), kem_context =
// concat(enc, pkRm[, pkSm]), shared_secret = ExtractAndExpand(dh, kem_context). `dh_s` and `pkS`
// are present in AuthEncap and AuthDecap only.
SharedSecret KemSharedSecret(const Suite& suite, const X25519SharedSecret& dh_e,
                             const std::optional<X25519SharedSecret>& dh_s, const PublicKey& enc,
                             const PublicKey& pkR, const PublicKey* pkS) noexcept {
  SecretArray<2 * kNsecret> dh;
  const std::span<uint8_t> dh_out = dh.MutableExpose();
  std::copy(dh_e.Expose().begin(), dh_e.Expose().end(), dh_out.begin());
  std::array<uint8_t, 3 * kNpk> kem_context{};
  const std::span<uint8_t> ctx(kem_context);
  std::copy(enc.span().begin(), enc.span().end(), ctx.begin());
  std::copy(pkR.span().begin(), pkR.span().end(), ctx.begin() + kNpk);
  if (dh_s.has_value() && pkS != nullptr) {
    std::copy(dh_s->Expose().begin(), dh_s->Expose().end(), dh_out.begin() + kNsecret);
    std::copy(pkS->span().begin(), pkS->span().end(), ctx.begin() + 2 * kNpk);
    return ExtractAndExpand(suite, dh.Expose(), ctx);
  }
  return ExtractAndExpand(suite, dh.Expose().first<kNsecret>(), ctx.first<2 * kNpk>());
}

// §4.1 Encap and AuthEncap with the ephemeral given; `sender` is null for Encap.
Result<EncapOutput> EncapWith(const Suite& suite, const PublicKey& pkR, const KeyPair* sender,
                              const KeyPair& ephemeral) noexcept {
  if (auto s = CheckSuite(suite); !s) return Fail(s.error());
  // dh = DH(skE, pkR)  [AuthEncap: concat(DH(skE, pkR), DH(skS, pkR))]
  Result<X25519SharedSecret> dh_e = X25519(ephemeral.private_key, pkR);
  if (!dh_e) return Fail(dh_e.error());
  std::optional<X25519SharedSecret> dh_s;
  if (sender != nullptr) {
    Result<X25519SharedSecret> dh = X25519(sender->private_key, pkR);
    if (!dh) return Fail(dh.error());
    dh_s.emplace(std::move(*dh));
  }
  // enc = SerializePublicKey(pkE); kem_context = concat(enc, pkRm[, pkSm])
  const PublicKey* pkS = sender != nullptr ? &sender->public_key : nullptr;
  return EncapOutput{KemSharedSecret(suite, *dh_e, dh_s, ephemeral.public_key, pkR, pkS),
                     EncapsulatedKey(ephemeral.public_key.span())};
}

// §4.1 Decap and AuthDecap; `pkS` is null for Decap.
Result<SharedSecret> DecapWith(const Suite& suite, std::span<const uint8_t> enc, const KeyPair& recipient,
                               const PublicKey* pkS) noexcept {
  if (auto s = CheckSuite(suite); !s) return Fail(s.error());
  // pkE = DeserializePublicKey(enc)
  Result<PublicKey> pkE = PublicKey::FromSpan(enc);
  if (!pkE) return Fail(pkE.error());
  // dh = DH(skR, pkE)  [AuthDecap: concat(DH(skR, pkE), DH(skR, pkS))]; §7.1.4: an all-zero DH
  // output aborts (X25519 returns kWeakKey).
  Result<X25519SharedSecret> dh_e = X25519(recipient.private_key, *pkE);
  if (!dh_e) return Fail(dh_e.error());
  std::optional<X25519SharedSecret> dh_s;
  if (pkS != nullptr) {
    Result<X25519SharedSecret> dh = X25519(recipient.private_key, *pkS);
    if (!dh) return Fail(dh.error());
    dh_s.emplace(std::move(*dh));
  }
  // kem_context = concat(enc, pkRm[, pkSm]), pkRm = SerializePublicKey(pk(skR))
  return KemSharedSecret(suite, *dh_e, dh_s, *pkE, recipient.public_key, pkS);
}

// §5.1 VerifyPSKInputs(mode, psk, psk_id), plus §5.1.2's 32-byte floor on a given psk.
Status VerifyPSKInputs(Mode mode, std::span<const uint8_t> psk, std::span<const uint8_t> psk_id) noexcept {
  const bool got_psk = !psk.empty();
  const bool got_psk_id = !psk_id.empty();
  // "Inconsistent PSK inputs"
  if (got_psk != got_psk_id) return Fail(Errc::kInvalidPsk);
  const bool psk_mode = mode == Mode::kPsk || mode == Mode::kAuthPsk;
  // "PSK input provided when not needed" / "Missing required PSK input"
  if (got_psk != psk_mode) return Fail(Errc::kInvalidPsk);
  if (got_psk && psk.size() < kMinHpkePskSize) return Fail(Errc::kInvalidPsk);
  return OkStatus();
}

// Setup<MODE>S with the ephemeral drawn as GenerateKeyPair() = DeriveKeyPair(random(Nsk)) (§4).
Result<SenderSetup> SetupS(const Suite& suite, Mode mode, const PublicKey& pkR, std::span<const uint8_t> info,
                           std::span<const uint8_t> psk, std::span<const uint8_t> psk_id,
                           const KeyPair* sender, Random& rng) {
  Result<KeyPair> ephemeral = GenerateKeyPair(suite, rng);
  if (!ephemeral) return Fail(ephemeral.error());
  // shared_secret, enc = Encap(pkR)  [or AuthEncap(pkR, skS)]
  Result<EncapOutput> encap = EncapWith(suite, pkR, sender, *ephemeral);
  if (!encap) return Fail(encap.error());
  // KeyScheduleS(mode, shared_secret, info, psk, psk_id)
  Result<KeyScheduleOutput> schedule = KeySchedule(suite, mode, encap->shared_secret, info, psk, psk_id);
  if (!schedule) return Fail(schedule.error());
  Result<SenderContext> context = ContextFactory::Make<SenderContext>(suite, std::move(*schedule));
  if (!context) return Fail(context.error());
  return SenderSetup{encap->enc, std::move(*context)};
}

// Setup<MODE>R.
Result<RecipientContext> SetupR(const Suite& suite, Mode mode, std::span<const uint8_t> enc,
                                const KeyPair& recipient, std::span<const uint8_t> info,
                                std::span<const uint8_t> psk, std::span<const uint8_t> psk_id,
                                const PublicKey* pkS) {
  // shared_secret = Decap(enc, skR)  [or AuthDecap(enc, skR, pkS)]
  Result<SharedSecret> shared_secret = DecapWith(suite, enc, recipient, pkS);
  if (!shared_secret) return Fail(shared_secret.error());
  // KeyScheduleR(mode, shared_secret, info, psk, psk_id)
  Result<KeyScheduleOutput> schedule = KeySchedule(suite, mode, *shared_secret, info, psk, psk_id);
  if (!schedule) return Fail(schedule.error());
  return ContextFactory::Make<RecipientContext>(suite, std::move(*schedule));
}

}  // namespace

Result<Suite> Suite::FromIds(uint16_t kem_id, uint16_t kdf_id, uint16_t aead_id) noexcept {
  const Suite suite{static_cast<KemId>(kem_id), static_cast<KdfId>(kdf_id), static_cast<AeadId>(aead_id)};
  if (auto s = CheckSuite(suite); !s) return Fail(s.error());
  return suite;
}

size_t Nk(AeadId aead) noexcept {
  switch (aead) {
    case AeadId::kAes128Gcm:
      return 16;
    case AeadId::kChaCha20Poly1305:
      return 32;
    case AeadId::kExportOnly:
      return 0;
  }
  return 0;
}

// §7.1.3 DeriveKeyPair for X25519.
Result<KeyPair> DeriveKeyPair(const Suite& suite, std::span<const uint8_t> ikm) noexcept {
  if (auto s = CheckSuite(suite); !s) return Fail(s.error());
  const auto suite_id = KemSuiteId(suite.kem);
  // dkp_prk = LabeledExtract("", "dkp_prk", ikm)
  SecretArray<kNh> dkp_prk;
  LabeledExtract(suite_id, {}, "dkp_prk", ikm, dkp_prk.MutableExpose());
  // sk = LabeledExpand(dkp_prk, "sk", "", Nsk)
  PrivateKey sk;
  SC_CHECK(LabeledExpand(suite_id, dkp_prk.Expose(), "sk", {}, sk.MutableExpose()).has_value());
  // return (sk, pk(sk))
  return KeyPair::FromPrivate(std::move(sk));
}

Result<KeyPair> GenerateKeyPair(const Suite& suite, Random& rng) noexcept {
  SecretArray<kNsk> ikm;
  rng.Fill(ikm.MutableExpose());
  return DeriveKeyPair(suite, ikm.Expose());
}

Result<EncapOutput> Encap(const Suite& suite, const PublicKey& pkR, Random& rng) noexcept {
  // skE, pkE = GenerateKeyPair()
  Result<KeyPair> ephemeral = GenerateKeyPair(suite, rng);
  if (!ephemeral) return Fail(ephemeral.error());
  return EncapWith(suite, pkR, nullptr, *ephemeral);
}

Result<EncapOutput> EncapWithEphemeral(const Suite& suite, const PublicKey& pkR,
                                       const KeyPair& ephemeral) noexcept {
  return EncapWith(suite, pkR, nullptr, ephemeral);
}

Result<SharedSecret> Decap(const Suite& suite, std::span<const uint8_t> enc,
                           const KeyPair& recipient) noexcept {
  return DecapWith(suite, enc, recipient, nullptr);
}

Result<EncapOutput> AuthEncap(const Suite& suite, const PublicKey& pkR, const KeyPair& sender,
                              Random& rng) noexcept {
  Result<KeyPair> ephemeral = GenerateKeyPair(suite, rng);
  if (!ephemeral) return Fail(ephemeral.error());
  return EncapWith(suite, pkR, &sender, *ephemeral);
}

Result<EncapOutput> AuthEncapWithEphemeral(const Suite& suite, const PublicKey& pkR, const KeyPair& sender,
                                           const KeyPair& ephemeral) noexcept {
  return EncapWith(suite, pkR, &sender, ephemeral);
}

Result<SharedSecret> AuthDecap(const Suite& suite, std::span<const uint8_t> enc, const KeyPair& recipient,
                               const PublicKey& pkS) noexcept {
  return DecapWith(suite, enc, recipient, &pkS);
}

// §5.1 KeySchedule<ROLE>(mode, shared_secret, info, psk, psk_id).
Result<KeyScheduleOutput> KeySchedule(const Suite& suite, Mode mode, const SharedSecret& shared_secret,
                                      std::span<const uint8_t> info, std::span<const uint8_t> psk,
                                      std::span<const uint8_t> psk_id) {
  if (auto s = CheckSuite(suite); !s) return Fail(s.error());
  if (mode != Mode::kBase && mode != Mode::kPsk && mode != Mode::kAuth && mode != Mode::kAuthPsk) {
    return Fail(Errc::kInvalidArgument);
  }
  // VerifyPSKInputs(mode, psk, psk_id)
  if (auto s = VerifyPSKInputs(mode, psk, psk_id); !s) return Fail(s.error());
  const auto suite_id = HpkeSuiteId(suite);
  KeyScheduleOutput out;
  // key_schedule_context = concat(mode, psk_id_hash, info_hash), where
  // psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id) and
  // info_hash = LabeledExtract("", "info_hash", info)
  out.key_schedule_context.resize(1 + 2 * kNh);
  const std::span<uint8_t> ksc(out.key_schedule_context);
  ksc[0] = static_cast<uint8_t>(mode);
  LabeledExtract(suite_id, {}, "psk_id_hash", psk_id, ksc.subspan(1, kNh));
  LabeledExtract(suite_id, {}, "info_hash", info, ksc.subspan(1 + kNh, kNh));
  // secret = LabeledExtract(shared_secret, "secret", psk)
  LabeledExtract(suite_id, shared_secret.Expose(), "secret", psk, out.secret.MutableExpose());
  // key = LabeledExpand(secret, "key", key_schedule_context, Nk);
  // base_nonce = LabeledExpand(secret, "base_nonce", key_schedule_context, Nn). Skipped for the
  // export-only AEAD (§5.3).
  if (suite.aead != AeadId::kExportOnly) {
    out.key.Resize(Nk(suite.aead));
    SC_CHECK(LabeledExpand(suite_id, out.secret.Expose(), "key", ksc, out.key.MutableExpose()).has_value());
    SC_CHECK(LabeledExpand(suite_id, out.secret.Expose(), "base_nonce", ksc, out.base_nonce.MutableExpose())
                 .has_value());
  }
  // exporter_secret = LabeledExpand(secret, "exp", key_schedule_context, Nh)
  SC_CHECK(LabeledExpand(suite_id, out.secret.Expose(), "exp", ksc, out.exporter_secret.MutableExpose())
               .has_value());
  return out;
}

Context::Context(const Suite& suite, std::optional<Aead>&& aead, KeyScheduleOutput&& schedule) noexcept
    : suite_(suite),
      aead_(std::move(aead)),
      base_nonce_(std::move(schedule.base_nonce)),
      exporter_secret_(std::move(schedule.exporter_secret)) {}

Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;
Context::~Context() = default;

// §5.3 Context.Export(exporter_context, L).
Result<SecretBytes> Context::Export(std::span<const uint8_t> exporter_context, size_t length) const {
  if (length > kMaxHkdfBlocks * kNh) return Fail(Errc::kOutputTooLarge);
  SecretBytes out(length);
  const auto suite_id = HpkeSuiteId(suite_);
  if (auto s =
          LabeledExpand(suite_id, exporter_secret_.Expose(), "sec", exporter_context, out.MutableExpose());
      !s) {
    return Fail(s.error());
  }
  return out;
}

// §5.2 Context<ROLE>.ComputeNonce(seq), with IncrementSeq's overflow check made before use.
Result<SecretArray<kNn>> Context::NextNonce() const noexcept {
  if (!aead_.has_value()) return Fail(Errc::kUnsupportedAlgorithm);
  if (seq_ > kMaxHpkeSequence) return Fail(Errc::kMessageLimitReached);
  // seq_bytes = I2OSP(seq, Nn): the 64-bit counter padded on the left with zeros.
  std::array<uint8_t, kNn> seq_bytes{};
  StoreBe64(std::span<uint8_t>(seq_bytes).last<8>(), seq_);
  // xor(base_nonce, seq_bytes)
  SecretArray<kNn> nonce;
  for (size_t i = 0; i < kNn; ++i) nonce.MutableExpose()[i] = base_nonce_.Expose()[i] ^ seq_bytes[i];
  return nonce;
}

// §5.2 ContextS.Seal(aad, pt).
Result<std::vector<uint8_t>> SenderContext::Seal(std::span<const uint8_t> aad, std::span<const uint8_t> pt) {
  Result<SecretArray<kNn>> nonce = NextNonce();
  if (!nonce) return Fail(nonce.error());
  Result<std::vector<uint8_t>> ct = aead().Seal(nonce->Expose(), aad, pt);
  if (!ct) return Fail(ct.error());
  IncrementSeq();
  return ct;
}

// §5.2 ContextR.Open(aad, ct).
Result<SecretBytes> RecipientContext::Open(std::span<const uint8_t> aad, std::span<const uint8_t> ct) {
  Result<SecretArray<kNn>> nonce = NextNonce();
  if (!nonce) return Fail(nonce.error());
  Result<SecretBytes> pt = aead().Open(nonce->Expose(), aad, ct);
  if (!pt) return Fail(pt.error());
  IncrementSeq();
  return pt;
}

Result<SenderContext> SenderContextFromSchedule(const Suite& suite, KeyScheduleOutput&& schedule) {
  if (auto s = CheckSuite(suite); !s) return Fail(s.error());
  return ContextFactory::Make<SenderContext>(suite, std::move(schedule));
}

Result<RecipientContext> RecipientContextFromSchedule(const Suite& suite, KeyScheduleOutput&& schedule) {
  if (auto s = CheckSuite(suite); !s) return Fail(s.error());
  return ContextFactory::Make<RecipientContext>(suite, std::move(schedule));
}

// §5.1.1-§5.1.4.
Result<SenderSetup> SetupBaseS(const Suite& suite, const PublicKey& pkR, std::span<const uint8_t> info,
                               Random& rng) {
  return SetupS(suite, Mode::kBase, pkR, info, {}, {}, nullptr, rng);
}
Result<RecipientContext> SetupBaseR(const Suite& suite, std::span<const uint8_t> enc,
                                    const KeyPair& recipient, std::span<const uint8_t> info) {
  return SetupR(suite, Mode::kBase, enc, recipient, info, {}, {}, nullptr);
}
Result<SenderSetup> SetupPSKS(const Suite& suite, const PublicKey& pkR, std::span<const uint8_t> info,
                              std::span<const uint8_t> psk, std::span<const uint8_t> psk_id, Random& rng) {
  return SetupS(suite, Mode::kPsk, pkR, info, psk, psk_id, nullptr, rng);
}
Result<RecipientContext> SetupPSKR(const Suite& suite, std::span<const uint8_t> enc, const KeyPair& recipient,
                                   std::span<const uint8_t> info, std::span<const uint8_t> psk,
                                   std::span<const uint8_t> psk_id) {
  return SetupR(suite, Mode::kPsk, enc, recipient, info, psk, psk_id, nullptr);
}
Result<SenderSetup> SetupAuthS(const Suite& suite, const PublicKey& pkR, std::span<const uint8_t> info,
                               const KeyPair& sender, Random& rng) {
  return SetupS(suite, Mode::kAuth, pkR, info, {}, {}, &sender, rng);
}
Result<RecipientContext> SetupAuthR(const Suite& suite, std::span<const uint8_t> enc,
                                    const KeyPair& recipient, std::span<const uint8_t> info,
                                    const PublicKey& pkS) {
  return SetupR(suite, Mode::kAuth, enc, recipient, info, {}, {}, &pkS);
}
Result<SenderSetup> SetupAuthPSKS(const Suite& suite, const PublicKey& pkR, std::span<const uint8_t> info,
                                  std::span<const uint8_t> psk, std::span<const uint8_t> psk_id,
                                  const KeyPair& sender, Random& rng) {
  return SetupS(suite, Mode::kAuthPsk, pkR, info, psk, psk_id, &sender, rng);
}
Result<RecipientContext> SetupAuthPSKR(const Suite& suite, std::span<const uint8_t> enc,
                                       const KeyPair& recipient, std::span<const uint8_t> info,
                                       std::span<const uint8_t> psk, std::span<const uint8_t> psk_id,
                                       const PublicKey& pkS) {
  return SetupR(suite, Mode::kAuthPsk, enc, recipient, info, psk, psk_id, &pkS);
}

// §6.1 SealBase(pkR, info, aad, pt).
Result<SealOutput> SealBase(const Suite& suite, const PublicKey& pkR, std::span<const uint8_t> info,
                            std::span<const uint8_t> aad, std::span<const uint8_t> pt, Random& rng) {
  // enc, ctx = SetupBaseS(pkR, info)
  Result<SenderSetup> setup = SetupBaseS(suite, pkR, info, rng);
  if (!setup) return Fail(setup.error());
  // ct = ctx.Seal(aad, pt)
  Result<std::vector<uint8_t>> ct = setup->context.Seal(aad, pt);
  if (!ct) return Fail(ct.error());
  return SealOutput{setup->enc, std::move(*ct)};
}

// §6.1 OpenBase(enc, skR, info, aad, ct).
Result<SecretBytes> OpenBase(const Suite& suite, std::span<const uint8_t> enc, const KeyPair& recipient,
                             std::span<const uint8_t> info, std::span<const uint8_t> aad,
                             std::span<const uint8_t> ct) {
  // ctx = SetupBaseR(enc, skR, info)
  Result<RecipientContext> context = SetupBaseR(suite, enc, recipient, info);
  if (!context) return Fail(context.error());
  // return ctx.Open(aad, ct)
  return context->Open(aad, ct);
}

}  // namespace sc::crypto::hpke
