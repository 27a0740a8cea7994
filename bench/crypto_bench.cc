// crypto_bench: every sc::crypto primitive the record layer and handshake use, each measured
// beside the raw OpenSSL 3 or libsodium call a competent user would write, in the same binary and
// the same run. The closing table prints ours/raw per row in CPU time; the goal is at most 1.05
// for every row. See bench/README.md.
//
//   crypto_bench                                   # whole table, under a minute on 2 cores
//   crypto_bench --benchmark_filter=aes256gcm      # some rows (the filter is a regex on names)
//   crypto_bench --sc_strict                       # exit status 1 if any row is over 1.05
//
// Benchmark names are <row>/ours and <row>/raw. The suite runs in rounds; in each round a row's
// two halves run back to back (which one first alternates), so drift on a shared machine (another
// build, a noisy neighbour, frequency changes) lands on both alike, and the row's ratio is the
// median of its per-round ratios. The runner is sc::bench::RatioRunner (ratio_runner.h).

#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/crypto/x25519.h"

#include "ratio_runner.h"

namespace {

using sc::crypto::AeadAlgorithm;

constexpr double kGoal = 1.05;
constexpr size_t kTag = 16;
constexpr size_t kAeadSizes[] = {32, 1024, 16384};
constexpr size_t kSignedMessage = 64;
constexpr size_t kHkdfIkm = 32, kHkdfSalt = 32, kHkdfInfo = 16, kHkdfOut = 64;
constexpr size_t kMacInput = 64;

// Every input is a fixed pseudo-random pattern (DeterministicRandom: benchmarks and tests only),
// so runs are reproducible and ours/raw see identical bytes.
std::vector<uint8_t> Bytes(size_t n, uint64_t seed) {
  std::vector<uint8_t> v(n);
  sc::DeterministicRandom rng(seed);
  rng.Fill(v);
  return v;
}

const std::vector<uint8_t>& AeadKey() {
  static const std::vector<uint8_t> k = Bytes(32, 1);
  return k;
}
const std::vector<uint8_t>& Nonce12() {
  static const std::vector<uint8_t> n = Bytes(12, 2);
  return n;
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "crypto_bench: setup failed: %s\n", what);
  std::exit(2);
}

// ---------------------------------------------------------------------------------------------
// Raw backends, written the way a competent user of each library would.

// Raw AES-256-GCM: cipher fetched once, one context per direction keyed once; a call only sets
// the IV (EVP_*Init_ex2 with everything else null), then Update / Final and the tag ctrl.
class RawGcm {
 public:
  explicit RawGcm(std::span<const uint8_t> key) {
    cipher_ = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    enc_ = EVP_CIPHER_CTX_new();
    dec_ = EVP_CIPHER_CTX_new();
    if (cipher_ == nullptr || enc_ == nullptr || dec_ == nullptr || key.size() != 32 ||
        EVP_EncryptInit_ex2(enc_, cipher_, key.data(), nullptr, nullptr) != 1 ||
        EVP_DecryptInit_ex2(dec_, cipher_, key.data(), nullptr, nullptr) != 1) {
      Die("raw AES-256-GCM context");
    }
  }
  ~RawGcm() {
    EVP_CIPHER_CTX_free(enc_);
    EVP_CIPHER_CTX_free(dec_);
    EVP_CIPHER_free(cipher_);
  }
  RawGcm(const RawGcm&) = delete;
  RawGcm& operator=(const RawGcm&) = delete;

  // out: n bytes of ciphertext then the 16-byte tag. The 12-byte IV is the cipher's default.
  bool Seal(const uint8_t* iv, const uint8_t* pt, size_t n, uint8_t* out) {
    int len = 0, fin = 0;
    return EVP_EncryptInit_ex2(enc_, nullptr, nullptr, iv, nullptr) == 1 &&
           EVP_EncryptUpdate(enc_, out, &len, pt, static_cast<int>(n)) == 1 &&
           EVP_EncryptFinal_ex(enc_, out + len, &fin) == 1 &&
           EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag), out + n) == 1;
  }
  // ct: n bytes of ciphertext then the tag; writes n bytes of plaintext. False if the tag fails.
  bool Open(const uint8_t* iv, const uint8_t* ct, size_t n, uint8_t* out) {
    int len = 0, fin = 0;
    return EVP_DecryptInit_ex2(dec_, nullptr, nullptr, iv, nullptr) == 1 &&
           EVP_DecryptUpdate(dec_, out, &len, ct, static_cast<int>(n)) == 1 &&
           EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag),
                               const_cast<uint8_t*>(ct + n)) == 1 &&
           EVP_DecryptFinal_ex(dec_, out + len, &fin) == 1;
  }

 private:
  EVP_CIPHER* cipher_ = nullptr;
  EVP_CIPHER_CTX* enc_ = nullptr;
  EVP_CIPHER_CTX* dec_ = nullptr;
};

bool RawChaChaSeal(const uint8_t* key, const uint8_t* nonce, const uint8_t* pt, size_t n, uint8_t* out) {
  return crypto_aead_chacha20poly1305_ietf_encrypt_detached(out, out + n, nullptr, pt, n, nullptr, 0, nullptr,
                                                            nonce, key) == 0;
}
bool RawChaChaOpen(const uint8_t* key, const uint8_t* nonce, const uint8_t* ct, size_t n, uint8_t* out) {
  return crypto_aead_chacha20poly1305_ietf_decrypt_detached(out, nullptr, ct, n, ct + n, nullptr, 0, nonce,
                                                            key) == 0;
}

// Raw HKDF-SHA256: the KDF fetched and the context created once, the digest set once; a derive
// passes only key, salt and info.
class RawHkdf {
 public:
  RawHkdf() {
    kdf_ = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    ctx_ = kdf_ != nullptr ? EVP_KDF_CTX_new(kdf_) : nullptr;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx_ == nullptr || EVP_KDF_CTX_set_params(ctx_, params) != 1) Die("raw HKDF context");
  }
  ~RawHkdf() {
    EVP_KDF_CTX_free(ctx_);
    EVP_KDF_free(kdf_);
  }
  RawHkdf(const RawHkdf&) = delete;
  RawHkdf& operator=(const RawHkdf&) = delete;

  bool Derive(std::span<const uint8_t> ikm, std::span<const uint8_t> salt, std::span<const uint8_t> info,
              std::span<uint8_t> out) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data()), ikm.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()),
                                          salt.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(info.data()),
                                          info.size()),
        OSSL_PARAM_construct_end()};
    return EVP_KDF_derive(ctx_, out.data(), out.size(), params) == 1;
  }

 private:
  EVP_KDF* kdf_ = nullptr;
  EVP_KDF_CTX* ctx_ = nullptr;
};

// Raw HMAC-SHA256 with a reused key: keyed once, then EVP_MAC_init(ctx, NULL, 0, NULL) per message
// restarts from the stored key.
class RawHmac {
 public:
  explicit RawHmac(std::span<const uint8_t> key) {
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac_ != nullptr ? EVP_MAC_CTX_new(mac_) : nullptr;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx_ == nullptr || EVP_MAC_init(ctx_, key.data(), key.size(), params) != 1) Die("raw HMAC context");
  }
  ~RawHmac() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  RawHmac(const RawHmac&) = delete;
  RawHmac& operator=(const RawHmac&) = delete;

  bool Compute(std::span<const uint8_t> data, uint8_t* tag) {
    size_t len = 0;
    return EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1 &&
           EVP_MAC_update(ctx_, data.data(), data.size()) == 1 && EVP_MAC_final(ctx_, tag, &len, 32) == 1 &&
           len == 32;
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Benchmarks. Each loop body is the call under test plus DoNotOptimize of its result and a
// ClobberMemory so the output buffer counts as observed. Failures are checked once after the loop
// (a failing call would make the row meaningless, so it is reported as an error, not timed).

// AEAD rows use no associated data and one fixed nonce on both halves: associated data would add
// the same GHASH / Poly1305 work to each, so leaving it out shows the wrapper's fixed cost at its
// largest share. Reusing a nonce is fine for timing and never done outside a benchmark.
const char* AlgName(AeadAlgorithm alg) {
  return alg == AeadAlgorithm::kAes256Gcm ? "aes256gcm" : "chacha20poly1305";
}

void AeadSealOurs(benchmark::State& state, AeadAlgorithm alg, size_t n) {
  auto aead = sc::crypto::Aead::Create(alg, AeadKey());
  if (!aead) Die("Aead::Create");
  const std::vector<uint8_t> pt = Bytes(n, 3), nonce = Nonce12();
  std::vector<uint8_t> ct(n + kTag);
  bool ok = true;
  for (auto _ : state) {
    auto s = aead->Seal(nonce, {}, pt, ct);
    ok &= s.has_value();
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("Seal failed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

void AeadOpenOurs(benchmark::State& state, AeadAlgorithm alg, size_t n) {
  auto aead = sc::crypto::Aead::Create(alg, AeadKey());
  if (!aead) Die("Aead::Create");
  const std::vector<uint8_t> pt = Bytes(n, 3), nonce = Nonce12();
  std::vector<uint8_t> ct(n + kTag), out(n);
  if (!aead->Seal(nonce, {}, pt, ct)) Die("Seal for Open");
  bool ok = true;
  for (auto _ : state) {
    auto s = aead->Open(nonce, {}, ct, out);
    ok &= s.has_value();
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("Open failed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

void AeadSealRaw(benchmark::State& state, AeadAlgorithm alg, size_t n) {
  const std::vector<uint8_t>& key = AeadKey();
  const std::vector<uint8_t> pt = Bytes(n, 3), nonce = Nonce12();
  std::vector<uint8_t> ct(n + kTag);
  bool ok = true;
  if (alg == AeadAlgorithm::kAes256Gcm) {
    RawGcm gcm(key);
    for (auto _ : state) {
      bool r = gcm.Seal(nonce.data(), pt.data(), n, ct.data());
      ok &= r;
      benchmark::DoNotOptimize(r);
      benchmark::ClobberMemory();
    }
  } else {
    for (auto _ : state) {
      bool r = RawChaChaSeal(key.data(), nonce.data(), pt.data(), n, ct.data());
      ok &= r;
      benchmark::DoNotOptimize(r);
      benchmark::ClobberMemory();
    }
  }
  if (!ok) state.SkipWithError("raw seal failed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

void AeadOpenRaw(benchmark::State& state, AeadAlgorithm alg, size_t n) {
  const std::vector<uint8_t>& key = AeadKey();
  const std::vector<uint8_t> pt = Bytes(n, 3), nonce = Nonce12();
  std::vector<uint8_t> ct(n + kTag), out(n);
  bool ok = true;
  if (alg == AeadAlgorithm::kAes256Gcm) {
    RawGcm gcm(key);
    if (!gcm.Seal(nonce.data(), pt.data(), n, ct.data())) Die("raw seal for open");
    for (auto _ : state) {
      bool r = gcm.Open(nonce.data(), ct.data(), n, out.data());
      ok &= r;
      benchmark::DoNotOptimize(r);
      benchmark::ClobberMemory();
    }
  } else {
    if (!RawChaChaSeal(key.data(), nonce.data(), pt.data(), n, ct.data())) Die("raw seal for open");
    for (auto _ : state) {
      bool r = RawChaChaOpen(key.data(), nonce.data(), ct.data(), n, out.data());
      ok &= r;
      benchmark::DoNotOptimize(r);
      benchmark::ClobberMemory();
    }
  }
  if (!ok) state.SkipWithError("raw open failed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

// X25519: our private key and a peer public key derived from a second fixed private key.
struct X25519Inputs {
  sc::crypto::X25519PrivateKey sk;
  sc::crypto::X25519PublicKey peer;
};
X25519Inputs MakeX25519Inputs() {
  auto sk = sc::crypto::X25519PrivateKey::FromSpan(Bytes(32, 4));
  auto peer_sk = sc::crypto::X25519PrivateKey::FromSpan(Bytes(32, 5));
  if (!sk || !peer_sk) Die("X25519 keys");
  auto peer = sc::crypto::X25519KeyPair::FromPrivate(std::move(*peer_sk));
  return X25519Inputs{std::move(*sk), peer.public_key};
}

void X25519Ours(benchmark::State& state) {
  const X25519Inputs in = MakeX25519Inputs();
  bool ok = true;
  for (auto _ : state) {
    auto k = sc::crypto::X25519(in.sk, in.peer);
    ok &= k.has_value();
    benchmark::DoNotOptimize(k);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("X25519 failed");
}

void X25519Raw(benchmark::State& state) {
  const X25519Inputs in = MakeX25519Inputs();
  const uint8_t* sk = in.sk.Expose().data();
  const uint8_t* pk = in.peer.data();
  uint8_t shared[32];
  bool ok = true;
  for (auto _ : state) {
    bool r = crypto_scalarmult_curve25519(shared, sk, pk) == 0;
    ok &= r;
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(shared);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("crypto_scalarmult_curve25519 failed");
}

// Ed25519: one fixed key pair; the raw side uses libsodium's 64-byte secret key (seed || pk)
// derived from the same seed, which is what Ed25519KeyPair holds.
sc::crypto::Ed25519KeyPair MakeEd25519() {
  auto seed = sc::crypto::Ed25519Seed::FromSpan(Bytes(32, 6));
  if (!seed) Die("Ed25519 seed");
  return sc::crypto::Ed25519KeyPair::FromSeed(*seed);
}
struct RawEd25519 {
  uint8_t pk[crypto_sign_ed25519_PUBLICKEYBYTES]{};
  uint8_t sk[crypto_sign_ed25519_SECRETKEYBYTES]{};
  RawEd25519() {
    const std::vector<uint8_t> seed = Bytes(32, 6);
    if (crypto_sign_ed25519_seed_keypair(pk, sk, seed.data()) != 0) Die("raw Ed25519 key pair");
  }
  ~RawEd25519() { sodium_memzero(sk, sizeof sk); }
  RawEd25519(const RawEd25519&) = delete;
  RawEd25519& operator=(const RawEd25519&) = delete;
};

void Ed25519SignOurs(benchmark::State& state) {
  const sc::crypto::Ed25519KeyPair kp = MakeEd25519();
  const std::vector<uint8_t> msg = Bytes(kSignedMessage, 7);
  for (auto _ : state) {
    auto sig = kp.Sign(msg);
    benchmark::DoNotOptimize(sig);
    benchmark::ClobberMemory();
  }
}

void Ed25519SignRaw(benchmark::State& state) {
  const RawEd25519 kp;
  const std::vector<uint8_t> msg = Bytes(kSignedMessage, 7);
  uint8_t sig[crypto_sign_ed25519_BYTES];
  bool ok = true;
  for (auto _ : state) {
    bool r = crypto_sign_ed25519_detached(sig, nullptr, msg.data(), msg.size(), kp.sk) == 0;
    ok &= r;
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(sig);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("crypto_sign_ed25519_detached failed");
}

void Ed25519VerifyOurs(benchmark::State& state) {
  const sc::crypto::Ed25519KeyPair kp = MakeEd25519();
  const std::vector<uint8_t> msg = Bytes(kSignedMessage, 7);
  const sc::crypto::Ed25519Signature sig = kp.Sign(msg);
  bool ok = true;
  for (auto _ : state) {
    auto s = sc::crypto::Ed25519Verify(kp.public_key(), msg, sig);
    ok &= s.has_value();
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("Ed25519Verify failed");
}

void Ed25519VerifyRaw(benchmark::State& state) {
  const RawEd25519 kp;
  const std::vector<uint8_t> msg = Bytes(kSignedMessage, 7);
  uint8_t sig[crypto_sign_ed25519_BYTES];
  if (crypto_sign_ed25519_detached(sig, nullptr, msg.data(), msg.size(), kp.sk) != 0) Die("raw sign");
  bool ok = true;
  for (auto _ : state) {
    bool r = crypto_sign_ed25519_verify_detached(sig, msg.data(), msg.size(), kp.pk) == 0;
    ok &= r;
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("crypto_sign_ed25519_verify_detached failed");
}

void HkdfOurs(benchmark::State& state) {
  const std::vector<uint8_t> ikm = Bytes(kHkdfIkm, 8), salt = Bytes(kHkdfSalt, 9),
                             info = Bytes(kHkdfInfo, 10);
  std::vector<uint8_t> out(kHkdfOut);
  bool ok = true;
  for (auto _ : state) {
    auto s = sc::crypto::HkdfSha256(ikm, salt, info, out);
    ok &= s.has_value();
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("HkdfSha256 failed");
}

void HkdfRaw(benchmark::State& state) {
  const std::vector<uint8_t> ikm = Bytes(kHkdfIkm, 8), salt = Bytes(kHkdfSalt, 9),
                             info = Bytes(kHkdfInfo, 10);
  std::vector<uint8_t> out(kHkdfOut);
  RawHkdf hkdf;
  bool ok = true;
  for (auto _ : state) {
    bool r = hkdf.Derive(ikm, salt, info, out);
    ok &= r;
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("EVP_KDF_derive failed");
}

void HmacOurs(benchmark::State& state) {
  const std::vector<uint8_t> key = Bytes(32, 11), data = Bytes(kMacInput, 12);
  sc::crypto::HmacSha256Key mac(key);
  for (auto _ : state) {
    auto tag = mac.Compute(data);
    benchmark::DoNotOptimize(tag);
    benchmark::ClobberMemory();
  }
}

void HmacRaw(benchmark::State& state) {
  const std::vector<uint8_t> key = Bytes(32, 11), data = Bytes(kMacInput, 12);
  RawHmac mac(key);
  uint8_t tag[32];
  bool ok = true;
  for (auto _ : state) {
    bool r = mac.Compute(data, tag);
    ok &= r;
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(tag);
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("EVP_MAC failed");
}

// ---------------------------------------------------------------------------------------------
// Cross-check before timing: ours and raw must compute the same bytes, or the comparison would
// be between different work. Any mismatch aborts the run (exit status 2).

bool SameBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

bool CrossCheck() {
  bool all = true;
  auto expect = [&all](bool cond, const std::string& what) {
    if (!cond) {
      std::fprintf(stderr, "crypto_bench: cross-check failed: %s\n", what.c_str());
      all = false;
    }
  };
  const std::vector<uint8_t>& key = AeadKey();
  const std::vector<uint8_t> nonce = Nonce12();
  for (AeadAlgorithm alg : {AeadAlgorithm::kAes256Gcm, AeadAlgorithm::kChaCha20Poly1305}) {
    auto aead = sc::crypto::Aead::Create(alg, key);
    if (!aead) Die("Aead::Create");
    RawGcm gcm(key);
    for (size_t n : kAeadSizes) {
      const std::string what = std::string(AlgName(alg)) + " " + std::to_string(n);
      const std::vector<uint8_t> pt = Bytes(n, 3);
      std::vector<uint8_t> ours(n + kTag), raw(n + kTag), back(n);
      expect(aead->Seal(nonce, {}, pt, ours).has_value(), what + " ours seal");
      const bool raw_ok = alg == AeadAlgorithm::kAes256Gcm
                              ? gcm.Seal(nonce.data(), pt.data(), n, raw.data())
                              : RawChaChaSeal(key.data(), nonce.data(), pt.data(), n, raw.data());
      expect(raw_ok, what + " raw seal");
      expect(SameBytes(ours, raw), what + " ciphertexts differ");
      expect(aead->Open(nonce, {}, raw, back).has_value() && SameBytes(back, pt), what + " ours open of raw");
      std::fill(back.begin(), back.end(), uint8_t{0});
      const bool raw_open = alg == AeadAlgorithm::kAes256Gcm
                                ? gcm.Open(nonce.data(), ours.data(), n, back.data())
                                : RawChaChaOpen(key.data(), nonce.data(), ours.data(), n, back.data());
      expect(raw_open && SameBytes(back, pt), what + " raw open of ours");
    }
  }
  {
    const X25519Inputs in = MakeX25519Inputs();
    auto ours = sc::crypto::X25519(in.sk, in.peer);
    uint8_t raw[32];
    expect(ours.has_value() &&
               crypto_scalarmult_curve25519(raw, in.sk.Expose().data(), in.peer.data()) == 0 &&
               SameBytes(ours->Expose(), raw),
           "X25519 shared secrets differ");
  }
  {
    const sc::crypto::Ed25519KeyPair kp = MakeEd25519();
    const RawEd25519 rkp;
    const std::vector<uint8_t> msg = Bytes(kSignedMessage, 7);
    const sc::crypto::Ed25519Signature sig = kp.Sign(msg);
    uint8_t raw[crypto_sign_ed25519_BYTES];
    expect(SameBytes(kp.public_key().span(), rkp.pk), "Ed25519 public keys differ");
    expect(crypto_sign_ed25519_detached(raw, nullptr, msg.data(), msg.size(), rkp.sk) == 0 &&
               SameBytes(sig.span(), raw),
           "Ed25519 signatures differ");
    expect(sc::crypto::Ed25519Verify(kp.public_key(), msg, sig).has_value() &&
               crypto_sign_ed25519_verify_detached(sig.data(), msg.data(), msg.size(), rkp.pk) == 0,
           "Ed25519 verify");
  }
  {
    const std::vector<uint8_t> ikm = Bytes(kHkdfIkm, 8), salt = Bytes(kHkdfSalt, 9),
                               info = Bytes(kHkdfInfo, 10);
    std::vector<uint8_t> ours(kHkdfOut), raw(kHkdfOut);
    RawHkdf hkdf;
    expect(sc::crypto::HkdfSha256(ikm, salt, info, ours).has_value() && hkdf.Derive(ikm, salt, info, raw) &&
               SameBytes(ours, raw),
           "HKDF outputs differ");
  }
  {
    const std::vector<uint8_t> mac_key = Bytes(32, 11), data = Bytes(kMacInput, 12);
    sc::crypto::HmacSha256Key mac(mac_key);
    RawHmac rmac(mac_key);
    uint8_t raw[32];
    // Twice each, so the keyed-context reuse path is what gets compared.
    for (int i = 0; i < 2; ++i) {
      const sc::crypto::HmacSha256Tag ours = mac.Compute(data);
      expect(rmac.Compute(data, raw) && SameBytes(ours.span(), raw), "HMAC tags differ");
    }
  }
  return all;
}

// ---------------------------------------------------------------------------------------------
// Rows. The rounds runner, the reporter and the table live in ratio_runner.{h,cc}.

void AddRows(sc::bench::RatioRunner& runner) {
  auto add = [&runner](std::string label, std::string name, sc::bench::BenchmarkFn ours,
                       sc::bench::BenchmarkFn raw) {
    runner.AddPair(std::move(label), std::move(name), std::move(ours), std::move(raw), kGoal);
  };
  for (AeadAlgorithm alg : {AeadAlgorithm::kAes256Gcm, AeadAlgorithm::kChaCha20Poly1305}) {
    const std::string label = alg == AeadAlgorithm::kAes256Gcm ? "AES-256-GCM" : "ChaCha20-Poly1305";
    for (const char* op : {"seal", "open"}) {
      const bool seal = std::string_view(op) == "seal";
      for (size_t n : kAeadSizes) {
        const std::string name = std::string(AlgName(alg)) + "_" + op + "/" + std::to_string(n);
        const std::string row = label + " " + op + " " + std::to_string(n) + " B";
        if (seal) {
          add(
              row, name, [alg, n](benchmark::State& s) { AeadSealOurs(s, alg, n); },
              [alg, n](benchmark::State& s) { AeadSealRaw(s, alg, n); });
        } else {
          add(
              row, name, [alg, n](benchmark::State& s) { AeadOpenOurs(s, alg, n); },
              [alg, n](benchmark::State& s) { AeadOpenRaw(s, alg, n); });
        }
      }
    }
  }
  add("X25519 shared secret", "x25519", X25519Ours, X25519Raw);
  add("Ed25519 sign (64 B msg)", "ed25519_sign", Ed25519SignOurs, Ed25519SignRaw);
  add("Ed25519 verify (64 B msg)", "ed25519_verify", Ed25519VerifyOurs, Ed25519VerifyRaw);
  add("HKDF-SHA256 (64 B out)", "hkdf_sha256", HkdfOurs, HkdfRaw);
  add("HMAC-SHA256 64 B, reused key", "hmac_sha256", HmacOurs, HmacRaw);
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) Die("sodium_init");
  benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));
  benchmark::AddCustomContext("libsodium", sodium_version_string());
  // Default run: 34 benchmarks x 30 rounds x 0.03 s, under a minute on a 2-core machine.
  sc::bench::RatioRunner runner(
      {.program = "crypto_bench", .default_rounds = 30, .default_min_time = "0.03"});
  AddRows(runner);
  return runner.Run(argc, argv, CrossCheck);
}
