// sqlite_log_store.h: SqliteLogStore, the audit LogStore (audit/log_store.h) in one SQLite 3
// file, and OpenSqliteLog, which opens that file as a checked audit::StoredLog.
//
// Durability (DESIGN.md §6, §7.5): the file runs in WAL mode with synchronous=FULL, so an append
// is fsync'd before Append returns OkStatus(); each Append is one transaction however many
// leaves it carries (group commit: one fsync per batch). A failed write (full disk, I/O error)
// rolls the transaction back and leaves every acknowledged row intact. The file layout is in
// docs/protocol/audit.md §9.3.
//
//   auto store = SqliteLogStore::Create("/var/lib/securecomm/audit.db", {origin, vkey}).value();
//   audit::StoredLog log = audit::StoredLog::Open(std::move(store)).value();
//   // later, in another process:
//   std::string why;
//   Result<audit::StoredLog> again = OpenSqliteLog("/var/lib/securecomm/audit.db", {}, &why);
//   if (!again) { /* store::Errc (the file) or audit::Errc (the rows: kTamperedEntry, ...) */ }
//
// Several processes may use one file at once (SQLite's WAL locking; a writer waits up to
// kBusyTimeoutMs). Thread safety: none; one thread at a time per object.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "securecomm/audit/log_store.h"
#include "securecomm/audit/stored_log.h"
#include "securecomm/base/error.h"

namespace sc::store {

struct SqliteOptions {
  // The SQLite VFS to use; empty for the default ("unix"). Tests pass a fault-injecting one.
  std::string vfs;
  // A quota in database pages (PRAGMA max_page_count; the page size is 4096 bytes); 0 for none.
  // Beyond it appends fail with kDiskFull, as on a full disk.
  uint64_t max_pages = 0;
};

class SqliteLogStore final : public audit::LogStore {
 public:
  // Create makes a new audit log file at `path` (mode 0644) for `metadata`, with its schema,
  // and fsyncs it and its directory. Errors: ValidateLogMetadata's; kAlreadyExists if anything
  // exists at `path`; kCannotOpen, kReadOnly, kIoError, kDiskFull. On error no file is left.
  [[nodiscard]] static Result<std::unique_ptr<SqliteLogStore>> Create(const std::filesystem::path& path,
                                                                      audit::LogMetadata metadata,
                                                                      const SqliteOptions& options = {});
  // Open opens an existing audit log file for reading and appending. It checks that the file is
  // an audit log of this schema version and reads its metadata; the rows are checked by
  // audit::StoredLog::Open (or use OpenSqliteLog). Errors: kCannotOpen (missing, unreadable),
  // kNotADatabase, kNotAnAuditLog (another database, another schema version), kCorrupt,
  // kIoError, kBusy, audit::Errc::kCorruptStore (metadata rows missing or invalid). Nothing in
  // a file that is not an audit log is modified.
  [[nodiscard]] static Result<std::unique_ptr<SqliteLogStore>> Open(const std::filesystem::path& path,
                                                                    const SqliteOptions& options = {});

  ~SqliteLogStore() override;
  SqliteLogStore(const SqliteLogStore&) = delete;
  SqliteLogStore& operator=(const SqliteLogStore&) = delete;

  // The LogStore interface (audit/log_store.h). Storage failures are store::Errc codes:
  // kDiskFull, kIoError, kBusy, kReadOnly, kCorrupt, kSqliteError.
  const audit::LogMetadata& metadata() const noexcept override;
  [[nodiscard]] Status Append(const audit::AppendBatch& batch) override;
  [[nodiscard]] Status AddCheckpoint(const audit::StoredCheckpoint& checkpoint) override;
  [[nodiscard]] Status Scan(audit::LogVisitor& visitor) override;
  [[nodiscard]] Result<audit::LeafRecord> ReadLeaf(uint64_t index) override;

 private:
  struct Impl;
  explicit SqliteLogStore(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// OpenSqliteLog opens the audit log file at `path` and checks every row (audit::StoredLog::Open).
// Errors: those of SqliteLogStore::Open and of StoredLog::Open; `diagnostic`, if given, receives
// a one-line explanation of a failed check.
[[nodiscard]] Result<audit::StoredLog> OpenSqliteLog(const std::filesystem::path& path,
                                                     const SqliteOptions& options = {},
                                                     std::string* diagnostic = nullptr);

// LooksLikeSqliteFile returns true iff the file at `path` starts with the SQLite header string
// ("SQLite format 3\0"); false if it does not or cannot be read. Never throws.
[[nodiscard]] bool LooksLikeSqliteFile(const std::filesystem::path& path) noexcept;

}  // namespace sc::store
