#include "sqlite_db.h"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "securecomm/store/errors.h"

namespace sc::store::internal {

Error MapSqliteError(int rc) noexcept {
  switch (rc & 0xff) {  // the primary code; the extended ones refine it
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Errc::kCannotOpen;
    case SQLITE_NOTADB:
      return Errc::kNotADatabase;
    case SQLITE_CORRUPT:
      return Errc::kCorrupt;
    case SQLITE_IOERR:
      return rc == SQLITE_IOERR_NOMEM ? Errc::kSqliteError : Errc::kIoError;
    case SQLITE_FULL:
      return Errc::kDiskFull;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::kBusy;
    case SQLITE_READONLY:
      return Errc::kReadOnly;
    default:
      return Errc::kSqliteError;
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Status Statement::BindInt64(int i, int64_t v) noexcept {
  const int rc = sqlite3_bind_int64(stmt_, i, v);
  return rc == SQLITE_OK ? OkStatus() : Fail(MapSqliteError(rc));
}

Status Statement::BindBlob(int i, std::span<const uint8_t> v) noexcept {
  // A null pointer would bind NULL, not an empty blob: point an empty span at a byte.
  static const uint8_t kEmpty = 0;
  const int rc = sqlite3_bind_blob64(stmt_, i, v.empty() ? &kEmpty : v.data(), v.size(), SQLITE_TRANSIENT);
  return rc == SQLITE_OK ? OkStatus() : Fail(MapSqliteError(rc));
}

Status Statement::BindText(int i, std::string_view v) noexcept {
  const int rc =
      sqlite3_bind_text64(stmt_, i, v.empty() ? "" : v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return rc == SQLITE_OK ? OkStatus() : Fail(MapSqliteError(rc));
}

Result<bool> Statement::Step() noexcept {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(MapSqliteError(rc));
}

void Statement::Reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::span<const uint8_t> Statement::ColumnBlob(int i) const noexcept {
  // sqlite3_column_blob first, then _bytes: the documented order that avoids a conversion
  // invalidating the pointer.
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, i));
  const int size = sqlite3_column_bytes(stmt_, i);
  if (data == nullptr || size <= 0) return {};
  return {data, static_cast<size_t>(size)};
}

std::string_view Statement::ColumnText(int i) const noexcept {
  // SQLite's C API returns text as unsigned char; its bytes are UTF-8 characters.
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  const int size = sqlite3_column_bytes(stmt_, i);
  if (data == nullptr || size <= 0) return {};
  return {data, static_cast<size_t>(size)};
}

Result<Database> Database::Open(const std::string& path, int flags, const std::string& vfs) noexcept {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_EXRESCODE, vfs.empty() ? nullptr : vfs.c_str());
  Database out(db);  // closes db on every path below
  if (rc != SQLITE_OK) return Fail(db == nullptr ? Error(Errc::kSqliteError) : MapSqliteError(rc));
  return out;
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Status Database::Exec(const char* sql) noexcept {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? OkStatus() : Fail(MapSqliteError(rc));
}

Result<Statement> Database::Prepare(std::string_view sql) noexcept {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  Statement out(stmt);
  if (rc != SQLITE_OK) return Fail(MapSqliteError(rc));
  return out;
}

Result<int64_t> Database::QueryInt64(const char* sql) noexcept {
  auto st = Prepare(sql);
  if (!st) return Fail(st.error());
  auto row = st->Step();
  if (!row) return Fail(row.error());
  return *row ? st->ColumnInt64(0) : 0;
}

Result<std::string> Database::QueryText(const char* sql) noexcept {
  auto st = Prepare(sql);
  if (!st) return Fail(st.error());
  auto row = st->Step();
  if (!row) return Fail(row.error());
  if (!*row) return std::string();
  try {
    return std::string(st->ColumnText(0));
  } catch (...) {  // bad_alloc: nothing here may throw across the adapter
    return Fail(Errc::kSqliteError);
  }
}

void Database::Rollback() noexcept {
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status SyncDirectory(const std::filesystem::path& path) noexcept {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(Errc::kIoError);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? OkStatus() : Fail(Errc::kIoError);
}

void RemoveDatabaseFiles(const std::filesystem::path& path) noexcept {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

}  // namespace sc::store::internal
