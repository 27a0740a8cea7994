#include "securecomm/audit/proof.h"

#include <bit>

#include "securecomm/audit/errors.h"

namespace sc::audit {
namespace {

// WalkLength is the number of path hashes the loop of RFC 9162 §2.1.3.2 step 4 consumes, from
// fn and sn, before sn reaches 0. While fn and sn differ (the lowest `inner` levels) every level
// takes one hash; once they are equal the node is on the tree's right edge and only the levels
// where fn has a 1 bit (a left sibling) take one. Cross-checked by the property tests against
// the proofs MerkleLog generates.
size_t WalkLength(uint64_t fn, uint64_t sn) noexcept {
  const int inner = static_cast<int>(std::bit_width(fn ^ sn));
  const uint64_t rest = inner >= 64 ? 0 : fn >> inner;
  return static_cast<size_t>(inner) + static_cast<size_t>(std::popcount(rest));
}

// Shifts fn and sn right together until fn is odd or zero (RFC 9162 §2.1.3.2 step 4.b).
void ShiftToRightEdge(uint64_t& fn, uint64_t& sn) noexcept {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Result<size_t> InclusionProofLength(uint64_t leaf_index, uint64_t tree_size) noexcept {
  if (leaf_index >= tree_size) return Fail(Errc::kIndexOutOfRange);
  return WalkLength(leaf_index, tree_size - 1);
}

Result<size_t> ConsistencyProofLength(uint64_t size1, uint64_t size2) noexcept {
  if (size1 == 0 || size1 > size2) return Fail(Errc::kSizeMismatch);
  if (size1 == size2) return size_t{0};
  // RFC 9162 §2.1.4.2 steps 2-4: the walk starts after dropping the trailing 1 bits of
  // size1 - 1 (the levels where the old tree is a complete left subtree); a power-of-two size1
  // brings its own root as the seed, any other size needs the seed hash in the proof.
  const int shift = std::countr_zero(size1);
  const size_t walk = WalkLength((size1 - 1) >> shift, (size2 - 1) >> shift);
  return std::has_single_bit(size1) ? walk : walk + 1;
}

Status VerifyInclusion(uint64_t leaf_index, uint64_t tree_size, const Hash& leaf_hash,
                       std::span<const Hash> path, const Hash& root) noexcept {
  auto want = InclusionProofLength(leaf_index, tree_size);  // step 1
  if (!want) return Fail(want.error());
  if (path.size() != *want) return Fail(Errc::kBadProofLength);
  // RFC 9162 §2.1.3.2 steps 2-3.
  uint64_t fn = leaf_index;
  uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : path) {                        // step 4
    if (sn == 0) return Fail(Errc::kBadProofLength);  // 4.a (unreachable after the length check)
    if ((fn & 1) == 1 || fn == sn) {                  // 4.b: p is a left sibling
      r = NodeHash(p, r);
      ShiftToRightEdge(fn, sn);
    } else {  // p is a right sibling
      r = NodeHash(r, p);
    }
    fn >>= 1;  // 4.c
    sn >>= 1;
  }
  // Step 5.
  if (sn != 0) return Fail(Errc::kBadProofLength);
  if (!(r == root)) return Fail(Errc::kRootMismatch);
  return OkStatus();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> path, const Hash& root1,
                         const Hash& root2) noexcept {
  auto want = ConsistencyProofLength(size1, size2);
  if (!want) return Fail(want.error());
  if (path.size() != *want) return Fail(Errc::kBadProofLength);
  if (size1 == size2) {  // audit.md §5.3: nothing to prove but that the roots agree
    if (!(root1 == root2)) return Fail(Errc::kRootMismatch);
    return OkStatus();
  }
  // RFC 9162 §2.1.4.2 step 2: a power-of-two size1 is a complete subtree, its root the seed.
  const bool seed_is_root1 = std::has_single_bit(size1);
  size_t next = 0;
  const Hash seed = seed_is_root1 ? root1 : path[next++];
  // Steps 3-4.
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  Hash fr = seed;
  Hash sr = seed;
  for (; next < path.size(); ++next) {  // step 6
    const Hash& c = path[next];
    if (sn == 0) return Fail(Errc::kBadProofLength);  // 6.a (unreachable after the length check)
    if ((fn & 1) == 1 || fn == sn) {                  // 6.b
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      ShiftToRightEdge(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;  // 6.c
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return Fail(Errc::kBadProofLength);
  if (!(fr == root1) || !(sr == root2)) return Fail(Errc::kRootMismatch);
  return OkStatus();
}

}  // namespace sc::audit
