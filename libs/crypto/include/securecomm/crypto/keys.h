// keys.h: typed key, signature and digest types. A key is never a bare byte vector: the type says
// what it is, so an X25519 public key cannot be passed where an Ed25519 one is expected.
//
// Public values (public keys, signatures, digests) are PublicBytes<N, Tag>: copyable, printable
// as hex. Secret values are SecretKey<N, Tag>: SecretArray semantics (wiped, move-only, no print).
//
//   Result<X25519PublicKey> pk = X25519PublicKey::FromSpan(wire_bytes);   // kInvalidKeySize if not 32
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/errors.h"

namespace sc::crypto {

template <size_t N, typename Tag>
class PublicBytes {
 public:
  static constexpr size_t kSize = N;
  PublicBytes() noexcept : bytes_{} {}
  explicit PublicBytes(std::span<const uint8_t, N> src) noexcept {
    for (size_t i = 0; i < N; ++i) bytes_[i] = src[i];
  }
  // FromSpan checks an untrusted length: kInvalidKeySize unless exactly N bytes.
  [[nodiscard]] static Result<PublicBytes> FromSpan(std::span<const uint8_t> src) noexcept {
    if (src.size() != N) return Fail(Errc::kInvalidKeySize);
    return PublicBytes(src.template first<N>());
  }
  std::span<const uint8_t, N> span() const noexcept { return bytes_; }
  std::span<uint8_t, N> mutable_span() noexcept { return bytes_; }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  static constexpr size_t size() noexcept { return N; }
  friend bool operator==(const PublicBytes&, const PublicBytes&) = default;

 private:
  std::array<uint8_t, N> bytes_;
};

template <size_t N, typename Tag>
class SecretKey : public SecretArray<N> {
 public:
  SecretKey() noexcept = default;
  explicit SecretKey(SecretArray<N>&& s) noexcept : SecretArray<N>(std::move(s)) {}
  [[nodiscard]] static Result<SecretKey> FromSpan(std::span<const uint8_t> src) noexcept {
    if (src.size() != N) return Fail(Errc::kInvalidKeySize);
    return SecretKey(SecretArray<N>::FromSpan(src.template first<N>()));
  }
  [[nodiscard]] SecretKey Clone() const noexcept { return SecretKey(SecretArray<N>::Clone()); }
};

// Kind tags: empty types that make each alias below a distinct type.
namespace kind {
// clang-format off
struct X25519Public; struct X25519Private; struct X25519Shared;
struct Ed25519Public; struct Ed25519Seed; struct Ed25519Signature;
struct Sha256; struct Sha512; struct HmacSha256;
// clang-format on
}  // namespace kind

using X25519PublicKey = PublicBytes<32, kind::X25519Public>;
using X25519PrivateKey = SecretKey<32, kind::X25519Private>;
using X25519SharedSecret = SecretKey<32, kind::X25519Shared>;

using Ed25519PublicKey = PublicBytes<32, kind::Ed25519Public>;
// The 32-byte seed of RFC 8032 §5.1.5 is the private key; the expanded form stays inside the backend.
using Ed25519Seed = SecretKey<32, kind::Ed25519Seed>;
using Ed25519Signature = PublicBytes<64, kind::Ed25519Signature>;

using Sha256Digest = PublicBytes<32, kind::Sha256>;
using Sha512Digest = PublicBytes<64, kind::Sha512>;
// An HMAC tag is public once sent, but compare it only with ConstantTimeEqual.
using HmacSha256Tag = PublicBytes<32, kind::HmacSha256>;

}  // namespace sc::crypto
