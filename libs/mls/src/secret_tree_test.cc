// secret_tree_test.cc: the ratchets' behaviour beyond the vectors: a sender's Next matches a
// receiver's Get, out-of-order generations are served once, the forward bound, leaf bounds, and
// the deletion of node secrets as leaves are used (§9.2).
#include "securecomm/mls/secret_tree.h"

#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {
namespace {

const CipherSuite& Suite1() {
  return *CipherSuite::Find(0x0001).value();
}

Secret TestSecret(uint8_t fill) {
  Secret s;
  for (auto& b : s.MutableExpose()) b = fill;
  return s;
}

TEST(MlsSecretTree, SenderAndReceiverAgree) {
  SecretTree sender(Suite1(), TestSecret(7), LeafCount{4});
  SecretTree receiver(Suite1(), TestSecret(7), LeafCount{4});
  for (uint32_t j = 0; j < 3; ++j) {
    auto s = sender.Next(LeafIndex{3}, RatchetType::kApplication);
    auto r = receiver.Get(LeafIndex{3}, RatchetType::kApplication, j);
    ASSERT_TRUE(s && r);
    EXPECT_EQ(s->generation, j);
    EXPECT_TRUE(s->key == r->key && s->nonce == r->nonce);
    EXPECT_EQ(s->key.size(), 16U);
    EXPECT_EQ(s->nonce.size(), 12U);
  }
  // The handshake ratchet is separate and starts at 0.
  auto h = sender.Next(LeafIndex{3}, RatchetType::kHandshake);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->generation, 0U);
}

TEST(MlsSecretTree, OutOfOrderGenerationsAreServedOnce) {
  SecretTree tree(Suite1(), TestSecret(1), LeafCount{2});
  ASSERT_TRUE(tree.Get(LeafIndex{0}, RatchetType::kApplication, 5));
  ASSERT_TRUE(tree.Get(LeafIndex{0}, RatchetType::kApplication, 2));  // kept when 5 was reached
  EXPECT_EQ(tree.Get(LeafIndex{0}, RatchetType::kApplication, 2).error(), Errc::kGenerationConsumed);
  EXPECT_EQ(tree.Get(LeafIndex{0}, RatchetType::kApplication, 5).error(), Errc::kGenerationConsumed);
  EXPECT_TRUE(tree.Get(LeafIndex{0}, RatchetType::kApplication, 6));
  // A sender's Next moves past generations without keeping them.
  ASSERT_TRUE(tree.Next(LeafIndex{1}, RatchetType::kHandshake));
  EXPECT_EQ(tree.Get(LeafIndex{1}, RatchetType::kHandshake, 0).error(), Errc::kGenerationConsumed);
}

TEST(MlsSecretTree, ForwardRatchetIsBounded) {
  SecretTree tree(Suite1(), TestSecret(2), LeafCount{2});
  EXPECT_EQ(tree.Get(LeafIndex{0}, RatchetType::kApplication, kMaxForwardRatchet + 1).error(),
            Errc::kGenerationTooFarAhead);
  EXPECT_TRUE(tree.Get(LeafIndex{0}, RatchetType::kApplication, kMaxForwardRatchet));
  EXPECT_EQ(tree.Get(LeafIndex{0}, RatchetType::kApplication, UINT32_MAX).error(),
            Errc::kGenerationTooFarAhead);
}

TEST(MlsSecretTree, LeafOutsideTheTreeIsRefused) {
  SecretTree tree(Suite1(), TestSecret(3), LeafCount{4});
  EXPECT_EQ(tree.Get(LeafIndex{4}, RatchetType::kApplication, 0).error(), Errc::kInvalidLeafIndex);
  EXPECT_EQ(tree.Next(LeafIndex{UINT32_MAX}, RatchetType::kHandshake).error(), Errc::kInvalidLeafIndex);
}

TEST(MlsSecretTree, NodeSecretsAreDeletedAsTheyAreConsumed) {
  SecretTree tree(Suite1(), TestSecret(4), LeafCount{8});
  EXPECT_EQ(tree.held_node_secrets(), 1U);  // the root
  ASSERT_TRUE(tree.Next(LeafIndex{0}, RatchetType::kApplication));
  // Root and the path to leaf 0 are gone; the copath of leaf 0 (nodes 2, 5, 11) is held.
  EXPECT_EQ(tree.held_node_secrets(), 3U);
  ASSERT_TRUE(tree.Next(LeafIndex{1}, RatchetType::kApplication));
  EXPECT_EQ(tree.held_node_secrets(), 2U);
  for (uint32_t i = 2; i < 8; ++i) ASSERT_TRUE(tree.Next(LeafIndex{i}, RatchetType::kHandshake));
  EXPECT_EQ(tree.held_node_secrets(), 0U);
}

TEST(MlsSecretTree, ChaChaSuiteUses32ByteKeys) {
  SecretTree tree(*CipherSuite::Find(0x0003).value(), TestSecret(5), LeafCount{1});
  auto k = tree.Next(LeafIndex{0}, RatchetType::kApplication);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->key.size(), 32U);
}

}  // namespace
}  // namespace sc::mls
