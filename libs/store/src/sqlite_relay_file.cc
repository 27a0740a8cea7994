#include "sqlite_relay_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"

namespace sc::store::internal {
namespace {

// docs/protocol/relay-store.md §4. STRICT tables make SQLite itself refuse a value of the wrong
// type; the CHECKs refuse a key of the wrong size and a negative queue depth (a bug).
constexpr const char* kSchema = R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  srp_salt BLOB NOT NULL,
  srp_verifier BLOB NOT NULL,
  srp_group_bits INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0,
  next_device_id INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE TABLE devices (
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  device_id INTEGER NOT NULL,
  identity_key BLOB NOT NULL CHECK (length(identity_key) = 32),
  created_ms INTEGER NOT NULL,
  signed_prekey_id INTEGER,
  signed_prekey BLOB CHECK (length(signed_prekey) = 32),
  signed_prekey_signature BLOB CHECK (length(signed_prekey_signature) = 64),
  queue_depth INTEGER NOT NULL DEFAULT 0 CHECK (queue_depth >= 0),
  PRIMARY KEY (account_id, device_id),
  UNIQUE (account_id, identity_key)
) STRICT, WITHOUT ROWID;
CREATE TABLE one_time_prekeys (
  account_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL,
  prekey_id INTEGER NOT NULL,
  public_key BLOB NOT NULL CHECK (length(public_key) = 32),
  PRIMARY KEY (account_id, device_id, prekey_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient_account INTEGER NOT NULL,
  recipient_device INTEGER NOT NULL,
  sender_account INTEGER NOT NULL,
  sender_device INTEGER NOT NULL,
  server_time_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  payload BLOB NOT NULL
) STRICT;
CREATE INDEX messages_by_recipient ON messages (recipient_account, recipient_device, id);
CREATE INDEX messages_by_expiry ON messages (expires_ms);
)sql";

// Version 2 adds the login failures of usernames without an account and the priority lane's
// column and index (relay-store.md §4).
constexpr const char* kSchemaV2Additions = R"sql(
CREATE TABLE decoy_logins (
  tag BLOB PRIMARY KEY CHECK (length(tag) = 32),
  failed_logins INTEGER NOT NULL,
  locked_until_ms INTEGER NOT NULL,
  last_failure_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX decoy_logins_by_age ON decoy_logins (last_failure_ms);
ALTER TABLE messages ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1));
CREATE INDEX messages_urgent ON messages (recipient_account, recipient_device, id) WHERE urgent = 1;
)sql";

// Configure sets what every connection needs: WAL (readers never block the writer, one fsync
// per commit), synchronous=FULL (Commit is durable when it returns: DESIGN.md §7.5), foreign
// keys (removing a device removes its prekeys), savepoint journals in memory, zeroed freed
// content where that costs no I/O, a busy timeout, and no trust in anything stored in the schema.
Status Configure(Database& db, const SqliteOptions& options) {
  if (sqlite3_busy_timeout(db.get(), kBusyTimeoutMs) != SQLITE_OK) return Fail(Errc::kSqliteError);
  auto mode = db.QueryText("PRAGMA journal_mode=WAL");
  if (!mode) return Fail(mode.error());
  if (*mode != "wal") return Fail(Errc::kSqliteError);
  if (auto s = db.Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                       "PRAGMA trusted_schema=OFF; PRAGMA cell_size_check=ON;");
      !s) {
    return s;
  }
  if (auto s = db.QueryInt64("PRAGMA secure_delete=FAST"); !s) return Fail(s.error());
  if (options.max_pages > 0) {
    const std::string pragma = "PRAGMA max_page_count=" + std::to_string(options.max_pages);
    if (auto s = db.QueryInt64(pragma.c_str()); !s) return Fail(s.error());
  }
  return OkStatus();
}

// FileKind tells, before anything is written, what an existing SQLite file holds.
enum class FileKind { kEmpty, kRelayStore, kRelayStoreV1, kOther };

Result<FileKind> Identify(Database& db) {
  auto pages = db.QueryInt64("PRAGMA page_count");
  if (!pages) return Fail(pages.error());
  auto application_id = db.QueryInt64("PRAGMA application_id");
  if (!application_id) return Fail(application_id.error());
  auto version = db.QueryInt64("PRAGMA user_version");
  if (!version) return Fail(version.error());
  if (*pages == 0) return FileKind::kEmpty;
  if (*application_id == kRelayStoreApplicationId && *version == kRelayStoreSchemaVersion) {
    return FileKind::kRelayStore;
  }
  if (*application_id == kRelayStoreApplicationId && *version == kRelayStoreSchemaVersionV1) {
    return FileKind::kRelayStoreV1;
  }
  return FileKind::kOther;
}

Status CreateSchema(Database& db) {
  const std::string sql = std::string("BEGIN IMMEDIATE;") + kSchema + kSchemaV2Additions +
                          "PRAGMA application_id=" + std::to_string(kRelayStoreApplicationId) +
                          "; PRAGMA user_version=" + std::to_string(kRelayStoreSchemaVersion) + "; COMMIT;";
  Status s = db.Exec(sql.c_str());
  if (!s) db.Rollback();
  return s;
}

// MigrateFromV1 adds what version 2 added, in one transaction: a crash leaves version 1 intact.
Status MigrateFromV1(Database& db) {
  const std::string sql = std::string("BEGIN IMMEDIATE;") + kSchemaV2Additions +
                          "PRAGMA user_version=" + std::to_string(kRelayStoreSchemaVersion) + "; COMMIT;";
  Status s = db.Exec(sql.c_str());
  if (!s) db.Rollback();
  return s;
}

// OpenExisting does OpenRelayStoreFile's work once the file exists.
Result<Database> OpenExisting(const std::filesystem::path& path, const SqliteOptions& options, bool created) {
  auto db = Database::Open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, options.vfs);
  if (!db) return Fail(db.error());
  // Identify the file before anything writes to it (setting WAL mode would).
  auto kind = Identify(*db);
  if (!kind) return Fail(kind.error());
  if (*kind == FileKind::kOther) return Fail(Errc::kNotARelayStore);
  if (*kind == FileKind::kEmpty && !created && ::chmod(path.c_str(), 0600) != 0) {
    return Fail(Errc::kCannotOpen);  // someone else's empty file: we may not make it private
  }
  if (auto s = Configure(*db, options); !s) return Fail(s.error());
  if (*kind == FileKind::kEmpty) {
    if (auto s = CreateSchema(*db); !s) return Fail(s.error());
    if (auto s = SyncDirectory(path); !s) return Fail(s.error());
  }
  if (*kind == FileKind::kRelayStoreV1) {
    if (auto s = MigrateFromV1(*db); !s) return Fail(s.error());
  }
  return std::move(*db);
}

}  // namespace

Result<RelayStoreFile> OpenRelayStoreFile(const std::filesystem::path& path, const SqliteOptions& options) {
  // O_EXCL: create the file with mode 0600 ourselves (SQLite gives its -wal and -shm files the
  // same mode), or learn that something is already there.
  bool created = false;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    created = true;
  } else if (errno == EROFS) {
    return Fail(Errc::kReadOnly);
  } else if (errno != EEXIST) {
    return Fail(Errc::kCannotOpen);
  }
  auto db = OpenExisting(path, options, created);  // closed again on error
  if (!db) {
    if (created) RemoveDatabaseFiles(path);
    return Fail(db.error());
  }
  return RelayStoreFile{std::move(*db), created};
}

}  // namespace sc::store::internal
