// limits.h: every bound and fixed value of the storage adapters, each with its reason
// (DESIGN.md §7.6).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sc::store {

// How long a writer waits for another connection's lock before failing with kBusy. Appends hold
// the write lock for one transaction (a few milliseconds even at kMaxAppendBatch entries plus
// one fsync), and a WAL checkpoint for well under a second, so 5 s only runs out when another
// process is stuck or holds a transaction open.
inline constexpr int kBusyTimeoutMs = 5000;

// The SQLite application id of an audit log file ("SCAL" in ASCII, stored in the header at
// offset 68), so a log is told from any other database before anything is written to it.
inline constexpr int32_t kAuditLogApplicationId = 0x5343414C;

// The schema version of an audit log file (PRAGMA user_version). A file of another version is
// refused (kNotAnAuditLog) rather than guessed at; docs/protocol/audit.md §9.3.
inline constexpr int32_t kAuditLogSchemaVersion = 1;

// The SQLite application id of a relay store file ("SCRS" in ASCII), so a relay store is told
// from an audit log or any other database before anything is written to it.
inline constexpr int32_t kRelayStoreApplicationId = 0x53435253;

// The schema version of a relay store file (PRAGMA user_version). A file of another version is
// refused (kNotARelayStore) rather than guessed at; docs/protocol/relay-store.md §3.
inline constexpr int32_t kRelayStoreSchemaVersion = 2;
// Version 1 (before the decoy_logins table) is migrated in place when opened.
inline constexpr int32_t kRelayStoreSchemaVersionV1 = 1;

// Usernames without an account whose login failures are remembered (relay.md §5.4: an unknown
// name is throttled and locked like an account, so failures cannot tell the two apart). A row
// is about 70 bytes: 65,536 rows keep the table under 5 MB; past that the rows whose last
// failure is oldest go first (an attacker must fail on 65,536 other names, 50 per address
// before the address lockout, to make the relay forget one).
inline constexpr uint32_t kMaxDecoyRecords = 65536;

// The most messages one RelayStore::Fetch returns, whatever limit it is given: it bounds the
// memory of one call to this many payloads (the service bounds each payload). A device with more
// queued fetches again after the last id it got, so the bound costs a round trip, never a message.
inline constexpr uint32_t kMaxFetchMessages = 1000;

// The SQLite application id of a client vault file ("SCCV" in ASCII); docs/protocol/client-store.md.
inline constexpr int32_t kClientVaultApplicationId = 0x53434356;
// The schema version of a client vault file (PRAGMA user_version); another version is refused
// (kNotAClientVault) rather than guessed at.
inline constexpr int32_t kClientVaultSchemaVersion = 1;
// The largest value one vault row holds, before sealing: a Double Ratchet state with its full
// skipped-key store is about 150 KB (e2e limits), so 1 MiB bounds a row with room to spare and
// keeps a damaged length from allocating without bound.
inline constexpr size_t kMaxVaultValueBytes = size_t{1} << 20;
// The largest lookup key of a vault row (a username, an id pair): keys are short names.
inline constexpr size_t kMaxVaultKeyBytes = 1024;

}  // namespace sc::store
