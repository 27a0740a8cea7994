// kdf.h: the key derivations of RFC 9420 over the suites' KDF, HKDF-SHA256 (cipher_suite.h):
// KDF.Extract, KDF.Expand, ExpandWithLabel and DeriveSecret (§8), DeriveTreeSecret (§9.1), and
// RefHash (§5.2), the hash of a labelled value.
//
//   Secret epoch = KdfExtract(salt, ikm);
//   Secret s = DeriveSecret(epoch.Expose(), "sender data");
//   SecretArray<16> key;
//   Status st = DeriveTreeSecret(s.Expose(), "key", generation, key.MutableExpose());
//
// Labels are given without the "MLS 1.0 " prefix; these functions add it (§8). Outputs go to the
// caller's buffer, whose size is the requested Length; on error the buffer is zeroed. Errors:
// kInvalidLength (more than kMaxExpandLength bytes, or over a uint16 Length), kValueTooLarge (a
// context over kMaxVectorLength). Thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {

// Secret: an MLS secret of KDF.Nh bytes (epoch_secret, init_secret, tree and ratchet secrets...).
using Secret = SecretArray<kHashSize>;

// KdfExtract returns HKDF-Extract(salt, ikm) (RFC 5869 §2.2; an empty salt is Nh zeros).
[[nodiscard]] Secret KdfExtract(std::span<const uint8_t> salt, std::span<const uint8_t> ikm) noexcept;

// KdfExpand writes HKDF-Expand(prk, info, out.size()) to `out` (RFC 5869 §2.3).
[[nodiscard]] Status KdfExpand(std::span<const uint8_t> prk, std::span<const uint8_t> info,
                               std::span<uint8_t> out) noexcept;

// ExpandWithLabel writes KDF.Expand(secret, KDFLabel, Length) to `out`, Length = out.size() (§8):
//   struct { uint16 length; opaque label<V> = "MLS 1.0 " + Label; opaque context<V>; } KDFLabel;
[[nodiscard]] Status ExpandWithLabel(std::span<const uint8_t> secret, std::string_view label,
                                     std::span<const uint8_t> context, std::span<uint8_t> out);

// DeriveSecret returns ExpandWithLabel(secret, label, "", Nh) (§8).
[[nodiscard]] Secret DeriveSecret(std::span<const uint8_t> secret, std::string_view label);

// DeriveTreeSecret writes ExpandWithLabel(secret, label, generation as uint32, out.size()) (§9.1).
[[nodiscard]] Status DeriveTreeSecret(std::span<const uint8_t> secret, std::string_view label,
                                      uint32_t generation, std::span<uint8_t> out);

// RefHash returns Hash(RefHashInput), struct { opaque label<V>; opaque value<V>; } (§5.2). The
// label is used as given ("MLS 1.0 KeyPackage Reference"). kValueTooLarge for a value over
// kMaxVectorLength.
[[nodiscard]] Result<crypto::Sha256Digest> RefHash(std::string_view label, std::span<const uint8_t> value);

// The "MLS 1.0 " prefix of every label (§5.1.2, §5.1.3, §8).
inline constexpr std::string_view kLabelPrefix = "MLS 1.0 ";

}  // namespace sc::mls
