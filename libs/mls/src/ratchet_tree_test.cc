// ratchet_tree_test.cc: the ratchet tree's form (decoder refusals, one code each; trailing blanks
// dropped and restored), its changes (add at the leftmost blank or extend, unmerged leaves,
// update and remove blanking the path, truncation), resolution and filtered direct path on the
// trees of RFC 9420 §4.1, and MergePath's parent-hash chain verifying as a joiner checks it.
#include "securecomm/mls/ratchet_tree.h"

#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/errors.h"

namespace sc::mls {
namespace {

LeafNode Leaf(uint8_t tag) {
  LeafNode n;
  n.encryption_key.bytes = std::vector<uint8_t>(32, tag);
  n.signature_key.bytes = std::vector<uint8_t>(32, static_cast<uint8_t>(tag + 100));
  n.credential = Credential::Basic(std::vector<uint8_t>{tag});
  n.leaf_node_source = LeafNodeSource::kUpdate;
  return n;
}

ParentNode Parent(uint8_t tag, std::vector<LeafIndex> unmerged = {}) {
  return ParentNode{HpkePublicKey{std::vector<uint8_t>(32, tag)}, {}, std::move(unmerged)};
}

std::vector<uint32_t> Values(const std::vector<NodeIndex>& v) {
  std::vector<uint32_t> out;
  out.reserve(v.size());
  for (NodeIndex x : v) out.push_back(x.value);
  return out;
}

// A tree of `n` leaves, all members, every parent blank.
RatchetTree Members(uint8_t n) {
  RatchetTree t(Leaf(0));
  for (uint8_t i = 1; i < n; ++i) EXPECT_EQ(t.AddLeaf(Leaf(i)).value().value, i);
  return t;
}

TEST(MlsRatchetTree, AddExtendsAndFillsTheLeftmostBlank) {
  RatchetTree t = Members(3);
  EXPECT_EQ(t.leaf_count().value, 4U);
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{1}));
  EXPECT_EQ(t.leaf_count().value, 4U);
  EXPECT_EQ(t.AddLeaf(Leaf(9)).value().value, 1U);
  EXPECT_EQ(t.AddLeaf(Leaf(10)).value().value, 3U);
  EXPECT_EQ(t.AddLeaf(Leaf(11)).value().value, 4U);
  EXPECT_EQ(t.leaf_count().value, 8U);
}

TEST(MlsRatchetTree, AddRecordsUnmergedLeavesInNonBlankParents) {
  RatchetTree t = Members(3);
  t.SetParent(NodeIndex{3}, Parent(50));
  t.SetParent(NodeIndex{5}, Parent(51));
  EXPECT_EQ(t.AddLeaf(Leaf(3)).value().value, 3U);
  EXPECT_EQ(t.parent_node(NodeIndex{3})->unmerged_leaves, std::vector<LeafIndex>{LeafIndex{3}});
  EXPECT_EQ(t.parent_node(NodeIndex{5})->unmerged_leaves, std::vector<LeafIndex>{LeafIndex{3}});
  EXPECT_EQ(Values(t.Resolution(NodeIndex{3})), (std::vector<uint32_t>{3, 6}));
  EXPECT_EQ(Values(t.Resolution(NodeIndex{3}, std::vector<LeafIndex>{LeafIndex{3}})),
            std::vector<uint32_t>{3});
}

TEST(MlsRatchetTree, UpdateBlanksThePathAndRemoveTruncates) {
  RatchetTree t = Members(5);
  t.SetParent(NodeIndex{3}, Parent(50));
  t.SetParent(NodeIndex{7}, Parent(51));
  t.SetParent(NodeIndex{9}, Parent(52));
  ASSERT_TRUE(t.UpdateLeaf(LeafIndex{0}, Leaf(20)));
  EXPECT_TRUE(t.IsBlank(NodeIndex{3}));
  EXPECT_TRUE(t.IsBlank(NodeIndex{7}));
  EXPECT_FALSE(t.IsBlank(NodeIndex{9}));
  EXPECT_EQ(t.UpdateLeaf(LeafIndex{5}, Leaf(21)).error(), Errc::kBlankLeaf);
  EXPECT_EQ(t.UpdateLeaf(LeafIndex{8}, Leaf(21)).error(), Errc::kInvalidLeafIndex);
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{4}));  // the right half empties: 8 leaves become 4
  EXPECT_EQ(t.leaf_count().value, 4U);
  EXPECT_EQ(t.RemoveLeaf(LeafIndex{4}).error(), Errc::kInvalidLeafIndex);
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{3}));
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{2}));
  EXPECT_EQ(t.leaf_count().value, 2U);
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{1}));
  EXPECT_EQ(t.leaf_count().value, 1U);
}

// RFC 9420 §4.1.2's example: leaves A B _ _ E F G _, parents T (1), X (9) set, the rest blank.
TEST(MlsRatchetTree, FilteredDirectPathOfTheRfcExample) {
  RatchetTree t = Members(7);
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{2}));
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{3}));
  t.SetParent(NodeIndex{1}, Parent(50));
  t.SetParent(NodeIndex{9}, Parent(51));
  t.SetParent(NodeIndex{11}, Parent(52));
  t.SetParent(NodeIndex{7}, Parent(53));
  EXPECT_EQ(Values(t.FilteredDirectPath(LeafIndex{0})), (std::vector<uint32_t>{1, 7}));
  EXPECT_EQ(Values(t.FilteredDirectPath(LeafIndex{4})), (std::vector<uint32_t>{9, 11, 7}));
  EXPECT_EQ(Values(t.FilteredDirectPath(LeafIndex{6})), (std::vector<uint32_t>{11, 7}));
  EXPECT_EQ(Values(t.Resolution(NodeIndex{3})), (std::vector<uint32_t>{1}));
  EXPECT_EQ(Values(t.Resolution(NodeIndex{5})), (std::vector<uint32_t>{}));
}

TEST(MlsRatchetTree, MergedPathIsParentHashValid) {
  RatchetTree t = Members(5);
  const std::vector<NodeIndex> fdp = t.FilteredDirectPath(LeafIndex{1});
  ASSERT_EQ(Values(fdp), (std::vector<uint32_t>{1, 3, 7}));
  std::vector<HpkePublicKey> keys;
  for (size_t i = 0; i < fdp.size(); ++i) {
    keys.push_back(HpkePublicKey{std::vector<uint8_t>(32, static_cast<uint8_t>(60 + i))});
  }
  EXPECT_EQ(t.MergePath(LeafIndex{1}, std::span(keys).first(2)).error(), Errc::kUpdatePathLengthMismatch);
  auto leaf_hash = t.MergePath(LeafIndex{1}, keys);
  ASSERT_TRUE(leaf_hash);
  EXPECT_TRUE(t.parent_node(NodeIndex{7})->parent_hash.empty());
  // Until the sender's leaf carries the hash, nothing chains to node 1.
  EXPECT_EQ(t.VerifyParentHashes().error(), Errc::kParentHashInvalid);
  LeafNode leaf = *t.leaf_node(LeafIndex{1});
  leaf.leaf_node_source = LeafNodeSource::kCommit;
  leaf.parent_hash = *leaf_hash;
  t.SetLeaf(LeafIndex{1}, leaf);
  EXPECT_TRUE(t.VerifyParentHashes());
  // An added member becomes an unmerged leaf; the chain still verifies.
  ASSERT_TRUE(t.AddLeaf(Leaf(30)));
  EXPECT_TRUE(t.VerifyParentHashes());
  // A parent with a changed key does not.
  ParentNode p = *t.parent_node(NodeIndex{3});
  p.encryption_key.bytes[0] ^= 1;
  t.SetParent(NodeIndex{3}, p);
  EXPECT_EQ(t.VerifyParentHashes().error(), Errc::kParentHashInvalid);
}

// The cached tree hash after each change equals that of a fresh copy (decoded: no cache).
TEST(MlsRatchetTree, CachedHashesFollowEveryChange) {
  RatchetTree t = Members(3);
  auto same_as_fresh = [&] {
    auto fresh = RatchetTree::Decode(t.Encode().value());
    return fresh && t.TreeHash().value() == fresh->TreeHash().value();
  };
  ASSERT_TRUE(t.TreeHash());
  t.SetParent(NodeIndex{1}, Parent(50));
  EXPECT_TRUE(same_as_fresh());
  ASSERT_TRUE(t.AddLeaf(Leaf(3)));
  EXPECT_TRUE(same_as_fresh());
  ASSERT_TRUE(t.AddLeaf(Leaf(4)));  // extends the tree
  EXPECT_TRUE(same_as_fresh());
  ASSERT_TRUE(t.UpdateLeaf(LeafIndex{0}, Leaf(20)));
  EXPECT_TRUE(same_as_fresh());
  std::vector<HpkePublicKey> keys(t.FilteredDirectPath(LeafIndex{2}).size(),
                                  HpkePublicKey{std::vector<uint8_t>(32, 7)});
  ASSERT_TRUE(t.MergePath(LeafIndex{2}, keys));
  EXPECT_TRUE(same_as_fresh());
  ASSERT_TRUE(t.RemoveLeaf(LeafIndex{4}));  // truncates
  EXPECT_TRUE(same_as_fresh());
  t.SetLeaf(LeafIndex{1}, std::nullopt);
  EXPECT_TRUE(same_as_fresh());
  auto all = t.TreeHashes();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->back(), t.NodeHash(NodeIndex{6}).value());
}

TEST(MlsRatchetTree, EncodeDropsTrailingBlanksAndDecodeRestoresThem) {
  RatchetTree t = Members(5);
  auto bytes = t.Encode();
  ASSERT_TRUE(bytes);
  auto back = RatchetTree::Decode(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->leaf_count().value, 8U);
  EXPECT_EQ(*back, t);
}

TEST(MlsRatchetTree, DecodeRefusals) {
  const std::vector<uint8_t> leaf_bytes = [] {
    Writer w;
    EXPECT_TRUE(Leaf(1).Encode(w));
    return std::move(w).Take();
  }();
  auto tree_of = [&](const std::vector<std::vector<uint8_t>>& slots) {
    Writer w;
    EXPECT_TRUE(w.WriteVector([&](Writer& v) {
      for (const auto& s : slots) v.WriteFixed(s);
      return OkStatus();
    }));
    return std::move(w).Take();
  };
  std::vector<uint8_t> leaf = {1, 1};
  leaf.insert(leaf.end(), leaf_bytes.begin(), leaf_bytes.end());
  const std::vector<uint8_t> blank = {0};
  // ParentNode: key<V> 1 byte, parent_hash<V> empty, unmerged_leaves<V>.
  const std::vector<uint8_t> parent = {1, 2, 1, 7, 0, 0};
  EXPECT_TRUE(RatchetTree::Decode(tree_of({leaf, parent, leaf})));
  EXPECT_TRUE(RatchetTree::Decode(tree_of({leaf, blank, blank, blank, leaf})));
  EXPECT_EQ(RatchetTree::Decode(tree_of({})).error(), Errc::kTreeTrailingBlank);
  EXPECT_EQ(RatchetTree::Decode(tree_of({leaf, blank})).error(), Errc::kTreeTrailingBlank);
  EXPECT_EQ(RatchetTree::Decode(tree_of({parent})).error(), Errc::kNodeTypeMismatch);
  EXPECT_EQ(RatchetTree::Decode(tree_of({leaf, leaf})).error(), Errc::kNodeTypeMismatch);
  EXPECT_EQ(RatchetTree::Decode(tree_of({{1, 3}})).error(), Errc::kInvalidNodeType);
  EXPECT_EQ(RatchetTree::Decode(tree_of({{1, 0}})).error(), Errc::kInvalidNodeType);
  EXPECT_EQ(RatchetTree::Decode(tree_of({{2}})).error(), Errc::kInvalidOptional);
  const std::vector<uint8_t> unsorted = {1, 2, 1, 7, 0, 8, 0, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(RatchetTree::Decode(tree_of({leaf, unsorted, leaf})).error(), Errc::kUnmergedLeavesUnsorted);
  std::vector<uint8_t> trailing = tree_of({leaf});
  trailing.push_back(0);
  EXPECT_EQ(RatchetTree::Decode(trailing).error(), Errc::kTrailingData);
}

}  // namespace
}  // namespace sc::mls
