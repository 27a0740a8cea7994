// tree_validation.h: the checks a member makes on a whole ratchet tree before using it (RFC 9420
// §12.4.3.1, when joining; §7.9.2), and on each LeafNode in it (§7.3). Each refusal has its
// own code, in the order the checks run:
//
//   kTreeHashMismatch         the root tree hash is not the expected one (GroupContext.tree_hash)
//   kParentHashInvalid        a non-blank parent is not parent-hash valid by exactly one chain
//   kInvalidKey               an encryption or signature key of the wrong size for the suite
//   kBadSignature             a leaf's LeafNodeTBS signature does not verify (group_id, index)
//   kCredentialNotInCapabilities, kExtensionNotInCapabilities   a leaf lists less than it uses
//   kInvalidUnmergedLeaf      an unmerged leaf outside its parent, blank, or skipped in between
//   kDuplicateEncryptionKey   an encryption_key in two nodes
//   kDuplicateSignatureKey    a signature_key in two leaves
//
//   Status s = ValidateTree(tree, group_id, &expected_tree_hash);
//
// Not checked here (they need the group, the clock or the application): required_capabilities,
// credential types supported by every member, lifetimes, and the credential itself.
// Pure functions; thread safe on distinct trees.
#pragma once

#include <cstdint>
#include <span>

#include "securecomm/base/error.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/mls/leaf_node.h"
#include "securecomm/mls/ratchet_tree.h"
#include "securecomm/mls/tree_math.h"

namespace sc::mls {

// ValidateLeafNode checks one LeafNode on its own (§7.3): key sizes, the signature (group_id and
// index are used for the update and commit sources), and that its capabilities list its
// credential type and its non-default extensions. It does not check the source.
[[nodiscard]] Status ValidateLeafNode(const LeafNode& leaf, std::span<const uint8_t> group_id,
                                      LeafIndex index);

// ValidateTree runs every check above on `tree`; `expected_tree_hash` is skipped when null.
[[nodiscard]] Status ValidateTree(const RatchetTree& tree, std::span<const uint8_t> group_id,
                                  const crypto::Sha256Digest* expected_tree_hash);

// CheckKeysUniqueAt checks only the nodes in `changed` (a new or updated leaf, a merged path):
// kDuplicateEncryptionKey if one's encryption_key appears in any other node, and
// kDuplicateSignatureKey if a changed leaf's signature_key appears in another leaf. Linear in
// the tree, no allocation: what a commit's new keys need, without revalidating the tree.
[[nodiscard]] Status CheckKeysUniqueAt(const RatchetTree& tree, std::span<const NodeIndex> changed);

// CheckUnmergedLeaves and CheckUniqueKeys are ValidateTree's last two steps, on their own.
[[nodiscard]] Status CheckUnmergedLeaves(const RatchetTree& tree);
[[nodiscard]] Status CheckUniqueKeys(const RatchetTree& tree);

}  // namespace sc::mls
