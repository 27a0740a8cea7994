// leaf_node_test.cc: LeafNode and Credential encode and decode byte for byte, the LeafNodeTBS
// signature binds the group and leaf index for the update and commit sources only, and the
// decoders refuse reserved sources, unknown credential types and truncation, one code each.
#include "securecomm/mls/leaf_node.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/errors.h"

namespace sc::mls {
namespace {

LeafNode Sample(const crypto::Ed25519KeyPair& signer, LeafNodeSource source) {
  DeterministicRandom rng(7);
  LeafNode n;
  n.encryption_key = FromX25519(crypto::X25519KeyPair::Generate(rng).public_key);
  n.signature_key = FromEd25519(signer.public_key());
  n.credential = Credential::Basic(std::vector<uint8_t>{'a', 'l', 'i', 'c', 'e'});
  n.capabilities.versions = {1};
  n.capabilities.cipher_suites = {1, 3};
  n.capabilities.extensions = {0x0a0a};
  n.capabilities.credentials = {1};
  n.leaf_node_source = source;
  if (source == LeafNodeSource::kKeyPackage) n.lifetime = {100, 200};
  if (source == LeafNodeSource::kCommit) n.parent_hash = std::vector<uint8_t>(32, 0x11);
  n.extensions = {Extension{0x0a0a, {1, 2}}};
  return n;
}

std::vector<uint8_t> Encode(const LeafNode& n) {
  Writer w;
  EXPECT_TRUE(n.Encode(w));
  return std::move(w).Take();
}

Result<LeafNode> DecodeAll(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  auto n = LeafNode::Decode(r);
  if (n) {
    if (auto s = r.Finish(); !s) return Fail(s.error());
  }
  return n;
}

TEST(MlsLeafNode, RoundTripsEverySource) {
  DeterministicRandom rng(1);
  const auto signer = crypto::Ed25519KeyPair::Generate(rng);
  for (auto source : {LeafNodeSource::kKeyPackage, LeafNodeSource::kUpdate, LeafNodeSource::kCommit}) {
    LeafNode n = Sample(signer, source);
    ASSERT_TRUE(n.Sign(signer, std::vector<uint8_t>{9}, LeafIndex{2}));
    auto back = DecodeAll(Encode(n));
    ASSERT_TRUE(back) << static_cast<int>(source);
    EXPECT_EQ(*back, n);
  }
}

TEST(MlsLeafNode, SignatureBindsGroupAndLeafForUpdateAndCommit) {
  DeterministicRandom rng(2);
  const auto signer = crypto::Ed25519KeyPair::Generate(rng);
  const std::vector<uint8_t> group{1, 2, 3};
  const std::vector<uint8_t> other_group{1, 2, 4};
  for (auto source : {LeafNodeSource::kUpdate, LeafNodeSource::kCommit}) {
    LeafNode n = Sample(signer, source);
    ASSERT_TRUE(n.Sign(signer, group, LeafIndex{5}));
    EXPECT_TRUE(n.VerifySignature(group, LeafIndex{5}));
    EXPECT_EQ(n.VerifySignature(other_group, LeafIndex{5}).error(), Errc::kBadSignature);
    EXPECT_EQ(n.VerifySignature(group, LeafIndex{4}).error(), Errc::kBadSignature);
  }
  // A KeyPackage's leaf is signed without group context: any group and index verify.
  LeafNode kp = Sample(signer, LeafNodeSource::kKeyPackage);
  ASSERT_TRUE(kp.Sign(signer, group, LeafIndex{5}));
  EXPECT_TRUE(kp.VerifySignature(other_group, LeafIndex{0}));
  // Every field is covered.
  kp.lifetime.not_after += 1;
  EXPECT_EQ(kp.VerifySignature(group, LeafIndex{5}).error(), Errc::kBadSignature);
  // A signature key that is not an Ed25519 key.
  kp.signature_key.bytes.pop_back();
  EXPECT_EQ(kp.VerifySignature(group, LeafIndex{5}).error(), Errc::kInvalidKey);
}

TEST(MlsLeafNode, RefusesReservedSourceUnknownCredentialAndTruncation) {
  DeterministicRandom rng(3);
  const auto signer = crypto::Ed25519KeyPair::Generate(rng);
  LeafNode n = Sample(signer, LeafNodeSource::kUpdate);
  ASSERT_TRUE(n.Sign(signer, {}, LeafIndex{0}));
  const std::vector<uint8_t> bytes = Encode(n);
  // encryption_key (1 + 32), signature_key (1 + 32), then credential_type (2 bytes).
  const size_t cred_at = 66;
  ASSERT_EQ(bytes[cred_at + 1], 1);
  std::vector<uint8_t> bad = bytes;
  bad[cred_at + 1] = 3;
  EXPECT_EQ(DecodeAll(bad).error(), Errc::kUnsupportedCredentialType);
  // credential: type 2 + identity 1 + 5; capabilities: 3 + 5 + 3 + 1 + 3 = 15.
  const size_t source_at = cred_at + 8 + 15;
  ASSERT_EQ(bytes[source_at], 2);
  for (uint8_t source : {0, 4, 255}) {
    bad = bytes;
    bad[source_at] = source;
    EXPECT_EQ(DecodeAll(bad).error(), Errc::kInvalidLeafNodeSource) << int{source};
  }
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_EQ(DecodeAll(std::span(bytes).first(len)).error(), Errc::kTruncated) << len;
  }
  bad = bytes;
  bad.push_back(0);
  EXPECT_EQ(DecodeAll(bad).error(), Errc::kTrailingData);
}

TEST(MlsCredential, X509RoundTrips) {
  Credential c;
  c.credential_type = CredentialType::kX509;
  c.certificates = {{1, 2, 3}, {}, {4}};
  Writer w;
  ASSERT_TRUE(c.Encode(w));
  const std::vector<uint8_t> bytes = std::move(w).Take();
  EXPECT_EQ(bytes, (std::vector<uint8_t>{0, 2, 7, 3, 1, 2, 3, 0, 1, 4}));
  Reader r(bytes);
  auto back = Credential::Decode(r);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
}

TEST(MlsCredential, DeviceIdentityEncoding) {
  const DeviceIdentity id{0x0102030405060708, 0x0a0b0c0d};
  const std::vector<uint8_t> bytes = id.Encode();
  const std::string prefix = "securecomm/1";
  ASSERT_EQ(bytes.size(), 24u);
  EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), bytes.begin()));
  EXPECT_EQ(bytes[12], 0x01);
  EXPECT_EQ(bytes[23], 0x0d);
  EXPECT_EQ(DeviceIdentity::Decode(bytes).value(), id);
  std::vector<uint8_t> bad = bytes;
  bad[0] = 'S';
  EXPECT_EQ(DeviceIdentity::Decode(bad).error(), Errc::kInvalidIdentity);
  bad = bytes;
  bad.push_back(0);
  EXPECT_EQ(DeviceIdentity::Decode(bad).error(), Errc::kInvalidIdentity);
  EXPECT_EQ(DeviceIdentity::Decode(std::span(bytes).first(23)).error(), Errc::kInvalidIdentity);
}

}  // namespace
}  // namespace sc::mls
