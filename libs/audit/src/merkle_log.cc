#include "securecomm/audit/merkle_log.h"

#include <algorithm>
#include <array>
#include <bit>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/proof.h"
#include "securecomm/base/check.h"

namespace sc::audit {
namespace {

// The largest power of two strictly smaller than n (RFC 9162 §2.1.1's k). REQUIRES: n >= 2.
uint64_t SplitPoint(uint64_t n) noexcept {
  return std::bit_floor(n - 1);
}

}  // namespace

uint64_t MerkleLog::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Every completed pair at level k makes one complete subtree at level k + 1.
  for (size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    if (levels_.size() == k + 1) levels_.emplace_back();
    const std::vector<Hash>& level = levels_[k];
    const Hash parent = NodeHash(level[level.size() - 2], level[level.size() - 1]);
    levels_[k + 1].push_back(parent);
  }
  return levels_[0].size() - 1;
}

void MerkleLog::Truncate(uint64_t new_size) {
  SC_CHECK(new_size <= size());
  // Level k holds exactly size() >> k complete subtrees (Append keeps that invariant), so the
  // log of new_size leaves is every level cut to new_size >> k.
  for (size_t k = 0; k < levels_.size(); ++k) levels_[k].resize(static_cast<size_t>(new_size >> k));
}

Result<Hash> MerkleLog::LeafHashAt(uint64_t index) const noexcept {
  if (index >= size()) return Fail(Errc::kIndexOutOfRange);
  return levels_[0][index];
}

Hash MerkleLog::Root() const noexcept {
  return size() == 0 ? EmptyRootHash() : SubtreeHash(0, size());
}

Result<Hash> MerkleLog::RootAt(uint64_t tree_size) const noexcept {
  if (tree_size > size()) return Fail(Errc::kIndexOutOfRange);
  if (tree_size == 0) return EmptyRootHash();
  return SubtreeHash(0, tree_size);
}

Hash MerkleLog::SubtreeHash(uint64_t begin, uint64_t end) const noexcept {
  SC_CHECK(begin < end && end <= size());
  // MTH of a range splits at the largest power of two below its length, so it is the right fold
  // of the complete subtrees given by the binary digits of the length, largest first.
  const uint64_t length = end - begin;
  std::array<const Hash*, 64> parts{};
  size_t count = 0;
  uint64_t at = begin;
  for (int k = static_cast<int>(std::bit_width(length)) - 1; k >= 0; --k) {
    const uint64_t width = uint64_t{1} << k;
    if ((length & width) == 0) continue;
    SC_CHECK(at % width == 0);  // the range is a subtree: every part is aligned
    parts[count++] = &levels_[static_cast<size_t>(k)][at >> k];
    at += width;
  }
  Hash h = *parts[count - 1];
  for (size_t i = count - 1; i-- > 0;) h = NodeHash(*parts[i], h);
  return h;
}

Result<std::vector<Hash>> MerkleLog::ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const {
  if (tree_size > size() || leaf_index >= tree_size) return Fail(Errc::kIndexOutOfRange);
  // RFC 9162 §2.1.3.1 PATH(m, D[n]), unrolled from the root down; the sibling of each step is
  // appended after the deeper path, so the list is reversed at the end. Going right, the sibling
  // is a complete left subtree (a lookup); going left, it is the rest of the range, computed once,
  // after which every range is a complete subtree.
  std::vector<Hash> path;
  path.reserve(*InclusionProofLength(leaf_index, tree_size));
  uint64_t begin = 0;
  uint64_t end = tree_size;
  while (end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    if (leaf_index < begin + k) {
      path.push_back(SubtreeHash(begin + k, end));
      end = begin + k;
    } else {
      path.push_back(SubtreeHash(begin, begin + k));
      begin += k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Result<std::vector<Hash>> MerkleLog::ProveConsistency(uint64_t size1, uint64_t size2) const {
  auto length = ConsistencyProofLength(size1, size2);
  if (!length) return Fail(length.error());
  if (size2 > size()) return Fail(Errc::kIndexOutOfRange);
  std::vector<Hash> proof;
  proof.reserve(*length);
  if (size1 == size2) return proof;
  // RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), unrolled like ProveInclusion. `m` is size1 relative
  // to the current range; `whole` is b: true while the range's left edge is the old tree's.
  uint64_t begin = 0;
  uint64_t end = size2;
  uint64_t m = size1;
  bool whole = true;
  while (true) {
    if (m == end - begin) {
      // The old tree's last part is this complete subtree: the verifier knows it already when it
      // is the whole old tree (b == true), otherwise it is the seed of the proof.
      if (!whole) proof.push_back(SubtreeHash(begin, end));
      break;
    }
    const uint64_t k = SplitPoint(end - begin);
    if (m <= k) {
      proof.push_back(SubtreeHash(begin + k, end));
      end = begin + k;
    } else {
      proof.push_back(SubtreeHash(begin, begin + k));
      begin += k;
      m -= k;
      whole = false;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

}  // namespace sc::audit
