// RFC 9420 §5.2, §8, §9.1 over HKDF-SHA256 (RFC 5869), on crypto::HkdfSha256Extract / HkdfSha256Expand.
#include "securecomm/mls/kdf.h"

#include <array>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/errors.h"

#include "labels.h"

namespace sc::mls {

Secret KdfExtract(std::span<const uint8_t> salt, std::span<const uint8_t> ikm) noexcept {
  Secret prk;
  crypto::HkdfSha256Extract(salt, {ikm}, prk.MutableExpose());  // RFC 5869 §2.2
  return prk;
}

Status KdfExpand(std::span<const uint8_t> prk, std::span<const uint8_t> info,
                 std::span<uint8_t> out) noexcept {
  // RFC 5869 §2.3. Its one refusal is a length over kMaxExpandLength (255 * Nh; `out` zeroed).
  static_assert(kMaxExpandLength == 255 * 32);
  if (auto s = crypto::HkdfSha256Expand(prk, {info}, out); !s) return Fail(Errc::kInvalidLength);
  return OkStatus();
}

Status ExpandWithLabel(std::span<const uint8_t> secret, std::string_view label,
                       std::span<const uint8_t> context, std::span<uint8_t> out) {
  if (out.size() > UINT16_MAX) {
    SecureWipe(out);
    return Fail(Errc::kInvalidLength);
  }
  // KDFLabel (§8). The label and context are public; only `secret` and `out` are secret.
  Writer w;
  w.WriteU16(static_cast<uint16_t>(out.size()));
  Status s = internal::WriteLabeled(w, label, context);
  if (s) s = KdfExpand(secret, w.bytes(), out);
  if (!s) SecureWipe(out);
  return s;
}

Secret DeriveSecret(std::span<const uint8_t> secret, std::string_view label) {
  Secret out;
  // Nh bytes with an empty context cannot exceed any bound; a failure is a bug.
  const Status s = ExpandWithLabel(secret, label, {}, out.MutableExpose());
  SC_CHECK(s.has_value());
  return out;
}

Status DeriveTreeSecret(std::span<const uint8_t> secret, std::string_view label, uint32_t generation,
                        std::span<uint8_t> out) {
  std::array<uint8_t, 4> context{};
  StoreBe32(context, generation);  // §9.1: Generation as a big-endian uint32
  return ExpandWithLabel(secret, label, context, out);
}

Result<crypto::Sha256Digest> RefHash(std::string_view label, std::span<const uint8_t> value) {
  Writer w;
  Status s = w.WriteOpaque(AsBytes(label));
  if (s) s = w.WriteOpaque(value);
  if (!s) return Fail(s.error());
  return crypto::Sha256(w.bytes());
}

}  // namespace sc::mls
