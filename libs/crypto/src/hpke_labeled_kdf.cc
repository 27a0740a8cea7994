#include "hpke_labeled_kdf.h"

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/hkdf.h"

namespace sc::crypto::hpke::internal {
namespace {

// RFC 9180 §4: the version label in front of every labeled KDF input.
constexpr std::string_view kVersionLabel = "HPKE-v1";

}  // namespace

void LabeledExtract(std::span<const uint8_t> suite_id, std::span<const uint8_t> salt, std::string_view label,
                    std::span<const uint8_t> ikm, std::span<uint8_t> out) noexcept {
  SC_CHECK(out.size() == kLabeledKdfNh);
  // labeled_ikm = concat("HPKE-v1", suite_id, label, ikm); return Extract(salt, labeled_ikm)
  HkdfSha256Extract(salt, {AsBytes(kVersionLabel), suite_id, AsBytes(label), ikm}, out);
}

Status LabeledExpand(std::span<const uint8_t> suite_id, std::span<const uint8_t> prk, std::string_view label,
                     std::span<const uint8_t> info, std::span<uint8_t> out) noexcept {
  // L fits I2OSP(L, 2): Expand refuses more than 255 * Nh (kOutputTooLarge, `out` zeroed).
  // labeled_info = concat(I2OSP(L, 2), "HPKE-v1", suite_id, label, info); return Expand(prk, labeled_info, L)
  uint8_t length[2];
  StoreBe16(length, static_cast<uint16_t>(out.size()));
  return HkdfSha256Expand(prk, {length, AsBytes(kVersionLabel), suite_id, AsBytes(label), info}, out);
}

}  // namespace sc::crypto::hpke::internal
