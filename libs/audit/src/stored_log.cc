#include "securecomm/audit/stored_log.h"

#include <string>
#include <utility>

#include "securecomm/audit/checkpoint.h"
#include "securecomm/audit/entry.h"
#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/check.h"

namespace sc::audit {
namespace {

// Rebuilder: the visitor that recomputes a store's log (docs/protocol/audit.md §9.2). It records
// the first failure's diagnostic; the error itself is returned through the scan.
class Rebuilder final : public LogVisitor {
 public:
  Rebuilder(MerkleLog& tree, const NoteVerifier& verifier, std::string_view origin)
      : tree_(tree), verifier_(verifier), origin_(origin) {}

  Status OnLeaf(uint64_t index, const LeafRecord& leaf) override {
    if (index != tree_.size()) {
      return Failure(Errc::kTamperedEntry, "entry " + std::to_string(tree_.size()) + " is missing");
    }
    if (leaf.data.empty() || leaf.data.size() > kMaxEntrySize) {
      return Failure(Errc::kCorruptStore, "entry " + std::to_string(index) + " has an impossible size");
    }
    if (LeafHash(leaf.data) != leaf.leaf_hash) {
      return Failure(Errc::kTamperedEntry, "entry " + std::to_string(index) +
                                               " does not hash to its stored leaf hash (the entry or "
                                               "the hash was modified)");
    }
    tree_.Append(leaf.leaf_hash);
    return OkStatus();
  }

  Status OnTreeHead(const TreeHead& head) override {
    if (head.size <= last_head_size_ && heads_seen_ > 0) {
      return Failure(Errc::kTamperedHash, "tree heads are out of order at size " + std::to_string(head.size));
    }
    if (head.size == 0 || head.size > tree_.size()) {
      return Failure(Errc::kTamperedEntry, "a tree head at size " + std::to_string(head.size) +
                                               " is beyond the " + std::to_string(tree_.size()) +
                                               " stored entries (entries were removed)");
    }
    if (*tree_.RootAt(head.size) != head.root) {
      return Failure(Errc::kTamperedHash, "the stored root at size " + std::to_string(head.size) +
                                              " differs from the root of the stored entries");
    }
    last_head_size_ = head.size;
    ++heads_seen_;
    return OkStatus();
  }

  Status OnCheckpoint(const StoredCheckpoint& checkpoint) override {
    if (auto s = CheckHeadsEnd(); !s) return s;
    const std::string which = "stored checkpoint " + std::to_string(checkpoints_seen_++);
    auto opened = OpenCheckpoint(checkpoint.note, origin_, verifier_, {});
    if (!opened) {
      return Failure(Errc::kTamperedCheckpoint,
                     which + " does not open with the log's key: " + std::string(opened.error().name()));
    }
    const Checkpoint& cp = opened->checkpoint;
    if (cp.size != checkpoint.size || cp.size > tree_.size() || *tree_.RootAt(cp.size) != cp.root) {
      return Failure(Errc::kTamperedCheckpoint,
                     which + " (size " + std::to_string(cp.size) + ") does not match the stored entries");
    }
    latest_ = checkpoint;
    return OkStatus();
  }

  // CheckHeadsEnd: every append records a head at its new size, so the last head is the size.
  Status CheckHeadsEnd() {
    if (heads_checked_) return OkStatus();
    heads_checked_ = true;
    if (tree_.size() > 0 && (heads_seen_ == 0 || last_head_size_ != tree_.size())) {
      return Failure(Errc::kTamperedEntry, "entries after size " + std::to_string(last_head_size_) +
                                               " have no tree head (entries were added outside the log)");
    }
    return OkStatus();
  }

  std::string diagnostic;
  std::optional<StoredCheckpoint> latest_;

 private:
  Status Failure(Errc code, std::string what) {
    diagnostic = std::move(what);
    return Fail(code);
  }

  MerkleLog& tree_;
  const NoteVerifier& verifier_;
  std::string_view origin_;
  bool heads_checked_ = false;
  uint64_t last_head_size_ = 0;
  uint64_t heads_seen_ = 0;
  uint64_t checkpoints_seen_ = 0;
};

}  // namespace

Result<StoredLog> StoredLog::Open(std::unique_ptr<LogStore> store, std::string* diagnostic) {
  SC_CHECK(store != nullptr);
  auto report = [&](std::string what) {
    if (diagnostic) *diagnostic = std::move(what);
  };
  if (auto s = ValidateLogMetadata(store->metadata()); !s) {
    report("the stored metadata (origin, vkey) is invalid: " + std::string(s.error().name()));
    return Fail(Errc::kCorruptStore);
  }
  auto verifier = NoteVerifier::Parse(store->metadata().vkey);
  SC_CHECK(verifier.has_value());  // ValidateLogMetadata parsed it
  StoredLog log(std::move(store), std::move(*verifier));
  Rebuilder rebuilder(log.tree_, log.verifier_, log.metadata().origin);
  Status scanned = log.store_->Scan(rebuilder);
  if (scanned) scanned = rebuilder.CheckHeadsEnd();
  if (!scanned) {
    report(rebuilder.diagnostic.empty() ? "the store failed: " + std::string(scanned.error().name())
                                        : rebuilder.diagnostic);
    return Fail(scanned.error());
  }
  log.latest_checkpoint_ = std::move(rebuilder.latest_);
  return log;
}

Result<std::string> StoredLog::SignFor(uint64_t size, const NoteSigner& signer) const {
  if (signer.verifier() != verifier_) return Fail(Errc::kMalformedKey);
  auto root = tree_.RootAt(size);
  if (!root) return Fail(root.error());
  return SignCheckpoint(Checkpoint{metadata().origin, size, *root, {}}, signer);
}

Result<AppendResult> StoredLog::Append(std::span<const std::vector<uint8_t>> entries,
                                       const NoteSigner* signer, size_t* bad_entry) {
  if (entries.empty() || entries.size() > kMaxAppendBatch || entries.size() > kMaxLogSize - size()) {
    return Fail(Errc::kLimitExceeded);
  }
  if (signer != nullptr && signer->verifier() != verifier_) return Fail(Errc::kMalformedKey);
  std::vector<LeafRecord> leaves;
  leaves.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    // Only canonical entries enter the log (docs/protocol/audit.md §2.1).
    if (!DecodeEntry(entries[i])) {
      if (bad_entry) *bad_entry = i;
      return Fail(Errc::kMalformedEntry);
    }
    leaves.push_back(LeafRecord{entries[i], LeafHash(entries[i])});
  }
  // Clone, try, commit: grow the tree tentatively for the new root, and cut it back unless the
  // store made the batch durable.
  const uint64_t first = size();
  for (const LeafRecord& leaf : leaves) tree_.Append(leaf.leaf_hash);
  AppendResult result{first, tree_.size(), {}};
  if (signer != nullptr) {
    auto note = SignFor(tree_.size(), *signer);
    if (!note) {
      tree_.Truncate(first);
      return Fail(note.error());
    }
    result.checkpoint = std::move(*note);
  }
  const AppendBatch batch{first, leaves, TreeHead{tree_.size(), tree_.Root()}, result.checkpoint};
  if (auto s = store_->Append(batch); !s) {
    tree_.Truncate(first);
    return Fail(s.error());
  }
  if (signer != nullptr) latest_checkpoint_ = StoredCheckpoint{result.size, result.checkpoint};
  return result;
}

Result<std::string> StoredLog::PublishCheckpoint(const NoteSigner& signer) {
  auto note = SignFor(size(), signer);
  if (!note) return Fail(note.error());
  StoredCheckpoint checkpoint{size(), std::move(*note)};
  if (auto s = store_->AddCheckpoint(checkpoint); !s) return Fail(s.error());
  latest_checkpoint_ = checkpoint;
  return std::move(checkpoint.note);
}

Result<std::vector<uint8_t>> StoredLog::ReadEntry(uint64_t index) {
  if (index >= size()) return Fail(Errc::kIndexOutOfRange);
  auto leaf = store_->ReadLeaf(index);
  if (!leaf) return Fail(leaf.error());
  if (LeafHash(leaf->data) != *tree_.LeafHashAt(index)) return Fail(Errc::kTamperedEntry);
  return std::move(leaf->data);
}

}  // namespace sc::audit
