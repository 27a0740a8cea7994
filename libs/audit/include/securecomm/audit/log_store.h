// log_store.h: the storage interface of an audit log (docs/protocol/audit.md §9). A LogStore
// keeps what a log must not forget: its metadata (origin and verifier key), every leaf (the entry
// bytes and their leaf hash), the tree head (size, root) recorded with each append, and the signed
// checkpoints. It stores and returns rows; it checks nothing about hashes or signatures. StoredLog
// (stored_log.h) recomputes and checks everything a store returns, so a store is trusted for
// durability only, never for integrity.
//
// Implementations: MemoryLogStore (memory_log_store.h, for tests) and store::SqliteLogStore
// (libs/store). Both pass the same conformance suite (libs/store/src/log_store_conformance_test.cc).
//
//   std::unique_ptr<LogStore> store = MemoryLogStore::Create(metadata).value();
//   StoredLog log = StoredLog::Open(std::move(store)).value();     // recomputes and checks
//
// Errors: a store returns audit::Errc codes for what the interface defines below, and, when the
// storage itself fails (I/O, full disk, a corrupt file), kStorageFailed or its adapter's own code
// (store::Errc for SQLite), which says why.
//
// Thread safety: a LogStore is used by one thread at a time (StoredLog serialises its calls).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/audit/hash.h"
#include "securecomm/base/error.h"

namespace sc::audit {

// The identity of a log, fixed when its store is created.
struct LogMetadata {
  std::string origin;  // the checkpoint origin, e.g. "audit.example.org/relay1"; a valid key name
  std::string vkey;    // the log's verifier key (NoteVerifier::ToString), named `origin`
  friend bool operator==(const LogMetadata&, const LogMetadata&) = default;
};

// ValidateLogMetadata returns OkStatus() iff the origin is a valid key name and the vkey parses
// (NoteVerifier::Parse) as an Ed25519 (type 0x01) key named exactly `origin`. Errors:
// kMalformedKey (bad origin or vkey, or a cosignature key), kOriginMismatch (the vkey's name is
// not the origin). Thread safe.
[[nodiscard]] Status ValidateLogMetadata(const LogMetadata& metadata);

// One leaf: the entry bytes (a canonical AuditEntry, docs/protocol/audit.md §2) and LeafHash(data).
struct LeafRecord {
  std::vector<uint8_t> data;
  Hash leaf_hash;
  friend bool operator==(const LeafRecord&, const LeafRecord&) = default;
};

// A tree head: the root of the log's first `size` leaves, recorded when an append reached `size`.
struct TreeHead {
  uint64_t size = 0;
  Hash root;
  friend bool operator==(const TreeHead&, const TreeHead&) = default;
};

// A signed checkpoint note (checkpoint.h) and the tree size its body states.
struct StoredCheckpoint {
  uint64_t size = 0;
  std::string note;
  friend bool operator==(const StoredCheckpoint&, const StoredCheckpoint&) = default;
};

// One append: leaves at indices [first_index, first_index + leaves.size()), the tree head at the
// new size, and optionally the checkpoint signed for it, committed together.
struct AppendBatch {
  uint64_t first_index = 0;
  std::span<const LeafRecord> leaves;
  TreeHead head;                // head.size == first_index + leaves.size()
  std::string_view checkpoint;  // a signed checkpoint note for head.size; empty: none
};

// LogVisitor receives the rows of LogStore::Scan. A visitor error stops the scan and is returned.
class LogVisitor {
 public:
  virtual ~LogVisitor() = default;
  virtual Status OnLeaf(uint64_t index, const LeafRecord& leaf) = 0;
  virtual Status OnTreeHead(const TreeHead& head) = 0;
  virtual Status OnCheckpoint(const StoredCheckpoint& checkpoint) = 0;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // metadata returns the log's origin and vkey as stored at creation.
  virtual const LogMetadata& metadata() const noexcept = 0;

  // Append commits `batch` atomically and durably: when it returns OkStatus() the rows survive a
  // crash or power loss (SQLite: one transaction, fsync'd); on any error none of them is stored
  // and every row stored before is intact, and the store stays usable. Errors:
  // kIndexOutOfRange unless first_index is the number of stored leaves (another writer may have
  // appended: reopen); kLimitExceeded if the batch is empty, holds more than kMaxAppendBatch
  // leaves, or would take the log past kMaxLogSize; kMalformedEntry if a leaf's data is empty or
  // larger than kMaxEntrySize; kSizeMismatch if head.size is not the new size; kMalformedNote if
  // the checkpoint note is larger than kMaxNoteSize; kStorageFailed or the adapter's code if the
  // storage fails.
  [[nodiscard]] virtual Status Append(const AppendBatch& batch) = 0;

  // AddCheckpoint durably stores a signed checkpoint note for tree size `checkpoint.size`, after
  // the ones stored before. Errors: kIndexOutOfRange if the size is above the number of stored
  // leaves; kMalformedNote if the note is empty or larger than kMaxNoteSize; storage errors as
  // for Append. Nothing is stored on error.
  [[nodiscard]] virtual Status AddCheckpoint(const StoredCheckpoint& checkpoint) = 0;

  // Scan visits, from one consistent snapshot (a concurrent writer's later rows are not seen):
  // every leaf in index order, with the index the store holds it under; then every tree head in
  // increasing size; then every checkpoint in the order stored. Returns the first visitor error,
  // kCorruptStore if a row cannot be read as its type (a hash that is not 32 bytes, a negative
  // index or size), or a storage error.
  [[nodiscard]] virtual Status Scan(LogVisitor& visitor) = 0;

  // ReadLeaf returns the leaf stored at `index`: kIndexOutOfRange if there is none, kCorruptStore
  // as for Scan, or a storage error. The caller checks the hash (StoredLog::ReadEntry does).
  [[nodiscard]] virtual Result<LeafRecord> ReadLeaf(uint64_t index) = 0;
};

// CheckAppendBatch returns the error LogStore::Append must return for `batch` on a store holding
// `stored_leaves` leaves (the checks of the contract above that need no storage), or OkStatus().
// Implementations call it, so they refuse the same batches with the same codes. Thread safe.
[[nodiscard]] Status CheckAppendBatch(const AppendBatch& batch, uint64_t stored_leaves);

// CheckCheckpointToStore: the same for LogStore::AddCheckpoint.
[[nodiscard]] Status CheckCheckpointToStore(const StoredCheckpoint& checkpoint, uint64_t stored_leaves);

}  // namespace sc::audit
