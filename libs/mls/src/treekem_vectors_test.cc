// treekem_vectors_test.cc: treekem.json (test-vectors.md "TreeKEM"): each member's private
// state is built from its leaf key and path secrets and checked against the tree; every other
// member processes each UpdatePath (the path secret it decrypts, the commit secret, the tree
// hash after, the merged tree's parent hashes); then the sender makes a fresh UpdatePath with
// CreateUpdatePath and every other member reaches its commit secret and the same tree.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/proposal.h"
#include "securecomm/mls/ratchet_tree.h"
#include "securecomm/mls/treekem.h"
#include "securecomm/mls/update_path.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;
using testing::ToSecret;

struct Member {
  TreeKemPrivate keys;
  crypto::Ed25519KeyPair signer;
};

Result<std::map<uint32_t, Member>> LoadMembers(const CipherSuite& suite, const RatchetTree& tree,
                                               const nlohmann::json& leaves) {
  std::map<uint32_t, Member> out;
  for (const auto& l : leaves) {
    auto priv = crypto::X25519PrivateKey::FromSpan(Hex(l.at("encryption_priv")));
    auto seed = crypto::Ed25519Seed::FromSpan(Hex(l.at("signature_priv")));
    if (!priv || !seed) return Fail(Errc::kInvalidKey);
    const LeafIndex index{l.at("index").get<uint32_t>()};
    TreeKemPrivate keys(index, crypto::X25519KeyPair::FromPrivate(std::move(*priv)));
    for (const auto& ps : l.at("path_secrets")) {
      auto secret = ToSecret(ps.at("path_secret"));
      if (!secret) return Fail(secret.error());
      if (auto s = keys.SetPathSecret(suite, NodeIndex{ps.at("node").get<uint32_t>()}, *secret); !s) {
        return Fail(s.error());
      }
    }
    if (auto s = keys.ConsistentWith(tree); !s) return Fail(s.error());
    out.emplace(index.value, Member{std::move(keys), crypto::Ed25519KeyPair::FromSeed(*seed)});
  }
  return out;
}

// Others returns the members other than `sender` whose leaf is not blank.
std::vector<uint32_t> Others(const RatchetTree& tree, const std::map<uint32_t, Member>& members,
                             LeafIndex sender) {
  std::vector<uint32_t> out;
  for (const auto& [j, m] : members) {
    if (j != sender.value && tree.leaf_node(LeafIndex{j}) != nullptr) out.push_back(j);
  }
  return out;
}

// Receiver: member j's view after processing `path`: its tree, GroupContext and result.
struct Receiver {
  RatchetTree tree;
  GroupContext ctx;
  ProcessedPath out;
};

// EachReceiver has every other member j process `path` from `sender` on copies of `tree` and
// `base`, then runs check(j, receiver); a refusal is a test failure naming `who`.
template <typename F>
bool EachReceiver(const CipherSuite& suite, const RatchetTree& tree,
                  const std::map<uint32_t, Member>& members, LeafIndex sender, const UpdatePath& path,
                  const GroupContext& base, const std::string& who, F&& check) {
  bool ok = true;
  for (uint32_t j : Others(tree, members, sender)) {
    RatchetTree t = tree;
    GroupContext ctx = base;
    auto out = ProcessUpdatePath(suite, t, members.at(j).keys, sender, path, ctx, {});
    if (!out) {
      ADD_FAILURE() << who << ", leaf " << j << ": " << out.error().name();
      ok = false;
      continue;
    }
    ok &= check(j, Receiver{std::move(t), std::move(ctx), std::move(*out)});
  }
  return ok;
}

bool CheckFilePath(const CipherSuite& suite, const RatchetTree& tree,
                   const std::map<uint32_t, Member>& members, const GroupContext& base,
                   const nlohmann::json& up) {
  const LeafIndex sender{up.at("sender").get<uint32_t>()};
  auto path = DecodeExact<UpdatePath>(Hex(up.at("update_path")));
  if (!path) {
    ADD_FAILURE() << "update_path: " << path.error().name();
    return false;
  }
  const std::string who = "sender " + std::to_string(sender.value);
  return EachReceiver(suite, tree, members, sender, *path, base, who, [&](uint32_t j, const Receiver& r) {
    bool ok = Same(r.out.path_secret.Expose(), Hex(up.at("path_secrets")[j]),
                   who + " path secret at " + std::to_string(j));
    ok &= Same(r.out.commit_secret.Expose(), Hex(up.at("commit_secret")), who + " commit secret");
    auto th = r.tree.TreeHash();
    ok &= th && Same(th->span(), Hex(up.at("tree_hash_after")), who + " tree_hash_after");
    ok &= r.tree.VerifyParentHashes().has_value();
    ok &= r.out.private_keys.ConsistentWith(r.tree).has_value();
    return ok;
  });
}

bool CheckOwnPath(const CipherSuite& suite, const RatchetTree& tree,
                  const std::map<uint32_t, Member>& members, const GroupContext& base, LeafIndex sender) {
  const std::string who = "own path of " + std::to_string(sender.value);
  RatchetTree created_tree = tree;
  GroupContext created_ctx = base;
  SystemRandom rng;
  auto created = CreateUpdatePath(suite, created_tree, sender, *tree.leaf_node(sender),
                                  members.at(sender.value).signer, created_ctx, {}, rng);
  if (!created) {
    ADD_FAILURE() << who << ": " << created.error().name();
    return false;
  }
  bool ok = created->private_keys.ConsistentWith(created_tree).has_value();
  ok &= created_tree.VerifyParentHashes().has_value();
  // It survives its own encoding.
  auto bytes = EncodeToBytes(created->path);
  auto path = bytes ? DecodeExact<UpdatePath>(*bytes) : Result<UpdatePath>(Fail(bytes.error()));
  if (!path) return false;
  ok &= EachReceiver(suite, tree, members, sender, *path, base, who, [&](uint32_t /*j*/, const Receiver& r) {
    return Same(r.out.commit_secret.Expose(), created->commit_secret.Expose(), who + " commit secret") &&
           r.tree == created_tree && r.ctx == created_ctx;
  });
  return ok;
}

bool CheckCase(const CipherSuite& suite, const nlohmann::json& c) {
  auto tree = RatchetTree::Decode(Hex(c.at("ratchet_tree")));
  if (!tree) {
    ADD_FAILURE() << "ratchet_tree: " << tree.error().name();
    return false;
  }
  auto members = LoadMembers(suite, *tree, c.at("leaves_private"));
  if (!members) {
    ADD_FAILURE() << "leaves_private: " << members.error().name();
    return false;
  }
  GroupContext base;
  base.cipher_suite = static_cast<uint16_t>(suite.id);
  base.group_id = Hex(c.at("group_id"));
  base.epoch = c.at("epoch").get<uint64_t>();
  base.confirmed_transcript_hash = Hex(c.at("confirmed_transcript_hash"));
  auto th = tree->TreeHash();
  if (!th) return false;
  base.tree_hash.assign(th->span().begin(), th->span().end());
  bool ok = true;
  for (const auto& up : c.at("update_paths")) {
    ok &= CheckFilePath(suite, *tree, *members, base, up);
    ok &= CheckOwnPath(suite, *tree, *members, base, LeafIndex{up.at("sender").get<uint32_t>()});
  }
  return ok;
}

TEST(MlsVectors, TreeKem) {
  testing::RunSuiteCases("treekem.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
