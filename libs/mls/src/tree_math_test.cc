// tree_math_test.cc: Appendix C's functions on the trees drawn in RFC 9420 §4.2, and the direct
// common ancestor against the semantic definition on every pair of a 32-leaf tree. The whole
// tree-math.json file runs in mls_vectors_test.
#include "securecomm/mls/tree_math.h"

#include <algorithm>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {
namespace {

std::vector<uint32_t> Values(const std::vector<NodeIndex>& v) {
  std::vector<uint32_t> out;
  out.reserve(v.size());
  for (NodeIndex x : v) out.push_back(x.value);
  return out;
}

TEST(MlsTreeMath, EightLeafTreeOfSection4_2) {
  const LeafCount n{8};
  EXPECT_EQ(NodeWidth(n), 15U);
  EXPECT_EQ(Root(n).value, 7U);
  EXPECT_EQ(Level(NodeIndex{7}), 3U);
  EXPECT_EQ(Level(NodeIndex{4}), 0U);
  EXPECT_EQ(Left(NodeIndex{7}).value, 3U);
  EXPECT_EQ(Right(NodeIndex{7}).value, 11U);
  EXPECT_EQ(Parent(NodeIndex{4}, n).value, 5U);
  EXPECT_EQ(Sibling(NodeIndex{4}, n).value, 6U);
  // §4.2's example: leaf B (node 2) has direct path (1, 3, 7) and copath (0, 5, 11).
  EXPECT_EQ(Values(DirectPath(LeafIndex{1}.node(), n)), (std::vector<uint32_t>{1, 3, 7}));
  EXPECT_EQ(Values(Copath(LeafIndex{1}.node(), n)), (std::vector<uint32_t>{0, 5, 11}));
  EXPECT_TRUE(DirectPath(Root(n), n).empty());
  EXPECT_TRUE(Copath(Root(n), n).empty());
  EXPECT_EQ(NodeIndex{10}.leaf().value, 5U);
}

TEST(MlsTreeMath, SingleLeaf) {
  EXPECT_EQ(Root(LeafCount{1}).value, 0U);
  EXPECT_EQ(NodeWidth(LeafCount{1}), 1U);
  EXPECT_TRUE(DirectPath(NodeIndex{0}, LeafCount{1}).empty());
}

TEST(MlsTreeMath, LeafCountIsChecked) {
  EXPECT_EQ(LeafCount::Checked(0).error(), Errc::kTreeNotPerfect);
  EXPECT_EQ(LeafCount::Checked(5).error(), Errc::kTreeNotPerfect);  // §4.2: 2^d leaves
  EXPECT_EQ(LeafCount::Checked(uint64_t{kMaxLeaves} * 2).error(), Errc::kTreeTooLarge);
  EXPECT_EQ(LeafCount::Checked(kMaxLeaves).value().value, kMaxLeaves);
}

TEST(MlsTreeMath, CommonAncestorMatchesTheSemanticDefinition) {
  const LeafCount n{32};
  const uint32_t w = NodeWidth(n);
  for (uint32_t x = 0; x < w; ++x) {
    std::set<uint32_t> dx{x};
    for (NodeIndex p : DirectPath(NodeIndex{x}, n)) dx.insert(p.value);
    for (uint32_t y = 0; y < w; ++y) {
      std::vector<uint32_t> both;
      if (dx.contains(y)) both.push_back(y);
      for (NodeIndex p : DirectPath(NodeIndex{y}, n)) {
        if (dx.contains(p.value)) both.push_back(p.value);
      }
      ASSERT_FALSE(both.empty());
      const uint32_t lowest = *std::min_element(both.begin(), both.end(), [](uint32_t a, uint32_t b) {
        return Level(NodeIndex{a}) < Level(NodeIndex{b});
      });
      ASSERT_EQ(CommonAncestor(NodeIndex{x}, NodeIndex{y}).value, lowest) << x << " " << y;
    }
  }
}

}  // namespace
}  // namespace sc::mls
