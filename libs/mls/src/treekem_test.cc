// treekem_test.cc: TreeKEM in a group of our own: successive commits by different members
// (keys learned in one epoch decrypt the next; new members left out of the encryption), every
// ProcessUpdatePath refusal with its code, and ValidateTree on the trees the commits make, with
// the tree checks' refusals.
#include "securecomm/mls/treekem.h"

#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/encrypt_with_label.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/tree_validation.h"

namespace sc::mls {
namespace {

const CipherSuite& Suite() {
  return *CipherSuite::Find(1).value();
}

struct Member {
  crypto::Ed25519KeyPair signer;
  TreeKemPrivate keys;
};

// Group: a tree of members added from KeyPackage leaves, each holding only its leaf key.
struct Group {
  DeterministicRandom rng{5};
  RatchetTree tree{LeafNode{}};
  std::vector<Member> members;
  GroupContext ctx;

  explicit Group(int n) {
    ctx.cipher_suite = 1;
    ctx.group_id = {'g'};
    for (int i = 0; i < n; ++i) Add();
  }

  LeafNode NewLeaf(const crypto::Ed25519KeyPair& signer, const crypto::X25519KeyPair& key) {
    LeafNode leaf;
    leaf.encryption_key = FromX25519(key.public_key);
    leaf.signature_key = FromEd25519(signer.public_key());
    leaf.credential = Credential::Basic(std::vector<uint8_t>{static_cast<uint8_t>(members.size())});
    leaf.capabilities.credentials = {1};
    leaf.lifetime = {0, UINT64_MAX};
    EXPECT_TRUE(leaf.Sign(signer, {}, LeafIndex{}));
    return leaf;
  }

  LeafIndex Add() {
    auto signer = crypto::Ed25519KeyPair::Generate(rng);
    auto key = crypto::X25519KeyPair::Generate(rng);
    LeafNode leaf = NewLeaf(signer, key);
    LeafIndex at{0};
    if (members.empty()) {
      tree = RatchetTree(std::move(leaf));
    } else {
      at = tree.AddLeaf(std::move(leaf)).value();
    }
    EXPECT_EQ(at.value, members.size());
    members.push_back(Member{std::move(signer), TreeKemPrivate(at, std::move(key))});
    return at;
  }

  // Commit has member `from` make a path and every other member process it; returns the path.
  UpdatePath Commit(uint32_t from, std::vector<LeafIndex> new_members = {}) {
    RatchetTree next = tree;
    GroupContext next_ctx = ctx;
    ++next_ctx.epoch;
    auto created = CreateUpdatePath(Suite(), next, LeafIndex{from}, *tree.leaf_node(LeafIndex{from}),
                                    members[from].signer, next_ctx, new_members, rng);
    EXPECT_TRUE(created);
    for (uint32_t j = 0; j < members.size(); ++j) {
      if (j == from || std::count(new_members.begin(), new_members.end(), LeafIndex{j}) > 0) continue;
      RatchetTree t = tree;
      GroupContext c = ctx;
      ++c.epoch;
      auto out =
          ProcessUpdatePath(Suite(), t, members[j].keys, LeafIndex{from}, created->path, c, new_members);
      EXPECT_TRUE(out) << j << ": " << out.error().name();
      EXPECT_TRUE(out->commit_secret == created->commit_secret) << j;
      EXPECT_EQ(t, next);
      EXPECT_EQ(c, next_ctx);
      EXPECT_TRUE(out->private_keys.ConsistentWith(next));
      members[j].keys = std::move(out->private_keys);
    }
    members[from].keys = std::move(created->private_keys);
    tree = std::move(next);
    ctx = std::move(next_ctx);
    return created->path;
  }

  // Attempt has member j process `path` from `from` on a copy; returns the error or OkStatus.
  Status Attempt(uint32_t j, uint32_t from, const UpdatePath& path, std::vector<LeafIndex> new_members = {}) {
    RatchetTree t = tree;
    GroupContext c = ctx;
    ++c.epoch;
    auto out = ProcessUpdatePath(Suite(), t, members[j].keys, LeafIndex{from}, path, c, new_members);
    if (!out) return Fail(out.error());
    return OkStatus();
  }

  // WithWrongRootKey has `from` make a path whose root key is not its path secret's, consistent
  // otherwise (parent hash, signature, ciphertexts under the context of that tree).
  UpdatePath WithWrongRootKey(uint32_t from) {
    RatchetTree next = tree;
    GroupContext c = ctx;
    ++c.epoch;
    auto created = CreateUpdatePath(Suite(), next, LeafIndex{from}, *tree.leaf_node(LeafIndex{from}),
                                    members[from].signer, c, {}, rng)
                       .value();
    UpdatePath evil = created.path;
    evil.nodes.back().encryption_key = FromX25519(crypto::X25519KeyPair::Generate(rng).public_key);
    RatchetTree t = tree;
    std::vector<HpkePublicKey> keys;
    for (const auto& n : evil.nodes) keys.push_back(n.encryption_key);
    evil.leaf_node.parent_hash = t.MergePath(LeafIndex{from}, keys).value();
    EXPECT_TRUE(evil.leaf_node.Sign(members[from].signer, ctx.group_id, LeafIndex{from}));
    t.SetLeaf(LeafIndex{from}, evil.leaf_node);
    const auto hash = t.TreeHash().value();
    c.tree_hash.assign(hash.span().begin(), hash.span().end());
    const std::vector<uint8_t> context = c.Encode().value();
    const std::vector<NodeIndex> fdp = t.FilteredDirectPath(LeafIndex{from});
    for (size_t i = 0; i < fdp.size(); ++i) {
      auto& cts = evil.nodes[i].encrypted_path_secret;
      cts.clear();
      const NodeIndex copath = LeafIndex{from}.node() < fdp[i] ? Right(fdp[i]) : Left(fdp[i]);
      for (NodeIndex r : t.Resolution(copath)) {
        cts.push_back(EncryptWithLabel(Suite(), ToX25519(*t.encryption_key(r)).value(), "UpdatePathNode",
                                       context, created.path_secrets[i].second.Expose(), rng)
                          .value());
      }
    }
    return evil;
  }

  // Propose has `from` make a path on a copy without applying it.
  UpdatePath Propose(uint32_t from, std::vector<LeafIndex> new_members = {}) {
    RatchetTree next = tree;
    GroupContext next_ctx = ctx;
    ++next_ctx.epoch;
    return CreateUpdatePath(Suite(), next, LeafIndex{from}, *tree.leaf_node(LeafIndex{from}),
                            members[from].signer, next_ctx, new_members, rng)
        .value()
        .path;
  }
};

TEST(MlsTreeKem, SuccessiveCommitsAgreeAndTheTreeStaysValid) {
  Group g(6);
  g.Commit(0);
  g.Commit(5);
  g.Commit(2);
  EXPECT_TRUE(ValidateTree(g.tree, g.ctx.group_id, nullptr));
  // A new member is left out of the path's encryption: one ciphertext fewer than the
  // resolutions hold with it.
  const LeafIndex added = g.Add();
  size_t with_added = 0;
  for (NodeIndex x : g.tree.FilteredDirectPath(LeafIndex{3})) {
    const NodeIndex copath = LeafIndex{3}.node() < x ? Right(x) : Left(x);
    with_added += g.tree.Resolution(copath).size();
  }
  const UpdatePath path = g.Commit(3, {added});
  size_t ciphertexts = 0;
  for (const auto& n : path.nodes) ciphertexts += n.encrypted_path_secret.size();
  EXPECT_EQ(ciphertexts + 1, with_added);
  // The new member takes its keys from the path secret of its common ancestor with the
  // committer (what its Welcome carries).
  {
    Group h(4);
    h.Commit(0);
    const LeafIndex joiner = h.Add();
    RatchetTree next = h.tree;
    GroupContext c = h.ctx;
    auto created = CreateUpdatePath(Suite(), next, LeafIndex{2}, *h.tree.leaf_node(LeafIndex{2}),
                                    h.members[2].signer, c, std::vector<LeafIndex>{joiner}, h.rng);
    ASSERT_TRUE(created);
    const NodeIndex ancestor = CommonAncestor(joiner.node(), LeafIndex{2}.node());
    const Secret* secret = nullptr;
    for (const auto& [x, ps] : created->path_secrets) {
      if (x == ancestor) secret = &ps;
    }
    ASSERT_NE(secret, nullptr);
    TreeKemPrivate& keys = h.members[joiner.value].keys;
    EXPECT_EQ(keys.ImplantPathSecret(Suite(), next, LeafIndex{2}, NodeIndex{1}, *secret).error(),
              Errc::kInvalidLeafIndex);
    Secret wrong = secret->Clone();
    wrong.MutableExpose()[0] ^= 1;
    EXPECT_EQ(keys.ImplantPathSecret(Suite(), next, LeafIndex{2}, ancestor, wrong).error(),
              Errc::kPathKeyMismatch);
    ASSERT_TRUE(keys.ImplantPathSecret(Suite(), next, LeafIndex{2}, ancestor, *secret));
    EXPECT_TRUE(keys.ConsistentWith(next));
    EXPECT_EQ(keys.size(), 2U);  // its leaf and the root
  }
  auto hash = g.tree.TreeHash();
  ASSERT_TRUE(hash);
  EXPECT_TRUE(ValidateTree(g.tree, g.ctx.group_id, &*hash));
  g.Commit(1);
  EXPECT_TRUE(ValidateTree(g.tree, g.ctx.group_id, nullptr));
}

TEST(MlsTreeKem, ProcessRefusals) {
  Group g(5);
  g.Commit(0);
  const UpdatePath good = g.Propose(4);
  ASSERT_TRUE(g.Attempt(1, 4, good));

  EXPECT_EQ(g.Attempt(1, 9, good).error(), Errc::kInvalidLeafIndex);
  EXPECT_EQ(g.Attempt(1, 7, good).error(), Errc::kBlankLeaf);
  UpdatePath p = good;
  p.leaf_node.leaf_node_source = LeafNodeSource::kUpdate;
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kLeafNodeSourceMismatch);
  p = good;
  p.leaf_node.encryption_key = g.tree.leaf_node(LeafIndex{4})->encryption_key;
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kEncryptionKeyNotFresh);
  p = good;
  p.leaf_node.signature.back() ^= 1;
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kBadSignature);
  p = good;
  p.nodes.pop_back();
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kUpdatePathLengthMismatch);
  p = good;
  p.nodes.back().encrypted_path_secret.pop_back();
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kCiphertextCountMismatch);
  p = good;
  p.nodes.front().encryption_key.bytes[0] ^= 1;  // covered by the leaf's parent hash
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kParentHashMismatch);
  // A leaf reusing another member's signature key, signed consistently.
  p = good;
  p.leaf_node.signature_key = g.tree.leaf_node(LeafIndex{2})->signature_key;
  ASSERT_TRUE(p.leaf_node.Sign(g.members[4].signer, g.ctx.group_id, LeafIndex{4}));
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kBadSignature);  // signed by the wrong key
  ASSERT_TRUE(p.leaf_node.Sign(g.members[2].signer, g.ctx.group_id, LeafIndex{4}));
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kDuplicateSignatureKey);
  p = good;
  p.nodes.back().encrypted_path_secret.front().ciphertext[0] ^= 1;
  EXPECT_EQ(g.Attempt(1, 4, p).error(), Errc::kDecryptFailed);

  // A committer that sends a root key other than its path secret's, signing the matching parent
  // hash and encrypting under the matching context: members see it when they derive the key.
  EXPECT_EQ(g.Attempt(1, 4, g.WithWrongRootKey(4)).error(), Errc::kPathKeyMismatch);

  // A member that lost the path keys of the last epoch cannot open what is sent to them.
  g.members[1].keys.Forget(DirectPath(LeafIndex{1}.node(), g.tree.leaf_count()));
  EXPECT_EQ(g.Attempt(1, 4, good).error(), Errc::kNoPathDecryptionKey);

  // Leaving out a member the committer did not (or the reverse) changes the ciphertext count.
  const LeafIndex added = g.Add();
  const UpdatePath with_new = g.Propose(2, {added});
  EXPECT_TRUE(g.Attempt(3, 2, with_new, {added}));
  EXPECT_EQ(g.Attempt(3, 2, with_new).error(), Errc::kCiphertextCountMismatch);

  // A blank sender.
  ASSERT_TRUE(g.tree.RemoveLeaf(LeafIndex{2}));
  EXPECT_EQ(g.Attempt(3, 2, with_new).error(), Errc::kBlankLeaf);
}

TEST(MlsTreeKem, PrivateKeysMustMatchTheTree) {
  Group g(3);
  g.Commit(0);
  EXPECT_TRUE(g.members[1].keys.ConsistentWith(g.tree));
  TreeKemPrivate stale = g.members[1].keys.Clone();
  g.Commit(2);
  EXPECT_EQ(stale.ConsistentWith(g.tree).error(), Errc::kPrivateKeyMismatch);
}

TEST(MlsTreeValidation, Refusals) {
  Group g(5);
  g.Commit(0);
  g.Commit(3);
  ASSERT_TRUE(ValidateTree(g.tree, g.ctx.group_id, nullptr));
  crypto::Sha256Digest wrong{};
  EXPECT_EQ(ValidateTree(g.tree, g.ctx.group_id, &wrong).error(), Errc::kTreeHashMismatch);
  // The committers' leaves are signed for this group and position only.
  EXPECT_EQ(ValidateTree(g.tree, std::vector<uint8_t>{'h'}, nullptr).error(), Errc::kBadSignature);
  EXPECT_EQ(ValidateLeafNode(*g.tree.leaf_node(LeafIndex{3}), g.ctx.group_id, LeafIndex{2}).error(),
            Errc::kBadSignature);
  // A changed parent key breaks the chain.
  RatchetTree t = g.tree;
  ParentNode root = *t.parent_node(Root(t.leaf_count()));
  root.encryption_key.bytes[1] ^= 1;
  t.SetParent(Root(t.leaf_count()), root);
  EXPECT_EQ(ValidateTree(t, g.ctx.group_id, nullptr).error(), Errc::kParentHashInvalid);
  // Keys appear once.
  t = g.tree;
  LeafNode leaf = *t.leaf_node(LeafIndex{1});
  leaf.encryption_key = t.leaf_node(LeafIndex{2})->encryption_key;
  t.SetLeaf(LeafIndex{1}, leaf);
  EXPECT_EQ(CheckUniqueKeys(t).error(), Errc::kDuplicateEncryptionKey);
  leaf = *g.tree.leaf_node(LeafIndex{1});
  leaf.signature_key = t.leaf_node(LeafIndex{2})->signature_key;
  t.SetLeaf(LeafIndex{1}, leaf);
  EXPECT_EQ(CheckUniqueKeys(t).error(), Errc::kDuplicateSignatureKey);
  // CheckKeysUniqueAt looks at the changed nodes only.
  t = g.tree;
  leaf = *t.leaf_node(LeafIndex{1});
  leaf.encryption_key = t.parent_node(Root(t.leaf_count()))->encryption_key;
  t.SetLeaf(LeafIndex{1}, leaf);
  EXPECT_TRUE(CheckKeysUniqueAt(t, std::vector<NodeIndex>{NodeIndex{0}}));
  EXPECT_EQ(CheckKeysUniqueAt(t, std::vector<NodeIndex>{NodeIndex{2}}).error(),
            Errc::kDuplicateEncryptionKey);
  EXPECT_EQ(CheckKeysUniqueAt(t, std::vector<NodeIndex>{Root(t.leaf_count())}).error(),
            Errc::kDuplicateEncryptionKey);
  // Unmerged leaves: a member, below the node, listed by every non-blank parent between.
  const NodeIndex root_index = Root(g.tree.leaf_count());
  t = g.tree;
  root = *t.parent_node(root_index);
  root.unmerged_leaves = {LeafIndex{6}};  // blank
  t.SetParent(root_index, root);
  EXPECT_EQ(CheckUnmergedLeaves(t).error(), Errc::kInvalidUnmergedLeaf);
  t = g.tree;
  ParentNode low = *t.parent_node(NodeIndex{1});  // above leaves 0 and 1
  low.unmerged_leaves = {LeafIndex{2}};           // not below it
  t.SetParent(NodeIndex{1}, low);
  EXPECT_EQ(CheckUnmergedLeaves(t).error(), Errc::kInvalidUnmergedLeaf);
  t = g.tree;
  root = *t.parent_node(root_index);
  root.unmerged_leaves = {LeafIndex{1}};  // the parents between leaf 1 and the root do not list it
  t.SetParent(root_index, root);
  ASSERT_NE(t.parent_node(NodeIndex{3}), nullptr);
  EXPECT_EQ(CheckUnmergedLeaves(t).error(), Errc::kInvalidUnmergedLeaf);
}

}  // namespace
}  // namespace sc::mls
