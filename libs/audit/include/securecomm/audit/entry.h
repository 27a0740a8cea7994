// entry.h: audit log entries, the security events the Merkle log commits to, and their one
// canonical binary encoding (docs/protocol/audit.md §2). The encoded bytes are the leaf data:
// leaf hash = SHA-256(0x00 || EncodeEntry(entry)).
//
// An entry records that something security-relevant happened: who (actor), to what (subject),
// what kind, when, and short structured details. It never holds a secret, a password, key
// material or a message payload: identifiers and fingerprints only.
//
//   Entry e{clock.UnixMillis(), EventKind::kDeviceAdded, "account:alice", "device:3", fp_bytes};
//   Result<std::vector<uint8_t>> bytes = EncodeEntry(e);
//   uint64_t index = log.Append(LeafHash(*bytes));
//   Result<Entry> back = DecodeEntry(*bytes);   // strict: canonical bytes only
//
// Thread safety: every function here is thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/audit/hash.h"
#include "securecomm/base/error.h"

namespace sc::audit {

// The kinds of security event. Append only; never renumber (values are in the leaf bytes).
enum class EventKind : uint16_t {
  kAuthFailure = 1,             // a login or SRP proof failed
  kLockout = 2,                 // an account or address was locked after repeated failures
  kDeviceAdded = 3,             // a device (and its identity key) joined an account
  kDeviceRemoved = 4,           // a device left an account or was revoked
  kIdentityKeyChanged = 5,      // a device's identity key was replaced
  kPrekeySignatureFailure = 6,  // an uploaded signed prekey's signature did not verify
  kAdminAction = 7,             // an administrator changed configuration, roles or accounts
  kAlertIssued = 8,             // a broadcast alert was issued
  kAlertAcknowledged = 9,       // a recipient acknowledged an alert
};

// EventKindName returns e.g. "auth_failure", or "unknown" for a value not in the registry.
[[nodiscard]] std::string_view EventKindName(EventKind kind) noexcept;

// IsKnownEventKind returns true iff `value` is in the registry above.
[[nodiscard]] bool IsKnownEventKind(uint16_t value) noexcept;

// struct {
//   uint8  version;               // kEntryVersion
//   uint64 time_unix_ms;          // milliseconds since 1970-01-01 UTC, at most 2^63 - 1
//   uint16 kind;                  // EventKind
//   opaque actor<1..2^8-1>;       // UTF-8, no control characters
//   opaque subject<0..2^8-1>;     // UTF-8, no control characters
//   opaque details<0..2^16-1>;    // at most kMaxEntryDetailsSize bytes
// } AuditEntry;
struct Entry {
  int64_t time_unix_ms = 0;  // from Clock::UnixMillis(); never negative
  EventKind kind = EventKind::kAuthFailure;
  std::string actor;             // who acted: "account:alice/device:2", "relay", "ip:198.51.100.7"
  std::string subject;           // what it acted on; may be empty
  std::vector<uint8_t> details;  // short structured data (reason code, key fingerprint)
  friend bool operator==(const Entry&, const Entry&) = default;
};

inline constexpr uint8_t kEntryVersion = 0x01;

// EncodeEntry returns the canonical bytes of `entry`, or kMalformedEntry if the time is
// negative, the kind is not in the registry, the actor is empty, a field exceeds its limit
// (limits.h) or actor/subject are not UTF-8 free of control characters.
[[nodiscard]] Result<std::vector<uint8_t>> EncodeEntry(const Entry& entry);

// DecodeEntry parses exactly `bytes`. kMalformedEntry for an unknown version or kind, a time
// above 2^63 - 1, truncation, bytes left over, an over-limit field or invalid text: exactly the
// inputs EncodeEntry cannot produce, so DecodeEntry(b) succeeds iff EncodeEntry(*it) == b.
[[nodiscard]] Result<Entry> DecodeEntry(std::span<const uint8_t> bytes);

// EntryLeafHash returns LeafHash(EncodeEntry(entry)), or EncodeEntry's error.
[[nodiscard]] Result<Hash> EntryLeafHash(const Entry& entry);

}  // namespace sc::audit
