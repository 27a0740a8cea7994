#include "securecomm/store/sqlite_relay_store.h"

#include <algorithm>
#include <array>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"

#include "sqlite_db.h"
#include "sqlite_relay_file.h"

namespace sc::store {
namespace {

using internal::Database;
using internal::Statement;

constexpr int64_t kMaxStoredId = std::numeric_limits<int64_t>::max();  // SQLite's largest rowid

// AsInt64 stores an unsigned id in a signed column: the same 64 bits (ReadU64 reverses it).
// Ids this store assigns are positive; one above kMaxStoredId can only match nothing.
constexpr int64_t AsInt64(uint64_t v) noexcept {
  return static_cast<int64_t>(v);
}

// Bind sets parameters ?1, ?2, ... of `st` in order.
Status BindOne(Statement& st, int i, int64_t v) {
  return st.BindInt64(i, v);
}
Status BindOne(Statement& st, int i, std::span<const uint8_t> v) {
  return st.BindBlob(i, v);
}
Status BindOne(Statement& st, int i, std::string_view v) {
  return st.BindText(i, v);
}
template <typename... Values>
Status Bind(Statement& st, const Values&... values) {
  int i = 0;
  Status s = OkStatus();
  ((s = s ? BindOne(st, ++i, values) : s), ...);
  return s;
}

// ResetOnExit resets a statement when the scope ends, on every path.
struct ResetOnExit {
  Statement& st;
  ~ResetOnExit() { st.Reset(); }
};

// Column readers: a row this version never writes is kCorrupt, never a crash or a wrong value.
Result<int64_t> ReadInt(const Statement& st, int col, int64_t min, int64_t max) {
  if (st.ColumnType(col) != SQLITE_INTEGER) return Fail(Errc::kCorrupt);
  const int64_t v = st.ColumnInt64(col);
  if (v < min || v > max) return Fail(Errc::kCorrupt);
  return v;
}
Result<uint32_t> ReadU32(const Statement& st, int col) {
  auto v = ReadInt(st, col, 0, std::numeric_limits<uint32_t>::max());
  if (!v) return Fail(v.error());
  return static_cast<uint32_t>(*v);
}
Result<uint64_t> ReadU64(const Statement& st, int col) {  // the bits AsInt64 stored
  auto v = ReadInt(st, col, std::numeric_limits<int64_t>::min(), kMaxStoredId);
  if (!v) return Fail(v.error());
  return static_cast<uint64_t>(*v);
}
Result<std::vector<uint8_t>> ReadBytes(const Statement& st, int col) {
  if (st.ColumnType(col) != SQLITE_BLOB) return Fail(Errc::kCorrupt);
  const std::span<const uint8_t> v = st.ColumnBlob(col);
  return std::vector<uint8_t>(v.begin(), v.end());
}
template <size_t N>
Result<std::array<uint8_t, N>> ReadFixed(const Statement& st, int col) {
  if (st.ColumnType(col) != SQLITE_BLOB || st.ColumnBlob(col).size() != N) return Fail(Errc::kCorrupt);
  std::array<uint8_t, N> out{};
  std::ranges::copy(st.ColumnBlob(col), out.begin());
  return out;
}

// ReadAccount reads the columns of kAccountColumns.
constexpr const char* kAccountColumns =
    "id, username, srp_salt, srp_verifier, srp_group_bits, created_ms, failed_logins, locked_until_ms";
Result<AccountRecord> ReadAccount(const Statement& st) {
  AccountRecord a;
  auto id = ReadInt(st, 0, 1, kMaxStoredId);
  auto salt = ReadBytes(st, 2);
  auto verifier = ReadBytes(st, 3);
  auto bits = ReadU32(st, 4);
  auto created = ReadInt(st, 5, std::numeric_limits<int64_t>::min(), kMaxStoredId);
  auto failed = ReadU32(st, 6);
  auto locked = ReadInt(st, 7, std::numeric_limits<int64_t>::min(), kMaxStoredId);
  const bool read =
      id && st.ColumnType(1) == SQLITE_TEXT && salt && verifier && bits && created && failed && locked;
  if (!read) return Fail(Errc::kCorrupt);
  a.id = static_cast<AccountId>(*id);
  a.username = std::string(st.ColumnText(1));
  a.srp_salt = std::move(*salt);
  a.srp_verifier = std::move(*verifier);
  a.srp_group_bits = *bits;
  a.created_ms = *created;
  a.failed_logins = *failed;
  a.locked_until_ms = *locked;
  return a;
}

// ReadDevice reads (device_id, identity_key, created_ms) from columns `col`, `col` + 1, `col` + 2.
Result<DeviceRecord> ReadDevice(const Statement& st, int col) {
  auto id = ReadInt(st, col, 1, std::numeric_limits<uint32_t>::max());
  auto key = ReadFixed<32>(st, col + 1);
  auto created = ReadInt(st, col + 2, std::numeric_limits<int64_t>::min(), kMaxStoredId);
  if (!id || !key || !created) return Fail(Errc::kCorrupt);
  return DeviceRecord{static_cast<DeviceId>(*id), *key, *created};
}

}  // namespace

struct SqliteRelayStore::Impl {
  Database db;  // declared first: destroyed after the statements
  bool in_transaction = false;
  bool in_savepoint = false;
  // Rows in decoy_logins, counted on first need and kept up to date by SetDecoyFailures, so a
  // new row costs no count(*); -1: unknown (after a rollback, which may undo inserts).
  int64_t decoy_rows = -1;
  // Set when SQLite ended the open transaction by itself (it may on SQLITE_FULL or an I/O
  // error): every call fails with this error until Rollback (relay_store.h).
  std::optional<Error> lost;

  Statement begin, commit, savepoint, release, rollback_to;
  Statement op_savepoint, op_release, op_rollback_to;
  Statement insert_account, find_account, get_account, set_login_failures;
  Statement get_decoy, update_decoy, insert_decoy, delete_decoy, count_decoys, evict_decoys;
  Statement account_exists, next_device_id, insert_device, bump_next_device_id, list_devices, get_device;
  Statement delete_device, delete_device_prekeys, delete_device_queue;
  Statement set_signed_prekey, device_exists, insert_one_time, count_one_time, bundle_device, take_one_time;
  Statement add_queue_depth, insert_message, queue_depth, fetch, fetch_urgent, urgent_depth, ack, purge;

  Status Prepare();

  int64_t Changes() const noexcept { return sqlite3_changes64(db.get()); }

  // Run steps `st` to completion, ignoring any rows, and resets it. A violated unique key is
  // kDuplicate; other failures are mapped by MapSqliteError.
  Status Run(Statement& st) {
    ResetOnExit reset{st};
    while (true) {
      auto row = st.Step();
      if (!row) {
        const int rc = sqlite3_extended_errcode(db.get());
        const bool duplicate = rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
        if (duplicate) return Fail(Errc::kDuplicate);
        return Fail(row.error());
      }
      if (!*row) return OkStatus();
    }
  }

  // Guarded runs `body`, turning an allocation failure into kSqliteError: nothing throws.
  template <typename F>
  static auto Guarded(F&& body) noexcept -> decltype(body()) {
    try {
      return body();
    } catch (const std::exception&) {
      return Fail(Errc::kSqliteError);
    }
  }

  // Read runs a reading `body`. Write runs a writing one: inside the caller's transaction, or
  // else as a transaction of its own (committed, fsync'd, or rolled back on failure).
  template <typename F>
  auto Read(F&& body) noexcept -> decltype(body()) {
    if (lost) return Fail(*lost);
    return Guarded(body);
  }
  template <typename F>
  auto Write(F&& body) noexcept -> decltype(body()) {
    if (in_transaction) {
      if (lost) return Fail(*lost);
      auto r = Guarded(body);
      if (!r) NoteFailure(r.error());
      return r;
    }
    if (auto s = Run(begin); !s) return Fail(s.error());
    auto r = Guarded(body);
    if (r) {
      if (auto s = Run(commit); !s) r = Fail(s.error());
    }
    if (!r) db.Rollback();
    return r;
  }

  // NoteFailure records that SQLite ended the open transaction itself after error `e`.
  void NoteFailure(Error e) noexcept {
    if (in_transaction && sqlite3_get_autocommit(db.get()) != 0) lost = e;
  }

  // AddQueueDepth adds `delta` to a device's queue depth; false if there is no such device.
  Result<bool> AddQueueDepth(DeviceAddress device, int64_t delta) {
    if (auto s = Bind(add_queue_depth, AsInt64(device.account), int64_t{device.device}, delta); !s) {
      return Fail(s.error());
    }
    if (auto s = Run(add_queue_depth); !s) return Fail(s.error());
    return Changes() > 0;
  }

  // Exists runs a keyed SELECT and says whether it found a row.
  template <typename... Keys>
  Result<bool> Exists(Statement& st, const Keys&... keys) {
    ResetOnExit reset{st};
    if (auto s = Bind(st, keys...); !s) return Fail(s.error());
    return st.Step();
  }

  Result<uint32_t> CountOneTime(DeviceAddress device) {
    ResetOnExit reset{count_one_time};
    if (auto s = Bind(count_one_time, AsInt64(device.account), int64_t{device.device}); !s) {
      return Fail(s.error());
    }
    auto row = count_one_time.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Errc::kNotFound);
    return ReadU32(count_one_time, 0);
  }

  Result<uint32_t> InsertOneTimePrekeys(DeviceAddress device, std::span<const OneTimePrekey> prekeys);
  Result<PrekeyBundle> TakeBundle(DeviceAddress device);
  Result<std::vector<StoredMessage>> FetchRows(Statement& query, DeviceAddress device, MessageId after,
                                               uint32_t limit, int64_t now_ms);
  Result<uint32_t> Purge(int64_t now_ms, uint32_t limit);
};

Status SqliteRelayStore::Impl::Prepare() {
  const std::string select_account = std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE ";
  struct {
    Statement* st;
    std::string sql;
  } const statements[] = {
      {&begin, "BEGIN IMMEDIATE"},  // take the write lock now: no deadlock upgrading a read later
      {&commit, "COMMIT"},
      {&savepoint, "SAVEPOINT request"},
      {&release, "RELEASE request"},
      {&rollback_to, "ROLLBACK TO request"},
      {&op_savepoint, "SAVEPOINT op"},
      {&op_release, "RELEASE op"},
      {&op_rollback_to, "ROLLBACK TO op"},
      {&insert_account,
       "INSERT INTO accounts (username, srp_salt, srp_verifier, srp_group_bits, created_ms) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&find_account, select_account + "username = ?1"},
      {&get_account, select_account + "id = ?1"},
      {&set_login_failures, "UPDATE accounts SET failed_logins = ?2, locked_until_ms = ?3 WHERE id = ?1"},
      {&get_decoy, "SELECT failed_logins, locked_until_ms FROM decoy_logins WHERE tag = ?1"},
      {&update_decoy,
       "UPDATE decoy_logins SET failed_logins = ?2, locked_until_ms = ?3, last_failure_ms = ?4 WHERE tag = "
       "?1"},
      {&insert_decoy,
       "INSERT INTO decoy_logins (tag, failed_logins, locked_until_ms, last_failure_ms) VALUES (?1, ?2, ?3, "
       "?4)"},
      {&delete_decoy, "DELETE FROM decoy_logins WHERE tag = ?1"},
      {&count_decoys, "SELECT count(*) FROM decoy_logins"},
      {&evict_decoys,
       "DELETE FROM decoy_logins WHERE tag IN "
       "(SELECT tag FROM decoy_logins ORDER BY last_failure_ms, tag LIMIT ?1)"},
      {&account_exists, "SELECT 1 FROM accounts WHERE id = ?1"},
      {&next_device_id, "SELECT next_device_id FROM accounts WHERE id = ?1"},
      {&insert_device,
       "INSERT INTO devices (account_id, device_id, identity_key, created_ms) VALUES (?1, ?2, ?3, ?4)"},
      {&bump_next_device_id, "UPDATE accounts SET next_device_id = ?2 + 1 WHERE id = ?1"},
      {&list_devices,
       "SELECT device_id, identity_key, created_ms FROM devices WHERE account_id = ?1 ORDER BY device_id"},
      {&get_device,
       "SELECT device_id, identity_key, created_ms FROM devices WHERE account_id = ?1 AND device_id = ?2"},
      {&delete_device, "DELETE FROM devices WHERE account_id = ?1 AND device_id = ?2"},
      {&delete_device_prekeys, "DELETE FROM one_time_prekeys WHERE account_id = ?1 AND device_id = ?2"},
      {&delete_device_queue, "DELETE FROM messages WHERE recipient_account = ?1 AND recipient_device = ?2"},
      {&set_signed_prekey,
       "UPDATE devices SET signed_prekey_id = ?3, signed_prekey = ?4, signed_prekey_signature = ?5 "
       "WHERE account_id = ?1 AND device_id = ?2"},
      {&device_exists, "SELECT 1 FROM devices WHERE account_id = ?1 AND device_id = ?2"},
      {&insert_one_time,
       "INSERT INTO one_time_prekeys (account_id, device_id, prekey_id, public_key) VALUES (?1, ?2, ?3, ?4)"},
      {&count_one_time,
       "SELECT (SELECT count(*) FROM one_time_prekeys WHERE account_id = ?1 AND device_id = ?2) "
       "FROM devices WHERE account_id = ?1 AND device_id = ?2"},
      {&bundle_device,
       "SELECT device_id, identity_key, created_ms, signed_prekey_id, signed_prekey, signed_prekey_signature "
       "FROM devices WHERE account_id = ?1 AND device_id = ?2"},
      {&take_one_time,
       "DELETE FROM one_time_prekeys WHERE account_id = ?1 AND device_id = ?2 AND prekey_id = "
       "(SELECT min(prekey_id) FROM one_time_prekeys WHERE account_id = ?1 AND device_id = ?2) "
       "RETURNING prekey_id, public_key"},
      {&add_queue_depth,
       "UPDATE devices SET queue_depth = queue_depth + ?3 WHERE account_id = ?1 AND device_id = ?2"},
      {&insert_message,
       "INSERT INTO messages (recipient_account, recipient_device, sender_account, sender_device, "
       "server_time_ms, expires_ms, payload, urgent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&queue_depth, "SELECT queue_depth FROM devices WHERE account_id = ?1 AND device_id = ?2"},
      // The unary + keeps the planner on messages_by_recipient, in id order, whatever it guesses
      // about how many messages have expired.
      {&fetch,
       "SELECT id, sender_account, sender_device, server_time_ms, expires_ms, payload, urgent FROM messages "
       "WHERE recipient_account = ?1 AND recipient_device = ?2 AND id > ?3 AND +expires_ms > ?4 "
       "ORDER BY id LIMIT ?5"},
      // urgent = 1 selects the partial index messages_urgent: a device's urgent messages are found
      // without reading its ordinary queue.
      {&fetch_urgent,
       "SELECT id, sender_account, sender_device, server_time_ms, expires_ms, payload, urgent FROM messages "
       "WHERE recipient_account = ?1 AND recipient_device = ?2 AND urgent = 1 AND id > ?3 AND +expires_ms > "
       "?4 "
       "ORDER BY id LIMIT ?5"},
      {&urgent_depth,
       "SELECT count(*) FROM messages WHERE recipient_account = ?1 AND recipient_device = ?2 AND urgent = 1"},
      {&ack, "DELETE FROM messages WHERE id = ?1 AND recipient_account = ?2 AND recipient_device = ?3"},
      {&purge,
       "DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE expires_ms <= ?1 "
       "ORDER BY expires_ms, id LIMIT ?2) RETURNING recipient_account, recipient_device"},
  };
  for (const auto& [st, sql] : statements) {
    auto prepared = db.Prepare(sql);
    if (!prepared) return Fail(prepared.error());
    *st = std::move(*prepared);
  }
  return OkStatus();
}

SqliteRelayStore::SqliteRelayStore(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}

SqliteRelayStore::~SqliteRelayStore() {
  if (impl_) Rollback();
}

Result<std::unique_ptr<SqliteRelayStore>> SqliteRelayStore::Open(const std::filesystem::path& path,
                                                                 const SqliteOptions& options) {
  auto file = internal::OpenRelayStoreFile(path, options);
  if (!file) return Fail(file.error());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(file->db);
  if (auto s = impl->Prepare(); !s) {
    impl.reset();  // closes the file first
    if (file->created) internal::RemoveDatabaseFiles(path);
    return Fail(s.error());
  }
  return std::unique_ptr<SqliteRelayStore>(new SqliteRelayStore(std::move(impl)));
}

// --- Transactions -------------------------------------------------------------------------

Status SqliteRelayStore::Begin() {
  if (impl_->in_transaction) return Fail(Errc::kSqliteError);
  if (auto s = impl_->Run(impl_->begin); !s) {
    impl_->db.Rollback();
    return s;
  }
  impl_->in_transaction = true;
  impl_->in_savepoint = false;
  impl_->lost.reset();
  return OkStatus();
}

Status SqliteRelayStore::Commit() {
  if (!impl_->in_transaction) return Fail(Errc::kSqliteError);
  impl_->in_transaction = false;
  impl_->in_savepoint = false;
  Status s = impl_->lost ? Fail(*impl_->lost) : impl_->Run(impl_->commit);  // WAL + FULL: fsync'd
  impl_->lost.reset();
  if (!s) impl_->db.Rollback();
  return s;
}

void SqliteRelayStore::Rollback() noexcept {
  impl_->decoy_rows = -1;  // the rolled-back writes may have added or removed rows
  impl_->in_transaction = false;
  impl_->in_savepoint = false;
  impl_->lost.reset();
  impl_->db.Rollback();
}

Status SqliteRelayStore::Savepoint() {
  if (!impl_->in_transaction || impl_->in_savepoint) return Fail(Errc::kSqliteError);
  if (impl_->lost) return Fail(*impl_->lost);
  if (auto s = impl_->Run(impl_->savepoint); !s) {
    impl_->NoteFailure(s.error());
    return s;
  }
  impl_->in_savepoint = true;
  return OkStatus();
}

Status SqliteRelayStore::ReleaseSavepoint() {
  if (!impl_->in_savepoint) return Fail(Errc::kSqliteError);
  impl_->in_savepoint = false;
  if (impl_->lost) return Fail(*impl_->lost);
  Status s = impl_->Run(impl_->release);
  if (!s) impl_->NoteFailure(s.error());
  return s;
}

void SqliteRelayStore::RollbackToSavepoint() noexcept {
  if (!impl_->in_savepoint) return;
  impl_->in_savepoint = false;
  impl_->decoy_rows = -1;
  if (impl_->lost) return;
  // ROLLBACK TO keeps the savepoint open; RELEASE ends it. If either fails, the transaction
  // holds writes the caller discarded: only a full Rollback may end it now.
  Status s = impl_->Run(impl_->rollback_to);
  if (s) s = impl_->Run(impl_->release);
  if (!s) impl_->lost = s.error();
}

Status SqliteRelayStore::Checkpoint() {
  if (impl_->in_transaction) return Fail(Errc::kSqliteError);
  // The pragma answers one row (busy, log frames, frames copied): busy = 1 means a reader kept
  // the log from being copied and truncated.
  auto st = impl_->db.Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!st) return Fail(st.error());
  auto row = st->Step();
  if (!row) return Fail(row.error());
  if (*row && st->ColumnInt64(0) != 0) return Fail(Errc::kBusy);
  return OkStatus();
}

// --- Accounts -----------------------------------------------------------------------------

Result<AccountId> SqliteRelayStore::CreateAccount(const NewAccount& account) {
  return impl_->Write([&]() -> Result<AccountId> {
    Statement& st = impl_->insert_account;
    if (auto s = Bind(st, std::string_view{account.username}, std::span<const uint8_t>(account.srp_salt),
                      std::span<const uint8_t>(account.srp_verifier), int64_t{account.srp_group_bits},
                      account.created_ms);
        !s) {
      return Fail(s.error());
    }
    if (auto s = impl_->Run(st); !s) return Fail(s.error());  // kDuplicate: the username is taken
    return static_cast<AccountId>(sqlite3_last_insert_rowid(impl_->db.get()));
  });
}

Result<AccountRecord> SqliteRelayStore::FindAccount(std::string_view username) {
  return impl_->Read([&]() -> Result<AccountRecord> {
    Statement& st = impl_->find_account;
    ResetOnExit reset{st};
    if (auto s = Bind(st, username); !s) return Fail(s.error());
    auto row = st.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Errc::kNotFound);
    return ReadAccount(st);
  });
}

Result<AccountRecord> SqliteRelayStore::GetAccount(AccountId id) {
  return impl_->Read([&]() -> Result<AccountRecord> {
    Statement& st = impl_->get_account;
    ResetOnExit reset{st};
    if (auto s = Bind(st, AsInt64(id)); !s) return Fail(s.error());
    auto row = st.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Errc::kNotFound);
    return ReadAccount(st);
  });
}

Status SqliteRelayStore::SetLoginFailures(AccountId id, uint32_t failed_logins, int64_t locked_until_ms) {
  return impl_->Write([&]() -> Status {
    Statement& st = impl_->set_login_failures;
    if (auto s = Bind(st, AsInt64(id), int64_t{failed_logins}, locked_until_ms); !s) return s;
    if (auto s = impl_->Run(st); !s) return s;
    return impl_->Changes() > 0 ? OkStatus() : Fail(Errc::kNotFound);
  });
}

Result<LoginFailures> SqliteRelayStore::GetDecoyFailures(const DecoyTag& tag) {
  return impl_->Read([&]() -> Result<LoginFailures> {
    Statement& st = impl_->get_decoy;
    ResetOnExit reset{st};
    if (auto s = Bind(st, std::span<const uint8_t>(tag)); !s) return Fail(s.error());
    auto row = st.Step();
    if (!row) return Fail(row.error());
    if (!*row) return LoginFailures{};
    auto failed = ReadInt(st, 0, 0, std::numeric_limits<uint32_t>::max());
    if (!failed) return Fail(failed.error());
    auto locked = ReadInt(st, 1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    if (!locked) return Fail(locked.error());
    return LoginFailures{static_cast<uint32_t>(*failed), *locked};
  });
}

Status SqliteRelayStore::SetDecoyFailures(const DecoyTag& tag, LoginFailures failures, int64_t now_ms) {
  return impl_->Write([&]() -> Status {
    const std::span<const uint8_t> key(tag);
    auto count = [&]() -> Status {
      Statement& st = impl_->count_decoys;
      ResetOnExit reset{st};
      auto row = st.Step();
      if (!row) return Fail(row.error());
      impl_->decoy_rows = *row ? st.ColumnInt64(0) : 0;
      return OkStatus();
    };
    if (failures == LoginFailures{}) {
      if (auto s = Bind(impl_->delete_decoy, key); !s) return s;
      if (auto s = impl_->Run(impl_->delete_decoy); !s) return s;
      if (impl_->decoy_rows > 0 && impl_->Changes() > 0) --impl_->decoy_rows;
      return OkStatus();
    }
    const int64_t failed = failures.failed_logins;
    if (auto s = Bind(impl_->update_decoy, key, failed, failures.locked_until_ms, now_ms); !s) return s;
    if (auto s = impl_->Run(impl_->update_decoy); !s) return s;
    if (impl_->Changes() > 0) return OkStatus();  // an existing row: the count is unchanged
    if (auto s = Bind(impl_->insert_decoy, key, failed, failures.locked_until_ms, now_ms); !s) return s;
    if (auto s = impl_->Run(impl_->insert_decoy); !s) return s;
    if (impl_->decoy_rows < 0) {
      if (auto s = count(); !s) return s;
    } else {
      ++impl_->decoy_rows;
    }
    if (impl_->decoy_rows <= int64_t{kMaxDecoyRecords}) return OkStatus();
    if (auto s = count(); !s) return s;  // exact before deleting anything
    if (impl_->decoy_rows <= int64_t{kMaxDecoyRecords}) return OkStatus();
    if (auto s = Bind(impl_->evict_decoys, impl_->decoy_rows - int64_t{kMaxDecoyRecords}); !s) return s;
    if (auto s = impl_->Run(impl_->evict_decoys); !s) return s;
    impl_->decoy_rows = kMaxDecoyRecords;
    return OkStatus();
  });
}

// --- Devices ------------------------------------------------------------------------------

Result<DeviceId> SqliteRelayStore::AddDevice(AccountId account, const PublicKey32& identity_key,
                                             int64_t created_ms) {
  return impl_->Write([&]() -> Result<DeviceId> {
    int64_t id = 0;
    {
      Statement& st = impl_->next_device_id;
      ResetOnExit reset{st};
      if (auto s = Bind(st, AsInt64(account)); !s) return Fail(s.error());
      auto row = st.Step();
      if (!row) return Fail(row.error());
      if (!*row) return Fail(Errc::kNotFound);
      auto next = ReadInt(st, 0, 1, std::numeric_limits<uint32_t>::max());
      if (!next) return Fail(next.error());  // kCorrupt, or an account out of device ids
      id = *next;
    }
    // The insert fails with kDuplicate, writing nothing, if the key is already on the account.
    if (auto s = Bind(impl_->insert_device, AsInt64(account), id, std::span<const uint8_t>(identity_key),
                      created_ms);
        !s) {
      return Fail(s.error());
    }
    if (auto s = impl_->Run(impl_->insert_device); !s) return Fail(s.error());
    if (auto s = Bind(impl_->bump_next_device_id, AsInt64(account), id); !s) return Fail(s.error());
    if (auto s = impl_->Run(impl_->bump_next_device_id); !s) return Fail(s.error());
    return static_cast<DeviceId>(id);
  });
}

Result<std::vector<DeviceRecord>> SqliteRelayStore::ListDevices(AccountId account) {
  return impl_->Read([&]() -> Result<std::vector<DeviceRecord>> {
    auto exists = impl_->Exists(impl_->account_exists, AsInt64(account));
    if (!exists) return Fail(exists.error());
    if (!*exists) return Fail(Errc::kNotFound);
    Statement& st = impl_->list_devices;
    ResetOnExit reset{st};
    if (auto s = Bind(st, AsInt64(account)); !s) return Fail(s.error());
    std::vector<DeviceRecord> out;
    while (true) {
      auto row = st.Step();
      if (!row) return Fail(row.error());
      if (!*row) return out;
      auto device = ReadDevice(st, 0);
      if (!device) return Fail(device.error());
      out.push_back(*device);
    }
  });
}

Result<DeviceRecord> SqliteRelayStore::GetDevice(DeviceAddress device) {
  return impl_->Read([&]() -> Result<DeviceRecord> {
    Statement& st = impl_->get_device;
    ResetOnExit reset{st};
    if (auto s = Bind(st, AsInt64(device.account), int64_t{device.device}); !s) return Fail(s.error());
    auto row = st.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Errc::kNotFound);
    return ReadDevice(st, 0);
  });
}

Status SqliteRelayStore::RemoveDevice(DeviceAddress device) {
  return impl_->Write([&]() -> Status {
    const int64_t account = AsInt64(device.account);
    const int64_t id = device.device;
    if (auto s = Bind(impl_->delete_device, account, id); !s) return s;
    if (auto s = impl_->Run(impl_->delete_device); !s) return s;
    if (impl_->Changes() == 0) return Fail(Errc::kNotFound);
    // The foreign key already removed the prekeys; the explicit delete keeps that true even on
    // a connection without foreign keys. The queue has no foreign key (it costs every Enqueue).
    for (Statement* st : {&impl_->delete_device_prekeys, &impl_->delete_device_queue}) {
      if (auto s = Bind(*st, account, id); !s) return s;
      if (auto s = impl_->Run(*st); !s) return s;
    }
    return OkStatus();
  });
}

// --- Prekeys ------------------------------------------------------------------------------

Status SqliteRelayStore::SetSignedPrekey(DeviceAddress device, const SignedPrekey& prekey) {
  return impl_->Write([&]() -> Status {
    Statement& st = impl_->set_signed_prekey;
    if (auto s =
            Bind(st, AsInt64(device.account), int64_t{device.device}, int64_t{prekey.id},
                 std::span<const uint8_t>(prekey.public_key), std::span<const uint8_t>(prekey.signature));
        !s) {
      return s;
    }
    if (auto s = impl_->Run(st); !s) return s;
    return impl_->Changes() > 0 ? OkStatus() : Fail(Errc::kNotFound);
  });
}

Result<uint32_t> SqliteRelayStore::Impl::InsertOneTimePrekeys(DeviceAddress device,
                                                              std::span<const OneTimePrekey> prekeys) {
  auto exists = Exists(device_exists, AsInt64(device.account), int64_t{device.device});
  if (!exists) return Fail(exists.error());
  if (!*exists) return Fail(Errc::kNotFound);
  // A savepoint of its own: a duplicate id anywhere in the list undoes the ones before it.
  if (auto s = Run(op_savepoint); !s) return Fail(s.error());
  Status inserted = OkStatus();
  for (const OneTimePrekey& prekey : prekeys) {
    inserted = Bind(insert_one_time, AsInt64(device.account), int64_t{device.device}, int64_t{prekey.id},
                    std::span<const uint8_t>(prekey.public_key));
    if (inserted) inserted = Run(insert_one_time);
    if (!inserted) break;
  }
  if (!inserted) {
    (void)Run(op_rollback_to);  // if this fails, the release below fails too, or the I/O error stands
    (void)Run(op_release);
    return Fail(inserted.error());
  }
  if (auto s = Run(op_release); !s) return Fail(s.error());
  return CountOneTime(device);
}

Result<uint32_t> SqliteRelayStore::AddOneTimePrekeys(DeviceAddress device,
                                                     std::span<const OneTimePrekey> prekeys) {
  return impl_->Write([&] { return impl_->InsertOneTimePrekeys(device, prekeys); });
}

Result<uint32_t> SqliteRelayStore::CountOneTimePrekeys(DeviceAddress device) {
  return impl_->Read([&] { return impl_->CountOneTime(device); });
}

Result<PrekeyBundle> SqliteRelayStore::Impl::TakeBundle(DeviceAddress device) {
  const int64_t account = AsInt64(device.account);
  const int64_t id = device.device;
  PrekeyBundle bundle;
  {
    ResetOnExit reset{bundle_device};
    if (auto s = Bind(bundle_device, account, id); !s) return Fail(s.error());
    auto row = bundle_device.Step();
    if (!row) return Fail(row.error());
    if (!*row || bundle_device.ColumnType(3) == SQLITE_NULL) return Fail(Errc::kNotFound);
    auto record = ReadDevice(bundle_device, 0);
    auto prekey_id = ReadU32(bundle_device, 3);
    auto public_key = ReadFixed<32>(bundle_device, 4);
    auto signature = ReadFixed<64>(bundle_device, 5);
    if (!record || !prekey_id || !public_key || !signature) return Fail(Errc::kCorrupt);
    bundle.device = *record;
    bundle.signed_prekey = SignedPrekey{*prekey_id, *public_key, *signature};
  }
  {
    ResetOnExit reset{take_one_time};
    if (auto s = Bind(take_one_time, account, id); !s) return Fail(s.error());
    auto row = take_one_time.Step();  // the DELETE is done by the time its row is out
    if (!row) return Fail(row.error());
    if (*row) {
      auto prekey_id = ReadU32(take_one_time, 0);
      auto public_key = ReadFixed<32>(take_one_time, 1);
      if (!prekey_id || !public_key) return Fail(Errc::kCorrupt);
      bundle.one_time = OneTimePrekey{*prekey_id, *public_key};
    }
  }
  auto remaining = CountOneTime(device);
  if (!remaining) return Fail(remaining.error());
  bundle.one_time_remaining = *remaining;
  return bundle;
}

Result<PrekeyBundle> SqliteRelayStore::TakePrekeyBundle(DeviceAddress device) {
  return impl_->Write([&] { return impl_->TakeBundle(device); });
}

// --- Messages -----------------------------------------------------------------------------

Result<MessageId> SqliteRelayStore::Enqueue(const NewMessage& message) {
  return impl_->Write([&]() -> Result<MessageId> {
    // The depth first: it finds the recipient, so kNotFound leaves nothing written.
    auto found = impl_->AddQueueDepth(message.recipient, 1);
    if (!found) return Fail(found.error());
    if (!*found) return Fail(Errc::kNotFound);
    Statement& st = impl_->insert_message;
    if (auto s = Bind(st, AsInt64(message.recipient.account), int64_t{message.recipient.device},
                      AsInt64(message.sender.account), int64_t{message.sender.device}, message.server_time_ms,
                      message.expires_ms, std::span<const uint8_t>(message.payload),
                      int64_t{message.urgent ? 1 : 0});
        !s) {
      return Fail(s.error());
    }
    if (auto s = impl_->Run(st); !s) return Fail(s.error());
    return static_cast<MessageId>(sqlite3_last_insert_rowid(impl_->db.get()));
  });
}

Result<uint32_t> SqliteRelayStore::QueueDepth(DeviceAddress device) {
  return impl_->Read([&]() -> Result<uint32_t> {
    Statement& st = impl_->queue_depth;
    ResetOnExit reset{st};
    if (auto s = Bind(st, AsInt64(device.account), int64_t{device.device}); !s) return Fail(s.error());
    auto row = st.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Errc::kNotFound);
    return ReadU32(st, 0);
  });
}

Result<std::vector<StoredMessage>> SqliteRelayStore::Impl::FetchRows(Statement& query, DeviceAddress device,
                                                                     MessageId after, uint32_t limit,
                                                                     int64_t now_ms) {
  std::vector<StoredMessage> out;
  if (after >= static_cast<uint64_t>(kMaxStoredId)) return out;  // no id is larger
  limit = std::min(limit, kMaxFetchMessages);
  ResetOnExit reset{query};
  if (auto s = Bind(query, AsInt64(device.account), int64_t{device.device}, AsInt64(after), now_ms,
                    int64_t{limit});
      !s) {
    return Fail(s.error());
  }
  while (true) {
    auto row = query.Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    auto id = ReadInt(query, 0, 1, kMaxStoredId);
    auto sender_account = ReadU64(query, 1);
    auto sender_device = ReadU32(query, 2);
    auto server_time = ReadInt(query, 3, std::numeric_limits<int64_t>::min(), kMaxStoredId);
    auto expires = ReadInt(query, 4, std::numeric_limits<int64_t>::min(), kMaxStoredId);
    auto payload = ReadBytes(query, 5);
    auto urgent = ReadInt(query, 6, 0, 1);
    if (!id || !sender_account || !sender_device || !server_time || !expires || !payload || !urgent) {
      return Fail(Errc::kCorrupt);
    }
    out.push_back(StoredMessage{static_cast<MessageId>(*id), device,
                                DeviceAddress{*sender_account, *sender_device}, *server_time, *expires,
                                std::move(*payload), *urgent == 1});
  }
}

Result<std::vector<StoredMessage>> SqliteRelayStore::Fetch(DeviceAddress device, MessageId after,
                                                           uint32_t limit, int64_t now_ms) {
  return impl_->Read([&] { return impl_->FetchRows(impl_->fetch, device, after, limit, now_ms); });
}

Result<std::vector<StoredMessage>> SqliteRelayStore::FetchUrgent(DeviceAddress device, MessageId after,
                                                                 uint32_t limit, int64_t now_ms) {
  return impl_->Read([&] { return impl_->FetchRows(impl_->fetch_urgent, device, after, limit, now_ms); });
}

Result<uint32_t> SqliteRelayStore::UrgentDepth(DeviceAddress device) {
  return impl_->Read([&]() -> Result<uint32_t> {
    Statement& st = impl_->urgent_depth;
    ResetOnExit reset{st};
    if (auto s = Bind(st, AsInt64(device.account), int64_t{device.device}); !s) return Fail(s.error());
    auto row = st.Step();
    if (!row) return Fail(row.error());
    return *row ? ReadU32(st, 0) : Result<uint32_t>(0u);
  });
}

Result<uint32_t> SqliteRelayStore::Ack(DeviceAddress device, std::span<const MessageId> ids) {
  return impl_->Write([&]() -> Result<uint32_t> {
    uint32_t removed = 0;
    for (MessageId id : ids) {
      if (id == 0 || id > static_cast<uint64_t>(kMaxStoredId)) continue;  // never a stored id
      if (auto s = Bind(impl_->ack, AsInt64(id), AsInt64(device.account), int64_t{device.device}); !s) {
        return Fail(s.error());
      }
      if (auto s = impl_->Run(impl_->ack); !s) return Fail(s.error());
      removed += static_cast<uint32_t>(impl_->Changes());
    }
    if (removed > 0) {
      if (auto s = impl_->AddQueueDepth(device, -int64_t{removed}); !s) return Fail(s.error());
    }
    return removed;
  });
}

Result<uint32_t> SqliteRelayStore::Impl::Purge(int64_t now_ms, uint32_t limit) {
  std::map<DeviceAddress, uint32_t> removed_by_device;
  uint32_t removed = 0;
  {
    ResetOnExit reset{purge};
    if (auto s = Bind(purge, now_ms, int64_t{limit}); !s) return Fail(s.error());
    while (true) {  // the DELETE is done by the first Step; the rows say whose queues shrank
      auto row = purge.Step();
      if (!row) return Fail(row.error());
      if (!*row) break;
      auto account = ReadU64(purge, 0);
      auto device = ReadU32(purge, 1);
      if (!account || !device) return Fail(Errc::kCorrupt);
      ++removed_by_device[DeviceAddress{*account, *device}];
      ++removed;
    }
  }
  for (const auto& [device, count] : removed_by_device) {
    if (auto s = AddQueueDepth(device, -int64_t{count}); !s) return Fail(s.error());
  }
  return removed;
}

Result<uint32_t> SqliteRelayStore::PurgeExpired(int64_t now_ms, uint32_t limit) {
  return impl_->Write([&] { return impl_->Purge(now_ms, limit); });
}

}  // namespace sc::store
