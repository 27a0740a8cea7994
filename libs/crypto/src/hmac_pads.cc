#include "securecomm/crypto/hmac_pads.h"

// libsodium's HMAC-SHA256 keeps its keyed state (the hashes after K ^ ipad and K ^ opad) in a
// plain struct, crypto_auth_hmacsha256_state: it is keyed once here and copied by assignment per
// call, so the per-message path allocates nothing and creates no OpenSSL provider object.
#include <sodium.h>

#include "securecomm/base/check.h"
#include "securecomm/base/secret.h"

namespace sc::crypto {
namespace {

static_assert(sizeof(crypto_auth_hmacsha256_state) == HmacSha256Pads::kStateBytes);
static_assert(alignof(crypto_auth_hmacsha256_state) <= 8);

// libsodium's state lives in our aligned byte storage (hmac_pads.h): its C API needs the struct type.
crypto_auth_hmacsha256_state* State(unsigned char* storage) {
  return reinterpret_cast<crypto_auth_hmacsha256_state*>(storage);
}
const crypto_auth_hmacsha256_state* State(const unsigned char* storage) {
  return reinterpret_cast<const crypto_auth_hmacsha256_state*>(storage);
}

}  // namespace

HmacSha256Pads::HmacSha256Pads(std::span<const uint8_t> key) noexcept {
  // Keys longer than the 64-byte block are hashed first (RFC 2104 §2); libsodium does it.
  // An empty key may come as a null pointer, which libsodium's declaration does not allow.
  static constexpr unsigned char kNoKey = 0;
  const unsigned char* k = key.empty() ? &kNoKey : key.data();
  SC_CHECK(crypto_auth_hmacsha256_init(State(state_), k, key.size()) == 0);
}

HmacSha256Pads::~HmacSha256Pads() {
  SecureWipe(state_, sizeof state_);
}

void HmacSha256Pads::ComputeInto(std::initializer_list<std::span<const uint8_t>> parts,
                                 std::span<uint8_t> out) const noexcept {
  ComputeInto(std::span<const std::span<const uint8_t>>(parts.begin(), parts.size()), out);
}

void HmacSha256Pads::ComputeInto(std::span<const std::span<const uint8_t>> parts,
                                 std::span<uint8_t> out) const noexcept {
  SC_CHECK(out.size() == HmacSha256Tag::kSize);
  crypto_auth_hmacsha256_state s = *State(state_);
  for (const auto& p : parts) {
    if (!p.empty()) SC_CHECK(crypto_auth_hmacsha256_update(&s, p.data(), p.size()) == 0);
  }
  SC_CHECK(crypto_auth_hmacsha256_final(&s, out.data()) == 0);
  SecureWipe(&s, sizeof s);
}

HmacSha256Tag HmacSha256Pads::Compute(std::span<const uint8_t> data) const noexcept {
  HmacSha256Tag tag;
  ComputeInto({data}, tag.mutable_span());
  return tag;
}

}  // namespace sc::crypto
