#include "securecomm/scp/noise.h"

#include <cstring>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/scp/errors.h"

namespace sc::scp {

std::string_view NoiseProtocolName(NoiseSuite suite) noexcept {
  return suite == NoiseSuite::kAesGcm ? "Noise_XX_25519_AESGCM_SHA256" : "Noise_XX_25519_ChaChaPoly_SHA256";
}

crypto::AeadAlgorithm NoiseAead(NoiseSuite suite) noexcept {
  return suite == NoiseSuite::kAesGcm ? crypto::AeadAlgorithm::kAes256Gcm
                                      : crypto::AeadAlgorithm::kChaCha20Poly1305;
}

// ---- CipherState (Noise §5.1) ----

CipherState::CipherState(NoiseSuite suite, const SecretArray<32>& key) : suite_(suite), key_(key.Clone()) {
  auto aead = crypto::Aead::Create(NoiseAead(suite), key_.Expose());
  SC_CHECK(aead.has_value());  // a 32-byte key always fits both suites
  aead_.emplace(std::move(*aead));
}

CipherState CipherState::Clone() const {
  CipherState c = aead_ ? CipherState(suite_, key_) : CipherState();
  c.suite_ = suite_;
  c.n_ = n_;
  return c;
}

// Noise §12.3 (AESGCM): 32 zero bits then the nonce big-endian; §12.4 (ChaChaPoly): 32 zero bits
// then the nonce little-endian.
void CipherState::Nonce(uint8_t out[12]) const noexcept {
  std::memset(out, 0, 4);
  const std::span<uint8_t, 8> counter(out + 4, 8);
  if (suite_ == NoiseSuite::kAesGcm) {
    StoreBe64(counter, n_);
  } else {
    StoreLe64(counter, n_);
  }
}

Result<std::vector<uint8_t>> CipherState::EncryptWithAd(std::span<const uint8_t> ad,
                                                        std::span<const uint8_t> plaintext) {
  if (!aead_) return std::vector<uint8_t>(plaintext.begin(), plaintext.end());
  if (n_ == UINT64_MAX) return Fail(Errc::kNonceExhausted);
  uint8_t nonce[12];
  Nonce(nonce);
  auto out = aead_->Seal(nonce, ad, plaintext);
  if (!out) return Fail(Errc::kFrameTooLarge);
  ++n_;
  return out;
}

Result<SecretBytes> CipherState::DecryptWithAd(std::span<const uint8_t> ad,
                                               std::span<const uint8_t> ciphertext) {
  if (!aead_) return SecretBytes(ciphertext);
  if (n_ == UINT64_MAX) return Fail(Errc::kNonceExhausted);
  uint8_t nonce[12];
  Nonce(nonce);
  auto out = aead_->Open(nonce, ad, ciphertext);
  if (!out) return Fail(Errc::kDecryptFailed);
  ++n_;
  return out;
}

// ---- SymmetricState (Noise §5.2) ----

SymmetricState::SymmetricState(NoiseSuite suite) : suite_(suite) {
  // InitializeSymmetric: h = protocol_name padded with zeros if it fits HASHLEN, else HASH(name).
  const std::string_view name = NoiseProtocolName(suite);
  const std::span<const uint8_t> bytes = AsBytes(name);
  if (bytes.size() <= kNoiseHashLen) {
    std::memcpy(h_.data(), bytes.data(), bytes.size());
  } else {
    const auto d = crypto::Sha256(bytes);
    std::memcpy(h_.data(), d.data(), kNoiseHashLen);
  }
  std::memcpy(ck_.MutableExpose().data(), h_.data(), kNoiseHashLen);
}

SymmetricState SymmetricState::Clone() const {
  SymmetricState s(suite_);
  s.ck_ = ck_.Clone();
  s.h_ = h_;
  s.cipher_ = cipher_.Clone();
  return s;
}

void SymmetricState::MixHash(std::span<const uint8_t> data) {
  crypto::Sha256Hasher hasher;
  hasher.Update(h_);
  hasher.Update(data);
  const auto d = hasher.Final();
  std::memcpy(h_.data(), d.data(), kNoiseHashLen);
}

// Noise's HKDF(ck, ikm, 2) is RFC 5869 HKDF with salt = ck, empty info and 64 bytes of output
// (Noise §4.3: output1 = HMAC(temp, 0x01), output2 = HMAC(temp, output1 || 0x02)).
void SymmetricState::MixKey(std::span<const uint8_t> input_key_material) {
  SecretArray<64> out;
  SC_CHECK(crypto::HkdfSha256(input_key_material, ck_.Expose(), {}, out.MutableExpose()).has_value());
  std::memcpy(ck_.MutableExpose().data(), out.Expose().data(), 32);
  SecretArray<32> temp_k;
  std::memcpy(temp_k.MutableExpose().data(), out.Expose().data() + 32, 32);  // HASHLEN 32: no truncation
  cipher_ = CipherState(suite_, temp_k);
}

Result<std::vector<uint8_t>> SymmetricState::EncryptAndHash(std::span<const uint8_t> plaintext) {
  auto ct = cipher_.EncryptWithAd(h_, plaintext);
  if (ct) MixHash(*ct);
  return ct;
}

Result<SecretBytes> SymmetricState::DecryptAndHash(std::span<const uint8_t> ciphertext) {
  auto pt = cipher_.DecryptWithAd(h_, ciphertext);
  if (pt) MixHash(ciphertext);
  return pt;
}

std::pair<SecretArray<32>, SecretArray<32>> SymmetricState::SplitKeys() const {
  SecretArray<64> out;
  SC_CHECK(crypto::HkdfSha256({}, ck_.Expose(), {}, out.MutableExpose()).has_value());
  SecretArray<32> k1, k2;
  std::memcpy(k1.MutableExpose().data(), out.Expose().data(), 32);
  std::memcpy(k2.MutableExpose().data(), out.Expose().data() + 32, 32);
  return {std::move(k1), std::move(k2)};
}

std::pair<CipherState, CipherState> SymmetricState::Split() const {
  auto [k1, k2] = SplitKeys();
  return {CipherState(suite_, k1), CipherState(suite_, k2)};
}

// ---- HandshakeState for XX (Noise §5.3, §7.5) ----

NoiseXX::NoiseXX(bool initiator, NoiseSuite suite, std::span<const uint8_t> prologue, crypto::X25519KeyPair s,
                 Random& rng)
    : initiator_(initiator), suite_(suite), rng_(&rng), ss_(suite), s_(std::move(s)) {
  ss_.MixHash(prologue);  // XX has no pre-messages
}

NoiseXX NoiseXX::Initiator(NoiseSuite suite, std::span<const uint8_t> prologue, crypto::X25519KeyPair s,
                           Random& rng) {
  return NoiseXX(true, suite, prologue, std::move(s), rng);
}

NoiseXX NoiseXX::Responder(NoiseSuite suite, std::span<const uint8_t> prologue, crypto::X25519KeyPair s,
                           Random& rng) {
  return NoiseXX(false, suite, prologue, std::move(s), rng);
}

NoiseXX NoiseXX::Clone() const {
  NoiseXX c(initiator_, suite_, {}, s_.Clone(), *rng_);
  c.step_ = step_;
  c.ss_ = ss_.Clone();
  if (e_) c.e_ = e_->Clone();
  c.re_ = re_;
  c.rs_ = rs_;
  return c;
}

Status NoiseXX::MixDh(const crypto::X25519PrivateKey& priv, const crypto::X25519PublicKey& pub) {
  auto shared = crypto::X25519(priv, pub);
  if (!shared) return Fail(Errc::kHandshakeFailed);  // low-order point: all-zero DH refused
  ss_.MixKey(shared->Expose());
  return OkStatus();
}

Result<std::vector<uint8_t>> NoiseXX::WriteMessage(std::span<const uint8_t> payload) {
  if (!WritesNext()) return Fail(Errc::kUnexpectedMessage);
  NoiseXX next = Clone();
  std::vector<uint8_t> out;
  auto append = [&out](std::span<const uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); };
  if (step_ == 0 || step_ == 1) {
    // -> e   /   <- e
    next.e_ = crypto::X25519KeyPair::Generate(*rng_);
    append(next.e_->public_key.span());
    next.ss_.MixHash(next.e_->public_key.span());
  }
  if (step_ == 1) {
    // <- ee, s, es   (responder: es = DH(s, re))
    if (auto st = next.MixDh(next.e_->private_key, *next.re_); !st) return Fail(st.error());
    auto enc_s = next.ss_.EncryptAndHash(next.s_.public_key.span());
    if (!enc_s) return Fail(enc_s.error());
    append(*enc_s);
    if (auto st = next.MixDh(next.s_.private_key, *next.re_); !st) return Fail(st.error());
  }
  if (step_ == 2) {
    // -> s, se   (initiator: se = DH(s, re))
    auto enc_s = next.ss_.EncryptAndHash(next.s_.public_key.span());
    if (!enc_s) return Fail(enc_s.error());
    append(*enc_s);
    if (auto st = next.MixDh(next.s_.private_key, *next.re_); !st) return Fail(st.error());
  }
  auto enc_payload = next.ss_.EncryptAndHash(payload);
  if (!enc_payload) return Fail(enc_payload.error());
  append(*enc_payload);
  if (out.size() > kNoiseMaxMessage) return Fail(Errc::kFrameTooLarge);
  next.step_ = step_ + 1;
  *this = std::move(next);
  return out;
}

Result<SecretBytes> NoiseXX::ReadMessage(std::span<const uint8_t> message) {
  if (IsComplete() || WritesNext()) return Fail(Errc::kUnexpectedMessage);
  if (message.size() > kNoiseMaxMessage) return Fail(Errc::kFrameTooLarge);
  NoiseXX next = Clone();  // clone, try, commit
  std::span<const uint8_t> rest = message;
  auto take = [&rest](size_t n) -> Result<std::span<const uint8_t>> {
    if (rest.size() < n) return Fail(Errc::kHandshakeFailed);
    auto head = rest.first(n);
    rest = rest.subspan(n);
    return head;
  };
  if (step_ == 0 || step_ == 1) {
    // -> e   /   <- e
    auto re = take(kNoiseDhLen);
    if (!re) return Fail(re.error());
    next.re_ = crypto::X25519PublicKey(re->first<32>());
    next.ss_.MixHash(*re);
  }
  if (step_ == 1) {
    // <- ee, s, es   (initiator: es = DH(e, rs))
    if (auto st = next.MixDh(next.e_->private_key, *next.re_); !st) return Fail(st.error());
    auto enc_s = take(kNoiseDhLen + kNoiseTagLen);
    if (!enc_s) return Fail(enc_s.error());
    auto rs = next.ss_.DecryptAndHash(*enc_s);
    if (!rs) return Fail(rs.error());
    next.rs_ = crypto::X25519PublicKey(rs->Expose().first<32>());
    if (auto st = next.MixDh(next.e_->private_key, *next.rs_); !st) return Fail(st.error());
  }
  if (step_ == 2) {
    // -> s, se   (responder: se = DH(e, rs))
    auto enc_s = take(kNoiseDhLen + kNoiseTagLen);
    if (!enc_s) return Fail(enc_s.error());
    auto rs = next.ss_.DecryptAndHash(*enc_s);
    if (!rs) return Fail(rs.error());
    next.rs_ = crypto::X25519PublicKey(rs->Expose().first<32>());
    if (auto st = next.MixDh(next.e_->private_key, *next.rs_); !st) return Fail(st.error());
  }
  if (next.ss_.HasKey() && rest.size() < kNoiseTagLen) return Fail(Errc::kHandshakeFailed);
  auto payload = next.ss_.DecryptAndHash(rest);
  if (!payload) return Fail(payload.error());
  next.step_ = step_ + 1;
  *this = std::move(next);
  return payload;
}

}  // namespace sc::scp
