// sqlite_db.h (private): thin RAII over the SQLite 3 C API for the adapters of libs/store.
// Every SQLite result code becomes a store::Errc here (MapSqliteError); nothing throws.
//
//   Database db = Database::Open(path, SQLITE_OPEN_READWRITE, "").value();
//   Statement st = db.Prepare("SELECT data FROM entries WHERE idx = ?1").value();
//   st.BindInt64(1, 7);
//   Result<bool> row = st.Step();       // true: a row, false: done
//
// Thread safety: none; one thread at a time per Database and its statements.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::store::internal {

// MapSqliteError returns the store::Errc for a SQLite (extended) result code other than
// SQLITE_OK, SQLITE_ROW and SQLITE_DONE.
Error MapSqliteError(int rc) noexcept;

class Statement {
 public:
  Statement() noexcept = default;
  explicit Statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bind* set parameter `i` (1-based). Errors: the mapped SQLite error (a bug: wrong index).
  [[nodiscard]] Status BindInt64(int i, int64_t v) noexcept;
  [[nodiscard]] Status BindBlob(int i, std::span<const uint8_t> v) noexcept;  // copied by SQLite
  [[nodiscard]] Status BindText(int i, std::string_view v) noexcept;          // copied by SQLite

  // Step runs the statement to its next row: true if there is a row, false when done, or the
  // mapped SQLite error.
  [[nodiscard]] Result<bool> Step() noexcept;
  // Reset makes the statement ready to run again and clears its bindings; it ends any read the
  // statement held open. Never fails (the error of a failed step was returned by Step).
  void Reset() noexcept;

  // Column readers for the current row. ColumnBlob's view is valid until the next Step or Reset.
  int ColumnType(int i) const noexcept { return sqlite3_column_type(stmt_, i); }
  int64_t ColumnInt64(int i) const noexcept { return sqlite3_column_int64(stmt_, i); }
  std::span<const uint8_t> ColumnBlob(int i) const noexcept;
  std::string_view ColumnText(int i) const noexcept;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Open opens `path` with `flags` (SQLITE_OPEN_*) through `vfs` (empty: the default), with
  // extended result codes. Errors: the mapped SQLite error (kCannotOpen for a missing file).
  [[nodiscard]] static Result<Database> Open(const std::string& path, int flags,
                                             const std::string& vfs) noexcept;

  Database() noexcept = default;
  ~Database();
  Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Exec runs one or more statements without results (or ignoring them).
  [[nodiscard]] Status Exec(const char* sql) noexcept;
  // Prepare compiles one statement, persistent (it is kept and reused).
  [[nodiscard]] Result<Statement> Prepare(std::string_view sql) noexcept;
  // QueryInt64 runs a one-row, one-column statement and returns its integer (0 for NULL).
  [[nodiscard]] Result<int64_t> QueryInt64(const char* sql) noexcept;
  // QueryText: the same for a text result.
  [[nodiscard]] Result<std::string> QueryText(const char* sql) noexcept;

  // Rollback ends an open transaction, if any (after a failure). Never fails.
  void Rollback() noexcept;

  sqlite3* get() const noexcept { return db_; }

 private:
  explicit Database(sqlite3* db) noexcept : db_(db) {}
  sqlite3* db_ = nullptr;
};

// SyncDirectory fsyncs the directory holding `path`, so a newly created file's name is durable.
// kIoError if it cannot.
[[nodiscard]] Status SyncDirectory(const std::filesystem::path& path) noexcept;

// RemoveDatabaseFiles removes the database at `path` and its -wal, -shm and -journal companions,
// ignoring any that are missing. REQUIRES: no open connection to it.
void RemoveDatabaseFiles(const std::filesystem::path& path) noexcept;

}  // namespace sc::store::internal
