// treekem.h: TreeKEM (RFC 9420 §7.4-§7.6): a member's private view of the ratchet tree, and
// the creation and processing of the UpdatePath a Commit carries.
//
// Path secrets run up the committer's filtered direct path; each gives its node's key pair:
//
//   path_secret[0] = DeriveSecret(leaf_secret, "path")          leaf_secret random, Nh bytes
//   path_secret[n] = DeriveSecret(path_secret[n-1], "path")
//   node_priv[n], node_pub[n] = KEM.DeriveKeyPair(DeriveSecret(path_secret[n], "node"))
//   commit_secret = DeriveSecret(path_secret[last], "path")    (path_secret[0] if the path is empty)
//
// and the leaf's new key pair is KEM.DeriveKeyPair(DeriveSecret(leaf_secret, "node")). Each path
// secret is sent as EncryptWithLabel(pk, "UpdatePathNode", provisional GroupContext, secret) to
// every node of the resolution of the copath child, leaving out the members the same Commit adds.
//
//   // The committer, on the provisional tree (the Commit's proposals applied):
//   Result<CreatedPath> out = CreateUpdatePath(suite, tree, me, leaf_template, signer, ctx,
//                                              new_members, rng);
//   // Every other member, on its own provisional tree:
//   Result<ProcessedPath> in = ProcessUpdatePath(suite, tree, my_keys, sender, path, ctx,
//                                                new_members);
//
// Both change `tree` in place (the path merged, the sender's leaf replaced) and fill in
// ctx.tree_hash with the new tree's hash before encrypting or decrypting, so ctx is the
// provisional GroupContext of §12.4.2 (new epoch, old confirmed transcript hash). On error the
// tree is half-changed: callers work on a provisional copy and drop it (clone, try, commit).
// Secrets are Secret (SecretArray) or key pairs that wipe themselves. Randomness is injected.
// Not thread safe; no shared state.
#pragma once

#include <map>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/kdf.h"
#include "securecomm/mls/leaf_node.h"
#include "securecomm/mls/ratchet_tree.h"
#include "securecomm/mls/tree_math.h"
#include "securecomm/mls/update_path.h"

namespace sc::mls {

// TreeKemPrivate: the private keys a member holds in the tree: its leaf's, and those of the
// parents above it that it learned from path secrets (the tree invariant, §4.2).
class TreeKemPrivate {
 public:
  TreeKemPrivate(LeafIndex leaf, crypto::X25519KeyPair leaf_key);

  TreeKemPrivate(TreeKemPrivate&&) noexcept = default;
  TreeKemPrivate& operator=(TreeKemPrivate&&) noexcept = default;
  // Clone returns an independent copy (explicit: it copies secrets).
  [[nodiscard]] TreeKemPrivate Clone() const;

  LeafIndex leaf() const noexcept { return leaf_; }
  // key returns the key pair held for node x, or nullptr.
  const crypto::X25519KeyPair* key(NodeIndex x) const;
  size_t size() const noexcept { return keys_.size(); }

  // SetPathSecret stores the key pair that `path_secret` gives node x (DeriveKeyPair of
  // DeriveSecret(path_secret, "node")), replacing any held for x. Errors from HPKE's
  // DeriveKeyPair. REQUIRES: x is a parent on this member's direct path.
  [[nodiscard]] Status SetPathSecret(const CipherSuite& suite, NodeIndex x, const Secret& path_secret);

  // SetKey stores `key` for node x, replacing any held. REQUIRES: x is this member's leaf or
  // a parent above it.
  void SetKey(NodeIndex x, crypto::X25519KeyPair key);

  // ImplantPathSecret stores the keys a new member derives from the path secret its Welcome
  // carries (§12.4.3.1): `path_secret` is that of node `at` of the committer's filtered direct
  // path in `tree` (the committed tree), and each later node's comes from DeriveSecret(., "path").
  // kInvalidLeafIndex unless `at` is on that path above this member, kPathKeyMismatch if a
  // derived public key is not the tree's (nothing is stored then).
  [[nodiscard]] Status ImplantPathSecret(const CipherSuite& suite, const RatchetTree& tree,
                                         LeafIndex committer, NodeIndex at, const Secret& path_secret);

  // ConsistentWith returns kPrivateKeyMismatch unless every key held is for a non-blank node of
  // `tree` whose public key is the key pair's.
  [[nodiscard]] Status ConsistentWith(const RatchetTree& tree) const;

  // Forget drops the keys held for the given nodes (parents blanked by an Update or Remove, or
  // replaced by another member's path).
  void Forget(std::span<const NodeIndex> nodes);

 private:
  TreeKemPrivate() = default;
  LeafIndex leaf_;
  std::map<NodeIndex, crypto::X25519KeyPair> keys_;
};

// CreatedPath: what the committer gets from CreateUpdatePath.
struct CreatedPath {
  UpdatePath path;
  TreeKemPrivate private_keys;  // the new leaf key and every key of the filtered direct path
  Secret commit_secret;
  // path_secrets[i] is the path secret of FilteredDirectPath(me)[i]: a new member's Welcome
  // carries the one of its common ancestor with the committer (§12.4.3.1).
  std::vector<std::pair<NodeIndex, Secret>> path_secrets;
};

// CreateUpdatePath refreshes the direct path of `me` (§7.4, §7.5): fresh leaf and path key
// pairs, the path merged into `tree` with its parent hashes, `leaf` (the member's LeafNode
// content: credential, capabilities, extensions, signature key) re-signed with source commit,
// the new encryption key and the leaf's parent hash, ctx.tree_hash set to the new tree hash,
// and the path secrets encrypted to the copath resolutions without `new_members`.
// Errors: kInvalidLeafIndex / kBlankLeaf if `me` is not a member, kInvalidKey for a resolution
// node with a key that is not X25519, and the signing and HPKE errors.
[[nodiscard]] Result<CreatedPath> CreateUpdatePath(const CipherSuite& suite, RatchetTree& tree, LeafIndex me,
                                                   LeafNode leaf, const crypto::Ed25519KeyPair& signer,
                                                   GroupContext& ctx, std::span<const LeafIndex> new_members,
                                                   Random& rng);

// ProcessedPath: what another member gets from ProcessUpdatePath.
struct ProcessedPath {
  TreeKemPrivate private_keys;  // the member's keys, those the path replaced swapped for new ones
  Secret commit_secret;
  Secret path_secret;      // the one decrypted (at the common ancestor), for tests and the Welcome
  NodeIndex decrypted_at;  // the filtered-direct-path node it belongs to
};

// ProcessUpdatePath checks and applies `path` from `sender` (§7.5, §7.6, §7.9.2) and decrypts
// the path secret meant for `mine`:
//   kInvalidLeafIndex, kBlankLeaf         the sender is not a member
//   kLeafNodeSourceMismatch               the path's leaf is not of source commit
//   kEncryptionKeyNotFresh                it keeps the sender's old encryption key
//   ValidateLeafNode's codes              its signature (group_id, sender), keys, capabilities
//   kUpdatePathLengthMismatch             not one node per node of the filtered direct path
//   kCiphertextCountMismatch              not one ciphertext per node of a copath resolution
//   kParentHashMismatch                   the leaf's parent_hash is not the merged path's
//   kDuplicateEncryptionKey, kDuplicateSignatureKey   a new key already in the tree
//   kNoPathDecryptionKey                  `mine` holds no key in the resolution meant for it
//   kDecryptFailed, kInvalidKey, kInvalidLength   the HPKE ciphertext, a key, a path secret size
//   kPathKeyMismatch                      a derived public key is not the path's
// REQUIRES: mine.leaf() != sender, and mine.leaf() is not among `new_members`.
[[nodiscard]] Result<ProcessedPath> ProcessUpdatePath(const CipherSuite& suite, RatchetTree& tree,
                                                      const TreeKemPrivate& mine, LeafIndex sender,
                                                      const UpdatePath& path, GroupContext& ctx,
                                                      std::span<const LeafIndex> new_members);

}  // namespace sc::mls
