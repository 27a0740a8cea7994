// passive_client_vectors_test.cc: passive-client-welcome.json, passive-client-handling-commit.json
// and passive-client-random.json (test-vectors.md "Passive Client Scenarios"): join from the
// KeyPackage and Welcome (the tree from the Welcome or the vector, the external PSKs given),
// reach initial_epoch_authenticator, then for each epoch handle its proposals and its Commit
// with Group::Handle and reach the stated epoch_authenticator. Suites 1 and 3 run; the others
// are counted and skipped. The vectors carry no clock: `now` is inside the joiner's KeyPackage
// lifetime.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/errors.h"
#include "securecomm/mls/group.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;

bool SameSecret(const Secret& got, const nlohmann::json& want, const std::string& what) {
  return testing::Same(got.Expose(), Hex(want), what);
}

bool RunPassiveClient(const CipherSuite& suite, const nlohmann::json& c) {
  auto kp_msg = DecodeExact<MlsMessage>(Hex(c.at("key_package")));
  auto w_msg = DecodeExact<MlsMessage>(Hex(c.at("welcome")));
  if (!kp_msg || !w_msg) return false;
  auto kp = DecodeExact<KeyPackage>(kp_msg->body);
  auto welcome = DecodeExact<Welcome>(w_msg->body);
  auto sig = crypto::Ed25519Seed::FromSpan(Hex(c.at("signature_priv")));
  auto enc = crypto::X25519PrivateKey::FromSpan(Hex(c.at("encryption_priv")));
  auto init = crypto::X25519PrivateKey::FromSpan(Hex(c.at("init_priv")));
  if (!kp || !welcome || !sig || !enc || !init) {
    ADD_FAILURE() << "undecodable inputs";
    return false;
  }
  MemberKeys keys{crypto::Ed25519KeyPair::FromSeed(*sig),
                  crypto::X25519KeyPair::FromPrivate(std::move(*enc))};
  const auto init_key = crypto::X25519KeyPair::FromPrivate(std::move(*init));
  if (FromEd25519(keys.signer.public_key()) != kp->leaf_node.signature_key ||
      FromX25519(keys.leaf_key.public_key) != kp->leaf_node.encryption_key ||
      FromX25519(init_key.public_key) != kp->init_key) {
    ADD_FAILURE() << "private keys do not match the KeyPackage";
    return false;
  }
  auto psks = std::make_shared<ExternalPsks>();
  for (const auto& p : c.at("external_psks"))
    psks->emplace(Hex(p.at("psk_id")), SecretBytes(Hex(p.at("psk"))));
  std::optional<RatchetTree> tree;
  if (!c.at("ratchet_tree").is_null()) {
    auto t = RatchetTree::Decode(Hex(c.at("ratchet_tree")));
    if (!t) {
      ADD_FAILURE() << "ratchet_tree: " << t.error().name();
      return false;
    }
    tree = std::move(*t);
  }
  auto group = Group::Join(*welcome, *kp, init_key, std::move(keys), tree ? &*tree : nullptr, psks);
  if (!group) {
    ADD_FAILURE() << "join: " << group.error().name();
    return false;
  }
  (void)suite;
  if (!SameSecret(group->epoch_authenticator(), c.at("initial_epoch_authenticator"),
                  "initial epoch_authenticator"))
    return false;
  const uint64_t now = kp->leaf_node.lifetime.not_before + 1;
  size_t n = 0;
  for (const auto& e : c.at("epochs")) {
    for (const auto& p : e.at("proposals")) {
      auto m = DecodeExact<MlsMessage>(Hex(p));
      auto r = m ? group->Handle(*m, now) : Result<Received>(Fail(m.error()));
      if (!r) {
        ADD_FAILURE() << "epoch " << n << " proposal: " << r.error().name();
        return false;
      }
    }
    auto m = DecodeExact<MlsMessage>(Hex(e.at("commit")));
    auto r = m ? group->Handle(*m, now) : Result<Received>(Fail(m.error()));
    if (!r) {
      ADD_FAILURE() << "epoch " << n << " commit: " << r.error().name();
      return false;
    }
    if (!SameSecret(group->epoch_authenticator(), e.at("epoch_authenticator"),
                    "epoch " + std::to_string(n) + " epoch_authenticator"))
      return false;
    ++n;
  }
  return true;
}

TEST(MlsVectors, PassiveClientWelcome) {
  testing::RunSuiteCases("passive-client-welcome.json", RunPassiveClient);
}

TEST(MlsVectors, PassiveClientHandlingCommit) {
  testing::RunSuiteCases("passive-client-handling-commit.json", RunPassiveClient);
}

TEST(MlsVectors, PassiveClientRandom) {
  testing::RunSuiteCases("passive-client-random.json", RunPassiveClient);
}

}  // namespace
}  // namespace sc::mls
