// RFC 9420 Appendix C, array-based trees; the names and steps follow its pseudocode.
#include "securecomm/mls/tree_math.h"

#include <bit>

#include "securecomm/base/check.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {

NodeIndex LeafIndex::node() const noexcept {
  return NodeIndex{2 * value};
}

LeafIndex NodeIndex::leaf() const noexcept {
  SC_CHECK(is_leaf());
  return LeafIndex{value / 2};
}

Result<LeafCount> LeafCount::Checked(uint64_t n) noexcept {
  if (!std::has_single_bit(n)) return Fail(Errc::kTreeNotPerfect);
  if (n > kMaxLeaves) return Fail(Errc::kTreeTooLarge);
  return LeafCount{static_cast<uint32_t>(n)};
}

uint32_t Level(NodeIndex x) noexcept {
  return static_cast<uint32_t>(std::countr_one(x.value));
}

uint32_t NodeWidth(LeafCount n) noexcept {
  SC_CHECK(std::has_single_bit(n.value) && n.value <= kMaxLeaves);
  return 2 * (n.value - 1) + 1;
}

NodeIndex Root(LeafCount n) noexcept {
  // (1 << log2(w)) - 1: the largest power of two not above w, minus one.
  return NodeIndex{std::bit_floor(NodeWidth(n)) - 1};
}

bool InTree(NodeIndex x, LeafCount n) noexcept {
  return x.value < NodeWidth(n);
}

NodeIndex Left(NodeIndex x) noexcept {
  const uint32_t k = Level(x);
  SC_CHECK(k != 0);  // a leaf has no children
  return NodeIndex{x.value ^ (1U << (k - 1))};
}

NodeIndex Right(NodeIndex x) noexcept {
  const uint32_t k = Level(x);
  SC_CHECK(k != 0);
  return NodeIndex{x.value ^ (3U << (k - 1))};
}

NodeIndex Parent(NodeIndex x, LeafCount n) noexcept {
  SC_CHECK(InTree(x, n) && x != Root(n));  // the root has no parent
  const uint32_t k = Level(x);
  const uint32_t b = (x.value >> (k + 1)) & 1U;
  return NodeIndex{(x.value | (1U << k)) ^ (b << (k + 1))};
}

NodeIndex Sibling(NodeIndex x, LeafCount n) noexcept {
  const NodeIndex p = Parent(x, n);
  return x < p ? Right(p) : Left(p);
}

std::vector<NodeIndex> DirectPath(NodeIndex x, LeafCount n) {
  SC_CHECK(InTree(x, n));
  const NodeIndex r = Root(n);
  std::vector<NodeIndex> d;
  while (x != r) {
    x = Parent(x, n);
    d.push_back(x);
  }
  return d;
}

std::vector<NodeIndex> Copath(NodeIndex x, LeafCount n) {
  SC_CHECK(InTree(x, n));
  const NodeIndex r = Root(n);
  std::vector<NodeIndex> c;
  // The sibling of x and of every ancestor below the root.
  while (x != r) {
    c.push_back(Sibling(x, n));
    x = Parent(x, n);
  }
  return c;
}

NodeIndex CommonAncestor(NodeIndex x, NodeIndex y) noexcept {
  SC_CHECK(x.value < 2 * kMaxLeaves && y.value < 2 * kMaxLeaves);  // keeps the shifts below 32
  // One is an ancestor of the other.
  const uint32_t lx = Level(x) + 1;
  const uint32_t ly = Level(y) + 1;
  if (lx <= ly && (x.value >> ly) == (y.value >> ly)) return y;
  if (ly <= lx && (x.value >> lx) == (y.value >> lx)) return x;
  // Otherwise shift both until they meet; the ancestor is the middle of the subtree they share.
  uint32_t xn = x.value;
  uint32_t yn = y.value;
  uint32_t k = 0;
  while (xn != yn) {
    xn >>= 1;
    yn >>= 1;
    ++k;
  }
  return NodeIndex{(xn << k) + (1U << (k - 1)) - 1};
}

}  // namespace sc::mls
