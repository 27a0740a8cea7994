#include "securecomm/crypto/aead.h"

#include <climits>
#include <cstring>

#include <openssl/evp.h>
#include <sodium/crypto_aead_chacha20poly1305.h>
#include <sodium/crypto_aead_xchacha20poly1305.h>

#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/random.h"

namespace sc::crypto {

size_t AeadKeySize(AeadAlgorithm alg) noexcept {
  switch (alg) {
    case AeadAlgorithm::kAes128Gcm:
      return 16;
    case AeadAlgorithm::kAes192Gcm:
      return 24;
    case AeadAlgorithm::kAes256Gcm:
    case AeadAlgorithm::kChaCha20Poly1305:
    case AeadAlgorithm::kXChaCha20Poly1305:
      return 32;
  }
  return 0;
}

size_t AeadNonceSize(AeadAlgorithm alg) noexcept {
  return alg == AeadAlgorithm::kXChaCha20Poly1305 ? 24 : 12;
}

std::string_view AeadName(AeadAlgorithm alg) noexcept {
  switch (alg) {
    case AeadAlgorithm::kAes128Gcm:
      return "AES-128-GCM";
    case AeadAlgorithm::kAes192Gcm:
      return "AES-192-GCM";
    case AeadAlgorithm::kAes256Gcm:
      return "AES-256-GCM";
    case AeadAlgorithm::kChaCha20Poly1305:
      return "ChaCha20-Poly1305";
    case AeadAlgorithm::kXChaCha20Poly1305:
      return "XChaCha20-Poly1305";
  }
  return "unknown";
}

namespace {

bool IsGcm(AeadAlgorithm alg) {
  return alg == AeadAlgorithm::kAes128Gcm || alg == AeadAlgorithm::kAes192Gcm ||
         alg == AeadAlgorithm::kAes256Gcm;
}

const EVP_CIPHER* GcmCipher(AeadAlgorithm alg) {
  // Fetched once per process: EVP_CIPHER_fetch is a lookup we must not repeat per message.
  static EVP_CIPHER* const k128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const k192 = EVP_CIPHER_fetch(nullptr, "AES-192-GCM", nullptr);
  static EVP_CIPHER* const k256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  switch (alg) {
    case AeadAlgorithm::kAes128Gcm:
      return k128;
    case AeadAlgorithm::kAes192Gcm:
      return k192;
    default:
      return k256;
  }
}

// Exact aliasing (in place) is allowed; partial overlap is a caller bug we refuse loudly.
[[gnu::always_inline]] inline bool PartiallyOverlaps(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.empty() || b.empty() || a.data() == b.data()) return false;
  return a.data() < b.data() + b.size() && b.data() < a.data() + a.size();
}

}  // namespace

struct Aead::State {
  AeadAlgorithm alg{};
  // GCM: one context per direction, keyed on first use (a session's sender only seals and its
  // receiver only opens, so each holds one key schedule); only the IV changes per call.
  EVP_CIPHER_CTX* enc = nullptr;
  EVP_CIPHER_CTX* dec = nullptr;
  size_t enc_iv_len = 12;
  size_t dec_iv_len = 12;
  // The key: for the ChaCha20 family the only state libsodium needs; for GCM kept to key the
  // second direction's context if it is ever used.
  SecretArray<32> key;

  ~State() {
    EVP_CIPHER_CTX_free(enc);  // cleanses the key schedule
    EVP_CIPHER_CTX_free(dec);
  }

  // Context returns the keyed GCM context of one direction, creating it on first use; nullptr if
  // OpenSSL fails.
  EVP_CIPHER_CTX* Context(bool encrypt) {
    EVP_CIPHER_CTX* ctx = encrypt ? enc : dec;
    return ctx != nullptr ? ctx : CreateContext(encrypt);  // the per-call path is one branch
  }

  [[gnu::noinline]] EVP_CIPHER_CTX* CreateContext(bool encrypt) {
    EVP_CIPHER_CTX*& ctx = encrypt ? enc : dec;
    const EVP_CIPHER* cipher = GcmCipher(alg);
    EVP_CIPHER_CTX* fresh = EVP_CIPHER_CTX_new();
    const int ok = fresh == nullptr || cipher == nullptr ? 0
                   : encrypt ? EVP_EncryptInit_ex2(fresh, cipher, key.Expose().data(), nullptr, nullptr)
                             : EVP_DecryptInit_ex2(fresh, cipher, key.Expose().data(), nullptr, nullptr);
    if (ok != 1) {
      EVP_CIPHER_CTX_free(fresh);
      return nullptr;
    }
    ctx = fresh;
    if (enc != nullptr && dec != nullptr) SecureWipe(key.MutableExpose());  // the schedules suffice now
    return ctx;
  }
};

Aead::Aead(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;
Aead::~Aead() = default;

AeadAlgorithm Aead::algorithm() const noexcept {
  return state_->alg;
}

Result<Aead> Aead::Create(AeadAlgorithm alg, std::span<const uint8_t> key) {
  Init();
  const size_t key_size = AeadKeySize(alg);
  if (key_size == 0) return Fail(Errc::kInvalidArgument);
  if (key.size() != key_size) return Fail(Errc::kInvalidKeySize);
  auto st = std::make_unique<State>();
  st->alg = alg;
  std::memcpy(st->key.MutableExpose().data(), key.data(), key_size);
  if (IsGcm(alg) && GcmCipher(alg) == nullptr) return Fail(Errc::kBackendFailure);
  return Aead(std::move(st));
}

namespace {

[[gnu::always_inline]] inline Status CheckSizes(AeadAlgorithm alg, std::span<const uint8_t> nonce,
                                                std::span<const uint8_t> aad, size_t in_size) {
  if (IsGcm(alg)) {
    if (nonce.size() < kMinGcmNonce || nonce.size() > kMaxGcmNonce) return Fail(Errc::kInvalidNonceSize);
  } else if (nonce.size() != AeadNonceSize(alg)) {
    return Fail(Errc::kInvalidNonceSize);
  }
  if (in_size > kMaxAeadInput || aad.size() > kMaxAeadInput) return Fail(Errc::kInputTooLarge);
  return OkStatus();
}

// SetGcmIv changes the IV length only when it differs from the last call's (rare), then sets the IV.
[[gnu::always_inline]] inline bool SetGcmIv(EVP_CIPHER_CTX* ctx, size_t* current_len,
                                            std::span<const uint8_t> nonce, bool encrypt) {
  if (nonce.size() != *current_len) {
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1) {
      return false;
    }
    *current_len = nonce.size();
  }
  return encrypt ? EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) == 1
                 : EVP_DecryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) == 1;
}

}  // namespace

Status Aead::Seal(std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                  std::span<const uint8_t> plaintext, std::span<uint8_t> out) {
  State& st = *state_;
  if (auto s = CheckSizes(st.alg, nonce, aad, plaintext.size()); !s) {
    SecureWipe(out);
    return s;
  }
  if (out.size() < plaintext.size() + kAeadTagSize) {
    SecureWipe(out);
    return Fail(Errc::kBufferTooSmall);
  }
  if (PartiallyOverlaps(plaintext, out)) return Fail(Errc::kInvalidArgument);
  const size_t n = plaintext.size();
  if (IsGcm(st.alg)) {
    int len = 0;
    EVP_CIPHER_CTX* ctx = st.Context(true);
    if (ctx == nullptr || !SetGcmIv(ctx, &st.enc_iv_len, nonce, true) ||
        (!aad.empty() &&
         EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
        EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.data(), static_cast<int>(n)) != 1 ||
        EVP_EncryptFinal_ex(ctx, out.data() + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kAeadTagSize, out.data() + n) != 1) {
      SecureWipe(out);
      return Fail(Errc::kBackendFailure);
    }
    return OkStatus();
  }
  const auto* key = st.key.Expose().data();
  int rc = st.alg == AeadAlgorithm::kChaCha20Poly1305
               ? crypto_aead_chacha20poly1305_ietf_encrypt_detached(out.data(), out.data() + n, nullptr,
                                                                    plaintext.data(), n, aad.data(),
                                                                    aad.size(), nullptr, nonce.data(), key)
               : crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out.data(), out.data() + n, nullptr,
                                                                     plaintext.data(), n, aad.data(),
                                                                     aad.size(), nullptr, nonce.data(), key);
  if (rc != 0) {
    SecureWipe(out);
    return Fail(Errc::kBackendFailure);
  }
  return OkStatus();
}

Status Aead::Open(std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                  std::span<const uint8_t> ciphertext, std::span<uint8_t> out) {
  State& st = *state_;
  if (ciphertext.size() < kAeadTagSize) {
    SecureWipe(out);
    return Fail(Errc::kTruncated);
  }
  const size_t n = ciphertext.size() - kAeadTagSize;
  if (auto s = CheckSizes(st.alg, nonce, aad, n); !s) {
    SecureWipe(out);
    return s;
  }
  if (out.size() < n) {
    SecureWipe(out);
    return Fail(Errc::kBufferTooSmall);
  }
  if (PartiallyOverlaps(ciphertext, out)) return Fail(Errc::kInvalidArgument);
  if (IsGcm(st.alg)) {
    // In-place decryption overwrites only the first n bytes, never the tag; the copy keeps the
    // tag intact even for an `out` that is longer than n and aliases the input.
    uint8_t tag[kAeadTagSize];
    std::memcpy(tag, ciphertext.data() + n, kAeadTagSize);
    int len = 0;
    EVP_CIPHER_CTX* ctx = st.Context(false);
    if (ctx == nullptr || !SetGcmIv(ctx, &st.dec_iv_len, nonce, false) ||
        (!aad.empty() &&
         EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
        EVP_DecryptUpdate(ctx, out.data(), &len, ciphertext.data(), static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kAeadTagSize, tag) != 1) {
      SecureWipe(out);
      return Fail(Errc::kBackendFailure);
    }
    if (EVP_DecryptFinal_ex(ctx, out.data() + len, &len) != 1) {
      SecureWipe(out);  // GCM decrypts before it verifies: never release unauthenticated bytes
      return Fail(Errc::kAuthFailed);
    }
    return OkStatus();
  }
  const auto* key = st.key.Expose().data();
  const uint8_t* tag = ciphertext.data() + n;
  int rc =
      st.alg == AeadAlgorithm::kChaCha20Poly1305
          ? crypto_aead_chacha20poly1305_ietf_decrypt_detached(out.data(), nullptr, ciphertext.data(), n, tag,
                                                               aad.data(), aad.size(), nonce.data(), key)
          : crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                out.data(), nullptr, ciphertext.data(), n, tag, aad.data(), aad.size(), nonce.data(), key);
  if (rc != 0) {
    SecureWipe(out);
    return Fail(Errc::kAuthFailed);
  }
  return OkStatus();
}

Result<std::vector<uint8_t>> Aead::Seal(std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                                        std::span<const uint8_t> plaintext) {
  if (plaintext.size() > kMaxAeadInput) return Fail(Errc::kInputTooLarge);
  std::vector<uint8_t> out(plaintext.size() + kAeadTagSize);
  if (auto s = Seal(nonce, aad, plaintext, out); !s) return Fail(s.error());
  return out;
}

Result<SecretBytes> Aead::Open(std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                               std::span<const uint8_t> ciphertext) {
  if (ciphertext.size() < kAeadTagSize) return Fail(Errc::kTruncated);
  if (ciphertext.size() - kAeadTagSize > kMaxAeadInput) return Fail(Errc::kInputTooLarge);
  SecretBytes out(ciphertext.size() - kAeadTagSize);
  if (auto s = Open(nonce, aad, ciphertext, out.MutableExpose()); !s) return Fail(s.error());
  return out;
}

}  // namespace sc::crypto
