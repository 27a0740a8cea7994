// tree_operations_vectors_test.cc: tree-operations.json (test-vectors.md "Tree Operations"):
// apply an Add, Update or Remove proposal from proposal_sender to tree_before with the
// RatchetTree operations commit processing uses, then compare the encoded tree and its hash
// with tree_after and tree_hash_after. The Add's KeyPackage is validated too (§10.1).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/key_package.h"
#include "securecomm/mls/proposal.h"
#include "securecomm/mls/ratchet_tree.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;

// Apply applies one decoded proposal to `tree` as §12.1.1-§12.1.3 say.
Status Apply(const CipherSuite& suite, RatchetTree& tree, const Proposal& p, LeafIndex sender) {
  Reader r(p.body);
  switch (p.proposal_type) {
    case ProposalType::kAdd: {
      auto kp = KeyPackage::Decode(r);
      if (!kp) return Fail(kp.error());
      if (auto s = kp->Validate(kProtocolVersionMls10, static_cast<uint16_t>(suite.id)); !s) return s;
      auto at = tree.AddLeaf(std::move(kp->leaf_node));
      if (!at) return Fail(at.error());
      return r.Finish();
    }
    case ProposalType::kUpdate: {
      auto leaf = LeafNode::Decode(r);
      if (!leaf) return Fail(leaf.error());
      if (auto s = tree.UpdateLeaf(sender, std::move(*leaf)); !s) return s;
      return r.Finish();
    }
    case ProposalType::kRemove: {
      uint32_t removed = 0;
      if (auto s = ReadField(r, removed); !s) return s;
      if (auto s = tree.RemoveLeaf(LeafIndex{removed}); !s) return s;
      return r.Finish();
    }
    default:
      ADD_FAILURE() << "unexpected proposal type " << static_cast<int>(p.proposal_type);
      return Fail(Errc::kUnsupportedProposalType);
  }
}

bool CheckCase(const CipherSuite& suite, const nlohmann::json& c) {
  auto tree = RatchetTree::Decode(Hex(c.at("tree_before")));
  if (!tree) {
    ADD_FAILURE() << "tree_before: " << tree.error().name();
    return false;
  }
  auto before = tree->TreeHash();
  bool ok = before && Same(before->span(), Hex(c.at("tree_hash_before")), "tree_hash_before");
  auto proposal = DecodeExact<Proposal>(Hex(c.at("proposal")));
  if (!proposal) {
    ADD_FAILURE() << "proposal: " << proposal.error().name();
    return false;
  }
  const Status applied = Apply(suite, *tree, *proposal, LeafIndex{c.at("proposal_sender").get<uint32_t>()});
  if (!applied) {
    ADD_FAILURE() << "apply: " << applied.error().name();
    return false;
  }
  auto after = tree->Encode();
  ok &= after && Same(*after, Hex(c.at("tree_after")), "tree_after");
  auto hash = tree->TreeHash();
  ok &= hash && Same(hash->span(), Hex(c.at("tree_hash_after")), "tree_hash_after");
  return ok;
}

TEST(MlsVectors, TreeOperations) {
  testing::RunSuiteCases("tree-operations.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
