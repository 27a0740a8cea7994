// The `sqlite-anchor` mode: the raw SQLite batched-insert rate of the rows the relay stores per
// message (relay-store.md §4: recipient, sender, time, expiry, payload; the same table, the same
// indexes), with WAL and synchronous=FULL as the relay runs, one transaction per batch, in a
// temporary directory. What the relay's durable store could do with no protocol, no service
// logic and no network: the anchor the relay's acknowledged-send rate is compared against.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_common.h"
#include "bench_limits.h"
#include "modes.h"

namespace sc::bench {
namespace {

namespace fs = std::filesystem;

// relay-store.md §4, the messages table and its two indexes, exactly.
constexpr const char* kSchema = R"sql(
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

class Db {
 public:
  ~Db() {
    if (insert_) sqlite3_finalize(insert_);
    if (db_) sqlite3_close(db_);
  }
  std::string Open(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      return "cannot open " + path;
    }
    // The relay's pragmas (relay-store.md §3) that bear on write cost.
    for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA temp_store=MEMORY",
                            "PRAGMA secure_delete=FAST"}) {
      if (auto e = Exec(sql); !e.empty()) return e;
    }
    if (auto e = Exec(kSchema); !e.empty()) return e;
    if (sqlite3_prepare_v2(
            db_,
            "INSERT INTO messages (recipient_account, recipient_device, sender_account, sender_device, "
            "server_time_ms, expires_ms, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
            -1, &insert_, nullptr) != SQLITE_OK) {
      return std::string("prepare: ") + sqlite3_errmsg(db_);
    }
    return "";
  }
  std::string Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string e = fmt::format("{}: {}", sql, err ? err : "?");
      sqlite3_free(err);
      return e;
    }
    return "";
  }
  std::string Insert(int64_t recipient, int64_t sender, int64_t now_ms, const std::string& payload) {
    sqlite3_bind_int64(insert_, 1, recipient);
    sqlite3_bind_int64(insert_, 2, 1);
    sqlite3_bind_int64(insert_, 3, sender);
    sqlite3_bind_int64(insert_, 4, 1);
    sqlite3_bind_int64(insert_, 5, now_ms);
    sqlite3_bind_int64(insert_, 6, now_ms + 30LL * 24 * 3600 * 1000);
    sqlite3_bind_blob(insert_, 7, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    if (rc != SQLITE_DONE) return std::string("insert: ") + sqlite3_errmsg(db_);
    return "";
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

}  // namespace

int RunSqliteAnchor(const SqliteAnchorOptions& o) {
  if (o.rows == 0 || o.rows > kMaxAnchorRows || o.batch == 0 || o.batch > kMaxAnchorBatch ||
      o.recipients == 0 || o.size < kMinPayload || o.size > kMaxPayload) {
    std::printf("error: --rows 1..%llu, --batch 1..%llu, --recipients >= 1, --size %zu..%zu\n",
                static_cast<unsigned long long>(kMaxAnchorRows),
                static_cast<unsigned long long>(kMaxAnchorBatch), kMinPayload, kMaxPayload);
    return 1;
  }
  std::error_code ec;
  const fs::path base = o.dir.empty() ? fs::temp_directory_path(ec) : fs::path(o.dir);
  const fs::path dir = base / fmt::format("securecomm-anchor-{}", RandomTag(8));
  fs::create_directories(dir, ec);
  if (ec) {
    std::printf("error: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  std::string error;
  double seconds = 0, worst_commit_ms = 0, commit_seconds = 0;
  uint64_t batches = 0, written_before = 0, written = 0;
  {
    Db db;
    error = db.Open((dir / "anchor.db").string());
    std::mt19937_64 rng(42);
    std::string payload(o.size, '\0');
    for (auto& ch : payload) ch = static_cast<char>(rng());
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    written_before = WrittenBytes(0).value_or(0);
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t done = 0; done < o.rows && error.empty(); ++batches) {
      error = db.Exec("BEGIN IMMEDIATE");
      for (uint64_t i = 0; i < o.batch && done < o.rows && error.empty(); ++i, ++done) {
        payload[done % o.size] ^= 1;  // every row's payload differs a little, as ciphertexts do
        error = db.Insert(static_cast<int64_t>(rng() % o.recipients) + 1,
                          static_cast<int64_t>(rng() % o.recipients) + 1,
                          now_ms + static_cast<int64_t>(done / 1000), payload);
      }
      if (!error.empty()) break;
      const auto c0 = std::chrono::steady_clock::now();
      error = db.Exec("COMMIT");  // WAL + synchronous=FULL: the commit record is fsync'd here
      const double commit = Seconds(std::chrono::steady_clock::now() - c0);
      commit_seconds += commit;
      worst_commit_ms = std::max(worst_commit_ms, commit * 1000);
    }
    seconds = Seconds(std::chrono::steady_clock::now() - t0);
    written = WrittenBytes(0).value_or(0) - written_before;
  }
  fs::remove_all(dir, ec);
  if (!error.empty()) {
    std::printf("error: %s\n", error.c_str());
    return 1;
  }
  const double rate = static_cast<double>(o.rows) / seconds;
  std::printf(
      "sqlite anchor: %llu rows of %zu B in batches of %llu (WAL, synchronous=FULL, one transaction per "
      "batch) in %.2f s: %.0f rows/s; commit (fsync) mean %.3f ms, worst %.3f ms; %.0f B written to storage "
      "per row; "
      "directory %s\n",
      static_cast<unsigned long long>(o.rows), o.size, static_cast<unsigned long long>(o.batch), seconds,
      rate, commit_seconds * 1000 / static_cast<double>(batches), worst_commit_ms,
      static_cast<double>(written) / static_cast<double>(o.rows), base.c_str());
  nlohmann::json j{{"bench", "sqlite-anchor"},
                   {"rows", o.rows},
                   {"batch", o.batch},
                   {"size", o.size},
                   {"seconds", seconds},
                   {"rows_per_second", rate},
                   {"commit_mean_ms", commit_seconds * 1000 / static_cast<double>(batches)},
                   {"commit_worst_ms", worst_commit_ms},
                   {"commit_share", commit_seconds / seconds},
                   {"written_bytes_per_row", static_cast<double>(written) / static_cast<double>(o.rows)},
                   {"dir", base.string()}};
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace sc::bench
