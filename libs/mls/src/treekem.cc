// RFC 9420 §7.4 (ratchet tree evolution), §7.5 (synchronizing views of the tree), §7.6 (update
// paths), §7.9.2 (the committer's parent hash), §8 (commit_secret).
#include "securecomm/mls/treekem.h"

#include <algorithm>
#include <utility>

#include "securecomm/base/check.h"
#include "securecomm/crypto/hpke.h"
#include "securecomm/mls/encrypt_with_label.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/tree_validation.h"

#include "hpke_suite.h"

namespace sc::mls {
namespace {

constexpr std::string_view kUpdatePathNodeLabel = "UpdatePathNode";

// NodeKeyPair returns KEM.DeriveKeyPair(DeriveSecret(path_secret, "node")) (§7.4).
Result<crypto::X25519KeyPair> NodeKeyPair(const CipherSuite& suite, const Secret& path_secret) {
  const Secret node_secret = DeriveSecret(path_secret.Expose(), "node");
  auto kp = crypto::hpke::DeriveKeyPair(internal::HpkeSuite(suite), node_secret.Expose());
  if (!kp) return Fail(kp.error());
  return std::move(*kp);
}

Secret NextPathSecret(const Secret& path_secret) {
  return DeriveSecret(path_secret.Expose(), "path");
}

// CopathChild returns the child of p that is not above `leaf`.
NodeIndex CopathChild(NodeIndex p, LeafIndex leaf) {
  return leaf.node() < p ? Right(p) : Left(p);
}

bool IsUnder(LeafIndex leaf, NodeIndex x) {
  const uint32_t width = uint32_t{1} << Level(x);
  const uint32_t begin = (x.value + 1 - width) / 2;
  return leaf.value >= begin && leaf.value < begin + width;
}

Status CheckMember(const RatchetTree& tree, LeafIndex leaf) {
  if (leaf.value >= tree.leaf_count().value) return Fail(Errc::kInvalidLeafIndex);
  if (tree.leaf_node(leaf) == nullptr) return Fail(Errc::kBlankLeaf);
  return OkStatus();
}

}  // namespace

// ---- TreeKemPrivate ----------------------------------------------------------------------------

TreeKemPrivate::TreeKemPrivate(LeafIndex leaf, crypto::X25519KeyPair leaf_key) : leaf_(leaf) {
  keys_.emplace(leaf.node(), std::move(leaf_key));
}

TreeKemPrivate TreeKemPrivate::Clone() const {
  TreeKemPrivate out;
  out.leaf_ = leaf_;
  for (const auto& [x, kp] : keys_) out.keys_.emplace(x, kp.Clone());
  return out;
}

const crypto::X25519KeyPair* TreeKemPrivate::key(NodeIndex x) const {
  auto it = keys_.find(x);
  return it == keys_.end() ? nullptr : &it->second;
}

Status TreeKemPrivate::SetPathSecret(const CipherSuite& suite, NodeIndex x, const Secret& path_secret) {
  SC_CHECK(!x.is_leaf() && IsUnder(leaf_, x));
  auto kp = NodeKeyPair(suite, path_secret);
  if (!kp) return Fail(kp.error());
  keys_.insert_or_assign(x, std::move(*kp));
  return OkStatus();
}

void TreeKemPrivate::SetKey(NodeIndex x, crypto::X25519KeyPair key) {
  SC_CHECK(IsUnder(leaf_, x));
  keys_.insert_or_assign(x, std::move(key));
}

Status TreeKemPrivate::ImplantPathSecret(const CipherSuite& suite, const RatchetTree& tree,
                                         LeafIndex committer, NodeIndex at, const Secret& path_secret) {
  const std::vector<NodeIndex> fdp = tree.FilteredDirectPath(committer);
  auto it = std::find(fdp.begin(), fdp.end(), at);
  if (it == fdp.end() || !IsUnder(leaf_, at)) return Fail(Errc::kInvalidLeafIndex);
  std::vector<std::pair<NodeIndex, crypto::X25519KeyPair>> derived;
  Secret secret = path_secret.Clone();
  for (; it != fdp.end(); ++it) {
    auto kp = NodeKeyPair(suite, secret);
    if (!kp) return Fail(kp.error());
    const HpkePublicKey* pub = tree.encryption_key(*it);
    if (pub == nullptr || *pub != FromX25519(kp->public_key)) return Fail(Errc::kPathKeyMismatch);
    derived.emplace_back(*it, std::move(*kp));
    secret = NextPathSecret(secret);
  }
  for (auto& [x, kp] : derived) keys_.insert_or_assign(x, std::move(kp));
  return OkStatus();
}

Status TreeKemPrivate::ConsistentWith(const RatchetTree& tree) const {
  for (const auto& [x, kp] : keys_) {
    if (!InTree(x, tree.leaf_count())) return Fail(Errc::kPrivateKeyMismatch);
    const HpkePublicKey* pub = tree.encryption_key(x);
    if (pub == nullptr || *pub != FromX25519(kp.public_key)) return Fail(Errc::kPrivateKeyMismatch);
  }
  return OkStatus();
}

void TreeKemPrivate::Forget(std::span<const NodeIndex> nodes) {
  for (NodeIndex x : nodes) keys_.erase(x);
}

// ---- Creating an UpdatePath (§7.4, §7.5, §7.6) -------------------------------------------------

Result<CreatedPath> CreateUpdatePath(const CipherSuite& suite, RatchetTree& tree, LeafIndex me, LeafNode leaf,
                                     const crypto::Ed25519KeyPair& signer, GroupContext& ctx,
                                     std::span<const LeafIndex> new_members, Random& rng) {
  if (auto s = CheckMember(tree, me); !s) return Fail(s.error());
  Secret leaf_secret;
  rng.Fill(leaf_secret.MutableExpose());
  auto leaf_key = NodeKeyPair(suite, leaf_secret);
  if (!leaf_key) return Fail(leaf_key.error());

  // Path secrets and key pairs up the filtered direct path (§7.4).
  const std::vector<NodeIndex> fdp = tree.FilteredDirectPath(me);
  std::vector<std::pair<NodeIndex, Secret>> secrets;
  std::vector<crypto::X25519KeyPair> node_keys;
  std::vector<HpkePublicKey> node_pubs;
  Secret next = NextPathSecret(leaf_secret);
  for (NodeIndex x : fdp) {
    auto kp = NodeKeyPair(suite, next);
    if (!kp) return Fail(kp.error());
    node_pubs.push_back(FromX25519(kp->public_key));
    node_keys.push_back(std::move(*kp));
    Secret after = NextPathSecret(next);
    secrets.emplace_back(x, std::move(next));
    next = std::move(after);
  }
  Secret commit_secret = std::move(next);

  // Merge into the tree, then the new leaf with its parent hash, signed (§7.5, §7.9).
  auto parent_hash = tree.MergePath(me, node_pubs);
  if (!parent_hash) return Fail(parent_hash.error());
  leaf.encryption_key = FromX25519(leaf_key->public_key);
  leaf.leaf_node_source = LeafNodeSource::kCommit;
  leaf.lifetime = {};
  leaf.parent_hash = std::move(*parent_hash);
  if (auto s = leaf.Sign(signer, ctx.group_id, me); !s) return Fail(s.error());
  tree.SetLeaf(me, leaf);

  // The provisional GroupContext carries the new tree's hash (§12.4.2).
  auto tree_hash = tree.TreeHash();
  if (!tree_hash) return Fail(tree_hash.error());
  ctx.tree_hash.assign(tree_hash->span().begin(), tree_hash->span().end());
  auto ctx_bytes = ctx.Encode();
  if (!ctx_bytes) return Fail(ctx_bytes.error());

  // Each path secret to every node of its copath child's resolution, new members left out.
  UpdatePath path;
  path.leaf_node = std::move(leaf);
  for (size_t i = 0; i < fdp.size(); ++i) {
    UpdatePathNode node{node_pubs[i], {}};
    for (NodeIndex r : tree.Resolution(CopathChild(fdp[i], me), new_members)) {
      auto pk = ToX25519(*tree.encryption_key(r));
      if (!pk) return Fail(pk.error());
      auto ct =
          EncryptWithLabel(suite, *pk, kUpdatePathNodeLabel, *ctx_bytes, secrets[i].second.Expose(), rng);
      if (!ct) return Fail(ct.error());
      node.encrypted_path_secret.push_back(std::move(*ct));
    }
    path.nodes.push_back(std::move(node));
  }

  TreeKemPrivate keys(me, std::move(*leaf_key));
  for (size_t i = 0; i < fdp.size(); ++i) {
    keys.SetKey(fdp[i], std::move(node_keys[i]));
  }
  return CreatedPath{std::move(path), std::move(keys), std::move(commit_secret), std::move(secrets)};
}

// ---- Processing an UpdatePath (§7.5, §7.6, §7.9.2) ---------------------------------------------

Result<ProcessedPath> ProcessUpdatePath(const CipherSuite& suite, RatchetTree& tree,
                                        const TreeKemPrivate& mine, LeafIndex sender, const UpdatePath& path,
                                        GroupContext& ctx, std::span<const LeafIndex> new_members) {
  SC_CHECK(mine.leaf() != sender);
  if (auto s = CheckMember(tree, sender); !s) return Fail(s.error());
  const LeafNode& leaf = path.leaf_node;
  // §7.5: the new leaf follows the rules of an Update's, with source commit (§7.3).
  if (leaf.leaf_node_source != LeafNodeSource::kCommit) return Fail(Errc::kLeafNodeSourceMismatch);
  if (leaf.encryption_key == tree.leaf_node(sender)->encryption_key)
    return Fail(Errc::kEncryptionKeyNotFresh);
  if (auto s = ValidateLeafNode(leaf, ctx.group_id, sender); !s) return Fail(s.error());

  // §7.6: one UpdatePathNode per filtered-direct-path node, one ciphertext per resolution node.
  const std::vector<NodeIndex> fdp = tree.FilteredDirectPath(sender);
  if (path.nodes.size() != fdp.size()) return Fail(Errc::kUpdatePathLengthMismatch);
  std::vector<HpkePublicKey> pubs;
  size_t mine_at = fdp.size();  // the first node whose copath child holds our leaf
  std::vector<NodeIndex> mine_resolution;
  for (size_t i = 0; i < fdp.size(); ++i) {
    if (auto pk = ToX25519(path.nodes[i].encryption_key); !pk) return Fail(pk.error());
    const NodeIndex copath = CopathChild(fdp[i], sender);
    std::vector<NodeIndex> res = tree.Resolution(copath, new_members);
    if (path.nodes[i].encrypted_path_secret.size() != res.size()) return Fail(Errc::kCiphertextCountMismatch);
    if (mine_at == fdp.size() && IsUnder(mine.leaf(), copath)) {
      mine_at = i;
      mine_resolution = std::move(res);
    }
    pubs.push_back(path.nodes[i].encryption_key);
  }
  if (mine_at == fdp.size()) return Fail(Errc::kNoPathDecryptionKey);

  // Merge, and check the committer signed the parent hash the merged path gives (§7.9.2).
  auto parent_hash = tree.MergePath(sender, pubs);
  if (!parent_hash) return Fail(parent_hash.error());
  if (*parent_hash != leaf.parent_hash) return Fail(Errc::kParentHashMismatch);
  tree.SetLeaf(sender, leaf);
  // §7.3: keys are unique among the members; only the leaf and the path are new.
  std::vector<NodeIndex> changed = fdp;
  changed.push_back(sender.node());
  if (auto s = CheckKeysUniqueAt(tree, changed); !s) return Fail(s.error());
  auto tree_hash = tree.TreeHash();
  if (!tree_hash) return Fail(tree_hash.error());
  ctx.tree_hash.assign(tree_hash->span().begin(), tree_hash->span().end());
  auto ctx_bytes = ctx.Encode();
  if (!ctx_bytes) return Fail(ctx_bytes.error());

  // Decrypt with a key we hold in the resolution, then derive up the path (§7.5).
  size_t j = 0;
  while (j < mine_resolution.size() && mine.key(mine_resolution[j]) == nullptr) ++j;
  if (j == mine_resolution.size()) return Fail(Errc::kNoPathDecryptionKey);
  const HpkeCiphertext& ct = path.nodes[mine_at].encrypted_path_secret[j];
  auto plain = DecryptWithLabel(suite, *mine.key(mine_resolution[j]), kUpdatePathNodeLabel, *ctx_bytes,
                                ct.kem_output, ct.ciphertext);
  if (!plain) return Fail(plain.error());
  if (plain->size() != kHashSize) return Fail(Errc::kInvalidLength);
  Secret secret = Secret::FromSpan(std::span<const uint8_t, kHashSize>(plain->Expose().data(), kHashSize));
  Secret decrypted = secret.Clone();

  TreeKemPrivate keys = mine.Clone();
  const std::vector<NodeIndex> replaced = DirectPath(sender.node(), tree.leaf_count());
  keys.Forget(replaced);
  for (size_t i = mine_at; i < fdp.size(); ++i) {
    auto kp = NodeKeyPair(suite, secret);
    if (!kp) return Fail(kp.error());
    if (FromX25519(kp->public_key) != pubs[i]) return Fail(Errc::kPathKeyMismatch);
    keys.SetKey(fdp[i], std::move(*kp));
    secret = NextPathSecret(secret);
  }
  return ProcessedPath{std::move(keys), std::move(secret), std::move(decrypted), fdp[mine_at]};
}

}  // namespace sc::mls
