// SqliteRelayStore beyond the conformance suite: what only a file can get wrong. Reopening keeps
// everything and message ids keep increasing; a new file is private (0600), in WAL mode and
// labelled; files that are not relay stores are refused unmodified; a full disk or a failed
// write loses no committed message; a malformed row is an error, never a crash.
#include "securecomm/store/sqlite_relay_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"
#include "securecomm/store/sqlite_log_store.h"

#include "fault_vfs.h"
#include "relay_store_test_support.h"
#include "test_support.h"

namespace sc::store {
namespace {

using testing::FailsWith;
using testing::Succeeds;

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned Mode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::set<std::string> Listing(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

class SqliteRelayStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteRelayStore> Open(const SqliteOptions& options = {}) {
    auto store = SqliteRelayStore::Open(path_, options);
    EXPECT_TRUE(Succeeds(store));
    return store ? std::move(*store) : nullptr;
  }
  // MakeStore creates the file with one account and one device, and closes it.
  DeviceAddress MakeStore() {
    auto store = Open();
    if (!store) return {};
    return testing::AddDevice(*store, testing::AddAccount(*store, "alice"), 1);
  }
  // ExpectQueue expects exactly the messages `ids` queued for `device`, in order.
  static void ExpectQueue(RelayStore& store, DeviceAddress device, const std::vector<MessageId>& ids) {
    std::vector<MessageId> got;
    for (MessageId after = 0;;) {
      auto page = store.Fetch(device, after, kMaxFetchMessages, testing::kNow);
      ASSERT_TRUE(Succeeds(page));
      if (page->empty()) break;
      for (const StoredMessage& m : *page) got.push_back(m.id);
      after = got.back();
    }
    EXPECT_EQ(got, ids);
    EXPECT_EQ(store.QueueDepth(device).value_or(0), ids.size());
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "relay.db";
};

TEST_F(SqliteRelayStoreTest, ReopenKeepsEverythingAndIdsKeepIncreasing) {
  AccountId alice = 0;
  DeviceAddress phone;
  std::vector<MessageId> ids;
  {
    auto store = Open();
    ASSERT_TRUE(store);
    alice = testing::AddAccount(*store, "alice");
    ASSERT_TRUE(Succeeds(store->SetLoginFailures(alice, 2, 77)));
    phone = testing::AddDevice(*store, alice, 1);
    ASSERT_TRUE(Succeeds(store->RemoveDevice(testing::AddDevice(*store, alice, 2))));
    ASSERT_TRUE(Succeeds(store->SetSignedPrekey(phone, testing::Signed(5))));
    ASSERT_TRUE(Succeeds(store->AddOneTimePrekeys(phone, testing::OneTime({1, 2, 3}))));
    ASSERT_TRUE(Succeeds(store->Begin()));
    for (int i = 0; i < 3; ++i) ids.push_back(store->Enqueue(testing::Message(phone, phone, i)).value_or(0));
    ASSERT_TRUE(Succeeds(store->Commit()));
    const std::vector<MessageId> newest = {ids.back()};
    ASSERT_EQ(store->Ack(phone, newest).value_or(0), 1u);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  auto account = store->GetAccount(alice);
  ASSERT_TRUE(Succeeds(account));
  EXPECT_EQ(account->username, "alice");
  EXPECT_EQ(account->srp_verifier, testing::Account("alice").srp_verifier);
  EXPECT_EQ(account->failed_logins, 2u);
  EXPECT_EQ(account->locked_until_ms, 77);
  auto devices = store->ListDevices(alice);
  ASSERT_TRUE(Succeeds(devices));
  ASSERT_EQ(devices->size(), 1u);
  EXPECT_EQ((*devices)[0].identity_key, testing::Key(1));
  EXPECT_EQ(store->CountOneTimePrekeys(phone).value_or(0), 3u);
  ExpectQueue(*store, phone, {ids[0], ids[1]});
  auto fetched = store->Fetch(phone, 0, 10, testing::kNow);
  ASSERT_TRUE(Succeeds(fetched));
  testing::ExpectMessage((*fetched)[1], ids[1], testing::Message(phone, phone, 1));
  EXPECT_GT(store->Enqueue(testing::Message(phone, phone, 9)).value_or(0), ids.back())
      << "the acked newest id";
  EXPECT_EQ(store->AddDevice(alice, testing::Key(3), 0).value_or(0), 3u) << "removed device id 2 stays used";
  auto bundle = store->TakePrekeyBundle(phone);
  ASSERT_TRUE(Succeeds(bundle));
  EXPECT_EQ(bundle->signed_prekey.signature, testing::Signed(5).signature);
  EXPECT_EQ(bundle->one_time.value().id, 1u);
}

TEST_F(SqliteRelayStoreTest, NewFileIsPrivateInWalModeAndLabelled) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    testing::AddAccount(*store, "alice");
    EXPECT_EQ(Mode(path_), 0600u);
    EXPECT_EQ(Mode(path_.string() + "-wal"), 0600u);
    EXPECT_EQ(Mode(path_.string() + "-shm"), 0600u);
  }
  const std::string header = ReadAll(path_).substr(0, 100);
  ASSERT_EQ(header.size(), 100u);
  EXPECT_EQ(header.substr(0, 16), std::string("SQLite format 3\0", 16));
  EXPECT_EQ(header[18], 2) << "WAL";
  EXPECT_EQ(header[19], 2) << "WAL";
  EXPECT_EQ(header.substr(60, 4), std::string("\0\0\0\2", 4)) << "user_version";
  EXPECT_EQ(header.substr(68, 4), "SCRS") << "application_id";
  EXPECT_EQ(Mode(path_), 0600u);
}

TEST_F(SqliteRelayStoreTest, AnEmptyFileIsInitialised) {
  { std::ofstream empty{path_}; }  // 0 bytes, as a creation cut short by a crash leaves it
  ASSERT_EQ(std::filesystem::file_size(path_), 0u);
  ::chmod(path_.c_str(), 0644);
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(Succeeds(store->CreateAccount(testing::Account("alice"))));
  EXPECT_EQ(Mode(path_), 0600u);
}

TEST_F(SqliteRelayStoreTest, AnAuditLogIsRefusedUnmodified) {
  {
    auto log = SqliteLogStore::Create(path_, testing::Metadata(testing::Signer()));
    ASSERT_TRUE(Succeeds(log));
  }
  const std::string before = ReadAll(path_);
  const std::set<std::string> files = Listing(dir_.path());
  EXPECT_TRUE(FailsWith(SqliteRelayStore::Open(path_), Errc::kNotARelayStore));
  EXPECT_EQ(ReadAll(path_), before);
  EXPECT_EQ(Listing(dir_.path()), files);
  EXPECT_TRUE(OpenSqliteLog(path_).has_value()) << "still a good audit log";
}

TEST_F(SqliteRelayStoreTest, OtherFilesAreRefusedUnmodified) {
  std::ofstream(path_) << std::string(8192, 'x');
  EXPECT_TRUE(FailsWith(SqliteRelayStore::Open(path_), Errc::kNotADatabase));
  EXPECT_EQ(ReadAll(path_), std::string(8192, 'x'));

  const std::filesystem::path other = dir_.path() / "other.db";
  testing::Sql(other, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  const std::string before = ReadAll(other);
  EXPECT_TRUE(FailsWith(SqliteRelayStore::Open(other), Errc::kNotARelayStore));
  EXPECT_EQ(ReadAll(other), before) << "not even switched to WAL";

  const std::filesystem::path newer = dir_.path() / "newer.db";
  ASSERT_TRUE(Succeeds(SqliteRelayStore::Open(newer)));
  testing::Sql(newer, "PRAGMA user_version = " + std::to_string(kRelayStoreSchemaVersion + 1));
  EXPECT_TRUE(FailsWith(SqliteRelayStore::Open(newer), Errc::kNotARelayStore));

  EXPECT_TRUE(FailsWith(SqliteRelayStore::Open(dir_.path() / "no" / "such.db"), Errc::kCannotOpen));
  EXPECT_TRUE(FailsWith(SqliteRelayStore::Open(dir_.path()), Errc::kCannotOpen));
  EXPECT_EQ(Listing(dir_.path()), (std::set<std::string>{"newer.db", "other.db", "relay.db"}));
}

TEST_F(SqliteRelayStoreTest, FullDiskFailsTheBatchAndLosesNoCommittedMessage) {
  const DeviceAddress d = MakeStore();
  std::vector<MessageId> committed;
  {
    auto store = Open(SqliteOptions{.vfs = {}, .max_pages = 64});
    ASSERT_TRUE(store);
    NewMessage m = testing::Message(d, d, 0);
    m.payload.assign(1000, 0x5a);
    Error failure = Errc::kSqliteError;
    bool failed = false;
    for (int batch = 0; batch < 100 && !failed; ++batch) {
      std::vector<MessageId> ids;
      ASSERT_TRUE(Succeeds(store->Begin()));
      for (int i = 0; i < 50 && !failed; ++i) {
        auto id = store->Enqueue(m);
        if (id) ids.push_back(*id);
        if (!id) failure = id.error();
        failed = !id;
      }
      if (!failed) {
        Status s = store->Commit();
        if (!s) failure = s.error();
        failed = !s;
      }
      if (failed) {
        // Whether SQLite ended the transaction itself (3.40 does on SQLITE_FULL) or not, a
        // write after the failure must not slip out of the batch on its own.
        (void)store->Enqueue(testing::Message(d, d, 1));
        store->Rollback();
      } else {
        committed.insert(committed.end(), ids.begin(), ids.end());
      }
    }
    ASSERT_TRUE(failed) << "64 pages hold fewer than 5,000 messages of 1 kB";
    EXPECT_EQ(failure, Errc::kDiskFull) << failure.name();
    ASSERT_GT(committed.size(), 0u);
    ExpectQueue(*store, d, committed);
    // Acknowledged messages free their pages for new ones.
    const std::vector<MessageId> acked(committed.begin(), committed.begin() + 20);
    ASSERT_EQ(store->Ack(d, acked).value_or(0), 20u);
    committed.erase(committed.begin(), committed.begin() + 20);
    auto id = store->Enqueue(m);
    ASSERT_TRUE(Succeeds(id));
    committed.push_back(*id);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  ExpectQueue(*store, d, committed);
}

TEST_F(SqliteRelayStoreTest, FailedCommitLosesNoCommittedMessage) {
  const DeviceAddress d = MakeStore();
  std::vector<MessageId> committed;
  {
    auto store = Open(SqliteOptions{.vfs = testing::FaultVfsName(), .max_pages = 0});
    ASSERT_TRUE(store);
    ASSERT_TRUE(Succeeds(store->Begin()));
    for (int i = 0; i < 10; ++i) committed.push_back(store->Enqueue(testing::Message(d, d, i)).value_or(0));
    ASSERT_TRUE(Succeeds(store->Commit()));
    ASSERT_TRUE(Succeeds(store->Begin()));
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(Succeeds(store->Enqueue(testing::Message(d, d, 100 + i))));
    testing::SetFaultVfsFailing(true);
    const Status s = store->Commit();
    testing::SetFaultVfsFailing(false);
    EXPECT_TRUE(FailsWith(s, Errc::kIoError));
    store->Rollback();  // a no-op: the failed Commit ended the transaction
    ExpectQueue(*store, d, committed);
    // A write outside a transaction fails the same way, and the store carries on after it.
    testing::SetFaultVfsFailing(true);
    EXPECT_TRUE(FailsWith(store->Enqueue(testing::Message(d, d, 200)), Errc::kIoError));
    testing::SetFaultVfsFailing(false);
    auto id = store->Enqueue(testing::Message(d, d, 201));
    ASSERT_TRUE(Succeeds(id));
    committed.push_back(*id);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  ExpectQueue(*store, d, committed);
}

TEST_F(SqliteRelayStoreTest, CommittedWritesAreVisibleToAnotherConnectionOnlyAfterCommit) {
  const DeviceAddress d = MakeStore();
  auto writer = Open();
  auto reader = Open();
  ASSERT_TRUE(writer && reader);
  ASSERT_TRUE(Succeeds(writer->Begin()));
  ASSERT_TRUE(Succeeds(writer->Enqueue(testing::Message(d, d, 1))));
  EXPECT_EQ(reader->QueueDepth(d).value_or(99), 0u);
  ASSERT_TRUE(Succeeds(writer->Commit()));
  EXPECT_EQ(reader->QueueDepth(d).value_or(99), 1u);
}

TEST_F(SqliteRelayStoreTest, AVersion1FileIsMigratedKeepingItsData) {
  const DeviceAddress d = MakeStore();
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(Succeeds(store->Enqueue(testing::Message(d, d, 1))));
  }
  // What a version-1 relay left: no decoy_logins table, user_version 1.
  testing::Sql(path_,
               "DROP TABLE decoy_logins; DROP INDEX messages_urgent; ALTER TABLE messages DROP COLUMN urgent;"
               "PRAGMA user_version = 1;");
  {
    auto store = Open();
    ASSERT_TRUE(store) << "a version-1 store is migrated, not refused";
    ExpectQueue(*store, d, {1});
    DecoyTag tag{};
    tag[0] = 7;
    ASSERT_TRUE(Succeeds(store->SetDecoyFailures(tag, {4, 99}, 5)));
    EXPECT_EQ(store->GetDecoyFailures(tag).value(), (LoginFailures{4, 99}));
    NewMessage urgent = testing::Message(d, d, 2);
    urgent.urgent = true;
    ASSERT_TRUE(Succeeds(store->Enqueue(urgent)));
    EXPECT_EQ(store->UrgentDepth(d).value_or(0), 1u);
    ASSERT_EQ(store->FetchUrgent(d, 0, 10, testing::kNow).value().size(), 1u);
    EXPECT_FALSE(store->Fetch(d, 0, 10, testing::kNow).value()[0].urgent) << "old rows are ordinary";
  }
  auto version = testing::SqlInt(path_, "PRAGMA user_version");
  EXPECT_EQ(version, kRelayStoreSchemaVersion);
  // A version this relay does not know is still refused unmodified.
  testing::Sql(path_, "PRAGMA user_version = 99;");
  EXPECT_TRUE(FailsWith(SqliteRelayStore::Open(path_), Errc::kNotARelayStore));
}

TEST_F(SqliteRelayStoreTest, MalformedRowsAreCorruptNotACrash) {
  const DeviceAddress d = MakeStore();
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(Succeeds(store->Enqueue(testing::Message(d, d, 1))));
    ASSERT_TRUE(Succeeds(store->SetSignedPrekey(d, testing::Signed(1))));
  }
  // As a careless editor or a damaged backup would leave them; the CHECKs are switched off.
  testing::Sql(path_,
               "PRAGMA ignore_check_constraints = ON;"
               "UPDATE devices SET identity_key = x'0102', signed_prekey_signature = x'00';"
               "UPDATE messages SET sender_device = -1;"
               "UPDATE accounts SET srp_group_bits = 1 << 40;");
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(FailsWith(store->GetDevice(d), Errc::kCorrupt));
  EXPECT_TRUE(FailsWith(store->ListDevices(d.account), Errc::kCorrupt));
  EXPECT_TRUE(FailsWith(store->TakePrekeyBundle(d), Errc::kCorrupt));
  EXPECT_TRUE(FailsWith(store->Fetch(d, 0, 10, testing::kNow), Errc::kCorrupt));
  EXPECT_TRUE(FailsWith(store->GetAccount(d.account), Errc::kCorrupt));
  EXPECT_EQ(store->QueueDepth(d).value_or(0), 1u);
}

}  // namespace
}  // namespace sc::store
