// tree_math_vectors_test.cc: tree-math.json (test-vectors.md "Tree Math"): n_nodes, root, and
// left, right, parent and sibling of every node, null where the node has none. The file has no
// cipher suite, so every case runs.
#include <string>

#include <gtest/gtest.h>

#include "securecomm/mls/tree_math.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::LoadVectorFile;
using testing::Tally;

// Expect compares one optional<uint32> column entry, adding a failure that names it.
bool Expect(const nlohmann::json& want, std::optional<NodeIndex> got, const std::string& what) {
  const bool same = want.is_null() ? !got.has_value() : (got && got->value == want.get<uint32_t>());
  if (!same)
    ADD_FAILURE() << what << ": want " << want << ", got " << (got ? std::to_string(got->value) : "null");
  return same;
}

TEST(MlsVectors, TreeMath) {
  Tally tally("tree-math.json");
  for (const auto& c : LoadVectorFile("tree-math.json")) {
    auto n = LeafCount::Checked(c.at("n_leaves").get<uint64_t>());
    if (!n) {
      ADD_FAILURE() << "n_leaves " << c.at("n_leaves") << " refused";
      tally.Record(false);
      continue;
    }
    bool ok = true;
    const std::string tag = "n_leaves " + std::to_string(n->value);
    ok &= NodeWidth(*n) == c.at("n_nodes").get<uint32_t>();
    ok &= Root(*n).value == c.at("root").get<uint32_t>();
    EXPECT_TRUE(ok) << tag << ": n_nodes or root";
    const uint32_t width = NodeWidth(*n);
    for (const char* column : {"left", "right", "parent", "sibling"}) {
      if (c.at(column).size() != width) {
        ADD_FAILURE() << tag << ": " << column << " has " << c.at(column).size() << " entries";
        ok = false;
      }
    }
    for (uint32_t i = 0; ok && i < width; ++i) {
      const NodeIndex x{i};
      const bool leaf = x.is_leaf();
      const bool root = x == Root(*n);
      const std::string at = tag + " node " + std::to_string(i);
      ok &= Expect(c["left"][i], leaf ? std::nullopt : std::optional(Left(x)), at + " left");
      ok &= Expect(c["right"][i], leaf ? std::nullopt : std::optional(Right(x)), at + " right");
      ok &= Expect(c["parent"][i], root ? std::nullopt : std::optional(Parent(x, *n)), at + " parent");
      ok &= Expect(c["sibling"][i], root ? std::nullopt : std::optional(Sibling(x, *n)), at + " sibling");
    }
    tally.Record(ok);
  }
  tally.Report();
}

}  // namespace
}  // namespace sc::mls
