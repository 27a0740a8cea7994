// stored_log.h: StoredLog, an audit log kept in a LogStore: a MerkleLog rebuilt from the store
// and checked on open, appends that are durable before they are acknowledged, signed checkpoints
// published with them, and proofs (docs/protocol/audit.md §9).
//
// Open reads every row of the store and recomputes: each entry's leaf hash against the stored
// one, the root at each stored tree head, and each stored checkpoint's signature (with the log's
// vkey) and root. Any difference is a specific error (kTamperedEntry, kTamperedHash,
// kTamperedCheckpoint) with a diagnostic naming the row, never a crash. Append validates the
// entries, hashes them, and commits leaves, tree head and (with a signer) the signed checkpoint
// in one durable store transaction; if the store fails nothing changes, in memory or on disk.
//
//   StoredLog log = StoredLog::Open(std::move(store)).value();
//   auto r = log.Append(encoded_entries, &signer);     // durable when it returns a value
//   std::string note = *log.latest_checkpoint();       // the signed checkpoint of log.size()
//   std::vector<Hash> path = log.ProveInclusion(r->first_index, log.size()).value();
//
// What a store cannot show: an attacker who rewrites the whole store consistently (entries,
// heads, checkpoints re-signed with the stolen key), or removes the latest appends together with
// their heads and checkpoints. Monitors holding earlier checkpoints catch both (rollback, split
// view): that is what the signed checkpoints are for.
//
// Thread safety: none. Const methods may run concurrently with each other, not with the others.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "securecomm/audit/hash.h"
#include "securecomm/audit/log_store.h"
#include "securecomm/audit/merkle_log.h"
#include "securecomm/audit/note_key.h"
#include "securecomm/base/error.h"

namespace sc::audit {

struct AppendResult {
  uint64_t first_index = 0;  // index of the batch's first entry
  uint64_t size = 0;         // the log's size after the batch
  std::string checkpoint;    // the signed checkpoint at `size`; empty when no signer was given
};

class StoredLog {
 public:
  // Open reads and checks every row of `store` (see the header comment). On failure the store
  // is closed and, if `diagnostic` is given, it receives one line naming the failed check and
  // row (indices and sizes only, no entry bytes). Errors: kCorruptStore (metadata that does not
  // validate, an oversized entry), kTamperedEntry (an entry that does not hash to its stored leaf
  // hash, an index gap, entries beyond the last tree head, a tree head beyond the last entry),
  // kTamperedHash (a stored root that differs from the recomputed one, heads out of order),
  // kTamperedCheckpoint (a stored checkpoint that does not open with the log's key and origin,
  // states another size or root than the entries give, or is beyond the last entry); the
  // store's errors. REQUIRES: store != nullptr.
  [[nodiscard]] static Result<StoredLog> Open(std::unique_ptr<LogStore> store,
                                              std::string* diagnostic = nullptr);

  StoredLog(StoredLog&&) noexcept = default;
  StoredLog& operator=(StoredLog&&) noexcept = default;

  const LogMetadata& metadata() const noexcept { return store_->metadata(); }
  const NoteVerifier& verifier() const noexcept { return verifier_; }
  uint64_t size() const noexcept { return tree_.size(); }
  Hash Root() const noexcept { return tree_.Root(); }
  const MerkleLog& tree() const noexcept { return tree_; }

  // Append adds `entries` (each the canonical encoding of an Entry, entry.h) as the next leaves,
  // with the tree head at the new size and, if `signer` is given, the signed checkpoint of the
  // new size, in one durable store transaction. Returns where the batch went and the checkpoint.
  // Errors: kLimitExceeded (no entries, more than kMaxAppendBatch, or past kMaxLogSize);
  // kMalformedEntry (an entry that DecodeEntry refuses; `*bad_entry`, if given, receives its
  // position in `entries`); kMalformedKey (the signer's verifier is not the log's vkey);
  // the store's errors. On any error nothing is appended, in memory or in the store.
  [[nodiscard]] Result<AppendResult> Append(std::span<const std::vector<uint8_t>> entries,
                                            const NoteSigner* signer, size_t* bad_entry = nullptr);

  // PublishCheckpoint signs the checkpoint of the current size with `signer`, stores it durably
  // and returns the note. Errors: kMalformedKey (not the log's key), SignCheckpoint's, the
  // store's. On error nothing is stored.
  [[nodiscard]] Result<std::string> PublishCheckpoint(const NoteSigner& signer);

  // latest_checkpoint returns the last checkpoint stored (checked on open) or published through
  // this object, or nullopt if there is none.
  const std::optional<StoredCheckpoint>& latest_checkpoint() const noexcept { return latest_checkpoint_; }

  // ReadEntry returns the entry bytes at `index`, checked against the leaf hash in memory.
  // Errors: kIndexOutOfRange (index >= size()), kTamperedEntry (the stored bytes changed since
  // open), the store's.
  [[nodiscard]] Result<std::vector<uint8_t>> ReadEntry(uint64_t index);

  // ProveInclusion / ProveConsistency / RootAt: as MerkleLog's (merkle_log.h).
  [[nodiscard]] Result<std::vector<Hash>> ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const {
    return tree_.ProveInclusion(leaf_index, tree_size);
  }
  [[nodiscard]] Result<std::vector<Hash>> ProveConsistency(uint64_t size1, uint64_t size2) const {
    return tree_.ProveConsistency(size1, size2);
  }
  [[nodiscard]] Result<Hash> RootAt(uint64_t tree_size) const noexcept { return tree_.RootAt(tree_size); }

 private:
  StoredLog(std::unique_ptr<LogStore> store, NoteVerifier verifier) noexcept
      : store_(std::move(store)), verifier_(std::move(verifier)) {}
  // SignFor returns the checkpoint note of the tree of `size` leaves signed by `signer`.
  Result<std::string> SignFor(uint64_t size, const NoteSigner& signer) const;

  std::unique_ptr<LogStore> store_;
  NoteVerifier verifier_;
  MerkleLog tree_;
  std::optional<StoredCheckpoint> latest_checkpoint_;
};

}  // namespace sc::audit
