#include "securecomm/e2e/ratchet.h"

#include <algorithm>
#include <utility>

#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/kdf.h"
#include "securecomm/e2e/limits.h"
#include "securecomm/e2e/message_cipher.h"

namespace sc::e2e {
namespace {

// FullAd returns CONCAT(AD, header) of DR §3.4: the caller's AD, then the encoded header.
std::vector<uint8_t> FullAd(std::span<const uint8_t> ad, const RatchetHeader& header) {
  const auto h = header.Encode();
  std::vector<uint8_t> out;
  out.reserve(ad.size() + h.size());
  out.insert(out.end(), ad.begin(), ad.end());
  out.insert(out.end(), h.begin(), h.end());
  return out;
}

std::optional<ChainKey> CloneKey(const std::optional<ChainKey>& k) {
  if (!k) return std::nullopt;
  return k->Clone();
}

}  // namespace

DoubleRatchet::Chains DoubleRatchet::Chains::Clone() const {
  return Chains{dhs.Clone(), dhr, rk.Clone(), CloneKey(cks), CloneKey(ckr), ns, nr, pn};
}

Result<DoubleRatchet> DoubleRatchet::InitAlice(SharedKey sk, const crypto::X25519PublicKey& bob_dh_public_key,
                                               Random& rng) {
  Chains c;
  c.dhs = crypto::X25519KeyPair::Generate(rng);  // state.DHs = GENERATE_DH()
  c.dhr = bob_dh_public_key;                     // state.DHr = bob_dh_public_key
  auto dh = crypto::X25519(c.dhs.private_key, bob_dh_public_key);
  if (!dh) return Fail(Errc::kInvalidKey);
  // state.RK, state.CKs = KDF_RK(SK, DH(state.DHs, state.DHr))
  RootStep step = KdfRk(FirstRootKey(std::move(sk)), *dh);
  c.rk = std::move(step.root_key);
  c.cks = std::move(step.chain_key);
  // CKr = None; Ns = Nr = PN = 0; MKSKIPPED = {}
  return DoubleRatchet(std::move(c), SkippedKeys());
}

DoubleRatchet DoubleRatchet::InitBob(SharedKey sk, crypto::X25519KeyPair bob_dh_key_pair) {
  Chains c;
  c.dhs = std::move(bob_dh_key_pair);  // state.DHs = bob_dh_key_pair
  c.rk = FirstRootKey(std::move(sk));  // state.RK = SK
  // DHr = None; CKs = CKr = None; Ns = Nr = PN = 0; MKSKIPPED = {}
  return DoubleRatchet(std::move(c), SkippedKeys());
}

Result<RatchetMessage> DoubleRatchet::Encrypt(std::span<const uint8_t> plaintext,
                                              std::span<const uint8_t> ad) {
  if (plaintext.size() > kMaxPlaintextSize) return Fail(Errc::kMessageTooLarge);
  if (!chains_.cks) return Fail(Errc::kNoSendingChain);
  if (chains_.ns > kMaxMessageNumber) return Fail(Errc::kChainExhausted);
  ChainStep step = KdfCk(*chains_.cks);  // state.CKs, mk = KDF_CK(state.CKs)
  chains_.cks = std::move(step.chain_key);
  RatchetMessage m;
  // header = HEADER(state.DHs, state.PN, state.Ns)
  m.header = RatchetHeader{chains_.dhs.public_key, chains_.pn, chains_.ns};
  chains_.ns += 1;
  m.ciphertext = EncryptMessage(step.message_key, plaintext, FullAd(ad, m.header));
  return m;
}

Result<std::optional<SecretBytes>> DoubleRatchet::TrySkippedMessageKeys(const RatchetMessage& message,
                                                                        std::span<const uint8_t> full_ad) {
  const RatchetHeader& h = message.header;
  const MessageKey* mk = skipped_.Find(h.dh, h.n);
  if (mk == nullptr) return std::optional<SecretBytes>();
  auto plaintext = DecryptMessage(*mk, message.ciphertext, full_ad);
  if (!plaintext) return Fail(plaintext.error());  // the key stays: the genuine message may follow
  skipped_.Erase(h.dh, h.n);                       // del state.MKSKIPPED[header.dh, header.n]
  return std::optional<SecretBytes>(std::move(*plaintext));
}

Status DoubleRatchet::SkipMessageKeys(Chains& state, uint32_t until, std::vector<StagedKey>& staged) {
  if (uint64_t{state.nr} + kMaxSkip < until) return Fail(Errc::kTooManySkipped);
  if (state.ckr) {
    while (state.nr < until) {
      ChainStep step = KdfCk(*state.ckr);
      state.ckr = std::move(step.chain_key);
      staged.push_back(StagedKey{*state.dhr, state.nr, std::move(step.message_key)});
      state.nr += 1;
    }
  }
  return OkStatus();
}

Status DoubleRatchet::DHRatchet(Chains& state, const RatchetHeader& header, Random& rng) {
  state.pn = state.ns;
  state.ns = 0;
  state.nr = 0;
  state.dhr = header.dh;
  auto dh_receive = crypto::X25519(state.dhs.private_key, header.dh);
  if (!dh_receive) return Fail(Errc::kInvalidKey);
  // state.RK, state.CKr = KDF_RK(state.RK, DH(state.DHs, state.DHr))
  RootStep receive = KdfRk(state.rk, *dh_receive);
  state.rk = std::move(receive.root_key);
  state.ckr = std::move(receive.chain_key);
  state.dhs = crypto::X25519KeyPair::Generate(rng);  // state.DHs = GENERATE_DH()
  auto dh_send = crypto::X25519(state.dhs.private_key, header.dh);
  if (!dh_send) return Fail(Errc::kInvalidKey);
  // state.RK, state.CKs = KDF_RK(state.RK, DH(state.DHs, state.DHr))
  RootStep send = KdfRk(state.rk, *dh_send);
  state.rk = std::move(send.root_key);
  state.cks = std::move(send.chain_key);
  return OkStatus();
}

Result<SecretBytes> DoubleRatchet::Decrypt(const RatchetMessage& message, std::span<const uint8_t> ad,
                                           Random& rng) {
  const RatchetHeader& h = message.header;
  const std::vector<uint8_t> full_ad = FullAd(ad, h);
  auto skipped = TrySkippedMessageKeys(message, full_ad);
  if (!skipped) return Fail(skipped.error());
  if (*skipped) return std::move(**skipped);

  const bool same_chain = chains_.dhr && h.dh == *chains_.dhr;
  // Not in the spec's pseudocode, where such a message simply fails to authenticate: a message of
  // the current receiving chain below Nr whose key is not stored was already decrypted (or its
  // skipped key was evicted). Refusing it by name costs no crypto and changes nothing.
  if (same_chain && h.n < chains_.nr) return Fail(Errc::kDuplicateMessage);
  if (h.n > kMaxMessageNumber) return Fail(Errc::kChainExhausted);

  // Everything below works on `next` and `staged`; nothing is kept unless the AEAD accepts.
  Chains next = chains_.Clone();
  std::vector<StagedKey> staged;
  if (!same_chain) {
    if (auto s = SkipMessageKeys(next, h.pn, staged); !s) return Fail(s.error());
    if (auto s = DHRatchet(next, h, rng); !s) return Fail(s.error());
  }
  if (auto s = SkipMessageKeys(next, h.n, staged); !s) return Fail(s.error());
  // Alice before Bob's first reply has no receiving chain: a message claiming her current DHr
  // (Bob's signed prekey) cannot be genuine.
  if (!next.ckr) return Fail(Errc::kAuthFailed);
  ChainStep step = KdfCk(*next.ckr);  // state.CKr, mk = KDF_CK(state.CKr)
  next.ckr = std::move(step.chain_key);
  next.nr += 1;
  auto plaintext = DecryptMessage(step.message_key, message.ciphertext, full_ad);
  if (!plaintext) return Fail(plaintext.error());

  // Commit: the message authenticated.
  chains_ = std::move(next);
  for (StagedKey& k : staged) (void)skipped_.Insert(k.dh, k.n, std::move(k.key));
  return std::move(*plaintext);
}

}  // namespace sc::e2e
