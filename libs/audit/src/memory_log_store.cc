#include "securecomm/audit/memory_log_store.h"

#include <utility>

#include "securecomm/audit/errors.h"
#include "securecomm/base/check.h"

namespace sc::audit {
namespace {

// StoredLeaves: the number of leaves a store holds is one past its highest index (a gap left by
// tampering is for StoredLog::Open to find, as with SQLite).
uint64_t StoredLeaves(const MemoryLogStore::Contents& contents) {
  return contents.leaves.empty() ? 0 : contents.leaves.rbegin()->first + 1;
}

}  // namespace

Result<std::unique_ptr<MemoryLogStore>> MemoryLogStore::Create(LogMetadata metadata) {
  if (auto s = ValidateLogMetadata(metadata); !s) return Fail(s.error());
  auto contents = std::make_shared<Contents>();
  contents->metadata = std::move(metadata);
  return std::unique_ptr<MemoryLogStore>(new MemoryLogStore(std::move(contents)));
}

std::unique_ptr<MemoryLogStore> MemoryLogStore::Open(std::shared_ptr<Contents> contents) {
  SC_CHECK(contents != nullptr);
  return std::unique_ptr<MemoryLogStore>(new MemoryLogStore(std::move(contents)));
}

Status MemoryLogStore::Append(const AppendBatch& batch) {
  if (auto s = CheckAppendBatch(batch, StoredLeaves(*contents_)); !s) return s;
  if (fail_writes_) return Fail(Errc::kStorageFailed);
  for (size_t i = 0; i < batch.leaves.size(); ++i)
    contents_->leaves.emplace(batch.first_index + i, batch.leaves[i]);
  contents_->heads.push_back(batch.head);
  if (!batch.checkpoint.empty()) {
    contents_->checkpoints.push_back(StoredCheckpoint{batch.head.size, std::string(batch.checkpoint)});
  }
  return OkStatus();
}

Status MemoryLogStore::AddCheckpoint(const StoredCheckpoint& checkpoint) {
  if (auto s = CheckCheckpointToStore(checkpoint, StoredLeaves(*contents_)); !s) return s;
  if (fail_writes_) return Fail(Errc::kStorageFailed);
  contents_->checkpoints.push_back(checkpoint);
  return OkStatus();
}

Status MemoryLogStore::Scan(LogVisitor& visitor) {
  for (const auto& [index, leaf] : contents_->leaves) {
    if (auto s = visitor.OnLeaf(index, leaf); !s) return s;
  }
  for (const TreeHead& head : contents_->heads) {
    if (auto s = visitor.OnTreeHead(head); !s) return s;
  }
  for (const StoredCheckpoint& checkpoint : contents_->checkpoints) {
    if (auto s = visitor.OnCheckpoint(checkpoint); !s) return s;
  }
  return OkStatus();
}

Result<LeafRecord> MemoryLogStore::ReadLeaf(uint64_t index) {
  auto it = contents_->leaves.find(index);
  if (it == contents_->leaves.end()) return Fail(Errc::kIndexOutOfRange);
  return it->second;
}

}  // namespace sc::audit
