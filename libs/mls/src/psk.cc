// RFC 9420 §8.4.
#include "securecomm/mls/psk.h"

#include "securecomm/mls/errors.h"

namespace sc::mls {

Status PreSharedKeyId::Encode(Writer& w) const {
  w.WriteU8(static_cast<uint8_t>(psktype));
  Status s = OkStatus();
  switch (psktype) {
    case PskType::kExternal:
      s = w.WriteOpaque(psk_id);
      break;
    case PskType::kResumption:
      w.WriteU8(static_cast<uint8_t>(usage));
      s = w.WriteOpaque(psk_group_id);
      if (s) w.WriteU64(psk_epoch);
      break;
    default:
      s = Fail(Errc::kInvalidPsk);
  }
  if (s) s = w.WriteOpaque(psk_nonce);
  return s;
}

Result<PreSharedKeyId> PreSharedKeyId::Decode(Reader& r) {
  PreSharedKeyId id;
  uint8_t type = 0;
  Status s = ReadField(r, type);
  if (s && type == static_cast<uint8_t>(PskType::kExternal)) {
    id.psktype = PskType::kExternal;
    s = ReadField(r, id.psk_id);
  } else if (s && type == static_cast<uint8_t>(PskType::kResumption)) {
    id.psktype = PskType::kResumption;
    uint8_t usage = 0;
    s = ReadField(r, usage);
    if (s && (usage < 1 || usage > 3)) s = Fail(Errc::kInvalidPsk);
    if (s) id.usage = static_cast<ResumptionPskUsage>(usage);
    if (s) s = ReadField(r, id.psk_group_id);
    if (s) s = ReadField(r, id.psk_epoch);
  } else if (s) {
    s = Fail(Errc::kInvalidPsk);  // reserved(0) or unknown
  }
  if (s) s = ReadField(r, id.psk_nonce);
  if (!s) return Fail(s.error());
  return id;
}

Result<Secret> ComputePskSecret(std::span<const PskInput> psks) {
  if (psks.size() > UINT16_MAX) return Fail(Errc::kInvalidPsk);
  const auto count = static_cast<uint16_t>(psks.size());
  const Secret zero;
  Secret psk_secret;  // psk_secret_[0] = 0
  for (uint16_t i = 0; i < count; ++i) {
    // PSKLabel
    Writer label;
    if (auto s = psks[i].id.Encode(label); !s) return Fail(s.error());
    label.WriteU16(i);
    label.WriteU16(count);
    const Secret extracted = KdfExtract(zero.Expose(), psks[i].psk.Expose());
    Secret input;
    if (auto s = ExpandWithLabel(extracted.Expose(), "derived psk", label.bytes(), input.MutableExpose());
        !s) {
      return Fail(s.error());
    }
    psk_secret = KdfExtract(input.Expose(), psk_secret.Expose());
  }
  return psk_secret;
}

}  // namespace sc::mls
