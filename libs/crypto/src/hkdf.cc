#include "securecomm/crypto/hkdf.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "securecomm/base/check.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/hmac_pads.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto {
namespace {

// One EVP_KDF_CTX per thread (SHA-512 only), with the digest set once: a derive then only sets the
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

// HkdfSha512Evp: HKDF-SHA512 through OpenSSL (used at session set-up only, not per message).
Status HkdfSha512Evp(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                     std::span<const uint8_t> info, std::span<uint8_t> out) {
  constexpr size_t kHashLen = 64;
  if (out.size() > kMaxHkdfBlocks * kHashLen) {
    SecureWipe(out);
    return Fail(Errc::kOutputTooLarge);
  }
  if (out.empty()) return OkStatus();
  thread_local HkdfCtx hkdf("SHA512");
  hkdf.PrepareFor(info);
  // RFC 5869 §2.2: an absent salt is HashLen zeros, which is what HMAC's key padding makes of an
  // empty key too; we pass the zeros explicitly rather than rely on backend defaults.
  static const uint8_t kZeros[kHashLen] = {};
  if (salt.empty()) salt = std::span<const uint8_t>(kZeros, kHashLen);
  static const uint8_t kEmpty = 0;
  auto ptr = [](std::span<const uint8_t> s) { return const_cast<uint8_t*>(s.empty() ? &kEmpty : s.data()); };
  OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ptr(ikm), ikm.size()),
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

// IsZeroSalt: whether `salt` is all zeros and at most one block long. Every such salt pads to the
// same HMAC key as the empty salt (RFC 2104 §2). Reads every byte (the salt may be a root key).
bool IsZeroSalt(std::span<const uint8_t> salt) {
  if (salt.size() > 64) return false;
  uint8_t acc = 0;
  for (uint8_t b : salt) acc |= b;
  return acc == 0;
}

}  // namespace

Status HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt, std::span<const uint8_t> info,
                  std::span<uint8_t> out) noexcept {
  SecretArray<32> prk;
  HkdfSha256Extract(salt, {ikm}, prk.MutableExpose());
  return HkdfSha256Expand(prk.Expose(), {info}, out);
}

// Written on HmacSha256Pads (HKDF is HMAC twice over), so a derive makes no OpenSSL object and
// allocates nothing. The zero salt of X3DH and of the message keys, and the empty salt of HPKE and
// MLS, have their pads hashed once per process.
void HkdfSha256Extract(std::span<const uint8_t> salt, std::initializer_list<std::span<const uint8_t>> ikm,
                       std::span<uint8_t> prk) noexcept {
  SC_CHECK(prk.size() == 32);
  if (IsZeroSalt(salt)) {
    static const HmacSha256Pads kZeroSaltMac(std::span<const uint8_t>{});
    kZeroSaltMac.ComputeInto(ikm, prk);
  } else {
    HmacSha256Pads(salt).ComputeInto(ikm, prk);
  }
}

Status HkdfSha256Expand(std::span<const uint8_t> prk, std::initializer_list<std::span<const uint8_t>> info,
                        std::span<uint8_t> out) noexcept {
  SC_CHECK(info.size() <= kMaxHkdfInfoParts);
  if (out.size() > kMaxHkdfBlocks * 32) {
    SecureWipe(out);
    return Fail(Errc::kOutputTooLarge);
  }
  // §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), T(0) empty; OKM = the first L bytes of T(1) | T(2) | ...
  const HmacSha256Pads mac(prk);
  std::array<std::span<const uint8_t>, kMaxHkdfInfoParts + 2> parts{};  // T(i-1), info..., i
  std::copy(info.begin(), info.end(), parts.begin() + 1);
  const size_t n_parts = info.size() + 2;
  SecretArray<32> t;
  size_t done = 0;
  for (uint8_t i = 1; done < out.size(); ++i) {
    const uint8_t counter[1] = {i};
    parts[0] = i == 1 ? std::span<const uint8_t>() : t.Expose();
    parts[n_parts - 1] = counter;
    SecretArray<32> next;
    mac.ComputeInto(std::span<const std::span<const uint8_t>>(parts.data(), n_parts), next.MutableExpose());
    t = std::move(next);
    const size_t n = std::min<size_t>(32, out.size() - done);
    std::memcpy(out.data() + done, t.Expose().data(), n);
    done += n;
  }
  return OkStatus();
}

Status HkdfSha512(std::span<const uint8_t> ikm, std::span<const uint8_t> salt, std::span<const uint8_t> info,
                  std::span<uint8_t> out) noexcept {
  return HkdfSha512Evp(ikm, salt, info, out);
}

}  // namespace sc::crypto
