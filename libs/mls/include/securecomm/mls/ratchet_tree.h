// ratchet_tree.h: the public ratchet tree of a group (RFC 9420 §4, §7) in the array
// representation of tree_math.h: 2n - 1 slots, each blank or holding a LeafNode (even indices)
// or a ParentNode (odd indices), with the operations the protocol needs on it:
//
//   struct {
//       HPKEPublicKey encryption_key;
//       opaque parent_hash<V>;
//       uint32 unmerged_leaves<V>;
//   } ParentNode;
//
//   enum { reserved(0), leaf(1), parent(2), (255) } NodeType;
//   struct {
//       NodeType node_type;
//       select (Node.node_type) { case leaf: LeafNode leaf_node; case parent: ParentNode parent_node; };
//   } Node;
//
//   optional<Node> ratchet_tree<V>;      // the ratchet_tree extension (§12.4.3.3)
//
//   Result<RatchetTree> tree = RatchetTree::Decode(extension_data);
//   std::vector<NodeIndex> res = tree->Resolution(NodeIndex{3});
//   Result<crypto::Sha256Digest> th = tree->TreeHash();             // §7.8
//   Status ph = tree->VerifyParentHashes();                          // §7.9.2
//   Result<LeafIndex> at = tree->AddLeaf(std::move(leaf));           // §12.1.1
//
// Decode is strict: a reserved or unknown NodeType (kInvalidNodeType), a ParentNode at a leaf
// position or a LeafNode at a parent position (kNodeTypeMismatch), an empty vector or a trailing
// blank (kTreeTrailingBlank), unsorted unmerged_leaves (kUnmergedLeavesUnsorted), a tree over
// kMaxLeaves (kTreeTooLarge), and every codec error; the tree is then extended with blanks to
// the next perfect size. Encode writes the slots up to the last non-blank one. Decode checks the
// form only: tree_validation.h checks signatures, keys and hashes.
//
// Mutations keep the tree perfect and never leave it half-changed: each either fails before
// touching it or completes. Value type, no shared state; not thread safe, not even its const
// methods (they fill the hash cache).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/leaf_node.h"
#include "securecomm/mls/tree_math.h"

namespace sc::mls {

// NodeType (§7.8). Append only; never renumber.
enum class NodeType : uint8_t {
  kLeaf = 1,
  kParent = 2,
};

struct ParentNode {
  HpkePublicKey encryption_key;
  std::vector<uint8_t> parent_hash;
  std::vector<LeafIndex> unmerged_leaves;  // strictly increasing (§7.1)

  [[nodiscard]] Status Encode(Writer& w) const;
  // Decode refuses unmerged_leaves that are not strictly increasing (kUnmergedLeavesUnsorted).
  [[nodiscard]] static Result<ParentNode> Decode(Reader& r);
  friend bool operator==(const ParentNode&, const ParentNode&) = default;
};

// Node: the content of a non-blank slot.
using Node = std::variant<LeafNode, ParentNode>;

class RatchetTree {
 public:
  // A tree of one leaf holding `leaf` (a group's creator, §11).
  explicit RatchetTree(LeafNode leaf);

  // Decode parses a ratchet_tree (the vector with its length) from `bytes`, exactly.
  [[nodiscard]] static Result<RatchetTree> Decode(std::span<const uint8_t> bytes);
  [[nodiscard]] static Result<RatchetTree> Decode(Reader& r);
  // Encode appends the ratchet_tree without trailing blanks; kValueTooLarge over kMaxVectorLength.
  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] Result<std::vector<uint8_t>> Encode() const;

  LeafCount leaf_count() const noexcept { return leaf_count_; }
  // node returns slot x. REQUIRES: InTree(x, leaf_count()).
  const std::optional<Node>& node(NodeIndex x) const;
  bool IsBlank(NodeIndex x) const { return !node(x).has_value(); }
  // leaf_node returns the LeafNode at `leaf`, or nullptr if it is blank or outside the tree.
  const LeafNode* leaf_node(LeafIndex leaf) const;
  // parent_node returns the ParentNode at x, or nullptr if it is blank. REQUIRES: as for node().
  const ParentNode* parent_node(NodeIndex x) const;
  // encryption_key returns the HPKE public key at x, or nullptr if it is blank.
  const HpkePublicKey* encryption_key(NodeIndex x) const;

  // Resolution returns the resolution of x (§4.1.1): its non-blank descendants nearest to it,
  // left to right, a non-blank node followed by its unmerged leaves. Leaves in `excluded`
  // (members added by the commit being made or processed, §12.4.2) are left out wherever they
  // appear. REQUIRES: x in the tree.
  std::vector<NodeIndex> Resolution(NodeIndex x, std::span<const LeafIndex> excluded = {}) const;

  // FilteredDirectPath returns the direct path of `leaf` without the nodes whose copath child
  // has an empty resolution (§4.1.2), from the leaf upward. REQUIRES: leaf in the tree.
  std::vector<NodeIndex> FilteredDirectPath(LeafIndex leaf) const;

  // NodeHash returns the tree hash of node x (§7.8), TreeHash the root's, TreeHashes every
  // node's, indexed by node. Hashes are cached per node and recomputed only below a change, so
  // a commit costs a path of hashes, not a tree. kValueTooLarge if a node does not encode.
  // REQUIRES: x in the tree.
  [[nodiscard]] Result<crypto::Sha256Digest> NodeHash(NodeIndex x) const;
  [[nodiscard]] Result<crypto::Sha256Digest> TreeHash() const;
  [[nodiscard]] Result<std::vector<crypto::Sha256Digest>> TreeHashes() const;

  // ParentHash returns the parent hash of parent node p with copath child s (§7.9):
  // Hash(ParentHashInput{p.encryption_key, p.parent_hash, original_sibling_tree_hash(s)}),
  // where the sibling's hash is taken with p's unmerged leaves blanked.
  // REQUIRES: p is a non-blank parent and s one of its children.
  [[nodiscard]] Result<crypto::Sha256Digest> ParentHash(NodeIndex p, NodeIndex s) const;

  // VerifyParentHashes checks that every non-blank parent node is parent-hash valid (§7.9.2),
  // top down: exactly one descendant in the resolution of one of its children carries its
  // parent hash, with the parent's unmerged leaves under that child being the rest of that
  // resolution. kParentHashInvalid names the failure.
  [[nodiscard]] Status VerifyParentHashes() const;

  // ---- Changes (§7.4, §7.7, §12.1) --------------------------------------------------------

  // AddLeaf puts `leaf` at the leftmost blank leaf, extending the tree if none is blank, and
  // adds its index to the unmerged_leaves of each non-blank parent above it (§12.1.1). Returns
  // where it went; kTreeTooLarge past kMaxLeaves (the tree is unchanged).
  [[nodiscard]] Result<LeafIndex> AddLeaf(LeafNode leaf);

  // UpdateLeaf replaces the LeafNode of a member and blanks the parents above it (§12.1.2).
  // kInvalidLeafIndex outside the tree, kBlankLeaf for a blank leaf.
  [[nodiscard]] Status UpdateLeaf(LeafIndex leaf, LeafNode node);

  // RemoveLeaf blanks a member's leaf and the parents above it, then truncates the tree while
  // its right half holds no member (§12.1.3). kInvalidLeafIndex outside the tree, kBlankLeaf for
  // a blank leaf (a Remove must name a member).
  [[nodiscard]] Status RemoveLeaf(LeafIndex leaf);

  // MergePath applies an UpdatePath's public keys to the direct path of `sender` (§7.5 "merge
  // UpdatePath into the tree"): the direct path is blanked, then each node of the filtered
  // direct path gets keys[i], no unmerged leaves, and its parent hash, computed root first.
  // Returns the parent hash the sender's new LeafNode must carry (empty if the filtered direct
  // path is). The leaf itself is not changed. kUpdatePathLengthMismatch unless keys has one
  // key per node of FilteredDirectPath(sender) (the tree is then unchanged).
  [[nodiscard]] Result<std::vector<uint8_t>> MergePath(LeafIndex sender, std::span<const HpkePublicKey> keys);

  // SetLeaf replaces slot `leaf` (blank or not) without touching the parents.
  // REQUIRES: leaf in the tree.
  void SetLeaf(LeafIndex leaf, std::optional<LeafNode> node);
  // SetParent replaces parent slot x (blank or not). REQUIRES: x a parent in the tree.
  void SetParent(NodeIndex x, std::optional<ParentNode> node);

  // Trees are equal when their nodes are (the hash cache is not compared).
  friend bool operator==(const RatchetTree& a, const RatchetTree& b) {
    return a.leaf_count_ == b.leaf_count_ && a.nodes_ == b.nodes_;
  }

 private:
  RatchetTree() = default;
  void BlankDirectPath(LeafIndex leaf);
  void Truncate();
  void Resize(LeafCount n);
  // Touch drops the cached hashes of x and its ancestors, after x changed.
  void Touch(NodeIndex x);

  LeafCount leaf_count_;
  std::vector<std::optional<Node>> nodes_;                           // NodeWidth(leaf_count_) slots
  mutable std::vector<std::optional<crypto::Sha256Digest>> hashes_;  // tree hash cache, per slot
};

}  // namespace sc::mls
