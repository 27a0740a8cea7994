// tree_validation_vectors_test.cc: tree-validation.json (test-vectors.md "Tree Validation"): for
// each tree, the resolution and tree hash of every node, the parent hashes as a joiner checks
// them, and every leaf's signature with the given group_id (ValidateTree does the last two and
// the joiner's other checks). Suites 1 and 3 run; others are counted and skipped.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/ratchet_tree.h"
#include "securecomm/mls/tree_validation.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;

bool CheckCase(const CipherSuite& /*suite*/, const nlohmann::json& c) {
  const std::vector<uint8_t> bytes = Hex(c.at("tree"));
  auto tree = RatchetTree::Decode(bytes);
  if (!tree) {
    ADD_FAILURE() << "tree does not decode: " << tree.error().name();
    return false;
  }
  bool ok = true;
  // It re-encodes byte for byte.
  auto again = tree->Encode();
  ok &= again && Same(*again, bytes, "re-encoded tree");
  const auto& resolutions = c.at("resolutions");
  const auto& want_hashes = c.at("tree_hashes");
  const uint32_t width = NodeWidth(tree->leaf_count());
  if (resolutions.size() != width || want_hashes.size() != width) {
    ADD_FAILURE() << "node count " << width << " vs " << resolutions.size();
    return false;
  }
  auto hashes = tree->TreeHashes();
  if (!hashes) return false;
  for (uint32_t i = 0; i < width; ++i) {
    std::vector<uint32_t> got;
    for (NodeIndex x : tree->Resolution(NodeIndex{i})) got.push_back(x.value);
    const auto want = resolutions[i].get<std::vector<uint32_t>>();
    if (got != want) {
      ADD_FAILURE() << "resolution of node " << i;
      ok = false;
    }
    ok &= Same((*hashes)[i].span(), Hex(want_hashes[i]), "tree hash of node " + std::to_string(i));
  }
  const std::vector<uint8_t> group_id = Hex(c.at("group_id"));
  const crypto::Sha256Digest root = (*hashes)[Root(tree->leaf_count()).value];
  const Status valid = ValidateTree(*tree, group_id, &root);
  if (!valid) {
    ADD_FAILURE() << "ValidateTree: " << valid.error().name();
    ok = false;
  }
  return ok;
}

TEST(MlsVectors, TreeValidation) {
  testing::RunSuiteCases("tree-validation.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
