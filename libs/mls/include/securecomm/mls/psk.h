// psk.h: pre-shared keys (RFC 9420 §8.4): PreSharedKeyID and the psk_secret that chains the
// PSKs of a Commit or Welcome into the key schedule.
//
//   struct {
//     PSKType psktype;
//     select (PreSharedKeyID.psktype) {
//       case external:   opaque psk_id<V>;
//       case resumption: ResumptionPSKUsage usage; opaque psk_group_id<V>; uint64 psk_epoch;
//     };
//     opaque psk_nonce<V>;
//   } PreSharedKeyID;
//
//   struct { PreSharedKeyID id; uint16 index; uint16 count; } PSKLabel;
//
//   psk_extracted_[i] = KDF.Extract(0, psk_[i])
//   psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, KDF.Nh)
//   psk_secret_[0]    = 0;  psk_secret_[i] = KDF.Extract(psk_input_[i-1], psk_secret_[i-1])
//
//   std::vector<PskInput> psks = ...;   // in the order the Commit lists them
//   Result<Secret> psk_secret = ComputePskSecret(psks);
//
// Errors: kInvalidPsk (a reserved PSKType or ResumptionPSKUsage, more than 65,535 PSKs),
// kValueTooLarge (a field over kMaxVectorLength) and the Reader's. Pure and thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/kdf.h"

namespace sc::mls {

// Registries (§8.4). Append only; never renumber.
enum class PskType : uint8_t { kExternal = 1, kResumption = 2 };
enum class ResumptionPskUsage : uint8_t { kApplication = 1, kReinit = 2, kBranch = 3 };

struct PreSharedKeyId {
  PskType psktype = PskType::kExternal;
  std::vector<uint8_t> psk_id;                                  // external
  ResumptionPskUsage usage = ResumptionPskUsage::kApplication;  // resumption
  std::vector<uint8_t> psk_group_id;                            // resumption
  uint64_t psk_epoch = 0;                                       // resumption
  std::vector<uint8_t> psk_nonce;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<PreSharedKeyId> Decode(Reader& r);
  friend bool operator==(const PreSharedKeyId&, const PreSharedKeyId&) = default;
};

// PskInput: a PSK's identity and its secret value (psk_[i]).
struct PskInput {
  PreSharedKeyId id;
  SecretBytes psk;
};

// ComputePskSecret returns psk_secret for `psks` in order; ZeroSecret() for none.
[[nodiscard]] Result<Secret> ComputePskSecret(std::span<const PskInput> psks);

}  // namespace sc::mls
