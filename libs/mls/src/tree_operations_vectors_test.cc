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
  if (const auto* add = std::get_if<AddProposal>(&p.body)) {
    if (auto s = add->key_package.Validate(kProtocolVersionMls10, static_cast<uint16_t>(suite.id)); !s)
      return s;
    auto at = tree.AddLeaf(add->key_package.leaf_node);
    return at ? OkStatus() : Fail(at.error());
  }
  if (const auto* update = std::get_if<UpdateProposal>(&p.body))
    return tree.UpdateLeaf(sender, update->leaf_node);
  if (const auto* remove = std::get_if<RemoveProposal>(&p.body))
    return tree.RemoveLeaf(LeafIndex{remove->removed});
  ADD_FAILURE() << "unexpected proposal type " << static_cast<int>(p.proposal_type());
  return Fail(Errc::kUnsupportedProposalType);
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
