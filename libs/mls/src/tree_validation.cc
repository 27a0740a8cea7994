// RFC 9420 §7.3 (leaf node validation), §7.9.2 (verifying parent hashes), §12.4.3.1 (the tree
// checks of a joiner).
#include "securecomm/mls/tree_validation.h"

#include <algorithm>
#include <set>

#include "securecomm/mls/errors.h"

namespace sc::mls {
namespace {

// §7.2: the extension types every client supports, which capabilities MUST NOT list
// (application_id, ratchet_tree, required_capabilities, external_pub, external_senders).
bool IsDefaultExtension(uint16_t type) {
  return type >= 0x0001 && type <= 0x0005;
}

bool Lists(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

Status ValidateLeafNode(const LeafNode& leaf, std::span<const uint8_t> group_id, LeafIndex index) {
  if (auto k = ToX25519(leaf.encryption_key); !k) return Fail(k.error());
  if (auto s = leaf.VerifySignature(group_id, index); !s) return s;
  if (!Lists(leaf.capabilities.credentials, static_cast<uint16_t>(leaf.credential.credential_type))) {
    return Fail(Errc::kCredentialNotInCapabilities);
  }
  for (const Extension& e : leaf.extensions) {
    if (!IsDefaultExtension(e.extension_type) && !Lists(leaf.capabilities.extensions, e.extension_type)) {
      return Fail(Errc::kExtensionNotInCapabilities);
    }
  }
  return OkStatus();
}

Status CheckUnmergedLeaves(const RatchetTree& tree) {
  const LeafCount n = tree.leaf_count();
  for (uint32_t i = 1; i < NodeWidth(n); i += 2) {
    const ParentNode* p = tree.parent_node(NodeIndex{i});
    if (p == nullptr) continue;
    for (LeafIndex l : p->unmerged_leaves) {
      // A non-blank leaf below P...
      if (tree.leaf_node(l) == nullptr) return Fail(Errc::kInvalidUnmergedLeaf);
      const std::vector<NodeIndex> path = DirectPath(l.node(), n);
      const auto at = std::find(path.begin(), path.end(), NodeIndex{i});
      if (at == path.end()) return Fail(Errc::kInvalidUnmergedLeaf);
      // ...listed by every non-blank parent between them.
      for (auto it = path.begin(); it != at; ++it) {
        const ParentNode* between = tree.parent_node(*it);
        if (between != nullptr &&
            !std::binary_search(between->unmerged_leaves.begin(), between->unmerged_leaves.end(), l)) {
          return Fail(Errc::kInvalidUnmergedLeaf);
        }
      }
    }
  }
  return OkStatus();
}

Status CheckUniqueKeys(const RatchetTree& tree) {
  std::set<HpkePublicKey> encryption_keys;
  std::set<SignaturePublicKey> signature_keys;
  for (uint32_t i = 0; i < NodeWidth(tree.leaf_count()); ++i) {
    const HpkePublicKey* key = tree.encryption_key(NodeIndex{i});
    if (key == nullptr) continue;
    if (!encryption_keys.insert(*key).second) return Fail(Errc::kDuplicateEncryptionKey);
    if (const LeafNode* leaf = (i % 2 == 0) ? tree.leaf_node(LeafIndex{i / 2}) : nullptr) {
      if (!signature_keys.insert(leaf->signature_key).second) return Fail(Errc::kDuplicateSignatureKey);
    }
  }
  return OkStatus();
}

Status CheckKeysUniqueAt(const RatchetTree& tree, std::span<const NodeIndex> changed) {
  const uint32_t width = NodeWidth(tree.leaf_count());
  for (NodeIndex c : changed) {
    const HpkePublicKey* key = tree.encryption_key(c);
    if (key == nullptr) continue;
    const LeafNode* leaf = c.is_leaf() ? tree.leaf_node(c.leaf()) : nullptr;
    for (uint32_t i = 0; i < width; ++i) {
      if (i == c.value) continue;
      const HpkePublicKey* other = tree.encryption_key(NodeIndex{i});
      if (other != nullptr && *other == *key) return Fail(Errc::kDuplicateEncryptionKey);
      const LeafNode* other_leaf =
          (leaf != nullptr && i % 2 == 0) ? tree.leaf_node(LeafIndex{i / 2}) : nullptr;
      if (other_leaf != nullptr && other_leaf->signature_key == leaf->signature_key) {
        return Fail(Errc::kDuplicateSignatureKey);
      }
    }
  }
  return OkStatus();
}

Status ValidateTree(const RatchetTree& tree, std::span<const uint8_t> group_id,
                    const crypto::Sha256Digest* expected_tree_hash) {
  if (expected_tree_hash != nullptr) {
    auto th = tree.TreeHash();
    if (!th) return Fail(th.error());
    if (*th != *expected_tree_hash) return Fail(Errc::kTreeHashMismatch);
  }
  if (auto s = tree.VerifyParentHashes(); !s) return s;
  for (uint32_t l = 0; l < tree.leaf_count().value; ++l) {
    const LeafNode* leaf = tree.leaf_node(LeafIndex{l});
    if (leaf == nullptr) continue;
    if (auto s = ValidateLeafNode(*leaf, group_id, LeafIndex{l}); !s) return s;
  }
  for (uint32_t i = 1; i < NodeWidth(tree.leaf_count()); i += 2) {
    const ParentNode* p = tree.parent_node(NodeIndex{i});
    if (p != nullptr) {
      if (auto k = ToX25519(p->encryption_key); !k) return Fail(k.error());
    }
  }
  if (auto s = CheckUnmergedLeaves(tree); !s) return s;
  return CheckUniqueKeys(tree);
}

}  // namespace sc::mls
