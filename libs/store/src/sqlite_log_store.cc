#include "securecomm/store/sqlite_log_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"

#include "sqlite_db.h"

namespace sc::store {
namespace {

using internal::Database;
using internal::Statement;

// docs/protocol/audit.md §9.3. STRICT tables make SQLite itself refuse a value of the wrong type.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, leaf_hash BLOB NOT NULL) STRICT;
CREATE TABLE tree_heads (size INTEGER PRIMARY KEY, root BLOB NOT NULL) STRICT;
CREATE TABLE checkpoints (id INTEGER PRIMARY KEY, size INTEGER NOT NULL, note TEXT NOT NULL) STRICT;
)sql";

// Run steps a statement without results to completion and resets it, on every path.
Status Run(Statement& st) {
  auto row = st.Step();
  st.Reset();
  if (!row) return Fail(row.error());
  return OkStatus();
}

// ReadHash reads a 32-byte hash column; kCorruptStore for any other shape.
Result<audit::Hash> ReadHash(const Statement& st, int column) {
  if (st.ColumnType(column) != SQLITE_BLOB) return Fail(audit::Errc::kCorruptStore);
  auto h = audit::HashFromBytes(st.ColumnBlob(column));
  if (!h) return Fail(audit::Errc::kCorruptStore);
  return *h;
}

// ReadSize reads a non-negative integer column (an index or a size).
Result<uint64_t> ReadSize(const Statement& st, int column) {
  if (st.ColumnType(column) != SQLITE_INTEGER || st.ColumnInt64(column) < 0) {
    return Fail(audit::Errc::kCorruptStore);
  }
  return static_cast<uint64_t>(st.ColumnInt64(column));
}

// Configure sets what every connection needs: WAL (readers never block the writer, one fsync
// per commit), synchronous=FULL (a commit is durable when it returns: DESIGN.md §7.5), a busy
// timeout for other processes' locks, and no trust in anything stored in the schema.
Status Configure(Database& db, const SqliteOptions& options) {
  if (sqlite3_busy_timeout(db.get(), kBusyTimeoutMs) != SQLITE_OK) return Fail(Errc::kSqliteError);
  auto mode = db.QueryText("PRAGMA journal_mode=WAL");
  if (!mode) return Fail(mode.error());
  if (*mode != "wal") return Fail(Errc::kSqliteError);
  if (auto s = db.Exec("PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF; PRAGMA cell_size_check=ON;");
      !s) {
    return s;
  }
  if (options.max_pages > 0) {
    const std::string pragma = "PRAGMA max_page_count=" + std::to_string(options.max_pages);
    if (auto s = db.QueryInt64(pragma.c_str()); !s) return Fail(s.error());
  }
  return OkStatus();
}

Status CreateSchema(Database& db, const audit::LogMetadata& metadata) {
  if (auto s = db.Exec("BEGIN IMMEDIATE"); !s) return s;
  if (auto s = db.Exec(kSchema); !s) return s;
  auto insert = db.Prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)");
  if (!insert) return Fail(insert.error());
  for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"origin", metadata.origin},
                                   std::pair<const char*, const std::string&>{"vkey", metadata.vkey}}) {
    if (auto s = insert->BindText(1, key); !s) return s;
    if (auto s = insert->BindText(2, value); !s) return s;
    if (auto s = Run(*insert); !s) return s;
  }
  const std::string pragmas = "PRAGMA application_id=" + std::to_string(kAuditLogApplicationId) +
                              "; PRAGMA user_version=" + std::to_string(kAuditLogSchemaVersion) + ";";
  if (auto s = db.Exec(pragmas.c_str()); !s) return s;
  return db.Exec("COMMIT");
}

}  // namespace

struct SqliteLogStore::Impl {
  Database db;  // declared first: destroyed after the statements
  audit::LogMetadata metadata;
  Statement count_leaves, insert_leaf, insert_head, insert_checkpoint, select_leaf;
  Statement scan_leaves, scan_heads, scan_checkpoints;

  Status Prepare() {
    struct {
      Statement* st;
      const char* sql;
    } const statements[] = {
        {&count_leaves, "SELECT coalesce(max(idx) + 1, 0) FROM entries"},
        {&insert_leaf, "INSERT INTO entries (idx, data, leaf_hash) VALUES (?1, ?2, ?3)"},
        {&insert_head, "INSERT INTO tree_heads (size, root) VALUES (?1, ?2)"},
        {&insert_checkpoint, "INSERT INTO checkpoints (size, note) VALUES (?1, ?2)"},
        {&select_leaf, "SELECT data, leaf_hash FROM entries WHERE idx = ?1"},
        {&scan_leaves, "SELECT idx, data, leaf_hash FROM entries ORDER BY idx"},
        {&scan_heads, "SELECT size, root FROM tree_heads ORDER BY size"},
        {&scan_checkpoints, "SELECT size, note FROM checkpoints ORDER BY id"},
    };
    for (const auto& [st, sql] : statements) {
      auto prepared = db.Prepare(sql);
      if (!prepared) return Fail(prepared.error());
      *st = std::move(*prepared);
    }
    return OkStatus();
  }

  // StoredLeaves returns one past the highest stored index, inside the caller's transaction.
  Result<uint64_t> StoredLeaves() {
    auto row = count_leaves.Step();
    const int64_t n = row && *row ? count_leaves.ColumnInt64(0) : -1;
    count_leaves.Reset();
    if (!row) return Fail(row.error());
    if (n < 0) return Fail(audit::Errc::kCorruptStore);
    return static_cast<uint64_t>(n);
  }

  Status InsertCheckpoint(uint64_t size, std::string_view note) {
    if (auto s = insert_checkpoint.BindInt64(1, static_cast<int64_t>(size)); !s) return s;
    if (auto s = insert_checkpoint.BindText(2, note); !s) return s;
    return Run(insert_checkpoint);
  }

  Status AppendInTransaction(const audit::AppendBatch& batch) {
    if (auto s = db.Exec("BEGIN IMMEDIATE"); !s) return s;
    auto stored = StoredLeaves();
    if (!stored) return Fail(stored.error());
    // The checks every LogStore shares, against what is stored now, inside the write lock.
    if (auto s = audit::CheckAppendBatch(batch, *stored); !s) return s;
    for (size_t i = 0; i < batch.leaves.size(); ++i) {
      const audit::LeafRecord& leaf = batch.leaves[i];
      if (auto s = insert_leaf.BindInt64(1, static_cast<int64_t>(batch.first_index + i)); !s) return s;
      if (auto s = insert_leaf.BindBlob(2, leaf.data); !s) return s;
      if (auto s = insert_leaf.BindBlob(3, leaf.leaf_hash.span()); !s) return s;
      if (auto s = Run(insert_leaf); !s) return s;
    }
    if (auto s = insert_head.BindInt64(1, static_cast<int64_t>(batch.head.size)); !s) return s;
    if (auto s = insert_head.BindBlob(2, batch.head.root.span()); !s) return s;
    if (auto s = Run(insert_head); !s) return s;
    if (!batch.checkpoint.empty()) {
      if (auto s = InsertCheckpoint(batch.head.size, batch.checkpoint); !s) return s;
    }
    return db.Exec("COMMIT");  // WAL + synchronous=FULL: fsync'd before it returns
  }

  Status ScanInTransaction(audit::LogVisitor& visitor) {
    // One read transaction: every SELECT below sees the same snapshot.
    if (auto s = db.Exec("BEGIN"); !s) return s;
    audit::LeafRecord leaf;
    if (auto s = ScanRows(scan_leaves,
                          [&]() -> Status {
                            auto index = ReadSize(scan_leaves, 0);
                            if (!index) return Fail(index.error());
                            auto hash = ReadHash(scan_leaves, 2);
                            if (!hash) return Fail(hash.error());
                            const std::span<const uint8_t> data = scan_leaves.ColumnBlob(1);
                            leaf.data.assign(data.begin(), data.end());
                            leaf.leaf_hash = *hash;
                            return visitor.OnLeaf(*index, leaf);
                          });
        !s) {
      return s;
    }
    if (auto s = ScanRows(scan_heads,
                          [&]() -> Status {
                            auto size = ReadSize(scan_heads, 0);
                            if (!size) return Fail(size.error());
                            auto root = ReadHash(scan_heads, 1);
                            if (!root) return Fail(root.error());
                            return visitor.OnTreeHead(audit::TreeHead{*size, *root});
                          });
        !s) {
      return s;
    }
    if (auto s = ScanRows(scan_checkpoints,
                          [&]() -> Status {
                            auto size = ReadSize(scan_checkpoints, 0);
                            if (!size) return Fail(size.error());
                            if (scan_checkpoints.ColumnType(1) != SQLITE_TEXT)
                              return Fail(audit::Errc::kCorruptStore);
                            return visitor.OnCheckpoint(
                                audit::StoredCheckpoint{*size, std::string(scan_checkpoints.ColumnText(1))});
                          });
        !s) {
      return s;
    }
    return db.Exec("COMMIT");
  }

  // ScanRows calls `on_row` for each row of `st` and resets it on every path.
  template <typename OnRow>
  static Status ScanRows(Statement& st, OnRow&& on_row) {
    while (true) {
      auto row = st.Step();
      if (!row || !*row) {
        st.Reset();
        return row ? OkStatus() : Fail(row.error());
      }
      if (auto s = on_row(); !s) {
        st.Reset();
        return s;
      }
    }
  }
};

SqliteLogStore::SqliteLogStore(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
SqliteLogStore::~SqliteLogStore() = default;

const audit::LogMetadata& SqliteLogStore::metadata() const noexcept {
  return impl_->metadata;
}

Result<std::unique_ptr<SqliteLogStore>> SqliteLogStore::Create(const std::filesystem::path& path,
                                                               audit::LogMetadata metadata,
                                                               const SqliteOptions& options) {
  if (auto s = audit::ValidateLogMetadata(metadata); !s) return Fail(s.error());
  // O_EXCL: never take over an existing file, however it got there.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return Fail(Errc::kAlreadyExists);
    if (errno == EROFS) return Fail(Errc::kReadOnly);
    return Fail(Errc::kCannotOpen);
  }
  ::close(fd);
  Status created = [&]() -> Status {
    auto db = Database::Open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, options.vfs);
    if (!db) return Fail(db.error());
    if (auto s = Configure(*db, options); !s) return s;
    if (auto s = CreateSchema(*db, metadata); !s) {
      db->Rollback();
      return s;
    }
    return internal::SyncDirectory(path);
  }();
  if (!created) {
    internal::RemoveDatabaseFiles(path);
    return Fail(created.error());
  }
  auto opened = Open(path, options);
  if (!opened) internal::RemoveDatabaseFiles(path);
  return opened;
}

Result<std::unique_ptr<SqliteLogStore>> SqliteLogStore::Open(const std::filesystem::path& path,
                                                             const SqliteOptions& options) {
  auto db = Database::Open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, options.vfs);
  if (!db) return Fail(db.error());
  // Identify the file before anything writes to it (setting WAL mode would).
  auto application_id = db->QueryInt64("PRAGMA application_id");
  if (!application_id) return Fail(application_id.error());
  auto version = db->QueryInt64("PRAGMA user_version");
  if (!version) return Fail(version.error());
  if (*application_id != kAuditLogApplicationId || *version != kAuditLogSchemaVersion) {
    return Fail(Errc::kNotAnAuditLog);
  }
  if (auto s = Configure(*db, options); !s) return Fail(s.error());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  auto origin = impl->db.QueryText("SELECT value FROM meta WHERE key = 'origin'");
  if (!origin) return Fail(origin.error());
  auto vkey = impl->db.QueryText("SELECT value FROM meta WHERE key = 'vkey'");
  if (!vkey) return Fail(vkey.error());
  impl->metadata = audit::LogMetadata{std::move(*origin), std::move(*vkey)};
  if (!audit::ValidateLogMetadata(impl->metadata)) return Fail(audit::Errc::kCorruptStore);
  if (auto s = impl->Prepare(); !s) return Fail(s.error());
  return std::unique_ptr<SqliteLogStore>(new SqliteLogStore(std::move(impl)));
}

Status SqliteLogStore::Append(const audit::AppendBatch& batch) {
  Status s = impl_->AppendInTransaction(batch);
  if (!s) impl_->db.Rollback();
  return s;
}

Status SqliteLogStore::AddCheckpoint(const audit::StoredCheckpoint& checkpoint) {
  Status s = [&]() -> Status {
    if (auto b = impl_->db.Exec("BEGIN IMMEDIATE"); !b) return b;
    auto stored = impl_->StoredLeaves();
    if (!stored) return Fail(stored.error());
    if (auto c = audit::CheckCheckpointToStore(checkpoint, *stored); !c) return c;
    if (auto i = impl_->InsertCheckpoint(checkpoint.size, checkpoint.note); !i) return i;
    return impl_->db.Exec("COMMIT");
  }();
  if (!s) impl_->db.Rollback();
  return s;
}

Status SqliteLogStore::Scan(audit::LogVisitor& visitor) {
  Status s;
  try {
    s = impl_->ScanInTransaction(visitor);
  } catch (const std::bad_alloc&) {  // a row too large for memory: nothing throws across layers
    s = Fail(Errc::kSqliteError);
  }
  impl_->db.Rollback();  // ends the read transaction if the scan stopped early
  return s;
}

Result<audit::LeafRecord> SqliteLogStore::ReadLeaf(uint64_t index) {
  if (index > audit::kMaxLogSize) return Fail(audit::Errc::kIndexOutOfRange);
  Statement& st = impl_->select_leaf;
  if (auto s = st.BindInt64(1, static_cast<int64_t>(index)); !s) return Fail(s.error());
  auto read = [&]() -> Result<audit::LeafRecord> {
    auto row = st.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(audit::Errc::kIndexOutOfRange);
    auto hash = ReadHash(st, 1);
    if (!hash) return Fail(hash.error());
    const std::span<const uint8_t> data = st.ColumnBlob(0);
    return audit::LeafRecord{{data.begin(), data.end()}, *hash};
  };
  auto leaf = read();
  st.Reset();
  return leaf;
}

Result<audit::StoredLog> OpenSqliteLog(const std::filesystem::path& path, const SqliteOptions& options,
                                       std::string* diagnostic) {
  auto store = SqliteLogStore::Open(path, options);
  if (!store) {
    if (diagnostic) {
      *diagnostic = store.error().domain() == ErrorDomain::kStore
                        ? std::string(Describe(static_cast<Errc>(store.error().code())))
                        : "the stored metadata (origin, vkey) is missing or invalid";
    }
    return Fail(store.error());
  }
  return audit::StoredLog::Open(std::move(*store), diagnostic);
}

bool LooksLikeSqliteFile(const std::filesystem::path& path) noexcept {
  static constexpr char kHeader[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                       'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[sizeof kHeader];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return n == static_cast<ssize_t>(sizeof buf) && std::memcmp(buf, kHeader, sizeof buf) == 0;
}

}  // namespace sc::store
