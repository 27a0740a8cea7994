// SqliteLogStore beyond the conformance suite: what only a file can get wrong. Files that are not
// audit logs (missing, garbage, another database, another schema version) and damaged files give
// clear errors and are never modified; the file is in WAL mode; a page quota (a full disk) and a
// stale second writer fail cleanly without losing acknowledged entries.
#include "securecomm/store/sqlite_log_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/stored_log.h"
#include "securecomm/store/errors.h"

#include "test_support.h"

namespace sc::store {
namespace {

using testing::Entries;

class SqliteLogStoreTest : public ::testing::Test {
 protected:
  // MakeLog creates a log of `n` entries in batches of 100, each with a checkpoint, and closes it.
  void MakeLog(uint64_t n) {
    auto store = SqliteLogStore::Create(path_, testing::Metadata(signer_));
    ASSERT_TRUE(store.has_value()) << store.error().name();
    auto log = audit::StoredLog::Open(std::move(*store));
    ASSERT_TRUE(log.has_value());
    for (uint64_t next = 0; next < n; next += 100) {
      ASSERT_TRUE(log->Append(Entries(next, std::min<uint64_t>(100, n - next)), &signer_).has_value());
    }
  }
  std::string ReadAll(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "audit.db";
  audit::NoteSigner signer_ = testing::Signer();
};

TEST_F(SqliteLogStoreTest, CreateNeverTakesOverAnExistingFile) {
  std::ofstream(path_) << "precious";
  EXPECT_EQ(SqliteLogStore::Create(path_, testing::Metadata(signer_)).error(), Errc::kAlreadyExists);
  EXPECT_EQ(ReadAll(path_), "precious");
  EXPECT_EQ(
      SqliteLogStore::Create(dir_.path() / "no" / "such" / "dir.db", testing::Metadata(signer_)).error(),
      Errc::kCannotOpen);
}

TEST_F(SqliteLogStoreTest, OpenRefusesWhatIsNotAnAuditLog) {
  EXPECT_EQ(SqliteLogStore::Open(path_).error(), Errc::kCannotOpen);  // missing
  EXPECT_FALSE(std::filesystem::exists(path_)) << "Open must not create a file";
  std::ofstream(path_) << std::string(8192, 'x');
  EXPECT_EQ(SqliteLogStore::Open(path_).error(), Errc::kNotADatabase);
  EXPECT_EQ(ReadAll(path_), std::string(8192, 'x'));
  std::filesystem::remove(path_);
  testing::Sql(path_.string() + "-other", "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  const std::filesystem::path other = path_.string() + "-other";
  EXPECT_EQ(SqliteLogStore::Open(other).error(), Errc::kNotAnAuditLog);
  // Not even switched to WAL: the other database is left as it was.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(other.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  // SQLite's C API returns text as unsigned char.
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "delete");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(SqliteLogStoreTest, OpenRefusesAnotherSchemaVersionAndMissingMetadata) {
  MakeLog(3);
  testing::Sql(path_, "PRAGMA user_version = 2");
  EXPECT_EQ(SqliteLogStore::Open(path_).error(), Errc::kNotAnAuditLog);
  testing::Sql(path_, "PRAGMA user_version = 1; DELETE FROM meta WHERE key = 'vkey'");
  std::string why;
  EXPECT_EQ(OpenSqliteLog(path_, {}, &why).error(), audit::Errc::kCorruptStore);
  EXPECT_FALSE(why.empty());
}

TEST_F(SqliteLogStoreTest, FileIsInWalModeAndReopensChecked) {
  MakeLog(250);
  // Offsets 18 and 19 of the header are 2 in a WAL database (sqlite.org/fileformat2.html §1.3).
  const std::string header = ReadAll(path_).substr(0, 20);
  EXPECT_EQ(header[18], 2);
  EXPECT_EQ(header[19], 2);
  std::string why;
  auto log = OpenSqliteLog(path_, {}, &why);
  ASSERT_TRUE(log.has_value()) << why;
  EXPECT_EQ(log->size(), 250u);
  EXPECT_TRUE(LooksLikeSqliteFile(path_));
  EXPECT_FALSE(LooksLikeSqliteFile(dir_.path() / "none"));
}

TEST_F(SqliteLogStoreTest, DamagedFileGivesAnErrorNotACrash) {
  MakeLog(2000);  // several pages of entries; closing checkpoints the WAL into the file
  const auto size = std::filesystem::file_size(path_);
  ASSERT_GT(size, 8u * 4096);
  // Overwrite pages 3 to 6 with garbage, as a failing disk or a careless editor would.
  const int fd = ::open(path_.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  const std::vector<char> garbage(4 * 4096, '\x5a');
  ASSERT_EQ(::pwrite(fd, garbage.data(), garbage.size(), 2 * 4096), static_cast<ssize_t>(garbage.size()));
  ::close(fd);
  std::string why;
  auto log = OpenSqliteLog(path_, {}, &why);
  ASSERT_FALSE(log.has_value());
  const Error e = log.error();
  EXPECT_TRUE(e == Errc::kCorrupt || e == audit::Errc::kCorruptStore || e == audit::Errc::kTamperedEntry ||
              e == Errc::kNotAnAuditLog)
      << e.name() << ": " << why;
}

TEST_F(SqliteLogStoreTest, FullQuotaFailsTheAppendAndKeepsAcknowledgedEntries) {
  MakeLog(0);
  uint64_t acknowledged = 0;
  {
    auto log = OpenSqliteLog(path_, SqliteOptions{.vfs = {}, .max_pages = 40});
    ASSERT_TRUE(log.has_value());
    Error last = audit::Errc::kRootMismatch;
    for (int i = 0; i < 1000; ++i) {
      auto r = log->Append(Entries(acknowledged, 50), &signer_);
      if (!r) {
        last = r.error();
        break;
      }
      acknowledged = r->size;
    }
    EXPECT_EQ(last, Errc::kDiskFull) << last.name();
    EXPECT_GT(acknowledged, 0u);
    EXPECT_EQ(log->size(), acknowledged);
  }
  auto log = OpenSqliteLog(path_);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->size(), acknowledged);
  EXPECT_EQ(log->latest_checkpoint()->size, acknowledged);
  EXPECT_TRUE(log->Append(Entries(acknowledged, 50), &signer_).has_value());
}

TEST_F(SqliteLogStoreTest, StaleSecondWriterIsRefused) {
  MakeLog(5);
  auto a = OpenSqliteLog(path_);
  auto b = OpenSqliteLog(path_);
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_TRUE(a->Append(Entries(5, 3), &signer_).has_value());
  // b still believes the log has 5 entries: its append must not interleave with a's.
  EXPECT_EQ(b->Append(Entries(5, 1), &signer_).error(), audit::Errc::kIndexOutOfRange);
  EXPECT_EQ(b->size(), 5u);
  auto c = OpenSqliteLog(path_);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->size(), 8u);
}

}  // namespace
}  // namespace sc::store
