// relay_store.h: what the relay keeps, behind one interface (DESIGN.md §3, §6). The relay's
// services (libs/relay) call it from one thread, the store worker, which wraps each batch of
// requests in one transaction (group commit) and each request in a savepoint.
//
//   MemoryRelayStore store;                        // tests; SqliteRelayStore in production
//   (void)store.Begin();
//   auto id = store.CreateAccount({"alice", salt, verifier, 3072, now_ms});
//   (void)store.Commit();                          // SQLite: durable (fsync) when this returns
//
// The relay stores only what routing needs: accounts (SRP salt and verifier, never a password),
// devices (their public identity keys), public prekeys, and queued messages as recipient,
// sender, time, size and the opaque payload (docs/protocol/relay.md §7). The SQLite file is
// specified in docs/protocol/relay-store.md.
//
// Contract every implementation passes (relay_store_conformance_test.cc):
// - Writes between Begin and Commit become visible together; Rollback discards them.
//   Savepoint/ReleaseSavepoint/RollbackToSavepoint nest one level inside a transaction. A write
//   made outside any transaction is a transaction of its own (SQLite: durable when it returns).
// - Every method is all or nothing as to the rules of this interface: one that returns kNotFound
//   or kDuplicate has written nothing. Callers validate before they write, so any other failure
//   is an I/O failure (SQLite): after one inside a transaction, roll back the savepoint or the
//   transaction. If the implementation lost the transaction (SQLite may roll it back itself on a
//   full disk), every call fails with that error until Rollback, so no later write can slip out
//   of the batch on its own.
// - Misuse (Begin inside a transaction, Commit or Savepoint outside one, a second Savepoint,
//   ReleaseSavepoint without one) fails with kSqliteError and changes nothing.
// - Message ids increase strictly, across restarts; they are never reused, even after an ack.
// - TakePrekeyBundle removes the one-time prekey it returns in the same transaction.
// - Errors: store::Errc::kNotFound, kDuplicate, plus the I/O errors of the implementation.
// Not thread safe.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"

namespace sc::store {

using AccountId = uint64_t;  // > 0
using DeviceId = uint32_t;   // > 0, unique within its account, never reused within it
using MessageId = uint64_t;  // > 0

struct DeviceAddress {
  AccountId account = 0;
  DeviceId device = 0;
  auto operator<=>(const DeviceAddress&) const = default;
};

using PublicKey32 = std::array<uint8_t, 32>;

// DecoyTag names a username that has no account in the decoy_logins table: a keyed hash the
// service derives from the username (relay.md §5.3), so no attacker-chosen text is stored.
using DecoyTag = std::array<uint8_t, 32>;

// LoginFailures: the throttle record of a username without an account (relay.md §5.4).
struct LoginFailures {
  uint32_t failed_logins = 0;
  int64_t locked_until_ms = 0;
  bool operator==(const LoginFailures&) const = default;
};
using Signature64 = std::array<uint8_t, 64>;

struct NewAccount {
  std::string username;
  std::vector<uint8_t> srp_salt;
  std::vector<uint8_t> srp_verifier;
  uint32_t srp_group_bits = 0;
  int64_t created_ms = 0;
};

struct AccountRecord {
  AccountId id = 0;
  std::string username;
  std::vector<uint8_t> srp_salt;
  std::vector<uint8_t> srp_verifier;
  uint32_t srp_group_bits = 0;
  int64_t created_ms = 0;
  uint32_t failed_logins = 0;   // consecutive failures since the last success
  int64_t locked_until_ms = 0;  // 0: not locked
};

struct DeviceRecord {
  DeviceId id = 0;
  PublicKey32 identity_key{};  // Ed25519
  int64_t created_ms = 0;
};

struct SignedPrekey {
  uint32_t id = 0;
  PublicKey32 public_key{};  // X25519
  Signature64 signature{};   // by the device's identity key (relay.md §6)
};

struct OneTimePrekey {
  uint32_t id = 0;
  PublicKey32 public_key{};  // X25519
};

struct PrekeyBundle {
  DeviceRecord device;
  SignedPrekey signed_prekey;
  std::optional<OneTimePrekey> one_time;  // none left: X3DH without one
  uint32_t one_time_remaining = 0;        // after this take
};

struct NewMessage {
  DeviceAddress recipient;
  DeviceAddress sender;
  int64_t server_time_ms = 0;
  int64_t expires_ms = 0;
  std::vector<uint8_t> payload;  // opaque (an end-to-end envelope)
  bool urgent = false;           // the priority lane (relay.md §7.4)
};

struct StoredMessage {
  MessageId id = 0;
  DeviceAddress recipient;
  DeviceAddress sender;
  int64_t server_time_ms = 0;
  int64_t expires_ms = 0;
  std::vector<uint8_t> payload;
  bool urgent = false;
};

class RelayStore {
 public:
  virtual ~RelayStore() = default;

  // Transactions. Begin fails if one is open; Commit makes the writes durable (SQLite: fsync)
  // and also keeps the writes of a savepoint still open. A Commit that fails has ended the
  // transaction with nothing of it acknowledged (Rollback after it is a no-op). Rollback without
  // a transaction is a no-op. RollbackToSavepoint discards the writes made since Savepoint and
  // ends the savepoint (a no-op without one); ReleaseSavepoint ends it keeping them.
  [[nodiscard]] virtual Status Begin() = 0;
  [[nodiscard]] virtual Status Commit() = 0;
  virtual void Rollback() noexcept = 0;
  [[nodiscard]] virtual Status Savepoint() = 0;
  [[nodiscard]] virtual Status ReleaseSavepoint() = 0;
  virtual void RollbackToSavepoint() noexcept = 0;

  // Checkpoint gives space back after deletions: SQLite copies its write-ahead log into the
  // database file and truncates the log to zero bytes (wal_checkpoint(TRUNCATE)). Only outside
  // a transaction (kSqliteError inside one). The relay calls it to leave disk-full mode
  // (relay/disk_full.h). Errors: kDiskFull, kIoError, kBusy (a reader holds the log). A store
  // without a log has nothing to do.
  [[nodiscard]] virtual Status Checkpoint() { return OkStatus(); }

  // Accounts. CreateAccount: kDuplicate when the username exists (usernames compare exactly;
  // the service normalises them first). Account ids start at 1 and are never reused.
  // SetLoginFailures: kNotFound (account).
  [[nodiscard]] virtual Result<AccountId> CreateAccount(const NewAccount& account) = 0;
  [[nodiscard]] virtual Result<AccountRecord> FindAccount(std::string_view username) = 0;  // kNotFound
  [[nodiscard]] virtual Result<AccountRecord> GetAccount(AccountId id) = 0;                // kNotFound
  [[nodiscard]] virtual Status SetLoginFailures(AccountId id, uint32_t failed_logins,
                                                int64_t locked_until_ms) = 0;
  // Login failures of usernames without an account. GetDecoyFailures returns a zero record for
  // a tag it does not hold. SetDecoyFailures stores `failures` (a zero record removes the row)
  // with `now_ms` as its last failure, then keeps at most kMaxDecoyRecords rows by removing those
  // whose last failure is oldest.
  [[nodiscard]] virtual Result<LoginFailures> GetDecoyFailures(const DecoyTag& tag) = 0;
  [[nodiscard]] virtual Status SetDecoyFailures(const DecoyTag& tag, LoginFailures failures,
                                                int64_t now_ms) = 0;

  // Devices. AddDevice: kNotFound (account), kDuplicate (the key is already a device of this
  // account); an account's device ids start at 1 and are never reused, even after a removal.
  // ListDevices: in increasing id order; kNotFound (account). RemoveDevice also deletes the
  // device's prekeys and its queue.
  [[nodiscard]] virtual Result<DeviceId> AddDevice(AccountId account, const PublicKey32& identity_key,
                                                   int64_t created_ms) = 0;
  [[nodiscard]] virtual Result<std::vector<DeviceRecord>> ListDevices(AccountId account) = 0;
  [[nodiscard]] virtual Result<DeviceRecord> GetDevice(DeviceAddress device) = 0;  // kNotFound
  [[nodiscard]] virtual Status RemoveDevice(DeviceAddress device) = 0;             // kNotFound

  // Prekeys. SetSignedPrekey replaces the device's signed prekey (kNotFound: no such device).
  // AddOneTimePrekeys: kNotFound (device); kDuplicate if any id is already stored for the device
  // or appears twice in `prekeys` (nothing is added); returns how many the device now has.
  // CountOneTimePrekeys: kNotFound (device).
  [[nodiscard]] virtual Status SetSignedPrekey(DeviceAddress device, const SignedPrekey& prekey) = 0;
  [[nodiscard]] virtual Result<uint32_t> AddOneTimePrekeys(DeviceAddress device,
                                                           std::span<const OneTimePrekey> prekeys) = 0;
  [[nodiscard]] virtual Result<uint32_t> CountOneTimePrekeys(DeviceAddress device) = 0;
  // TakePrekeyBundle returns the device's identity key, signed prekey and its one-time prekey of
  // the lowest id, removing that one. kNotFound: no such device, or it has no signed prekey.
  [[nodiscard]] virtual Result<PrekeyBundle> TakePrekeyBundle(DeviceAddress device) = 0;

  // Messages. Enqueue checks only that the recipient device exists (kNotFound: nothing is
  // queued), which the queue depth it maintains needs anyway; the service checks the rest.
  [[nodiscard]] virtual Result<MessageId> Enqueue(const NewMessage& message) = 0;
  // QueueDepth counts the device's queued messages, expired or not (until purged), in constant
  // time. kNotFound (device).
  [[nodiscard]] virtual Result<uint32_t> QueueDepth(DeviceAddress device) = 0;
  // Fetch returns up to min(`limit`, kMaxFetchMessages (limits.h)) of the device's messages with
  // id > `after`, in id order, skipping those with expires_ms <= now_ms (an unknown device has
  // none).
  [[nodiscard]] virtual Result<std::vector<StoredMessage>> Fetch(DeviceAddress device, MessageId after,
                                                                 uint32_t limit, int64_t now_ms) = 0;
  // FetchUrgent is Fetch of the device's urgent messages only (the priority lane); UrgentDepth
  // counts them (0 for an unknown device). Both use an index of urgent messages only.
  [[nodiscard]] virtual Result<std::vector<StoredMessage>> FetchUrgent(DeviceAddress device, MessageId after,
                                                                       uint32_t limit, int64_t now_ms) = 0;
  [[nodiscard]] virtual Result<uint32_t> UrgentDepth(DeviceAddress device) = 0;
  // Ack removes the listed messages of this device's queue; ids that are not queued for it are
  // ignored (already acked, or another device's). Returns how many were removed.
  [[nodiscard]] virtual Result<uint32_t> Ack(DeviceAddress device, std::span<const MessageId> ids) = 0;
  // PurgeExpired removes up to `limit` messages with expires_ms <= now_ms, the earliest expiry
  // first (then the lowest id); returns how many.
  [[nodiscard]] virtual Result<uint32_t> PurgeExpired(int64_t now_ms, uint32_t limit) = 0;
};

}  // namespace sc::store
