// proof.h: verification of RFC 9162 inclusion and consistency proofs (docs/protocol/audit.md §5).
//
// An inclusion proof shows that a leaf hash sits at an index of the tree with a given size and
// root; a consistency proof shows that the tree of size1 is a prefix of the tree of size2, i.e.
// that the log only appended between two checkpoints. Both verifiers follow RFC 9162 §2.1.3.2
// and §2.1.4.2 step by step, after checking the proof length the sizes imply, so a wrong length
// is reported as kBadProofLength rather than as a root mismatch.
//
//   if (auto s = VerifyInclusion(index, cp.size, LeafHash(entry_bytes), path, cp.root); !s) ...
//   if (auto s = VerifyConsistency(old_cp.size, new_cp.size, proof, old_cp.root, new_cp.root); !s)
//     ...  // split view or rollback: alarm
//
// The tree size must come from the same signed checkpoint as the root: a proof checked against
// a root with a size the root does not belong to can verify (RFC 6962 roots do not commit to the
// size on their own).
//
// Edge rules (audit.md §5.3): hashes are 32 bytes (the Hash type); a consistency proof from size
// 0 is an error; equal sizes need an empty proof and equal roots.
//
// Thread safety: every function here is pure and thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "securecomm/audit/hash.h"
#include "securecomm/base/error.h"

namespace sc::audit {

// InclusionProofLength returns the number of hashes in the inclusion proof of `leaf_index` in
// a tree of `tree_size` leaves, or kIndexOutOfRange unless leaf_index < tree_size.
[[nodiscard]] Result<size_t> InclusionProofLength(uint64_t leaf_index, uint64_t tree_size) noexcept;

// ConsistencyProofLength returns the number of hashes in the consistency proof from `size1` to
// `size2`: 0 if they are equal. kSizeMismatch if size1 == 0 or size1 > size2.
[[nodiscard]] Result<size_t> ConsistencyProofLength(uint64_t size1, uint64_t size2) noexcept;

// VerifyInclusion returns OkStatus() iff `path` proves that `leaf_hash` is the leaf at
// `leaf_index` of the tree of `tree_size` leaves whose root is `root` (RFC 9162 §2.1.3.2).
// Errors, checked in this order: kIndexOutOfRange (leaf_index >= tree_size), kBadProofLength
// (path.size() != InclusionProofLength), kRootMismatch (the path leads to another root).
[[nodiscard]] Status VerifyInclusion(uint64_t leaf_index, uint64_t tree_size, const Hash& leaf_hash,
                                     std::span<const Hash> path, const Hash& root) noexcept;

// VerifyConsistency returns OkStatus() iff `path` proves that the tree of `size1` leaves with
// root `root1` is a prefix of the tree of `size2` leaves with root `root2` (RFC 9162 §2.1.4.2).
// Errors, checked in this order: kSizeMismatch (size1 > size2, or size1 == 0: the empty tree is
// a prefix of everything, so such a "proof" says nothing and is refused), kBadProofLength
// (path.size() != ConsistencyProofLength; non-empty when the sizes are equal), kRootMismatch
// (unequal roots at equal sizes, or the path leads to other roots).
[[nodiscard]] Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> path,
                                       const Hash& root1, const Hash& root2) noexcept;

}  // namespace sc::audit
