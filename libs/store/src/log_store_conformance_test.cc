// The LogStore conformance suite: every test runs against each implementation (typed tests):
// audit::MemoryLogStore and store::SqliteLogStore, through audit::StoredLog and directly. A
// Backend creates, reopens, breaks (write failures) and tampers with its storage; the SQLite
// backend tampers with the file through the sqlite3 C API, as an attacker with the file would.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/checkpoint.h"
#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/audit/memory_log_store.h"
#include "securecomm/audit/proof.h"
#include "securecomm/audit/stored_log.h"
#include "securecomm/base/encoding.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/sqlite_log_store.h"

#include "fault_vfs.h"
#include "test_support.h"

namespace sc::store {
namespace {

using audit::StoredLog;
using testing::Entries;
using testing::EntryBytes;

class MemoryBackend {
 public:
  static constexpr const char* kName = "Memory";
  Result<std::unique_ptr<audit::LogStore>> Create(audit::LogMetadata metadata) {
    auto store = audit::MemoryLogStore::Create(std::move(metadata));
    if (!store) return Fail(store.error());
    contents_ = (*store)->contents();
    live_ = store->get();
    return std::unique_ptr<audit::LogStore>(std::move(*store));
  }
  Result<std::unique_ptr<audit::LogStore>> Reopen() {
    auto store = audit::MemoryLogStore::Open(contents_);
    live_ = store.get();
    return std::unique_ptr<audit::LogStore>(std::move(store));
  }
  void SetWritesFail(bool fail) { live_->set_fail_writes(fail); }
  void FlipEntryByte(uint64_t index) { contents_->leaves.at(index).data[3] ^= 1; }
  void FlipLeafHashByte(uint64_t index) { contents_->leaves.at(index).leaf_hash.mutable_span()[0] ^= 1; }
  void RewriteEntry(uint64_t index, const std::vector<uint8_t>& data) {
    contents_->leaves.at(index) = audit::LeafRecord{data, audit::LeafHash(data)};
  }
  void FlipRootByte(uint64_t size) {
    for (audit::TreeHead& h : contents_->heads) {
      if (h.size == size) h.root.mutable_span()[5] ^= 1;
    }
  }
  void FlipCheckpointByte(size_t which, size_t offset) { contents_->checkpoints.at(which).note[offset] ^= 1; }
  void DeleteEntry(uint64_t index) { contents_->leaves.erase(index); }
  void AddRogueEntry(uint64_t index, const std::vector<uint8_t>& data) {
    contents_->leaves.emplace(index, audit::LeafRecord{data, audit::LeafHash(data)});
  }

 private:
  std::shared_ptr<audit::MemoryLogStore::Contents> contents_;
  audit::MemoryLogStore* live_ = nullptr;  // owned by the StoredLog under test
};

class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";
  SqliteBackend() : path_(dir_.path() / "audit.db") { options_.vfs = testing::FaultVfsName(); }
  ~SqliteBackend() { testing::SetFaultVfsFailing(false); }
  Result<std::unique_ptr<audit::LogStore>> Create(audit::LogMetadata metadata) {
    auto store = SqliteLogStore::Create(path_, std::move(metadata), options_);
    if (!store) return Fail(store.error());
    return std::unique_ptr<audit::LogStore>(std::move(*store));
  }
  Result<std::unique_ptr<audit::LogStore>> Reopen() {
    auto store = SqliteLogStore::Open(path_, options_);
    if (!store) return Fail(store.error());
    return std::unique_ptr<audit::LogStore>(std::move(*store));
  }
  void SetWritesFail(bool fail) { testing::SetFaultVfsFailing(fail); }
  void FlipEntryByte(uint64_t index) { testing::FlipByte(path_, "entries", "data", Where("idx", index), 3); }
  void FlipLeafHashByte(uint64_t index) {
    testing::FlipByte(path_, "entries", "leaf_hash", Where("idx", index), 0);
  }
  void RewriteEntry(uint64_t index, const std::vector<uint8_t>& data) {
    const audit::Hash h = audit::LeafHash(data);
    testing::Sql(path_, "UPDATE entries SET data = x'" + HexEncode(data) + "', leaf_hash = x'" +
                            HexEncode(h.span()) + "' WHERE " + Where("idx", index));
  }
  void FlipRootByte(uint64_t size) { testing::FlipByte(path_, "tree_heads", "root", Where("size", size), 5); }
  void FlipCheckpointByte(size_t which, size_t offset) {
    testing::FlipByte(
        path_, "checkpoints", "note",
        "id = (SELECT id FROM checkpoints ORDER BY id LIMIT 1 OFFSET " + std::to_string(which) + ")", offset);
  }
  void DeleteEntry(uint64_t index) {
    testing::Sql(path_, "DELETE FROM entries WHERE " + Where("idx", index));
  }
  void AddRogueEntry(uint64_t index, const std::vector<uint8_t>& data) {
    const audit::Hash h = audit::LeafHash(data);
    testing::Sql(path_, "INSERT INTO entries VALUES (" + std::to_string(index) + ", x'" + HexEncode(data) +
                            "', x'" + HexEncode(h.span()) + "')");
  }

 private:
  static std::string Where(const char* column, uint64_t v) {
    return std::string(column) + " = " + std::to_string(v);
  }
  testing::TempDir dir_;
  std::filesystem::path path_;
  SqliteOptions options_;
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

template <typename Backend>
class LogStoreConformance : public ::testing::Test {
 protected:
  // Fresh creates a new log and opens it.
  StoredLog Fresh() {
    auto store = backend_.Create(testing::Metadata(signer_));
    EXPECT_TRUE(store.has_value()) << store.error().name();
    auto log = StoredLog::Open(std::move(*store));
    EXPECT_TRUE(log.has_value()) << log.error().name();
    return std::move(*log);
  }
  // Reopen opens the stored log again; it must pass every check.
  StoredLog Reopen() {
    auto store = backend_.Reopen();
    EXPECT_TRUE(store.has_value()) << store.error().name();
    std::string why;
    auto log = StoredLog::Open(std::move(*store), &why);
    EXPECT_TRUE(log.has_value()) << log.error().name() << ": " << why;
    return std::move(*log);
  }
  // ReopenError opens the stored log again; it must fail; returns the error and the diagnostic.
  Error ReopenError(std::string* why) {
    auto store = backend_.Reopen();
    if (!store) return store.error();
    auto log = StoredLog::Open(std::move(*store), why);
    EXPECT_FALSE(log.has_value()) << "tampering went unnoticed";
    return log ? Error(audit::Errc::kRootMismatch) : log.error();
  }
  // BuildTamperTarget makes a closed log of 3 batches (sizes 3, 4, 5: 12 entries), each with a
  // checkpoint, and returns its root.
  audit::Hash BuildTamperTarget() {
    StoredLog log = Fresh();
    uint64_t next = 0;
    for (uint64_t n : {3, 4, 5}) {
      EXPECT_TRUE(log.Append(Entries(next, n), &signer_).has_value());
      next += n;
    }
    return log.Root();
  }
  void ExpectTamperError(audit::Errc expected) {
    std::string why;
    const Error e = ReopenError(&why);
    EXPECT_EQ(e, expected) << e.name() << ": " << why;
    EXPECT_FALSE(why.empty());
  }

  Backend backend_;
  audit::NoteSigner signer_ = testing::Signer();
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend>;
TYPED_TEST_SUITE(LogStoreConformance, Backends, BackendNames);

TYPED_TEST(LogStoreConformance, CreateValidatesMetadata) {
  const audit::LogMetadata good = testing::Metadata(this->signer_);
  EXPECT_EQ(this->backend_.Create({"", good.vkey}).error(), audit::Errc::kMalformedKey);
  EXPECT_EQ(this->backend_.Create({"bad name", good.vkey}).error(), audit::Errc::kMalformedKey);
  EXPECT_EQ(this->backend_.Create({good.origin, "not a vkey"}).error(), audit::Errc::kMalformedKey);
  const audit::NoteSigner other = testing::Signer(2, "audit.example.org/other");
  EXPECT_EQ(this->backend_.Create({good.origin, other.verifier().ToString()}).error(),
            audit::Errc::kOriginMismatch);
  DeterministicRandom rng(3);
  auto witness = audit::CosignatureSigner::Create(good.origin, crypto::Ed25519KeyPair::Generate(rng)).value();
  EXPECT_EQ(this->backend_.Create({good.origin, witness.verifier().ToString()}).error(),
            audit::Errc::kMalformedKey);
  EXPECT_TRUE(this->backend_.Create(good).has_value());
}

TYPED_TEST(LogStoreConformance, NewLogIsEmpty) {
  {
    StoredLog log = this->Fresh();
    EXPECT_EQ(log.size(), 0u);
    EXPECT_EQ(log.Root(), audit::EmptyRootHash());
    EXPECT_FALSE(log.latest_checkpoint().has_value());
    EXPECT_EQ(log.metadata(), testing::Metadata(this->signer_));
    EXPECT_EQ(log.ReadEntry(0).error(), audit::Errc::kIndexOutOfRange);
  }
  StoredLog again = this->Reopen();
  EXPECT_EQ(again.size(), 0u);
  EXPECT_EQ(again.metadata(), testing::Metadata(this->signer_));
}

TYPED_TEST(LogStoreConformance, AppendsSurviveReopenWithCheckpointsAndProofs) {
  audit::Hash root;
  std::string last_note;
  {
    StoredLog log = this->Fresh();
    auto empty = log.PublishCheckpoint(this->signer_);
    ASSERT_TRUE(empty.has_value());
    uint64_t next = 0;
    for (uint64_t n : {1, 5, 100, 1, 37}) {
      const bool sign = n != 5;  // one batch without a checkpoint
      auto r = log.Append(Entries(next, n), sign ? &this->signer_ : nullptr);
      ASSERT_TRUE(r.has_value()) << r.error().name();
      EXPECT_EQ(r->first_index, next);
      next += n;
      EXPECT_EQ(r->size, next);
      EXPECT_EQ(r->checkpoint.empty(), !sign);
    }
    root = log.Root();
    last_note = log.latest_checkpoint()->note;
  }
  StoredLog log = this->Reopen();
  ASSERT_EQ(log.size(), 144u);
  EXPECT_EQ(log.Root(), root);
  ASSERT_TRUE(log.latest_checkpoint().has_value());
  EXPECT_EQ(log.latest_checkpoint()->note, last_note);
  EXPECT_EQ(log.latest_checkpoint()->size, 144u);
  auto opened = audit::OpenCheckpoint(last_note, testing::kOrigin, this->signer_.verifier(), {});
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->checkpoint.root, root);
  for (uint64_t i : {0, 1, 5, 77, 143}) {
    auto data = log.ReadEntry(i);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(*data, EntryBytes(i));
    auto path = log.ProveInclusion(i, log.size());
    ASSERT_TRUE(path.has_value());
    EXPECT_TRUE(audit::VerifyInclusion(i, log.size(), audit::LeafHash(*data), *path, root));
  }
  auto proof = log.ProveConsistency(6, 144);
  ASSERT_TRUE(proof.has_value());
  EXPECT_TRUE(audit::VerifyConsistency(6, 144, *proof, log.RootAt(6).value(), root));
  // Appending after a reopen continues the same log.
  ASSERT_TRUE(log.Append(Entries(144, 2), &this->signer_).has_value());
  EXPECT_EQ(this->Reopen().size(), 146u);
}

TYPED_TEST(LogStoreConformance, AppendRefusesBadInputAndAppendsNothing) {
  {
    StoredLog log = this->Fresh();
    ASSERT_TRUE(log.Append(Entries(0, 2), &this->signer_).has_value());
    const audit::Hash root = log.Root();
    EXPECT_EQ(log.Append({}, &this->signer_).error(), audit::Errc::kLimitExceeded);
    EXPECT_EQ(log.Append(Entries(2, audit::kMaxAppendBatch + 1), nullptr).error(),
              audit::Errc::kLimitExceeded);
    auto batch = Entries(2, 4);
    batch[2].push_back(0);  // trailing byte: not canonical
    size_t bad = 99;
    EXPECT_EQ(log.Append(batch, &this->signer_, &bad).error(), audit::Errc::kMalformedEntry);
    EXPECT_EQ(bad, 2u);
    batch[2] = {};
    EXPECT_EQ(log.Append(batch, nullptr).error(), audit::Errc::kMalformedEntry);
    const audit::NoteSigner stranger = testing::Signer(9);  // same name, another key
    EXPECT_EQ(log.Append(Entries(2, 1), &stranger).error(), audit::Errc::kMalformedKey);
    EXPECT_EQ(log.PublishCheckpoint(stranger).error(), audit::Errc::kMalformedKey);
    EXPECT_EQ(log.size(), 2u);
    EXPECT_EQ(log.Root(), root);
  }
  StoredLog log = this->Reopen();
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.latest_checkpoint()->size, 2u);
}

TYPED_TEST(LogStoreConformance, StoreRefusesInconsistentBatches) {
  auto store = this->backend_.Create(testing::Metadata(this->signer_));
  ASSERT_TRUE(store.has_value());
  audit::LogStore& s = **store;
  const std::vector<audit::LeafRecord> leaves = {{EntryBytes(0), audit::LeafHash(EntryBytes(0))},
                                                 {EntryBytes(1), audit::LeafHash(EntryBytes(1))}};
  const audit::TreeHead head{2, audit::NodeHash(leaves[0].leaf_hash, leaves[1].leaf_hash)};
  EXPECT_EQ(s.Append({1, leaves, head, {}}).error(), audit::Errc::kIndexOutOfRange);
  EXPECT_EQ(s.Append({0, leaves, audit::TreeHead{3, head.root}, {}}).error(), audit::Errc::kSizeMismatch);
  EXPECT_EQ(s.Append({0, {}, audit::TreeHead{0, head.root}, {}}).error(), audit::Errc::kLimitExceeded);
  const std::vector<audit::LeafRecord> empty_leaf = {{{}, audit::LeafHash({})}};
  EXPECT_EQ(s.Append({0, empty_leaf, audit::TreeHead{1, head.root}, {}}).error(),
            audit::Errc::kMalformedEntry);
  const std::string huge(audit::kMaxNoteSize + 1, 'a');
  EXPECT_EQ(s.Append({0, leaves, head, huge}).error(), audit::Errc::kMalformedNote);
  EXPECT_EQ(s.AddCheckpoint({1, "note\n"}).error(), audit::Errc::kIndexOutOfRange);
  ASSERT_TRUE(s.Append({0, leaves, head, {}}).has_value());
  EXPECT_EQ(s.Append({0, leaves, head, {}}).error(), audit::Errc::kIndexOutOfRange);  // indices taken
  EXPECT_EQ(s.AddCheckpoint({2, ""}).error(), audit::Errc::kMalformedNote);
  EXPECT_TRUE(s.AddCheckpoint({2, "any note text: the store checks no signature\n"}).has_value());
  EXPECT_EQ(s.ReadLeaf(1).value(), leaves[1]);
  EXPECT_EQ(s.ReadLeaf(2).error(), audit::Errc::kIndexOutOfRange);
}

TYPED_TEST(LogStoreConformance, FailedWritesLoseNothingAcknowledged) {
  {
    StoredLog log = this->Fresh();
    ASSERT_TRUE(log.Append(Entries(0, 10), &this->signer_).has_value());
    const audit::Hash root = log.Root();
    this->backend_.SetWritesFail(true);
    auto failed = log.Append(Entries(10, 50), &this->signer_);
    ASSERT_FALSE(failed.has_value());
    EXPECT_TRUE(failed.error() == audit::Errc::kStorageFailed || failed.error() == Errc::kIoError)
        << failed.error().name();
    EXPECT_FALSE(log.PublishCheckpoint(this->signer_).has_value());
    EXPECT_EQ(log.size(), 10u);
    EXPECT_EQ(log.Root(), root);
    EXPECT_EQ(log.latest_checkpoint()->size, 10u);
    this->backend_.SetWritesFail(false);
    // The store is usable again and the log continues where the acknowledged entries end.
    auto again = log.Append(Entries(10, 5), &this->signer_);
    ASSERT_TRUE(again.has_value()) << again.error().name();
    EXPECT_EQ(again->first_index, 10u);
  }
  StoredLog log = this->Reopen();
  ASSERT_EQ(log.size(), 15u);
  for (uint64_t i = 0; i < 15; ++i) EXPECT_EQ(log.ReadEntry(i).value(), EntryBytes(i));
  EXPECT_EQ(log.latest_checkpoint()->size, 15u);
}

TYPED_TEST(LogStoreConformance, UntouchedStoreReopens) {
  const audit::Hash root = this->BuildTamperTarget();
  EXPECT_EQ(this->Reopen().Root(), root);
}

TYPED_TEST(LogStoreConformance, DetectsAModifiedEntry) {
  this->BuildTamperTarget();
  this->backend_.FlipEntryByte(5);
  this->ExpectTamperError(audit::Errc::kTamperedEntry);
}

TYPED_TEST(LogStoreConformance, DetectsAModifiedLeafHash) {
  this->BuildTamperTarget();
  this->backend_.FlipLeafHashByte(11);
  this->ExpectTamperError(audit::Errc::kTamperedEntry);
}

TYPED_TEST(LogStoreConformance, DetectsAnEntryRewrittenWithItsHash) {
  this->BuildTamperTarget();
  this->backend_.RewriteEntry(4, EntryBytes(1000));  // consistent row; the stored roots disagree
  this->ExpectTamperError(audit::Errc::kTamperedHash);
}

TYPED_TEST(LogStoreConformance, DetectsAModifiedRoot) {
  this->BuildTamperTarget();
  this->backend_.FlipRootByte(7);
  this->ExpectTamperError(audit::Errc::kTamperedHash);
}

TYPED_TEST(LogStoreConformance, DetectsAModifiedCheckpoint) {
  this->BuildTamperTarget();
  this->backend_.FlipCheckpointByte(1, 0);  // the origin's first byte: the signature fails
  this->ExpectTamperError(audit::Errc::kTamperedCheckpoint);
}

TYPED_TEST(LogStoreConformance, DetectsARemovedEntry) {
  this->BuildTamperTarget();
  this->backend_.DeleteEntry(6);
  this->ExpectTamperError(audit::Errc::kTamperedEntry);
}

TYPED_TEST(LogStoreConformance, DetectsARemovedLastEntry) {
  this->BuildTamperTarget();
  this->backend_.DeleteEntry(11);
  this->ExpectTamperError(audit::Errc::kTamperedEntry);
}

TYPED_TEST(LogStoreConformance, DetectsAnEntryAddedOutsideTheLog) {
  this->BuildTamperTarget();
  this->backend_.AddRogueEntry(12, EntryBytes(12));
  this->ExpectTamperError(audit::Errc::kTamperedEntry);
}

TYPED_TEST(LogStoreConformance, ReadEntryDetectsTamperingAfterOpen) {
  this->BuildTamperTarget();
  StoredLog log = this->Reopen();
  this->backend_.FlipEntryByte(2);
  EXPECT_EQ(log.ReadEntry(2).error(), audit::Errc::kTamperedEntry);
  EXPECT_EQ(log.ReadEntry(3).value(), EntryBytes(3));
}

}  // namespace
}  // namespace sc::store
