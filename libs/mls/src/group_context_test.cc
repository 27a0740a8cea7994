// group_context_test.cc: GroupContext and PreSharedKeyID decoders refuse what RFC 9420 calls
// malformed, each with its own code; the encodings round-trip. (The key-schedule vectors check
// GroupContext's encoding byte for byte.)
#include "securecomm/mls/group_context.h"

#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/errors.h"
#include "securecomm/mls/psk.h"

namespace sc::mls {
namespace {

GroupContext Sample() {
  GroupContext c;
  c.cipher_suite = 1;
  c.group_id = {1, 2, 3};
  c.epoch = 42;
  c.tree_hash = std::vector<uint8_t>(32, 0xaa);
  c.confirmed_transcript_hash = std::vector<uint8_t>(32, 0xbb);
  c.extensions = {Extension{3, {9, 9}}, Extension{0xff00, {}}};
  return c;
}

TEST(MlsGroupContext, RoundTrip) {
  const GroupContext c = Sample();
  auto bytes = c.Encode();
  ASSERT_TRUE(bytes);
  auto back = GroupContext::Decode(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
}

TEST(MlsGroupContext, RefusesOtherVersionsTrailingBytesAndTruncation) {
  std::vector<uint8_t> bytes = Sample().Encode().value();
  std::vector<uint8_t> v2 = bytes;
  v2[1] = 2;  // ProtocolVersion 2
  EXPECT_EQ(GroupContext::Decode(v2).error(), Errc::kUnsupportedVersion);
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(GroupContext::Decode(longer).error(), Errc::kTrailingData);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(GroupContext::Decode(std::span(bytes).first(n)).error(), Errc::kTruncated) << n;
  }
}

TEST(MlsPsk, PreSharedKeyIdRoundTripAndRefusals) {
  PreSharedKeyId r;
  r.psktype = PskType::kResumption;
  r.usage = ResumptionPskUsage::kBranch;
  r.psk_group_id = {7};
  r.psk_epoch = 9;
  r.psk_nonce = std::vector<uint8_t>(32, 1);
  Writer w;
  ASSERT_TRUE(r.Encode(w));
  std::vector<uint8_t> bytes = std::move(w).Take();
  Reader rd(bytes);
  auto back = PreSharedKeyId::Decode(rd);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(rd.Finish());

  std::vector<uint8_t> reserved_type = bytes;
  reserved_type[0] = 0;
  Reader r0(reserved_type);
  EXPECT_EQ(PreSharedKeyId::Decode(r0).error(), Errc::kInvalidPsk);
  std::vector<uint8_t> reserved_usage = bytes;
  reserved_usage[1] = 0;
  Reader r1(reserved_usage);
  EXPECT_EQ(PreSharedKeyId::Decode(r1).error(), Errc::kInvalidPsk);
}

TEST(MlsPsk, NoPskGivesTheZeroSecret) {
  auto s = ComputePskSecret({});
  ASSERT_TRUE(s);
  EXPECT_TRUE(*s == Secret());
}

}  // namespace
}  // namespace sc::mls
