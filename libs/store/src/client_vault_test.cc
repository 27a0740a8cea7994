#include "securecomm/store/client_vault.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/random.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"

namespace sc::store {
namespace {

std::string S(const SecretBytes& b) {
  return std::string(b.Expose().begin(), b.Expose().end());
}

class ClientVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sc_vault_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "client.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ClientVault MakeVault(std::string_view pass = "correct horse") {
    auto v = ClientVault::Create(path_, AsBytes(pass), crypto::kArgon2TestOnly, crypto::SystemCsprng());
    EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().name());
    return std::move(*v);
  }
  // FileBytes returns the database file and its WAL, concatenated.
  std::string FileBytes() const {
    std::string all;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(path_ + suffix, std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), {});
    }
    return all;
  }
  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ClientVaultTest, PutGetDeleteAndReopen) {
  {
    auto v = MakeVault();
    ASSERT_TRUE(v.Put(VaultTable::kContacts, AsBytes("bob"), AsBytes("bob's record")).has_value());
    ASSERT_TRUE(v.Put(VaultTable::kSessions, AsBytes("bob"), AsBytes("a session")).has_value());
    auto got = v.Get(VaultTable::kContacts, AsBytes("bob"));
    ASSERT_TRUE(got.has_value() && got->has_value());
    EXPECT_EQ(S(**got), "bob's record");
    EXPECT_FALSE(v.Get(VaultTable::kContacts, AsBytes("carol"))->has_value());
    EXPECT_TRUE(*v.Contains(VaultTable::kSessions, AsBytes("bob")));
  }
  auto v = ClientVault::Open(path_, AsBytes("correct horse"));
  ASSERT_TRUE(v.has_value()) << v.error().name();
  EXPECT_EQ(S(**v->Get(VaultTable::kSessions, AsBytes("bob"))), "a session");
  EXPECT_TRUE(*v->Delete(VaultTable::kSessions, AsBytes("bob")));
  EXPECT_FALSE(*v->Delete(VaultTable::kSessions, AsBytes("bob")));
  EXPECT_EQ(*v->Count(VaultTable::kSessions), 0);
  EXPECT_EQ(*v->Count(VaultTable::kContacts), 1);
}

TEST_F(ClientVaultTest, FileIsPrivateAndHoldsNoPlaintext) {
  auto v = MakeVault();
  const std::string canary = "CANARY-7f3a9c-plaintext";
  ASSERT_TRUE(v.Put(VaultTable::kInbox, AsBytes("alice-canary-key"), AsBytes(canary)).has_value());
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string bytes = FileBytes();
  EXPECT_EQ(bytes.find(canary), std::string::npos);
  EXPECT_EQ(bytes.find("alice-canary-key"), std::string::npos) << "lookup keys are stored as HMACs";
}

TEST_F(ClientVaultTest, WrongPassphraseIsRefused) {
  { MakeVault("right"); }
  auto v = ClientVault::Open(path_, AsBytes("wrong"));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error(), Errc::kWrongPassphrase);
  EXPECT_TRUE(ClientVault::Open(path_, AsBytes("right")).has_value());
}

TEST_F(ClientVaultTest, CreateRefusesAnExistingFileAndOpenAForeignOne) {
  { MakeVault(); }
  auto again = ClientVault::Create(path_, AsBytes("x"), crypto::kArgon2TestOnly, crypto::SystemCsprng());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), Errc::kAlreadyExists);
  const std::string other = (dir_ / "other.db").string();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto foreign = ClientVault::Open(other, AsBytes("x"));
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error(), Errc::kNotAClientVault);
  auto missing = ClientVault::Open((dir_ / "missing.db").string(), AsBytes("x"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), Errc::kCannotOpen);
}

TEST_F(ClientVaultTest, SwappedRowsAreDetected) {
  {
    auto v = MakeVault();
    ASSERT_TRUE(v.Put(VaultTable::kContacts, AsBytes("bob"), AsBytes("trusted key of bob")).has_value());
    ASSERT_TRUE(v.Put(VaultTable::kContacts, AsBytes("mallory"), AsBytes("key of mallory")).has_value());
  }
  // Give bob's row mallory's sealed value: the row's index is bound in its associated data.
  RawExec(
      "UPDATE rows SET nonce = (SELECT nonce FROM rows WHERE seq = 2 AND tbl = 4), "
      "sealed = (SELECT sealed FROM rows WHERE seq = 2 AND tbl = 4) WHERE seq = 1 AND tbl = 4");
  auto v = ClientVault::Open(path_, AsBytes("correct horse"));
  ASSERT_TRUE(v.has_value());
  auto got = v->Get(VaultTable::kContacts, AsBytes("bob"));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error(), Errc::kTampered);
  auto listed = v->List(VaultTable::kContacts);
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error(), Errc::kTampered);
}

TEST_F(ClientVaultTest, RowsCannotMoveBetweenTables) {
  {
    auto v = MakeVault();
    ASSERT_TRUE(v.Put(VaultTable::kInbox, AsBytes("k"), AsBytes("v")).has_value());
  }
  RawExec("UPDATE rows SET tbl = 4 WHERE tbl = 6");
  auto v = ClientVault::Open(path_, AsBytes("correct horse"));
  ASSERT_TRUE(v.has_value());
  EXPECT_FALSE(v->Get(VaultTable::kContacts, AsBytes("k"))->has_value()) << "the index is per table";
  auto listed = v->List(VaultTable::kContacts);
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error(), Errc::kTampered);
}

TEST_F(ClientVaultTest, AlteredKeyRowOrParametersAreRefused) {
  { MakeVault(); }
  RawExec("UPDATE vault_key SET kdf_ops = kdf_ops + 1");
  auto v = ClientVault::Open(path_, AsBytes("correct horse"));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error(), Errc::kWrongPassphrase);
  RawExec("UPDATE vault_key SET kdf_ops = 1000000");
  auto huge = ClientVault::Open(path_, AsBytes("correct horse"));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error(), Errc::kTampered) << "a crafted file may not make Open spin";
}

TEST_F(ClientVaultTest, TransactionsCommitOrRollBackAsAWhole) {
  auto v = MakeVault();
  ASSERT_TRUE(v.Begin().has_value());
  ASSERT_TRUE(v.Put(VaultTable::kSessions, AsBytes("a"), AsBytes("1")).has_value());
  ASSERT_TRUE(v.Put(VaultTable::kReceived, AsBytes("m1"), AsBytes("")).has_value());
  v.Rollback();
  EXPECT_EQ(*v.Count(VaultTable::kSessions), 0);
  EXPECT_EQ(*v.Count(VaultTable::kReceived), 0);
  ASSERT_TRUE(v.Begin().has_value());
  ASSERT_TRUE(v.Put(VaultTable::kSessions, AsBytes("a"), AsBytes("1")).has_value());
  ASSERT_TRUE(v.Commit().has_value());
  EXPECT_EQ(*v.Count(VaultTable::kSessions), 1);
  // A second process waits for the write lock, then sees the committed state.
  auto other = ClientVault::Open(path_, AsBytes("correct horse"));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(S(**other->Get(VaultTable::kSessions, AsBytes("a"))), "1");
}

TEST_F(ClientVaultTest, ListKeepsInsertionOrderAndTrimKeepsTheNewest) {
  auto v = MakeVault();
  for (int i = 0; i < 10; ++i) {
    const std::string k = "id" + std::to_string(i);
    ASSERT_TRUE(v.Put(VaultTable::kReceived, AsBytes(k), AsBytes("")).has_value());
  }
  ASSERT_TRUE(
      v.Put(VaultTable::kReceived, AsBytes("id3"), AsBytes("updated")).has_value());  // keeps its place
  auto rows = v.List(VaultTable::kReceived);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 10u);
  EXPECT_EQ(S((*rows)[3].key), "id3");
  EXPECT_EQ(S((*rows)[3].value), "updated");
  ASSERT_TRUE(v.DeleteOldest(VaultTable::kReceived, 4).has_value());
  rows = v.List(VaultTable::kReceived);
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ(S((*rows)[0].key), "id6");
  EXPECT_FALSE(*v.Contains(VaultTable::kReceived, AsBytes("id5")));
}

TEST_F(ClientVaultTest, OversizedValuesAreRefused) {
  auto v = MakeVault();
  std::vector<uint8_t> big(kMaxVaultValueBytes + 1, 1);
  auto s = v.Put(VaultTable::kSessions, AsBytes("k"), big);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), sc::Errc::kLengthOverflow);
}

TEST_F(ClientVaultTest, ChangePassphraseKeepsTheData) {
  {
    auto v = MakeVault("old");
    ASSERT_TRUE(v.Put(VaultTable::kSettings, AsBytes("identity"), AsBytes("seed")).has_value());
    ASSERT_TRUE(
        v.ChangePassphrase(AsBytes("new"), crypto::kArgon2TestOnly, crypto::SystemCsprng()).has_value());
  }
  EXPECT_EQ(ClientVault::Open(path_, AsBytes("old")).error(), Errc::kWrongPassphrase);
  auto v = ClientVault::Open(path_, AsBytes("new"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(S(**v->Get(VaultTable::kSettings, AsBytes("identity"))), "seed");
}

}  // namespace
}  // namespace sc::store
