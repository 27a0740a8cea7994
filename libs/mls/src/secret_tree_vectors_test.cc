// secret_tree_vectors_test.cc: secret-tree.json (test-vectors.md "Secret Tree"): sender-data key
// and nonce, and for every leaf the handshake and application key and nonce of each listed
// generation, taken from one SecretTree per case in the listed order (so later generations are
// reached by ratcheting forward past earlier ones).
#include <string>

#include <gtest/gtest.h>

#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/secret_tree.h"
#include "securecomm/mls/sender_data.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;
using testing::ToSecret;

bool CheckKeys(const Result<RatchetKeys>& got, const nlohmann::json& key, const nlohmann::json& nonce,
               const std::string& what) {
  if (!got) {
    ADD_FAILURE() << what << ": " << got.error().name();
    return false;
  }
  bool ok = Same(got->key.Expose(), Hex(key), what + " key");
  ok &= Same(got->nonce.Expose(), Hex(nonce), what + " nonce");
  return ok;
}

bool CheckCase(const CipherSuite& suite, const nlohmann::json& c) {
  const auto& sd = c.at("sender_data");
  auto sd_secret = ToSecret(sd.at("sender_data_secret"));
  auto enc_secret = ToSecret(c.at("encryption_secret"));
  auto n = LeafCount::Checked(c.at("leaves").size());
  if (!sd_secret || !enc_secret || !n) {
    ADD_FAILURE() << "malformed case";
    return false;
  }
  const SenderDataKeys sdk = DeriveSenderDataKeys(suite, *sd_secret, Hex(sd.at("ciphertext")));
  bool ok = Same(sdk.key.Expose(), Hex(sd.at("key")), "sender_data key");
  ok &= Same(sdk.nonce.Expose(), Hex(sd.at("nonce")), "sender_data nonce");

  SecretTree tree(suite, std::move(*enc_secret), *n);
  for (uint32_t i = 0; i < n->value; ++i) {
    for (const auto& g : c.at("leaves")[i]) {
      const auto gen = g.at("generation").get<uint32_t>();
      const std::string at = "leaf " + std::to_string(i) + " generation " + std::to_string(gen);
      ok &= CheckKeys(tree.Get(LeafIndex{i}, RatchetType::kHandshake, gen), g.at("handshake_key"),
                      g.at("handshake_nonce"), at + " handshake");
      ok &= CheckKeys(tree.Get(LeafIndex{i}, RatchetType::kApplication, gen), g.at("application_key"),
                      g.at("application_nonce"), at + " application");
      // A generation is served once (§9.2).
      ok &= !tree.Get(LeafIndex{i}, RatchetType::kApplication, gen).has_value();
    }
  }
  // Every leaf secret was consumed: no tree-node secret is left.
  EXPECT_EQ(tree.held_node_secrets(), 0U);
  ok &= tree.held_node_secrets() == 0;
  return ok;
}

TEST(MlsVectors, SecretTree) {
  testing::RunSuiteCases("secret-tree.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
