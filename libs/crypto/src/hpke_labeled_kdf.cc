#include "hpke_labeled_kdf.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/hmac_pads.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto::hpke::internal {
namespace {

// RFC 9180 §4: the version label in front of every labeled KDF input.
constexpr std::string_view kVersionLabel = "HPKE-v1";

}  // namespace

void LabeledExtract(std::span<const uint8_t> suite_id, std::span<const uint8_t> salt, std::string_view label,
                    std::span<const uint8_t> ikm, std::span<uint8_t> out) noexcept {
  SC_CHECK(out.size() == kLabeledKdfNh);
  // labeled_ikm = concat("HPKE-v1", suite_id, label, ikm); Extract(salt, labeled_ikm) =
  // HMAC-Hash(salt, labeled_ikm) (RFC 5869 §2.2; an empty HMAC key pads to the same block as
  // HashLen zeros).
  // All extracts but the key schedule's "secret" use the empty salt: its pads are hashed once per process.
  static const HmacSha256Pads kEmptySaltMac(std::span<const uint8_t>{});
  const std::initializer_list<std::span<const uint8_t>> labeled_ikm = {AsBytes(kVersionLabel), suite_id,
                                                                       AsBytes(label), ikm};
  if (salt.empty()) {
    kEmptySaltMac.ComputeInto(labeled_ikm, out);
  } else {
    HmacSha256Pads(salt).ComputeInto(labeled_ikm, out);
  }
}

Status LabeledExpand(std::span<const uint8_t> suite_id, std::span<const uint8_t> prk, std::string_view label,
                     std::span<const uint8_t> info, std::span<uint8_t> out) noexcept {
  if (out.size() > kMaxHkdfBlocks * kLabeledKdfNh) {
    SecureWipe(out);
    return Fail(Errc::kOutputTooLarge);
  }
  // labeled_info = concat(I2OSP(L, 2), "HPKE-v1", suite_id, label, info)
  uint8_t length[2];
  StoreBe16(length, static_cast<uint16_t>(out.size()));
  // RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | labeled_info | i), T(0) empty; OKM is the first
  // L bytes of T(1) | T(2) | ...
  const HmacSha256Pads mac(prk);
  SecretArray<kLabeledKdfNh> t;
  size_t done = 0;
  for (uint8_t i = 1; done < out.size(); ++i) {
    const uint8_t counter[1] = {i};
    const std::span<const uint8_t> previous = i == 1 ? std::span<const uint8_t>() : t.Expose();
    SecretArray<kLabeledKdfNh> next;
    mac.ComputeInto({previous, length, AsBytes(kVersionLabel), suite_id, AsBytes(label), info, counter},
                    next.MutableExpose());
    t = std::move(next);
    const size_t n = std::min(kLabeledKdfNh, out.size() - done);
    std::memcpy(out.data() + done, t.Expose().data(), n);
    done += n;
  }
  return OkStatus();
}

}  // namespace sc::crypto::hpke::internal
