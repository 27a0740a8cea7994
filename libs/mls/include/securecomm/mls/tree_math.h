// tree_math.h: the array representation of MLS's trees (RFC 9420 §4.2 and Appendix C). Every MLS
// tree is perfect: 2^d leaves, all at depth d (§4.2), so LeafCount holds only powers of two. Leaves sit at
// even node indices, parents at odd ones; leaf L is node 2L; a node's level is its number of trailing 1 bits.
//
//   LeafCount n{8};
//   NodeIndex r = Root(n);                                      // node 7
//   std::vector<NodeIndex> path = DirectPath(LeafIndex{2}.node(), n);   // 5, 3, 7... leaf to root
//
// Every function is pure and thread safe. Preconditions (a leaf has no children, the root has no
// parent, indices inside the tree) are programmer errors and abort through SC_CHECK; a leaf count
// from the wire goes through LeafCount::Checked first.
#pragma once

#include <compare>
#include <cstdint>
#include <vector>

#include "securecomm/base/error.h"

namespace sc::mls {

struct NodeIndex;

// LeafIndex: a member's position among the leaves (uint32 LeafIndex, RFC 9420 §7.8).
struct LeafIndex {
  uint32_t value = 0;
  NodeIndex node() const noexcept;  // 2 * value
  friend constexpr auto operator<=>(LeafIndex, LeafIndex) = default;
};

// NodeIndex: a position in the array of 2n - 1 nodes.
struct NodeIndex {
  uint32_t value = 0;
  bool is_leaf() const noexcept { return (value & 1U) == 0; }
  // leaf returns the leaf index of this node. REQUIRES: is_leaf().
  LeafIndex leaf() const noexcept;
  friend constexpr auto operator<=>(NodeIndex, NodeIndex) = default;
};

// LeafCount: the number of leaves n of a tree: a power of two, 1 <= n <= kMaxLeaves.
struct LeafCount {
  uint32_t value = 1;
  // Checked returns n as a LeafCount; kTreeNotPerfect unless n is a power of two, kTreeTooLarge
  // over kMaxLeaves.
  [[nodiscard]] static Result<LeafCount> Checked(uint64_t n) noexcept;
  friend constexpr auto operator<=>(LeafCount, LeafCount) = default;
};

// Level returns the level of x: 0 for leaves, the number of trailing 1 bits otherwise.
uint32_t Level(NodeIndex x) noexcept;

// NodeWidth returns the number of nodes of a tree with n leaves: 2(n - 1) + 1.
uint32_t NodeWidth(LeafCount n) noexcept;

// Root returns the root of a tree with n leaves.
NodeIndex Root(LeafCount n) noexcept;

// Left and Right return the children of an intermediate node. REQUIRES: !x.is_leaf().
NodeIndex Left(NodeIndex x) noexcept;
NodeIndex Right(NodeIndex x) noexcept;

// Parent returns the parent of x. REQUIRES: x is in the tree and is not Root(n).
NodeIndex Parent(NodeIndex x, LeafCount n) noexcept;

// Sibling returns the other child of x's parent. REQUIRES: as for Parent.
NodeIndex Sibling(NodeIndex x, LeafCount n) noexcept;

// DirectPath returns the ancestors of x from its parent to the root (empty for the root).
// REQUIRES: x is in the tree.
std::vector<NodeIndex> DirectPath(NodeIndex x, LeafCount n);

// Copath returns the siblings of x and of each ancestor below the root, from x's sibling upward
// (empty for the root). REQUIRES: x is in the tree.
std::vector<NodeIndex> Copath(NodeIndex x, LeafCount n);

// CommonAncestor returns the lowest node that is x or y or an ancestor of both (Appendix C's
// common_ancestor_direct). REQUIRES: x and y are in the same tree.
NodeIndex CommonAncestor(NodeIndex x, NodeIndex y) noexcept;

// InTree returns true iff x < NodeWidth(n).
bool InTree(NodeIndex x, LeafCount n) noexcept;

}  // namespace sc::mls
