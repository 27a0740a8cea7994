// ratchet.h: the Double Ratchet (https://signal.org/docs/specifications/doubleratchet/, §3), with
// X25519, the KDFs of kdf.h and the AEAD of message_cipher.h (docs/protocol/e2e.md §5).
//
// Functions carry the spec's names: RatchetInitAlice/Bob are InitAlice/InitBob, RatchetEncrypt is
// Encrypt, RatchetDecrypt is Decrypt, and the private helpers are TrySkippedMessageKeys,
// SkipMessageKeys and DHRatchet.
//
// Decrypt is transactional (DR §3.5: "changes to the state object are discarded"): it works on a
// staged copy of the chains and commits it, with any newly skipped keys, only after the message
// authenticates. A message that fails for any reason leaves the state exactly as it was.
//
//   DoubleRatchet alice = *DoubleRatchet::InitAlice(std::move(sk), bob_spk_public, rng);
//   Result<RatchetMessage> m = alice.Encrypt(plaintext, ad);
//   Result<SecretBytes> p = bob.Decrypt(*m, ad, rng);
//
// Most callers use Session (session.h). Not thread safe; move-only (it holds secrets).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/e2e/keys.h"
#include "securecomm/e2e/skipped_keys.h"
#include "securecomm/e2e/wire.h"

namespace sc::e2e {

class DoubleRatchet {
 public:
  // InitAlice is RatchetInitAlice (DR §3.3): a fresh sending ratchet key pair from `rng`, and the
  // first sending chain from KDF_RK(SK, DH(DHs, bob_dh_public_key)). kInvalidKey if that DH is
  // all zero.
  [[nodiscard]] static Result<DoubleRatchet> InitAlice(SharedKey sk,
                                                       const crypto::X25519PublicKey& bob_dh_public_key,
                                                       Random& rng);
  // InitBob is RatchetInitBob (DR §3.3): Bob's ratchet key pair is his signed prekey (DR §5.1);
  // he can send only after his first received message.
  [[nodiscard]] static DoubleRatchet InitBob(SharedKey sk, crypto::X25519KeyPair bob_dh_key_pair);

  DoubleRatchet(DoubleRatchet&&) noexcept = default;
  DoubleRatchet& operator=(DoubleRatchet&&) noexcept = default;

  // Encrypt is RatchetEncrypt (DR §3.4): returns the header and ENCRYPT(mk, plaintext, ad ||
  // header.Encode()). Errors (the state is unchanged): kMessageTooLarge (over
  // kMaxPlaintextSize), kNoSendingChain (Bob before his first received message),
  // kChainExhausted (Ns past kMaxMessageNumber).
  [[nodiscard]] Result<RatchetMessage> Encrypt(std::span<const uint8_t> plaintext,
                                               std::span<const uint8_t> ad);

  // Decrypt is RatchetDecrypt (DR §3.5) over `ad` || message.header.Encode(). `rng` supplies the
  // new ratchet key pair of a DH ratchet step. Errors (the state is unchanged, even the skipped
  // keys): kAuthFailed, kDuplicateMessage (the key of a message of the current receiving chain
  // is no longer held: a replay, or evicted), kTooManySkipped (more than kMaxSkip ahead),
  // kInvalidKey (an all-zero DH with the header's key), kChainExhausted (n past
  // kMaxMessageNumber). A replayed message of an older chain fails with kAuthFailed.
  [[nodiscard]] Result<SecretBytes> Decrypt(const RatchetMessage& message, std::span<const uint8_t> ad,
                                            Random& rng);

  // AppendState appends this state in the RatchetState format of e2e.md §7.2 to `out`.
  void AppendState(SecretBytes& out) const;
  // ReadState reads one RatchetState from `r` (which may hold more after it). kMalformedState if
  // it is truncated, a flag is not 0 or 1, the chains are inconsistent (a chain key without a
  // receiving ratchet key), more than kMaxSkippedKeys are listed or one is listed twice.
  [[nodiscard]] static Result<DoubleRatchet> ReadState(ByteReader& r);

  // Observers, for tests and diagnostics (public values only).
  const crypto::X25519PublicKey& sending_ratchet_key() const noexcept { return chains_.dhs.public_key; }
  const std::optional<crypto::X25519PublicKey>& receiving_ratchet_key() const noexcept { return chains_.dhr; }
  uint32_t sent_in_chain() const noexcept { return chains_.ns; }          // Ns
  uint32_t received_in_chain() const noexcept { return chains_.nr; }      // Nr
  uint32_t previous_chain_length() const noexcept { return chains_.pn; }  // PN
  size_t skipped_key_count() const noexcept { return skipped_.size(); }
  bool can_send() const noexcept { return chains_.cks.has_value(); }

 private:
  // The state variables of DR §3.2 except MKSKIPPED: small, cloned for each staged decrypt.
  struct Chains {
    crypto::X25519KeyPair dhs;
    std::optional<crypto::X25519PublicKey> dhr;
    RootKey rk;
    std::optional<ChainKey> cks;
    std::optional<ChainKey> ckr;
    uint32_t ns = 0;
    uint32_t nr = 0;
    uint32_t pn = 0;

    Chains Clone() const;
  };
  // Keys computed by a staged decrypt, stored only when it commits.
  struct StagedKey {
    crypto::X25519PublicKey dh;
    uint32_t n;
    MessageKey key;
  };

  DoubleRatchet(Chains chains, SkippedKeys skipped) noexcept
      : chains_(std::move(chains)), skipped_(std::move(skipped)) {}

  // TrySkippedMessageKeys: nullopt if no key of (dh, n) is stored; else the result of decrypting
  // with it (the key is erased only on success).
  Result<std::optional<SecretBytes>> TrySkippedMessageKeys(const RatchetMessage& message,
                                                           std::span<const uint8_t> full_ad);
  static Status SkipMessageKeys(Chains& state, uint32_t until, std::vector<StagedKey>& staged);
  static Status DHRatchet(Chains& state, const RatchetHeader& header, Random& rng);

  Chains chains_;
  SkippedKeys skipped_;
};

}  // namespace sc::e2e
