// framing_test.cc: the framing decoders (RFC 9420 §6) round-trip what they accept and refuse each
// malformed form with its own code. (message-protection.json and messages.json check the
// encodings against other implementations.)
#include "securecomm/mls/framing.h"

#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/errors.h"

namespace sc::mls {
namespace {

std::vector<uint8_t> Encoded(const MlsMessage& m) {
  auto bytes = EncodeToBytes(m);
  EXPECT_TRUE(bytes);
  return bytes.value_or(std::vector<uint8_t>{});
}

MlsMessage SamplePrivate() {
  MlsMessage m;
  m.wire_format = WireFormat::kPrivateMessage;
  m.private_message = {{1, 2}, 7, ContentType::kCommit, {3}, std::vector<uint8_t>(20, 4), {5, 6, 7}};
  return m;
}

MlsMessage SamplePublicRemove(SenderType sender) {
  MlsMessage m;
  m.wire_format = WireFormat::kPublicMessage;
  FramedContent& c = m.public_message.content;
  c.group_id = {9};
  c.epoch = 3;
  c.sender = {sender, sender == SenderType::kMember || sender == SenderType::kExternal ? 5U : 0U};
  c.content_type = ContentType::kProposal;
  c.proposal = Proposal::Make(ProposalType::kRemove, std::vector<uint8_t>{0, 0, 0, 1}).value();
  m.public_message.auth.signature = std::vector<uint8_t>(64, 0xab);
  if (sender == SenderType::kMember) m.public_message.membership_tag = std::vector<uint8_t>(32, 0xcd);
  return m;
}

TEST(MlsFraming, MessagesRoundTripByteForByte) {
  for (const MlsMessage& m :
       {SamplePrivate(), SamplePublicRemove(SenderType::kMember), SamplePublicRemove(SenderType::kExternal),
        SamplePublicRemove(SenderType::kNewMemberProposal)}) {
    const std::vector<uint8_t> bytes = Encoded(m);
    auto back = DecodeExact<MlsMessage>(bytes);
    ASSERT_TRUE(back) << back.error().name();
    EXPECT_EQ(Encoded(*back), bytes);
  }
}

TEST(MlsFraming, RefusesReservedAndUnknownEnumsEachWithItsCode) {
  std::vector<uint8_t> bytes = Encoded(SamplePrivate());
  auto with = [&](size_t at, uint8_t v) {
    std::vector<uint8_t> b = bytes;
    b[at] = v;
    return DecodeExact<MlsMessage>(b);
  };
  EXPECT_EQ(with(1, 2).error(), Errc::kUnsupportedVersion);
  EXPECT_EQ(with(3, 0).error(), Errc::kInvalidWireFormat);
  EXPECT_EQ(with(3, 6).error(), Errc::kInvalidWireFormat);
  // version(2) wire_format(2) group_id(1+2) epoch(8): content_type at 15.
  EXPECT_EQ(with(15, 0).error(), Errc::kInvalidContentType);
  EXPECT_EQ(with(15, 4).error(), Errc::kInvalidContentType);

  std::vector<uint8_t> pub = Encoded(SamplePublicRemove(SenderType::kMember));
  // version(2) wire_format(2) group_id(2) epoch(8): sender_type at 14.
  pub[14] = 5;
  EXPECT_EQ(DecodeExact<MlsMessage>(pub).error(), Errc::kInvalidSenderType);
  pub[14] = 0;
  EXPECT_EQ(DecodeExact<MlsMessage>(pub).error(), Errc::kInvalidSenderType);
}

TEST(MlsFraming, RefusesTruncationAtEveryLengthAndTrailingBytes) {
  for (const MlsMessage& m : {SamplePrivate(), SamplePublicRemove(SenderType::kMember)}) {
    std::vector<uint8_t> bytes = Encoded(m);
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto r = DecodeExact<MlsMessage>(std::span<const uint8_t>(bytes).first(n));
      ASSERT_FALSE(r) << n;
      EXPECT_EQ(r.error(), Errc::kTruncated) << n;
    }
    bytes.push_back(0);
    EXPECT_EQ(DecodeExact<MlsMessage>(bytes).error(), Errc::kTrailingData);
  }
}

TEST(MlsFraming, ProposalsAndCommitsRefuseWhatCannotBeDelimited) {
  // proposal_type 8 (not defined here): its body cannot be found.
  std::vector<uint8_t> unknown = {0, 8, 0, 0, 0, 1};
  Reader r(unknown);
  EXPECT_EQ(Proposal::Decode(r).error(), Errc::kUnsupportedProposalType);
  EXPECT_EQ(r.remaining(), unknown.size());  // a failed decode consumes nothing
  // ProposalOrRefType 0 and 3.
  for (uint8_t t : {0, 3}) {
    std::vector<uint8_t> commit = {0x02, t, 0x00, 0x00};
    EXPECT_EQ(DecodeExact<Commit>(commit).error(), Errc::kInvalidProposalOrRef);
  }
  // A Remove body of three bytes is not one uint32.
  EXPECT_EQ(Proposal::Make(ProposalType::kRemove, std::vector<uint8_t>{0, 0, 1}).error(), Errc::kTruncated);
  EXPECT_EQ(Proposal::Make(ProposalType::kRemove, std::vector<uint8_t>{0, 0, 0, 1, 0}).error(),
            Errc::kTrailingData);
  // A Commit by reference only, no path, round-trips.
  Commit c;
  c.proposals.push_back({ProposalOrRefType::kReference, {}, std::vector<uint8_t>(32, 7)});
  auto bytes = EncodeToBytes(c);
  ASSERT_TRUE(bytes);
  auto back = DecodeExact<Commit>(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
}

TEST(MlsFraming, PrivateMessageContentPaddingMustBeZero) {
  FramedContent c;
  c.content_type = ContentType::kApplication;
  c.application_data = SecretBytes(std::vector<uint8_t>{1, 2, 3});
  FramedContentAuthData auth{std::vector<uint8_t>(64, 9), {}};
  auto pt = EncodePrivateMessageContent(c, auth, 10);
  ASSERT_TRUE(pt);
  EXPECT_EQ(pt->size(), 1 + 3 + 2 + 64 + 10U);  // 64 needs a two-byte varint
  FramedContent back;
  back.content_type = ContentType::kApplication;
  auto got = DecodePrivateMessageContent(pt->Expose(), back);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, auth);
  EXPECT_TRUE(back.application_data == c.application_data);
  pt->MutableExpose()[pt->size() - 1] = 1;
  EXPECT_EQ(DecodePrivateMessageContent(pt->Expose(), back).error(), Errc::kNonZeroPadding);
}

TEST(MlsFraming, SenderDataIsExactlyTwelveBytes) {
  const SenderData d{3, 70000, {1, 2, 3, 4}};
  auto bytes = EncodeToBytes(d);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 12U);
  EXPECT_EQ(DecodeExact<SenderData>(*bytes).value(), d);
  EXPECT_EQ(DecodeExact<SenderData>(std::span<const uint8_t>(*bytes).first(11)).error(), Errc::kTruncated);
}

}  // namespace
}  // namespace sc::mls
