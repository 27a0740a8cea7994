#include "securecomm/audit/entry.h"

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/bytes.h"

#include "text.h"

namespace sc::audit {
namespace {

// actor and subject: identifiers meant to be displayed, so no control characters at all (no
// terminal escapes, no line breaks that could forge a line in a report). DEL is refused too.
bool ValidName(std::string_view s, size_t max, bool allow_empty) {
  if (s.size() > max || (s.empty() && !allow_empty)) return false;
  return s.find('\x7f') == std::string_view::npos && internal::IsValidText(s, /*allow_newline=*/false);
}

bool ValidEntry(const Entry& e) {
  return e.time_unix_ms >= 0 && IsKnownEventKind(static_cast<uint16_t>(e.kind)) &&
         ValidName(e.actor, kMaxEntryActorSize, /*allow_empty=*/false) &&
         ValidName(e.subject, kMaxEntrySubjectSize, /*allow_empty=*/true) &&
         e.details.size() <= kMaxEntryDetailsSize;
}

}  // namespace

std::string_view EventKindName(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::kAuthFailure:
      return "auth_failure";
    case EventKind::kLockout:
      return "lockout";
    case EventKind::kDeviceAdded:
      return "device_added";
    case EventKind::kDeviceRemoved:
      return "device_removed";
    case EventKind::kIdentityKeyChanged:
      return "identity_key_changed";
    case EventKind::kPrekeySignatureFailure:
      return "prekey_signature_failure";
    case EventKind::kAdminAction:
      return "admin_action";
    case EventKind::kAlertIssued:
      return "alert_issued";
    case EventKind::kAlertAcknowledged:
      return "alert_acknowledged";
  }
  return "unknown";
}

bool IsKnownEventKind(uint16_t value) noexcept {
  return EventKindName(static_cast<EventKind>(value)) != "unknown";
}

Result<std::vector<uint8_t>> EncodeEntry(const Entry& entry) {
  if (!ValidEntry(entry)) return Fail(Errc::kMalformedEntry);
  ByteWriter w(kMaxEntrySize);
  Status s = w.WriteU8(kEntryVersion);
  if (s) s = w.WriteU64(static_cast<uint64_t>(entry.time_unix_ms));
  if (s) s = w.WriteU16(static_cast<uint16_t>(entry.kind));
  if (s) s = w.WritePrefixed8([&](ByteWriter& c) { return c.WriteBytes(AsBytes(entry.actor)); });
  if (s) s = w.WritePrefixed8([&](ByteWriter& c) { return c.WriteBytes(AsBytes(entry.subject)); });
  if (s) s = w.WritePrefixed16([&](ByteWriter& c) { return c.WriteBytes(entry.details); });
  if (!s) return Fail(Errc::kMalformedEntry);  // unreachable: ValidEntry bounds every field
  return std::move(w).Take();
}

Result<Entry> DecodeEntry(std::span<const uint8_t> bytes) {
  if (bytes.size() > kMaxEntrySize) return Fail(Errc::kMalformedEntry);
  ByteReader r(bytes);
  auto version = r.ReadU8();
  auto time = r.ReadU64();
  auto kind = r.ReadU16();
  auto actor = r.ReadPrefixed8();
  auto subject = r.ReadPrefixed8();
  auto details = r.ReadPrefixed16();
  if (!version || !time || !kind || !actor || !subject || !details || !r.Finish()) {
    return Fail(Errc::kMalformedEntry);
  }
  if (*version != kEntryVersion || *time > static_cast<uint64_t>(INT64_MAX)) {
    return Fail(Errc::kMalformedEntry);
  }
  Entry e;
  e.time_unix_ms = static_cast<int64_t>(*time);
  e.kind = static_cast<EventKind>(*kind);
  e.actor = BytesToString(actor->ReadRest());
  e.subject = BytesToString(subject->ReadRest());
  const auto d = details->ReadRest();
  e.details.assign(d.begin(), d.end());
  if (!ValidEntry(e)) return Fail(Errc::kMalformedEntry);
  return e;
}

Result<Hash> EntryLeafHash(const Entry& entry) {
  auto bytes = EncodeEntry(entry);
  if (!bytes) return Fail(bytes.error());
  return LeafHash(*bytes);
}

}  // namespace sc::audit
