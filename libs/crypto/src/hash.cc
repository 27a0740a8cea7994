#include "securecomm/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "securecomm/base/check.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/errors.h"

namespace sc::crypto {
namespace {

// Algorithms are fetched once per process (an EVP fetch is a locked table lookup).
const EVP_MD* Md(bool sha512) {
  static EVP_MD* const k256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* const k512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  EVP_MD* md = sha512 ? k512 : k256;
  SC_CHECK(md != nullptr);
  return md;
}

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  SC_CHECK(mac != nullptr);
  return mac;
}

// A context per thread, reused across calls: the free functions are thread safe without locks.
struct ThreadContexts {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_MAC_CTX* mac = nullptr;
  ~ThreadContexts() {
    EVP_MD_CTX_free(md);
    EVP_MAC_CTX_free(mac);
  }
};
ThreadContexts& Thread() {
  thread_local ThreadContexts t;
  return t;
}

template <typename Digest>
Digest OneShot(std::span<const uint8_t> data, bool sha512) {
  Digest out;
  EVP_MD_CTX* ctx = Thread().md;
  unsigned int len = 0;
  SC_CHECK(ctx != nullptr && EVP_DigestInit_ex2(ctx, Md(sha512), nullptr) == 1 &&
           EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
           EVP_DigestFinal_ex(ctx, out.mutable_span().data(), &len) == 1 && len == Digest::kSize);
  return out;
}

EVP_MAC_CTX* NewHmacCtx(std::span<const uint8_t> key) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacAlgorithm());
  SC_CHECK(ctx != nullptr);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  // HMAC allows an empty key; OpenSSL wants a non-null pointer for it.
  static const uint8_t kEmpty = 0;
  SC_CHECK(EVP_MAC_init(ctx, key.empty() ? &kEmpty : key.data(), key.size(), params) == 1);
  return ctx;
}

HmacSha256Tag Finish(EVP_MAC_CTX* ctx) {
  HmacSha256Tag tag;
  size_t len = 0;
  SC_CHECK(EVP_MAC_final(ctx, tag.mutable_span().data(), &len, HmacSha256Tag::kSize) == 1 &&
           len == HmacSha256Tag::kSize);
  return tag;
}

}  // namespace

Sha256Digest Sha256(std::span<const uint8_t> data) noexcept {
  return OneShot<Sha256Digest>(data, false);
}
Sha512Digest Sha512(std::span<const uint8_t> data) noexcept {
  return OneShot<Sha512Digest>(data, true);
}

struct Sha256Hasher::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256Hasher::Sha256Hasher() noexcept : ctx_(std::make_unique<Ctx>()) {
  SC_CHECK(ctx_->md != nullptr && EVP_DigestInit_ex2(ctx_->md, Md(false), nullptr) == 1);
}
Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::span<const uint8_t> data) noexcept {
  SC_CHECK(EVP_DigestUpdate(ctx_->md, data.data(), data.size()) == 1);
}

Sha256Digest Sha256Hasher::Final() noexcept {
  Sha256Digest out;
  unsigned int len = 0;
  SC_CHECK(EVP_DigestFinal_ex(ctx_->md, out.mutable_span().data(), &len) == 1 &&
           EVP_DigestInit_ex2(ctx_->md, Md(false), nullptr) == 1);
  return out;
}

HmacSha256Tag HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) noexcept {
  ThreadContexts& t = Thread();
  static const uint8_t kEmpty = 0;
  if (t.mac == nullptr) {
    t.mac = NewHmacCtx(key);
  } else {
    SC_CHECK(EVP_MAC_init(t.mac, key.empty() ? &kEmpty : key.data(), key.size(), nullptr) == 1);
  }
  SC_CHECK(EVP_MAC_update(t.mac, data.data(), data.size()) == 1);
  return Finish(t.mac);
}

struct HmacSha256Key::Ctx {
  EVP_MAC_CTX* mac = nullptr;
  ~Ctx() { EVP_MAC_CTX_free(mac); }  // cleanses the keyed pads
};

HmacSha256Key::HmacSha256Key(std::span<const uint8_t> key) noexcept : ctx_(std::make_unique<Ctx>()) {
  ctx_->mac = NewHmacCtx(key);
}
HmacSha256Key::~HmacSha256Key() = default;
HmacSha256Key::HmacSha256Key(HmacSha256Key&&) noexcept = default;
HmacSha256Key& HmacSha256Key::operator=(HmacSha256Key&&) noexcept = default;

HmacSha256Tag HmacSha256Key::Compute2(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept {
  // A null key re-initialises from the key already set (OpenSSL 3 HMAC semantics): no re-keying.
  SC_CHECK(EVP_MAC_init(ctx_->mac, nullptr, 0, nullptr) == 1 &&
           EVP_MAC_update(ctx_->mac, a.data(), a.size()) == 1 &&
           (b.empty() || EVP_MAC_update(ctx_->mac, b.data(), b.size()) == 1));
  return Finish(ctx_->mac);
}

HmacSha256Tag HmacSha256Key::Compute(std::span<const uint8_t> data) noexcept {
  return Compute2(data, {});
}

Status HmacSha256Key::Verify(std::span<const uint8_t> data, std::span<const uint8_t> tag) noexcept {
  constexpr size_t kMinTag = 16;  // below 128 bits a truncated HMAC is too easy to forge
  if (tag.size() < kMinTag || tag.size() > HmacSha256Tag::kSize) return Fail(Errc::kAuthFailed);
  const HmacSha256Tag expected = Compute(data);
  if (!ConstantTimeEqual(expected.span().first(tag.size()), tag)) return Fail(Errc::kAuthFailed);
  return OkStatus();
}

}  // namespace sc::crypto
