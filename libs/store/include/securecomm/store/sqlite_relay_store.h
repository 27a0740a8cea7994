// sqlite_relay_store.h: SqliteRelayStore, the relay's RelayStore (relay_store.h) in one SQLite 3
// file; the file is specified in docs/protocol/relay-store.md.
//
// Durability (DESIGN.md §6, §7.5): the file runs in WAL mode with synchronous=FULL, so Commit
// returns only once the transaction is fsync'd: one fsync per batch of requests (group commit).
// A write outside a transaction is a transaction of its own, fsync'd before it returns. A failed
// write (full disk, I/O error) leaves every committed row intact and the store usable after
// Rollback.
//
//   auto store = SqliteRelayStore::Open("/var/lib/securecomm/relay.db").value();
//   if (!store->Begin()) { ... }
//   for (const NewMessage& m : batch) { auto id = store->Enqueue(m); ... }
//   Status durable = store->Commit();  // now acknowledge the senders
//
// Every statement is prepared once, at Open, and reused. Several processes may open one file
// (SQLite's WAL locking; a writer waits up to kBusyTimeoutMs), though the relay runs one.
// Thread safety: none; one thread at a time per object (the relay's store worker).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/store/relay_store.h"
#include "securecomm/store/sqlite_log_store.h"  // SqliteOptions

namespace sc::store {

class SqliteRelayStore final : public RelayStore {
 public:
  // Open opens the relay store file at `path`, creating it (mode 0600, with its schema; the
  // file and its directory are fsync'd) if nothing is there or the file is empty (0 bytes, as a
  // creation interrupted by a crash leaves it). An existing file must be a relay store of schema
  // version kRelayStoreSchemaVersion; it is identified before anything writes to it, so any
  // other file is refused unmodified. Errors: kCannotOpen (missing directory, permissions, a
  // directory at `path`), kReadOnly, kNotADatabase (not a SQLite file), kNotARelayStore
  // (another database, another schema version), kCorrupt, kIoError, kDiskFull, kBusy. On error
  // a file this call created is removed.
  [[nodiscard]] static Result<std::unique_ptr<SqliteRelayStore>> Open(const std::filesystem::path& path,
                                                                      const SqliteOptions& options = {});

  // The destructor rolls back a transaction still open.
  ~SqliteRelayStore() override;
  SqliteRelayStore(const SqliteRelayStore&) = delete;
  SqliteRelayStore& operator=(const SqliteRelayStore&) = delete;

  // The RelayStore interface. Storage failures are store::Errc codes: kDiskFull, kIoError,
  // kBusy (Begin: another process holds the write lock), kReadOnly, kCorrupt (SQLite found the
  // file damaged, or a row has a value this version never writes), kSqliteError (misuse, out of
  // memory). Nothing throws.
  [[nodiscard]] Status Begin() override;
  [[nodiscard]] Status Commit() override;
  void Rollback() noexcept override;
  [[nodiscard]] Status Savepoint() override;
  [[nodiscard]] Status ReleaseSavepoint() override;
  void RollbackToSavepoint() noexcept override;
  [[nodiscard]] Status Checkpoint() override;

  [[nodiscard]] Result<AccountId> CreateAccount(const NewAccount& account) override;
  [[nodiscard]] Result<AccountRecord> FindAccount(std::string_view username) override;
  [[nodiscard]] Result<AccountRecord> GetAccount(AccountId id) override;
  [[nodiscard]] Status SetLoginFailures(AccountId id, uint32_t failed_logins,
                                        int64_t locked_until_ms) override;
  [[nodiscard]] Result<LoginFailures> GetDecoyFailures(const DecoyTag& tag) override;
  [[nodiscard]] Status SetDecoyFailures(const DecoyTag& tag, LoginFailures failures, int64_t now_ms) override;

  [[nodiscard]] Result<DeviceId> AddDevice(AccountId account, const PublicKey32& identity_key,
                                           int64_t created_ms) override;
  [[nodiscard]] Result<std::vector<DeviceRecord>> ListDevices(AccountId account) override;
  [[nodiscard]] Result<DeviceRecord> GetDevice(DeviceAddress device) override;
  [[nodiscard]] Status RemoveDevice(DeviceAddress device) override;

  [[nodiscard]] Status SetSignedPrekey(DeviceAddress device, const SignedPrekey& prekey) override;
  [[nodiscard]] Result<uint32_t> AddOneTimePrekeys(DeviceAddress device,
                                                   std::span<const OneTimePrekey> prekeys) override;
  [[nodiscard]] Result<uint32_t> CountOneTimePrekeys(DeviceAddress device) override;
  [[nodiscard]] Result<PrekeyBundle> TakePrekeyBundle(DeviceAddress device) override;

  [[nodiscard]] Result<MessageId> Enqueue(const NewMessage& message) override;
  [[nodiscard]] Result<uint32_t> QueueDepth(DeviceAddress device) override;
  [[nodiscard]] Result<std::vector<StoredMessage>> Fetch(DeviceAddress device, MessageId after,
                                                         uint32_t limit, int64_t now_ms) override;
  [[nodiscard]] Result<std::vector<StoredMessage>> FetchUrgent(DeviceAddress device, MessageId after,
                                                               uint32_t limit, int64_t now_ms) override;
  [[nodiscard]] Result<uint32_t> UrgentDepth(DeviceAddress device) override;
  [[nodiscard]] Result<uint32_t> Ack(DeviceAddress device, std::span<const MessageId> ids) override;
  [[nodiscard]] Result<uint32_t> PurgeExpired(int64_t now_ms, uint32_t limit) override;

 private:
  struct Impl;
  explicit SqliteRelayStore(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sc::store
