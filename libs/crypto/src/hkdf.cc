#include "securecomm/crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "securecomm/base/check.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto {
namespace {

// One EVP_KDF_CTX per thread and digest, with the digest set once: a derive then only sets the
// key, salt and info (set_ctx_params replaces each of them on every call).
struct HkdfCtx {
  EVP_KDF_CTX* ctx = nullptr;
  const char* digest_name;
  bool holds_info = false;  // whether the last derive set a non-empty info

  explicit HkdfCtx(const char* digest) : digest_name(digest) {
    static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    SC_CHECK(kdf != nullptr);
    ctx = EVP_KDF_CTX_new(kdf);
    SC_CHECK(ctx != nullptr);
    SetDigest();
  }
  ~HkdfCtx() { EVP_KDF_CTX_free(ctx); }

  void SetDigest() {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest_name), 0),
        OSSL_PARAM_construct_end()};
    SC_CHECK(EVP_KDF_CTX_set_params(ctx, params) == 1);
  }

  // PrepareFor clears a previous info when this call has none. OpenSSL 3.0 skips an empty info
  // parameter but keeps the old info length with a freed buffer (a NULL read, seen in 3.0.19),
  // so the context is reset in that one case; the common path sets no extra parameter.
  void PrepareFor(std::span<const uint8_t> info) {
    if (info.empty() && holds_info) {
      EVP_KDF_CTX_reset(ctx);
      SetDigest();
    }
    holds_info = !info.empty();
  }
};

Status Hkdf(bool sha512, std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
            std::span<const uint8_t> info, std::span<uint8_t> out) {
  const size_t hash_len = sha512 ? 64 : 32;
  if (out.size() > kMaxHkdfBlocks * hash_len) {
    SecureWipe(out);
    return Fail(Errc::kOutputTooLarge);
  }
  if (out.empty()) return OkStatus();
  thread_local HkdfCtx ctx256("SHA256");
  thread_local HkdfCtx ctx512("SHA512");
  HkdfCtx& hkdf = sha512 ? ctx512 : ctx256;
  hkdf.PrepareFor(info);
  // RFC 5869 §2.2: an absent salt is HashLen zeros, which is what HMAC's key padding makes of an
  // empty key too; we pass the zeros explicitly rather than rely on backend defaults.
  static const uint8_t kZeros[64] = {};
  if (salt.empty()) salt = std::span<const uint8_t>(kZeros, hash_len);
  static const uint8_t kEmpty = 0;
  auto ptr = [](std::span<const uint8_t> s) { return const_cast<uint8_t*>(s.empty() ? &kEmpty : s.data()); };
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ptr(ikm), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, ptr(salt), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, ptr(info), info.size()),
      OSSL_PARAM_construct_end()};
  if (info.empty()) params[2] = OSSL_PARAM_construct_end();
  if (EVP_KDF_derive(hkdf.ctx, out.data(), out.size(), params) != 1) {
    SecureWipe(out);
    return Fail(Errc::kBackendFailure);
  }
  return OkStatus();
}

}  // namespace

Status HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                  std::span<const uint8_t> info, std::span<uint8_t> out) noexcept {
  return Hkdf(false, ikm, salt, info, out);
}

Status HkdfSha512(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                  std::span<const uint8_t> info, std::span<uint8_t> out) noexcept {
  return Hkdf(true, ikm, salt, info, out);
}

}  // namespace sc::crypto
