// memory_log_store.h: MemoryLogStore, the in-memory LogStore for tests. Its rows live in a shared
// Contents object that outlives the store, so a test can "reopen" the log (a new store over the
// same contents), tamper with a row as an attacker with write access to the storage would, or
// make writes fail as a full disk would.
//
//   auto store = MemoryLogStore::Create({"audit.example.org/t", vkey}).value();
//   std::shared_ptr<MemoryLogStore::Contents> rows = store->contents();
//   ... StoredLog::Open(std::move(store)) ... append ...
//   rows->leaves.at(3).data[0] ^= 1;                           // tamper
//   StoredLog::Open(MemoryLogStore::Open(rows));               // kTamperedEntry
//
// Thread safety: none; one thread at a time, like every LogStore.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "securecomm/audit/log_store.h"
#include "securecomm/base/error.h"

namespace sc::audit {

class MemoryLogStore final : public LogStore {
 public:
  // The stored rows. Tests may read and modify them between a store's uses.
  struct Contents {
    LogMetadata metadata;
    std::map<uint64_t, LeafRecord> leaves;  // by the index each leaf is stored under
    std::vector<TreeHead> heads;            // in increasing size
    std::vector<StoredCheckpoint> checkpoints;
  };

  // Create returns an empty store for a new log. Errors of ValidateLogMetadata.
  [[nodiscard]] static Result<std::unique_ptr<MemoryLogStore>> Create(LogMetadata metadata);
  // Open returns a store over rows a previous store left (tests: reopen). Never fails; the rows
  // are checked by StoredLog::Open. REQUIRES: contents != nullptr.
  [[nodiscard]] static std::unique_ptr<MemoryLogStore> Open(std::shared_ptr<Contents> contents);

  // contents returns the shared rows.
  const std::shared_ptr<Contents>& contents() const noexcept { return contents_; }
  // set_fail_writes(true) makes every later Append and AddCheckpoint fail with kStorageFailed,
  // storing nothing, until set_fail_writes(false): a full disk or an I/O error, for tests.
  void set_fail_writes(bool fail) noexcept { fail_writes_ = fail; }

  const LogMetadata& metadata() const noexcept override { return contents_->metadata; }
  [[nodiscard]] Status Append(const AppendBatch& batch) override;
  [[nodiscard]] Status AddCheckpoint(const StoredCheckpoint& checkpoint) override;
  [[nodiscard]] Status Scan(LogVisitor& visitor) override;
  [[nodiscard]] Result<LeafRecord> ReadLeaf(uint64_t index) override;

 private:
  explicit MemoryLogStore(std::shared_ptr<Contents> contents) noexcept : contents_(std::move(contents)) {}
  std::shared_ptr<Contents> contents_;
  bool fail_writes_ = false;
};

}  // namespace sc::audit
