// hpke.h: Hybrid Public Key Encryption (RFC 9180) with DHKEM(X25519, HKDF-SHA256) (0x0020),
// HKDF-SHA256 (0x0001) and the AEADs AES-128-GCM (0x0001), ChaCha20-Poly1305 (0x0003) and
// export-only (0xFFFF), in all four modes (base, psk, auth, auth_psk). Built on x25519.h,
// hmac_pads.h (HKDF's Extract and Expand, RFC 5869) and aead.h. Section numbers below are
// RFC 9180's (text in ../shared/specs/rfc9180-hpke.md).
//
// The MLS layer's EncryptWithLabel / DecryptWithLabel (RFC 9420 §5.1.3) are one call each:
//
//   hpke::Suite suite{hpke::KemId::kX25519Sha256, hpke::KdfId::kHkdfSha256, hpke::AeadId::kAes128Gcm};
//   Result<hpke::SealOutput> s = hpke::SealBase(suite, pkR, info, aad, pt, rng);  // s->enc, s->ct
//   Result<SecretBytes> pt2 = hpke::OpenBase(suite, s->enc.span(), recipient_pair, info, aad, s->ct);
//   Result<hpke::KeyPair> node = hpke::DeriveKeyPair(suite, node_secret);   // RFC 9420 §4, §7.4
//
// A context for several messages (§5.1, §5.2), and the secret export (§5.3):
//
//   Result<hpke::SenderSetup> s = hpke::SetupBaseS(suite, pkR, info, rng);       // s->enc, s->context
//   Result<std::vector<uint8_t>> ct = s->context.Seal(aad, pt);                 // seq 0, then 1, ...
//   Result<hpke::RecipientContext> r = hpke::SetupBaseR(suite, enc, recipient_pair, info);
//   Result<SecretBytes> secret = r->Export(exporter_context, 32);
//
// Randomness is injected (sans-I/O): only the sender's setup draws, Nsk bytes for the ephemeral
// key pair, which is DeriveKeyPair(random(Nsk)) (§4). Known-answer tests get a deterministic
// sender either by a ScriptedRandom that hands out the vector's ikmE, or through the functions
// named *WithEphemeral, which take the ephemeral key pair; production code never calls those.
//
// Policy: an all-zero X25519 result is refused with kWeakKey everywhere (§7.1.4 makes it
// mandatory for the recipient; we refuse it for the sender too, as x25519.h does). Every secret
// (shared secret, key, base nonce, exporter secret, private keys, exports, plaintexts) is a
// SecretArray or SecretBytes. Errors (crypto::Errc): kUnsupportedAlgorithm (suite ids),
// kInvalidKeySize (enc or a key of the wrong length), kWeakKey, kInvalidPsk, kAuthFailed (Open),
// kTruncated (ct shorter than the tag), kMessageLimitReached (sequence overflow), kOutputTooLarge
// (Export over 255 * Nh bytes). Thread safety: free functions are thread safe; a context is not
// (it owns a sequence number and an Aead) and is move-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/crypto/x25519.h"

namespace sc::crypto::hpke {

// Algorithm identifiers, RFC 9180 §7.1-§7.3 (IANA's values; never renumber).
enum class KemId : uint16_t {
  kX25519Sha256 = 0x0020,  // DHKEM(X25519, HKDF-SHA256)
};
enum class KdfId : uint16_t {
  kHkdfSha256 = 0x0001,
};
enum class AeadId : uint16_t {
  kAes128Gcm = 0x0001,
  kChaCha20Poly1305 = 0x0003,
  kExportOnly = 0xFFFF,  // §5.3: a context that can only Export
};

// Modes, §5 Table 1.
enum class Mode : uint8_t {
  kBase = 0x00,
  kPsk = 0x01,
  kAuth = 0x02,
  kAuthPsk = 0x03,
};

// Sizes of the suites above (§7): one KEM and one KDF, so these are constants.
inline constexpr size_t kNsecret = 32;  // KEM shared secret
inline constexpr size_t kNenc = 32;     // encapsulated key (a serialized X25519 public key)
inline constexpr size_t kNpk = 32;
inline constexpr size_t kNsk = 32;
inline constexpr size_t kNh = 32;  // HKDF-SHA256 output
inline constexpr size_t kNn = 12;  // nonce of both AEADs
inline constexpr size_t kNt = 16;  // tag of both AEADs

// Suite: a ciphersuite (KEM, KDF, AEAD), §4 "ciphersuite".
struct Suite {
  KemId kem = KemId::kX25519Sha256;
  KdfId kdf = KdfId::kHkdfSha256;
  AeadId aead = AeadId::kAes128Gcm;

  // FromIds builds a Suite from wire identifiers; kUnsupportedAlgorithm for any id not above.
  [[nodiscard]] static Result<Suite> FromIds(uint16_t kem_id, uint16_t kdf_id, uint16_t aead_id) noexcept;
  friend bool operator==(const Suite&, const Suite&) = default;
};

// Nk returns the AEAD key length of `aead` (16, 32, or 0 for export-only).
size_t Nk(AeadId aead) noexcept;

// Keys: DHKEM(X25519) keys are X25519 keys; SerializePublicKey/DeserializePublicKey are the
// identity (§7.1.1). A private key is kept as DeriveKeyPair produced it: §7.1.2 has serialization
// clamp, but X25519 clamps at every use (RFC 7748 §5), so both forms give the same key, and the
// Appendix A values (skXm) are the unclamped bytes.
using PublicKey = X25519PublicKey;
using PrivateKey = X25519PrivateKey;
using KeyPair = X25519KeyPair;
using SharedSecret = SecretArray<kNsecret>;

namespace kind {
struct Enc;
}  // namespace kind
// EncapsulatedKey: `enc`, the KEM output sent to the recipient (Nenc bytes; public).
using EncapsulatedKey = PublicBytes<kNenc, kind::Enc>;

// ---- KEM, §4.1 -------------------------------------------------------------------------------

// DeriveKeyPair returns (sk, pk(sk)) with sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm),
// "sk", "", Nsk) under suite_id "KEM" || kem_id (§7.1.3). Deterministic; `ikm` SHOULD hold at
// least Nsk bytes of entropy. kUnsupportedAlgorithm if suite.kem is not implemented.
[[nodiscard]] Result<KeyPair> DeriveKeyPair(const Suite& suite, std::span<const uint8_t> ikm) noexcept;

// GenerateKeyPair returns DeriveKeyPair(random(Nsk)) with Nsk bytes from `rng` (§4).
[[nodiscard]] Result<KeyPair> GenerateKeyPair(const Suite& suite, Random& rng) noexcept;

// EncapOutput: what Encap and AuthEncap return (§4.1: "return shared_secret, enc").
struct EncapOutput {
  SharedSecret shared_secret;
  EncapsulatedKey enc;
};

// Encap draws an ephemeral key pair from `rng` and returns (shared_secret, enc) for `pkR`
// (§4.1). kWeakKey if DH(skE, pkR) is all zero (pkR of small order).
[[nodiscard]] Result<EncapOutput> Encap(const Suite& suite, const PublicKey& pkR, Random& rng) noexcept;
// EncapWithEphemeral is Encap with the caller's ephemeral key pair. Deterministic: for
// known-answer tests only (a reused ephemeral gives the same shared secret twice).
[[nodiscard]] Result<EncapOutput> EncapWithEphemeral(const Suite& suite, const PublicKey& pkR,
                                                     const KeyPair& ephemeral) noexcept;
// Decap recovers the shared secret from `enc` with the recipient's key pair (pk(skR) is read from
// it, not recomputed). kInvalidKeySize unless enc.size() == Nenc; kWeakKey for an all-zero DH.
[[nodiscard]] Result<SharedSecret> Decap(const Suite& suite, std::span<const uint8_t> enc,
                                         const KeyPair& recipient) noexcept;

// AuthEncap is Encap that also binds the sender's static key pair (dh = DH(skE, pkR) ||
// DH(skS, pkR), kem_context = enc || pkRm || pkSm). Errors as Encap.
[[nodiscard]] Result<EncapOutput> AuthEncap(const Suite& suite, const PublicKey& pkR, const KeyPair& sender,
                                            Random& rng) noexcept;
// AuthEncapWithEphemeral: AuthEncap with the caller's ephemeral; known-answer tests only.
[[nodiscard]] Result<EncapOutput> AuthEncapWithEphemeral(const Suite& suite, const PublicKey& pkR,
                                                         const KeyPair& sender,
                                                         const KeyPair& ephemeral) noexcept;
// AuthDecap is Decap that checks the sender's public key pkS. A wrong pkS gives a different
// shared secret, found at the first Open (an implicit error, §8.2); kWeakKey for a small-order
// enc or pkS.
[[nodiscard]] Result<SharedSecret> AuthDecap(const Suite& suite, std::span<const uint8_t> enc,
                                             const KeyPair& recipient, const PublicKey& pkS) noexcept;

// ---- Key schedule, §5.1 ----------------------------------------------------------------------

// KeyScheduleOutput: KeySchedule's intermediate values and its outputs. For export-only suites
// `key` is empty and `base_nonce` all zero (§5.3: they need not be computed).
struct KeyScheduleOutput {
  std::vector<uint8_t> key_schedule_context;  // mode || psk_id_hash || info_hash (public)
  SecretArray<kNh> secret;
  SecretBytes key;  // Nk bytes
  SecretArray<kNn> base_nonce;
  SecretArray<kNh> exporter_secret;
};

// KeySchedule runs VerifyPSKInputs(mode, psk, psk_id) and §5.1's derivation. An empty `psk` and
// `psk_id` are the defaults (""). Errors: kUnsupportedAlgorithm, kInvalidPsk (the PSK rules of
// §5.1, and a psk under kMinHpkePskSize bytes).
[[nodiscard]] Result<KeyScheduleOutput> KeySchedule(const Suite& suite, Mode mode,
                                                    const SharedSecret& shared_secret,
                                                    std::span<const uint8_t> info,
                                                    std::span<const uint8_t> psk,
                                                    std::span<const uint8_t> psk_id);

// ---- Contexts, §5.2 and §5.3 -----------------------------------------------------------------

class ContextFactory;  // hpke.cc: builds contexts from a KeySchedule output

// Context: what both roles share: the suite, the AEAD keyed once, base_nonce, the sequence number
// and the exporter secret. Move-only; secrets are wiped on destruction.
class Context {
 public:
  Context(Context&&) noexcept;
  Context& operator=(Context&&) noexcept;
  ~Context();

  // Export returns LabeledExpand(exporter_secret, "sec", exporter_context, length) (§5.3).
  // kOutputTooLarge if length > 255 * Nh. Does not change the sequence number.
  [[nodiscard]] Result<SecretBytes> Export(std::span<const uint8_t> exporter_context, size_t length) const;

  const Suite& suite() const noexcept { return suite_; }
  // sequence_number returns the sequence number the next Seal or Open uses.
  uint64_t sequence_number() const noexcept { return seq_; }
  // SetSequenceNumberForTesting jumps the counter, for the Appendix A encryptions at sequence
  // numbers 255 and 256 and for the overflow test. Tests only: going back reuses nonces.
  void SetSequenceNumberForTesting(uint64_t seq) noexcept { seq_ = seq; }

 protected:
  // Context takes the AEAD keyed with schedule.key (absent for export-only) and keeps base_nonce
  // and exporter_secret.
  Context(const Suite& suite, std::optional<Aead>&& aead, KeyScheduleOutput&& schedule) noexcept;
  // NextNonce checks the sequence limit (kMessageLimitReached past kMaxHpkeSequence) and the
  // AEAD (kUnsupportedAlgorithm for export-only), and returns base_nonce XOR I2OSP(seq, Nn).
  [[nodiscard]] Result<SecretArray<kNn>> NextNonce() const noexcept;
  // IncrementSeq: §5.2, after a successful Seal or Open.
  void IncrementSeq() noexcept { ++seq_; }
  Aead& aead() noexcept { return *aead_; }

 private:
  friend class ContextFactory;
  Suite suite_;
  std::optional<Aead> aead_;  // absent for export-only
  SecretArray<kNn> base_nonce_;
  SecretArray<kNh> exporter_secret_;
  uint64_t seq_ = 0;
};

// SenderContext: ContextS of §5.2. It can Seal and Export, never Open (that does not compile).
class SenderContext : public Context {
 public:
  // Seal returns Seal(key, ComputeNonce(seq), aad, pt) (ciphertext || tag) and increments seq.
  // Errors: kMessageLimitReached, kUnsupportedAlgorithm (export-only), kInputTooLarge; on error
  // seq is unchanged and nothing is returned.
  [[nodiscard]] Result<std::vector<uint8_t>> Seal(std::span<const uint8_t> aad, std::span<const uint8_t> pt);

 private:
  using Context::Context;  // reachable only by ContextFactory, a friend of Context
};

// RecipientContext: ContextR of §5.2. It can Open and Export, never Seal.
class RecipientContext : public Context {
 public:
  // Open authenticates and decrypts `ct` at the current seq and increments seq. Errors:
  // kAuthFailed (seq unchanged, so the right ciphertext can still be opened), kTruncated,
  // kMessageLimitReached, kUnsupportedAlgorithm (export-only).
  [[nodiscard]] Result<SecretBytes> Open(std::span<const uint8_t> aad, std::span<const uint8_t> ct);

 private:
  using Context::Context;  // reachable only by ContextFactory, a friend of Context
};

// ---- Setup, §5.1.1-§5.1.4 --------------------------------------------------------------------

// SenderSetup: (enc, ContextS) as Setup<MODE>S returns them.
struct SenderSetup {
  EncapsulatedKey enc;
  SenderContext context;
};

// SetupBaseS .. SetupAuthPSKR are §5.1.1-§5.1.4 as written: sender setups draw the ephemeral from
// `rng`; recipient setups take `enc` from the wire (kInvalidKeySize unless Nenc bytes). Errors
// are those of Encap/Decap/AuthEncap/AuthDecap and KeySchedule.
[[nodiscard]] Result<SenderSetup> SetupBaseS(const Suite& suite, const PublicKey& pkR,
                                             std::span<const uint8_t> info, Random& rng);
[[nodiscard]] Result<RecipientContext> SetupBaseR(const Suite& suite, std::span<const uint8_t> enc,
                                                  const KeyPair& recipient, std::span<const uint8_t> info);
[[nodiscard]] Result<SenderSetup> SetupPSKS(const Suite& suite, const PublicKey& pkR,
                                            std::span<const uint8_t> info, std::span<const uint8_t> psk,
                                            std::span<const uint8_t> psk_id, Random& rng);
[[nodiscard]] Result<RecipientContext> SetupPSKR(const Suite& suite, std::span<const uint8_t> enc,
                                                 const KeyPair& recipient, std::span<const uint8_t> info,
                                                 std::span<const uint8_t> psk,
                                                 std::span<const uint8_t> psk_id);
[[nodiscard]] Result<SenderSetup> SetupAuthS(const Suite& suite, const PublicKey& pkR,
                                             std::span<const uint8_t> info, const KeyPair& sender,
                                             Random& rng);
[[nodiscard]] Result<RecipientContext> SetupAuthR(const Suite& suite, std::span<const uint8_t> enc,
                                                  const KeyPair& recipient, std::span<const uint8_t> info,
                                                  const PublicKey& pkS);
[[nodiscard]] Result<SenderSetup> SetupAuthPSKS(const Suite& suite, const PublicKey& pkR,
                                                std::span<const uint8_t> info, std::span<const uint8_t> psk,
                                                std::span<const uint8_t> psk_id, const KeyPair& sender,
                                                Random& rng);
[[nodiscard]] Result<RecipientContext> SetupAuthPSKR(const Suite& suite, std::span<const uint8_t> enc,
                                                     const KeyPair& recipient, std::span<const uint8_t> info,
                                                     std::span<const uint8_t> psk,
                                                     std::span<const uint8_t> psk_id, const PublicKey& pkS);

// ContextFromSchedule builds the contexts of one KeySchedule output, for callers that ran Encap
// and KeySchedule themselves (the known-answer tests). kUnsupportedAlgorithm as KeySchedule.
[[nodiscard]] Result<SenderContext> SenderContextFromSchedule(const Suite& suite,
                                                              KeyScheduleOutput&& schedule);
[[nodiscard]] Result<RecipientContext> RecipientContextFromSchedule(const Suite& suite,
                                                                    KeyScheduleOutput&& schedule);

// ---- Single-shot, §6.1 -----------------------------------------------------------------------

// SealOutput: (enc, ct) of Seal<MODE>.
struct SealOutput {
  EncapsulatedKey enc;
  std::vector<uint8_t> ct;
};

// SealBase is SetupBaseS then one Seal (§6.1): RFC 9420 §5.1.3 EncryptWithLabel's call, with
// kem_output = enc. Errors as SetupBaseS and SenderContext::Seal.
[[nodiscard]] Result<SealOutput> SealBase(const Suite& suite, const PublicKey& pkR,
                                          std::span<const uint8_t> info, std::span<const uint8_t> aad,
                                          std::span<const uint8_t> pt, Random& rng);
// OpenBase is SetupBaseR then one Open (§6.1): DecryptWithLabel's call. Errors as SetupBaseR and
// RecipientContext::Open (kAuthFailed for any tampering of enc, aad, info or ct).
[[nodiscard]] Result<SecretBytes> OpenBase(const Suite& suite, std::span<const uint8_t> enc,
                                           const KeyPair& recipient, std::span<const uint8_t> info,
                                           std::span<const uint8_t> aad, std::span<const uint8_t> ct);

}  // namespace sc::crypto::hpke
