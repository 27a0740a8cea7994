// merkle_log.h: an append-only, in-memory RFC 6962 Merkle log of leaf hashes, with roots,
// inclusion proofs and consistency proofs for any tree size up to the current one.
//
// The log keeps every level of the tree: level k holds the hash of each complete subtree of 2^k
// leaves (level 0 the leaf hashes), about two hashes per leaf (64 MB for a million entries).
// A root or proof then needs O(log n) lookups plus at most one on-demand fold of the partial
// right edge of the requested tree (at most 64 hashes), never a walk over the leaves.
//
//   MerkleLog log;
//   uint64_t index = log.Append(LeafHash(entry_bytes));
//   Hash root = log.Root();
//   Result<std::vector<Hash>> path = log.ProveInclusion(index, log.size());
//   Result<std::vector<Hash>> proof = log.ProveConsistency(old_size, log.size());
//
// Storage (SQLite, the relay) lives above this layer and rebuilds a MerkleLog by appending the
// stored leaf hashes in order. Thread safety: const methods may run concurrently with each other,
// but not with Append.
#pragma once

#include <cstdint>
#include <vector>

#include "securecomm/audit/hash.h"
#include "securecomm/base/error.h"

namespace sc::audit {

class MerkleLog {
 public:
  MerkleLog() = default;

  // Append adds `leaf_hash` (LeafHash of the entry bytes) as the next leaf and returns its index.
  // Never fails; costs one node hash per completed subtree (amortised: one).
  uint64_t Append(const Hash& leaf_hash);

  // Truncate drops every leaf at index `new_size` and beyond, with the subtrees they belong to,
  // so the log is exactly as it was when it had `new_size` leaves. For a caller that appended
  // tentatively and then failed to make the leaves durable (StoredLog). Never fails; costs
  // O(log n). REQUIRES: new_size <= size().
  void Truncate(uint64_t new_size);

  // size returns the number of leaves.
  uint64_t size() const noexcept { return levels_.empty() ? 0 : levels_[0].size(); }

  // LeafHashAt returns the leaf hash at `index`, or kIndexOutOfRange unless index < size().
  [[nodiscard]] Result<Hash> LeafHashAt(uint64_t index) const noexcept;

  // Root returns the root of the whole log (EmptyRootHash() when it is empty).
  [[nodiscard]] Hash Root() const noexcept;

  // RootAt returns the root of the tree of the first `tree_size` leaves (RFC 9162 §2.1.1), or
  // kIndexOutOfRange if tree_size > size().
  [[nodiscard]] Result<Hash> RootAt(uint64_t tree_size) const noexcept;

  // ProveInclusion returns the inclusion path of `leaf_index` in the tree of the first
  // `tree_size` leaves (RFC 9162 §2.1.3.1), leaf-side sibling first. kIndexOutOfRange if
  // tree_size > size() or leaf_index >= tree_size.
  [[nodiscard]] Result<std::vector<Hash>> ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const;

  // ProveConsistency returns the consistency proof from the tree of `size1` leaves to the tree of
  // `size2` leaves (RFC 9162 §2.1.4.1), empty when they are equal. kSizeMismatch if size1 == 0 or
  // size1 > size2; kIndexOutOfRange if size2 > size().
  [[nodiscard]] Result<std::vector<Hash>> ProveConsistency(uint64_t size1, uint64_t size2) const;

 private:
  // SubtreeHash returns MTH(D[begin:end]) for a range that is a subtree of some RFC 6962 tree
  // over this log: end <= size() and begin a multiple of the largest power of two <= end - begin.
  Hash SubtreeHash(uint64_t begin, uint64_t end) const noexcept;

  // levels_[k][i] is the hash of the complete subtree of 2^k leaves starting at leaf i * 2^k.
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace sc::audit
