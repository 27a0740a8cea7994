// The checks every LogStore shares (log_store.h), so that all implementations refuse the same
// metadata and batches with the same codes.
#include "securecomm/audit/log_store.h"

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/audit/note_key.h"

namespace sc::audit {

Status ValidateLogMetadata(const LogMetadata& metadata) {
  if (!IsValidKeyName(metadata.origin)) return Fail(Errc::kMalformedKey);
  auto verifier = NoteVerifier::Parse(metadata.vkey);
  if (!verifier) return Fail(Errc::kMalformedKey);
  // A log signs its checkpoints with an Ed25519 note key; cosignature keys belong to witnesses.
  if (verifier->type() != SignatureType::kEd25519) return Fail(Errc::kMalformedKey);
  // docs/protocol/audit.md §4.3: a log's key name equals its checkpoint origin.
  if (verifier->name() != metadata.origin) return Fail(Errc::kOriginMismatch);
  return OkStatus();
}

Status CheckAppendBatch(const AppendBatch& batch, uint64_t stored_leaves) {
  if (batch.first_index != stored_leaves) return Fail(Errc::kIndexOutOfRange);
  if (batch.leaves.empty() || batch.leaves.size() > kMaxAppendBatch) return Fail(Errc::kLimitExceeded);
  if (batch.leaves.size() > kMaxLogSize - stored_leaves) return Fail(Errc::kLimitExceeded);
  for (const LeafRecord& leaf : batch.leaves) {
    if (leaf.data.empty() || leaf.data.size() > kMaxEntrySize) return Fail(Errc::kMalformedEntry);
  }
  if (batch.head.size != stored_leaves + batch.leaves.size()) return Fail(Errc::kSizeMismatch);
  if (batch.checkpoint.size() > kMaxNoteSize) return Fail(Errc::kMalformedNote);
  return OkStatus();
}

Status CheckCheckpointToStore(const StoredCheckpoint& checkpoint, uint64_t stored_leaves) {
  if (checkpoint.size > stored_leaves) return Fail(Errc::kIndexOutOfRange);
  if (checkpoint.note.empty() || checkpoint.note.size() > kMaxNoteSize) return Fail(Errc::kMalformedNote);
  return OkStatus();
}

}  // namespace sc::audit
