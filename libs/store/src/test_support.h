// test_support.h (tests only): what the store tests share: a temporary directory, a log key, entries,
// and direct SQL on a log file through the sqlite3 C API (as an attacker with the file would).
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/entry.h"
#include "securecomm/audit/log_store.h"
#include "securecomm/audit/note_key.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"

namespace sc {
// PrintTo makes GoogleTest print an Error as its name.
inline void PrintTo(const Error& e, std::ostream* os) {
  *os << e.name();
}
}  // namespace sc

namespace sc::store::testing {

inline constexpr char kOrigin[] = "audit.example.org/test";

// TempDir: a fresh directory under the system temp directory, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sc_store_test.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Signer returns the log key for `origin`, from a fixed seed (tests only).
inline audit::NoteSigner Signer(uint64_t seed = 1, const std::string& origin = kOrigin) {
  DeterministicRandom rng(seed);
  return audit::NoteSigner::Create(origin, crypto::Ed25519KeyPair::Generate(rng)).value();
}

inline audit::LogMetadata Metadata(const audit::NoteSigner& signer) {
  return {signer.verifier().name(), signer.verifier().ToString()};
}

// EntryBytes returns the canonical encoding of the i-th test event.
inline std::vector<uint8_t> EntryBytes(uint64_t i) {
  audit::Entry e{1'700'000'000'000 + static_cast<int64_t>(i),
                 audit::EventKind::kAuthFailure,
                 "ip:198.51.100.7",
                 "account:user" + std::to_string(i),
                 {static_cast<uint8_t>(i), 0x01}};
  return audit::EncodeEntry(e).value();
}

inline std::vector<std::vector<uint8_t>> Entries(uint64_t first, uint64_t count) {
  std::vector<std::vector<uint8_t>> out;
  for (uint64_t i = 0; i < count; ++i) out.push_back(EntryBytes(first + i));
  return out;
}

// Sql runs statements on a database file (created if missing) through a connection of its own.
inline void Sql(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
            SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "") << sql;
  sqlite3_free(error);
  sqlite3_close(db);
}

// SqlInt returns the first column of the first row of `sql` as an integer (-1 if no row).
inline int64_t SqlInt(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t v = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

// FlipBlobByte flips the lowest bit of byte `offset` of a BLOB (or TEXT) column in the one row
// `where` selects, with the sqlite3 C API: read the value, change it, write it back bound as the
// same type.
inline void FlipByte(const std::filesystem::path& path, const std::string& table, const std::string& column,
                     const std::string& where, size_t offset) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  const std::string select = "SELECT " + column + " FROM " + table + " WHERE " + where;
  ASSERT_EQ(sqlite3_prepare_v2(db, select.c_str(), -1, &st, nullptr), SQLITE_OK) << select;
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW) << select;
  const bool text = sqlite3_column_type(st, 0) == SQLITE_TEXT;
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, 0));
  std::vector<uint8_t> value(p, p + sqlite3_column_bytes(st, 0));
  sqlite3_finalize(st);
  ASSERT_LT(offset, value.size());
  value[offset] ^= 1;
  const std::string update = "UPDATE " + table + " SET " + column + " = ?1 WHERE " + where;
  ASSERT_EQ(sqlite3_prepare_v2(db, update.c_str(), -1, &st, nullptr), SQLITE_OK) << update;
  if (text) {
    sqlite3_bind_text(st, 1, AsChars(value).data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_blob(st, 1, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

}  // namespace sc::store::testing
