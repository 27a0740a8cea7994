// key_package_test.cc: a KeyPackage we sign validates and round-trips; each §10.1 refusal has
// its own code.
#include "securecomm/mls/key_package.h"

#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/proposal.h"

namespace sc::mls {
namespace {

constexpr uint16_t kSuite = 1;

struct Fixture {
  DeterministicRandom rng{11};
  crypto::Ed25519KeyPair signer = crypto::Ed25519KeyPair::Generate(rng);

  KeyPackage Make() {
    KeyPackage kp;
    kp.cipher_suite = kSuite;
    kp.init_key = FromX25519(crypto::X25519KeyPair::Generate(rng).public_key);
    LeafNode& leaf = kp.leaf_node;
    leaf.encryption_key = FromX25519(crypto::X25519KeyPair::Generate(rng).public_key);
    leaf.signature_key = FromEd25519(signer.public_key());
    leaf.credential = Credential::Basic(std::vector<uint8_t>{'b', 'o', 'b'});
    leaf.capabilities.versions = {kProtocolVersionMls10};
    leaf.capabilities.cipher_suites = {kSuite};
    leaf.capabilities.credentials = {1};
    leaf.lifetime = {0, UINT64_MAX};
    EXPECT_TRUE(leaf.Sign(signer, {}, LeafIndex{}));
    EXPECT_TRUE(kp.Sign(signer));
    return kp;
  }
};

TEST(MlsKeyPackage, SignedValidatesAndRoundTrips) {
  Fixture f;
  const KeyPackage kp = f.Make();
  EXPECT_TRUE(kp.Validate(kProtocolVersionMls10, kSuite));
  auto bytes = EncodeToBytes(kp);
  ASSERT_TRUE(bytes);
  auto back = DecodeExact<KeyPackage>(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, kp);
  EXPECT_EQ(back->Ref().value(), kp.Ref().value());
}

TEST(MlsKeyPackage, Refusals) {
  Fixture f;
  EXPECT_EQ(f.Make().Validate(kProtocolVersionMls10, 3).error(), Errc::kKeyPackageMismatch);
  EXPECT_EQ(f.Make().Validate(2, kSuite).error(), Errc::kKeyPackageMismatch);

  KeyPackage kp = f.Make();
  kp.extensions.push_back(Extension{0x0a0a, {}});  // not signed
  EXPECT_EQ(kp.Validate(kProtocolVersionMls10, kSuite).error(), Errc::kBadSignature);

  kp = f.Make();
  kp.leaf_node.leaf_node_source = LeafNodeSource::kUpdate;
  EXPECT_EQ(kp.Validate(kProtocolVersionMls10, kSuite).error(), Errc::kLeafNodeSourceMismatch);

  kp = f.Make();
  kp.leaf_node.capabilities.credentials = {2};
  ASSERT_TRUE(kp.leaf_node.Sign(f.signer, {}, LeafIndex{}));
  ASSERT_TRUE(kp.Sign(f.signer));
  EXPECT_EQ(kp.Validate(kProtocolVersionMls10, kSuite).error(), Errc::kCredentialNotInCapabilities);

  kp = f.Make();
  kp.leaf_node.extensions = {Extension{0x0a0a, {}}};
  ASSERT_TRUE(kp.leaf_node.Sign(f.signer, {}, LeafIndex{}));
  ASSERT_TRUE(kp.Sign(f.signer));
  EXPECT_EQ(kp.Validate(kProtocolVersionMls10, kSuite).error(), Errc::kExtensionNotInCapabilities);
  kp.leaf_node.extensions = {Extension{0x0001, {}}};  // application_id: a default extension
  ASSERT_TRUE(kp.leaf_node.Sign(f.signer, {}, LeafIndex{}));
  ASSERT_TRUE(kp.Sign(f.signer));
  EXPECT_TRUE(kp.Validate(kProtocolVersionMls10, kSuite));

  kp = f.Make();
  kp.init_key = kp.leaf_node.encryption_key;
  ASSERT_TRUE(kp.Sign(f.signer));
  EXPECT_EQ(kp.Validate(kProtocolVersionMls10, kSuite).error(), Errc::kInitKeyIsEncryptionKey);

  kp = f.Make();
  kp.init_key.bytes.pop_back();
  ASSERT_TRUE(kp.Sign(f.signer));
  EXPECT_EQ(kp.Validate(kProtocolVersionMls10, kSuite).error(), Errc::kInvalidKey);
}

}  // namespace
}  // namespace sc::mls
