// RFC 9420 §4 (ratchet tree concepts), §7.1 (ParentNode), §7.5 (merging an UpdatePath), §7.7
// (extending and truncating), §7.8 (tree hashes), §7.9 (parent hashes), §12.1.1-§12.1.3 (Add,
// Update, Remove applied to the tree), §12.4.3.3 (the ratchet_tree extension).
#include "securecomm/mls/ratchet_tree.h"

#include <algorithm>

#include "securecomm/base/check.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {
namespace {

using crypto::Sha256Digest;

// LeafRange: the leaves [begin, end) under a node.
struct LeafRange {
  uint32_t begin;
  uint32_t end;
  bool Contains(LeafIndex l) const { return l.value >= begin && l.value < end; }
};

LeafRange LeavesUnder(NodeIndex x) {
  const uint32_t width = uint32_t{1} << Level(x);  // a level-k node covers 2^k leaves
  const uint32_t begin = (x.value + 1 - width) / 2;
  return {begin, begin + width};
}

bool AnyUnder(NodeIndex x, std::span<const LeafIndex> leaves) {
  const LeafRange r = LeavesUnder(x);
  return std::any_of(leaves.begin(), leaves.end(), [&](LeafIndex l) { return r.Contains(l); });
}

bool IsExcluded(LeafIndex l, std::span<const LeafIndex> excluded) {
  return std::find(excluded.begin(), excluded.end(), l) != excluded.end();
}

// struct { uint32 leaf_index; optional<LeafNode> leaf_node; } LeafNodeHashInput, as TreeHashInput.
Result<Sha256Digest> HashLeaf(LeafIndex leaf, const LeafNode* node) {
  Writer w;
  w.WriteU8(static_cast<uint8_t>(NodeType::kLeaf));
  w.WriteU32(leaf.value);
  w.WritePresence(node != nullptr);
  if (node != nullptr) {
    if (auto s = node->Encode(w); !s) return Fail(s.error());
  }
  return crypto::Sha256(w.bytes());
}

// struct { optional<ParentNode> parent_node; opaque left_hash<V>; opaque right_hash<V>; }
// ParentNodeHashInput, as TreeHashInput.
Result<Sha256Digest> HashParent(const ParentNode* node, const Sha256Digest& left, const Sha256Digest& right) {
  Writer w;
  w.WriteU8(static_cast<uint8_t>(NodeType::kParent));
  w.WritePresence(node != nullptr);
  Status s = OkStatus();
  if (node != nullptr) s = node->Encode(w);
  if (s) s = w.WriteOpaque(left.span());
  if (s) s = w.WriteOpaque(right.span());
  if (!s) return Fail(s.error());
  return crypto::Sha256(w.bytes());
}

Status EncodeLeafList(Writer& w, const std::vector<LeafIndex>& leaves) {
  return w.WriteVector([&](Writer& v) {
    for (LeafIndex l : leaves) v.WriteU32(l.value);
    return OkStatus();
  });
}

}  // namespace

// ---- ParentNode, Node ----------------------------------------------------------------------

Status ParentNode::Encode(Writer& w) const {
  Status s = w.WriteOpaque(encryption_key.span());
  if (s) s = w.WriteOpaque(parent_hash);
  if (s) s = EncodeLeafList(w, unmerged_leaves);
  return s;
}

Result<ParentNode> ParentNode::Decode(Reader& r) {
  ParentNode p;
  Status s = ReadField(r, p.encryption_key.bytes);
  if (s) s = ReadField(r, p.parent_hash);
  if (!s) return Fail(s.error());
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  while (!body->empty()) {
    uint32_t leaf = 0;
    if (auto st = ReadField(*body, leaf); !st) return Fail(st.error());
    // §7.1: "The entries in the unmerged_leaves vector MUST be sorted in increasing order."
    if (!p.unmerged_leaves.empty() && leaf <= p.unmerged_leaves.back().value) {
      return Fail(Errc::kUnmergedLeavesUnsorted);
    }
    p.unmerged_leaves.push_back(LeafIndex{leaf});
  }
  return p;
}

// ---- The ratchet_tree extension (§12.4.3.3) --------------------------------------------------

RatchetTree::RatchetTree(LeafNode leaf) : leaf_count_{1}, nodes_(1), hashes_(1) {
  nodes_[0] = Node(std::move(leaf));
}

Result<RatchetTree> RatchetTree::Decode(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  auto tree = Decode(r);
  if (!tree) return tree;
  if (auto s = r.Finish(); !s) return Fail(s.error());
  return tree;
}

Result<RatchetTree> RatchetTree::Decode(Reader& r) {
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  RatchetTree tree;
  while (!body->empty()) {
    if (tree.nodes_.size() >= NodeWidth(LeafCount{kMaxLeaves})) return Fail(Errc::kTreeTooLarge);
    auto present = body->ReadPresence();
    if (!present) return Fail(present.error());
    if (!*present) {
      tree.nodes_.emplace_back();
      continue;
    }
    auto type = body->ReadU8();
    if (!type) return Fail(type.error());
    const bool leaf_slot = tree.nodes_.size() % 2 == 0;
    switch (static_cast<NodeType>(*type)) {
      case NodeType::kLeaf: {
        if (!leaf_slot) return Fail(Errc::kNodeTypeMismatch);
        auto leaf = LeafNode::Decode(*body);
        if (!leaf) return Fail(leaf.error());
        tree.nodes_.emplace_back(Node(std::move(*leaf)));
        break;
      }
      case NodeType::kParent: {
        if (leaf_slot) return Fail(Errc::kNodeTypeMismatch);
        auto parent = ParentNode::Decode(*body);
        if (!parent) return Fail(parent.error());
        tree.nodes_.emplace_back(Node(std::move(*parent)));
        break;
      }
      default:
        return Fail(Errc::kInvalidNodeType);
    }
  }
  // "The receiver MUST check that the last node in ratchet_tree is non-blank, and then extend
  // the tree to the right until it has a length of the form 2^(d+1) - 1."
  if (tree.nodes_.empty() || !tree.nodes_.back().has_value()) return Fail(Errc::kTreeTrailingBlank);
  uint32_t leaves = 1;
  while (NodeWidth(LeafCount{leaves}) < tree.nodes_.size()) leaves *= 2;
  tree.Resize(LeafCount{leaves});
  return tree;
}

Status RatchetTree::Encode(Writer& w) const {
  size_t used = nodes_.size();
  while (used > 0 && !nodes_[used - 1].has_value()) --used;  // no trailing blanks
  return w.WriteVector([&](Writer& v) -> Status {
    for (size_t i = 0; i < used; ++i) {
      v.WritePresence(nodes_[i].has_value());
      if (!nodes_[i]) continue;
      Status s = OkStatus();
      if (const auto* leaf = std::get_if<LeafNode>(&*nodes_[i])) {
        v.WriteU8(static_cast<uint8_t>(NodeType::kLeaf));
        s = leaf->Encode(v);
      } else {
        v.WriteU8(static_cast<uint8_t>(NodeType::kParent));
        s = std::get<ParentNode>(*nodes_[i]).Encode(v);
      }
      if (!s) return s;
    }
    return OkStatus();
  });
}

Result<std::vector<uint8_t>> RatchetTree::Encode() const {
  Writer w;
  if (auto s = Encode(w); !s) return Fail(s.error());
  return std::move(w).Take();
}

// ---- Access ----------------------------------------------------------------------------------

const std::optional<Node>& RatchetTree::node(NodeIndex x) const {
  SC_CHECK(InTree(x, leaf_count_));
  return nodes_[x.value];
}

const LeafNode* RatchetTree::leaf_node(LeafIndex leaf) const {
  if (leaf.value >= leaf_count_.value) return nullptr;
  const auto& n = nodes_[leaf.node().value];
  return n ? std::get_if<LeafNode>(&*n) : nullptr;
}

const ParentNode* RatchetTree::parent_node(NodeIndex x) const {
  const auto& n = node(x);
  return n ? std::get_if<ParentNode>(&*n) : nullptr;
}

const HpkePublicKey* RatchetTree::encryption_key(NodeIndex x) const {
  const auto& n = node(x);
  if (!n) return nullptr;
  if (const auto* leaf = std::get_if<LeafNode>(&*n)) return &leaf->encryption_key;
  return &std::get<ParentNode>(*n).encryption_key;
}

// ---- Resolution and filtered direct path (§4.1) ----------------------------------------------

std::vector<NodeIndex> RatchetTree::Resolution(NodeIndex x, std::span<const LeafIndex> excluded) const {
  std::vector<NodeIndex> out;
  const auto& n = node(x);
  if (n) {
    if (x.is_leaf()) {
      if (!IsExcluded(x.leaf(), excluded)) out.push_back(x);
      return out;
    }
    out.push_back(x);
    for (LeafIndex l : std::get<ParentNode>(*n).unmerged_leaves) {
      if (!IsExcluded(l, excluded)) out.push_back(l.node());
    }
    return out;
  }
  if (x.is_leaf()) return out;
  out = Resolution(Left(x), excluded);
  std::vector<NodeIndex> right = Resolution(Right(x), excluded);
  out.insert(out.end(), right.begin(), right.end());
  return out;
}

std::vector<NodeIndex> RatchetTree::FilteredDirectPath(LeafIndex leaf) const {
  const NodeIndex start = leaf.node();
  std::vector<NodeIndex> out;
  const std::vector<NodeIndex> path = DirectPath(start, leaf_count_);
  const std::vector<NodeIndex> copath = Copath(start, leaf_count_);
  for (size_t i = 0; i < path.size(); ++i) {
    if (!Resolution(copath[i]).empty()) out.push_back(path[i]);
  }
  return out;
}

// ---- Tree hashes (§7.8) and parent hashes (§7.9) ---------------------------------------------

namespace {

// HashWithout returns the tree hash of x in the tree where the leaves `removed` are blank and
// gone from every unmerged_leaves list (§7.9: original_sibling_tree_hash); the cache serves the
// subtrees that hold none of them.
Result<Sha256Digest> HashWithout(const RatchetTree& tree, NodeIndex x, std::span<const LeafIndex> removed) {
  if (!AnyUnder(x, removed)) return tree.NodeHash(x);
  if (x.is_leaf()) return HashLeaf(x.leaf(), nullptr);
  auto left = HashWithout(tree, Left(x), removed);
  if (!left) return left;
  auto right = HashWithout(tree, Right(x), removed);
  if (!right) return right;
  const ParentNode* p = tree.parent_node(x);
  if (p == nullptr) return HashParent(nullptr, *left, *right);
  ParentNode trimmed = *p;
  std::erase_if(trimmed.unmerged_leaves, [&](LeafIndex l) { return IsExcluded(l, removed); });
  return HashParent(&trimmed, *left, *right);
}

// ParentHashOf returns the parent_hash a LeafNode (commit source) or ParentNode carries, or
// nullptr for a blank node or a leaf of another source.
const std::vector<uint8_t>* ParentHashOf(const RatchetTree& tree, NodeIndex x) {
  const auto& n = tree.node(x);
  if (!n) return nullptr;
  if (const auto* leaf = std::get_if<LeafNode>(&*n)) {
    return leaf->leaf_node_source == LeafNodeSource::kCommit ? &leaf->parent_hash : nullptr;
  }
  return &std::get<ParentNode>(*n).parent_hash;
}

}  // namespace

Result<Sha256Digest> RatchetTree::NodeHash(NodeIndex x) const {
  SC_CHECK(InTree(x, leaf_count_));
  if (hashes_[x.value]) return *hashes_[x.value];
  Result<Sha256Digest> h = Fail(Errc::kValueTooLarge);
  if (x.is_leaf()) {
    h = HashLeaf(x.leaf(), leaf_node(x.leaf()));
  } else {
    auto left = NodeHash(Left(x));
    if (!left) return left;
    auto right = NodeHash(Right(x));
    if (!right) return right;
    h = HashParent(parent_node(x), *left, *right);
  }
  if (h) hashes_[x.value] = *h;
  return h;
}

Result<Sha256Digest> RatchetTree::TreeHash() const {
  return NodeHash(Root(leaf_count_));
}

Result<std::vector<Sha256Digest>> RatchetTree::TreeHashes() const {
  if (auto root = TreeHash(); !root) return Fail(root.error());
  std::vector<Sha256Digest> out;
  out.reserve(hashes_.size());
  for (const auto& h : hashes_) out.push_back(*h);  // TreeHash filled every slot
  return out;
}

Result<Sha256Digest> RatchetTree::ParentHash(NodeIndex p, NodeIndex s) const {
  const ParentNode* parent = parent_node(p);
  SC_CHECK(parent != nullptr && (s == Left(p) || s == Right(p)));
  auto sibling = HashWithout(*this, s, parent->unmerged_leaves);
  if (!sibling) return sibling;
  // struct { HPKEPublicKey encryption_key; opaque parent_hash<V>;
  //          opaque original_sibling_tree_hash<V>; } ParentHashInput;
  Writer w;
  Status st = w.WriteOpaque(parent->encryption_key.span());
  if (st) st = w.WriteOpaque(parent->parent_hash);
  if (st) st = w.WriteOpaque(sibling->span());
  if (!st) return Fail(st.error());
  return crypto::Sha256(w.bytes());
}

Status RatchetTree::VerifyParentHashes() const {
  for (uint32_t i = 1; i < nodes_.size(); i += 2) {
    const NodeIndex p{i};
    const ParentNode* parent = parent_node(p);
    if (parent == nullptr) continue;
    // §7.9.2, top down: exactly one descendant D, in the resolution of a child C of P, whose
    // parent_hash is P's with copath child S, and P's unmerged leaves under C are the rest of
    // that resolution.
    int chains = 0;
    for (const auto& [c, s] : {std::pair{Left(p), Right(p)}, std::pair{Right(p), Left(p)}}) {
      const std::vector<NodeIndex> res = Resolution(c);
      if (res.empty()) continue;
      auto ph = ParentHash(p, s);
      if (!ph) return Fail(ph.error());
      std::vector<NodeIndex> unmerged_under_c;
      const LeafRange under = LeavesUnder(c);
      for (LeafIndex l : parent->unmerged_leaves) {
        if (under.Contains(l)) unmerged_under_c.push_back(l.node());
      }
      for (NodeIndex d : res) {
        const std::vector<uint8_t>* d_hash = ParentHashOf(*this, d);
        if (d_hash == nullptr ||
            !std::equal(d_hash->begin(), d_hash->end(), ph->span().begin(), ph->span().end())) {
          continue;
        }
        std::vector<NodeIndex> rest;
        std::copy_if(res.begin(), res.end(), std::back_inserter(rest), [&](NodeIndex y) { return y != d; });
        std::sort(rest.begin(), rest.end());
        if (rest == unmerged_under_c) ++chains;
      }
    }
    if (chains != 1) return Fail(Errc::kParentHashInvalid);
  }
  return OkStatus();
}

// ---- Changes ---------------------------------------------------------------------------------

void RatchetTree::BlankDirectPath(LeafIndex leaf) {
  for (NodeIndex x : DirectPath(leaf.node(), leaf_count_)) nodes_[x.value].reset();
  Touch(leaf.node());
}

void RatchetTree::Touch(NodeIndex x) {
  hashes_[x.value].reset();
  const NodeIndex root = Root(leaf_count_);
  while (x != root) {
    x = Parent(x, leaf_count_);
    hashes_[x.value].reset();
  }
}

void RatchetTree::Resize(LeafCount n) {
  // A node's hash depends only on its subtree, which extending or truncating leaves as it was.
  leaf_count_ = n;
  nodes_.resize(NodeWidth(n));
  hashes_.resize(NodeWidth(n));
}

void RatchetTree::Truncate() {
  // §7.7: drop the right half while it holds no member (its parents go with it).
  while (leaf_count_.value > 1) {
    const uint32_t half = leaf_count_.value / 2;
    bool right_empty = true;
    for (uint32_t l = half; l < leaf_count_.value && right_empty; ++l) {
      right_empty = !nodes_[2 * l].has_value();
    }
    if (!right_empty) break;
    Resize(LeafCount{half});
  }
}

void RatchetTree::SetLeaf(LeafIndex leaf, std::optional<LeafNode> node) {
  SC_CHECK(leaf.value < leaf_count_.value);
  if (node) {
    nodes_[leaf.node().value] = Node(std::move(*node));
  } else {
    nodes_[leaf.node().value].reset();
  }
  Touch(leaf.node());
}

void RatchetTree::SetParent(NodeIndex x, std::optional<ParentNode> node) {
  SC_CHECK(InTree(x, leaf_count_) && !x.is_leaf());
  if (node) {
    nodes_[x.value] = Node(std::move(*node));
  } else {
    nodes_[x.value].reset();
  }
  Touch(x);
}

Result<LeafIndex> RatchetTree::AddLeaf(LeafNode leaf) {
  LeafIndex at{leaf_count_.value};
  for (uint32_t l = 0; l < leaf_count_.value; ++l) {
    if (!nodes_[2 * l].has_value()) {
      at = LeafIndex{l};
      break;
    }
  }
  if (at.value == leaf_count_.value) {
    // §7.7: no blank leaf; a new root whose right subtree is all blank.
    if (leaf_count_.value >= kMaxLeaves) return Fail(Errc::kTreeTooLarge);
    Resize(LeafCount{leaf_count_.value * 2});
  }
  for (NodeIndex x : DirectPath(at.node(), leaf_count_)) {
    auto& slot = nodes_[x.value];
    if (!slot) continue;
    auto& unmerged = std::get<ParentNode>(*slot).unmerged_leaves;
    unmerged.insert(std::lower_bound(unmerged.begin(), unmerged.end(), at), at);
  }
  nodes_[at.node().value] = Node(std::move(leaf));
  Touch(at.node());
  return at;
}

Status RatchetTree::UpdateLeaf(LeafIndex leaf, LeafNode node) {
  if (leaf.value >= leaf_count_.value) return Fail(Errc::kInvalidLeafIndex);
  if (leaf_node(leaf) == nullptr) return Fail(Errc::kBlankLeaf);
  nodes_[leaf.node().value] = Node(std::move(node));
  BlankDirectPath(leaf);  // touches the leaf and its path
  return OkStatus();
}

Status RatchetTree::RemoveLeaf(LeafIndex leaf) {
  if (leaf.value >= leaf_count_.value) return Fail(Errc::kInvalidLeafIndex);
  if (leaf_node(leaf) == nullptr) return Fail(Errc::kBlankLeaf);
  nodes_[leaf.node().value].reset();
  BlankDirectPath(leaf);
  Truncate();
  return OkStatus();
}

Result<std::vector<uint8_t>> RatchetTree::MergePath(LeafIndex sender, std::span<const HpkePublicKey> keys) {
  SC_CHECK(sender.value < leaf_count_.value);
  const std::vector<NodeIndex> fdp = FilteredDirectPath(sender);
  if (keys.size() != fdp.size()) return Fail(Errc::kUpdatePathLengthMismatch);
  BlankDirectPath(sender);
  for (size_t i = 0; i < fdp.size(); ++i) nodes_[fdp[i].value] = Node(ParentNode{keys[i], {}, {}});
  if (fdp.empty()) return std::vector<uint8_t>{};
  // The copath children's subtrees are untouched by the path: their hashes are final now.
  const NodeIndex leaf_node_index = sender.node();
  auto copath_child = [&](NodeIndex p) { return leaf_node_index < p ? Right(p) : Left(p); };
  // Root first: each node's parent_hash is the parent hash of the next node up (§7.9).
  std::vector<uint8_t> below;
  for (size_t i = fdp.size(); i-- > 0;) {
    std::get<ParentNode>(*nodes_[fdp[i].value]).parent_hash = std::move(below);
    auto ph = ParentHash(fdp[i], copath_child(fdp[i]));
    if (!ph) return Fail(ph.error());
    below.assign(ph->span().begin(), ph->span().end());
  }
  Touch(leaf_node_index);  // the parent hashes changed the path's nodes
  return below;
}

}  // namespace sc::mls
