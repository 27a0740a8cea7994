// hpke_labeled_kdf.h (private): RFC 9180 §4's LabeledExtract and LabeledExpand over HKDF-SHA256
// (hkdf.h's HkdfSha256Extract and HkdfSha256Expand, RFC 5869 §2.2 and §2.3). The labeled
// inputs are passed to HMAC in parts, so no buffer holds a copy of a secret input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::crypto::hpke::internal {

// Nh of HKDF-SHA256.
inline constexpr size_t kLabeledKdfNh = 32;

// LabeledExtract writes Extract(salt, "HPKE-v1" || suite_id || label || ikm) to `out` (Nh bytes).
// An empty salt is HashLen zeros (RFC 5869 §2.2). REQUIRES: out.size() == 32, `out` aliases no
// input.
void LabeledExtract(std::span<const uint8_t> suite_id, std::span<const uint8_t> salt, std::string_view label,
                    std::span<const uint8_t> ikm, std::span<uint8_t> out) noexcept;

// LabeledExpand writes Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L) to
// `out`, L = out.size(). kOutputTooLarge (and `out` zeroed) if L > 255 * Nh. REQUIRES: `out`
// aliases no input.
[[nodiscard]] Status LabeledExpand(std::span<const uint8_t> suite_id, std::span<const uint8_t> prk,
                                   std::string_view label, std::span<const uint8_t> info,
                                   std::span<uint8_t> out) noexcept;

}  // namespace sc::crypto::hpke::internal
