// message_protection_test.cc: each refusal of message protection (RFC 9420 §6) with its own code,
// and what a refusal leaves behind (the vectors, message-protection.json, check the accepted path
// against other implementations).
#include "securecomm/mls/message_protection.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/mls/errors.h"

namespace sc::mls {
namespace {

constexpr std::string_view kOk = "ok";

Secret Filled(uint8_t b) {
  Secret s;
  std::fill(s.MutableExpose().begin(), s.MutableExpose().end(), b);
  return s;
}

class MessageProtectionTest : public ::testing::Test {
 protected:
  MessageProtectionTest()
      : suite_(CipherSuite::Find(1).value()),
        key_(crypto::Ed25519KeyPair::FromSeed(
            crypto::Ed25519Seed::FromSpan(std::vector<uint8_t>(32, 3)).value())),
        membership_key_(Filled(1)),
        sender_data_secret_(Filled(2)) {
    ctx_.cipher_suite = 1;
    ctx_.group_id = {0x67, 0x69, 0x64};
    ctx_.epoch = 5;
    ctx_.tree_hash = std::vector<uint8_t>(32, 4);
    encoded_ctx_ = ctx_.Encode().value();
    lookup_ = [this](const FramedContent& c) -> Result<crypto::Ed25519PublicKey> {
      if (c.sender.sender_type == SenderType::kMember && blank_) return Fail(Errc::kBlankLeaf);
      return key_.public_key();
    };
  }

  SecretTree Tree(uint32_t leaves = 2) const { return SecretTree(*suite_, Filled(9), LeafCount{leaves}); }
  ProtectionEpoch Epoch(SecretTree& tree) const {
    return {suite_, &ctx_, encoded_ctx_, &membership_key_, &sender_data_secret_, &tree};
  }

  FramedContent Content(ContentType type, Sender sender = Sender::Member(1)) const {
    FramedContent c;
    c.group_id = ctx_.group_id;
    c.epoch = ctx_.epoch;
    c.sender = sender;
    c.content_type = type;
    if (type == ContentType::kApplication) c.application_data = SecretBytes(std::vector<uint8_t>{1, 2, 3});
    if (type == ContentType::kProposal) {
      c.proposal = Proposal::Make(ProposalType::kRemove, std::vector<uint8_t>{0, 0, 0, 0}).value();
    }
    return c;
  }

  AuthenticatedContent Signed(WireFormat f, FramedContent c) const {
    auto ac = SignContent(f, std::move(c), encoded_ctx_, key_);
    EXPECT_TRUE(ac);
    if (ac->content.content_type == ContentType::kCommit)
      ac->auth.confirmation_tag = std::vector<uint8_t>(32, 7);
    return std::move(*ac);
  }

  PrivateMessage Private(SecretTree& sender_tree, ContentType type = ContentType::kApplication,
                         uint32_t leaf = 1) {
    auto m = ProtectPrivate(Signed(WireFormat::kPrivateMessage, Content(type, Sender::Member(leaf))),
                            Epoch(sender_tree), rng_, 4);
    EXPECT_TRUE(m);
    return std::move(*m);
  }

  PublicMessage Public(ContentType type = ContentType::kProposal, Sender sender = Sender::Member(1)) {
    SecretTree unused = Tree();
    auto m = ProtectPublic(Signed(WireFormat::kPublicMessage, Content(type, sender)), Epoch(unused));
    EXPECT_TRUE(m) << m.error().name();
    return std::move(*m);
  }

  // The Unprotect*Error helpers return the refusal's name, or kOk.
  std::string_view UnprotectPrivateError(const PrivateMessage& m, SecretTree& tree) {
    auto r = UnprotectPrivate(m, Epoch(tree), lookup_);
    return r ? kOk : r.error().name();
  }
  std::string_view UnprotectPublicError(const PublicMessage& m) {
    SecretTree unused = Tree();
    auto r = UnprotectPublic(m, Epoch(unused), lookup_);
    return r ? kOk : r.error().name();
  }

  const CipherSuite* suite_;
  crypto::Ed25519KeyPair key_;
  GroupContext ctx_;
  std::vector<uint8_t> encoded_ctx_;
  Secret membership_key_;
  Secret sender_data_secret_;
  SignatureKeyLookup lookup_;
  bool blank_ = false;
  DeterministicRandom rng_{11};
};

TEST_F(MessageProtectionTest, PrivateRoundTripAndReplay) {
  SecretTree sender = Tree();
  SecretTree receiver = Tree();
  const PrivateMessage m = Private(sender);
  auto ac = UnprotectPrivate(m, Epoch(receiver), lookup_);
  ASSERT_TRUE(ac) << ac.error().name();
  EXPECT_EQ(ac->content.sender, Sender::Member(1));
  EXPECT_TRUE(ac->content.application_data == SecretBytes(std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(UnprotectPrivateError(m, receiver), ErrcName(Errc::kGenerationConsumed));
}

TEST_F(MessageProtectionTest, WrongGroupAndEpochsAreNamed) {
  SecretTree sender = Tree();
  SecretTree receiver = Tree();
  PrivateMessage m = Private(sender);
  PrivateMessage other = m;
  other.group_id.push_back(0);
  EXPECT_EQ(UnprotectPrivateError(other, receiver), ErrcName(Errc::kWrongGroup));
  other = m;
  other.epoch = 4;
  EXPECT_EQ(UnprotectPrivateError(other, receiver), ErrcName(Errc::kEpochInPast));
  other.epoch = 6;
  EXPECT_EQ(UnprotectPrivateError(other, receiver), ErrcName(Errc::kEpochInFuture));

  PublicMessage p = Public();
  p.content.epoch = 4;
  EXPECT_EQ(UnprotectPublicError(p), ErrcName(Errc::kEpochInPast));
  p.content.epoch = 6;
  EXPECT_EQ(UnprotectPublicError(p), ErrcName(Errc::kEpochInFuture));
}

TEST_F(MessageProtectionTest, TamperedPrivateMessagesAreRefused) {
  SecretTree sender = Tree();
  SecretTree receiver = Tree();
  const PrivateMessage m = Private(sender);
  PrivateMessage bad = m;
  bad.encrypted_sender_data[0] ^= 1;
  EXPECT_EQ(UnprotectPrivateError(bad, receiver), ErrcName(Errc::kDecryptFailed));
  bad = m;
  bad.ciphertext.back() ^= 1;  // the tag: the sample (first Nh bytes) is unchanged
  EXPECT_EQ(UnprotectPrivateError(bad, receiver), ErrcName(Errc::kDecryptFailed));
  bad = m;
  bad.authenticated_data = {1};  // bound by the content AAD only
  SecretTree receiver2 = Tree();
  EXPECT_EQ(UnprotectPrivateError(bad, receiver2), ErrcName(Errc::kDecryptFailed));
}

TEST_F(MessageProtectionTest, SenderOutsideTheTreeOrBlankIsRefusedBeforeTheRatchetMoves) {
  SecretTree sender = Tree(4);
  SecretTree receiver = Tree(2);
  EXPECT_EQ(UnprotectPrivateError(Private(sender, ContentType::kApplication, 3), receiver),
            ErrcName(Errc::kInvalidLeafIndex));

  SecretTree sender2 = Tree();
  const PrivateMessage m = Private(sender2);
  blank_ = true;
  EXPECT_EQ(UnprotectPrivateError(m, receiver), ErrcName(Errc::kBlankLeaf));
  blank_ = false;
  EXPECT_EQ(UnprotectPrivateError(m, receiver), kOk);  // generation 0 was not used up
}

TEST_F(MessageProtectionTest, BadSignatureIsRefusedAfterDecryption) {
  SecretTree sender = Tree();
  SecretTree receiver = Tree();
  auto ac = Signed(WireFormat::kPrivateMessage, Content(ContentType::kProposal));
  ac.auth.signature[0] ^= 1;
  auto m = ProtectPrivate(ac, Epoch(sender), rng_, 0);
  ASSERT_TRUE(m);
  EXPECT_EQ(UnprotectPrivateError(*m, receiver), ErrcName(Errc::kBadSignature));
}

TEST_F(MessageProtectionTest, OnlyMembersSendPrivateMessages) {
  SecretTree tree = Tree();
  auto ac = Signed(WireFormat::kPrivateMessage, Content(ContentType::kProposal, {SenderType::kExternal, 0}));
  EXPECT_EQ(ProtectPrivate(ac, Epoch(tree), rng_, 0).error(), Errc::kSenderNotMember);
  auto wrong_format = Signed(WireFormat::kPublicMessage, Content(ContentType::kProposal));
  EXPECT_EQ(ProtectPrivate(wrong_format, Epoch(tree), rng_, 0).error(), Errc::kInvalidWireFormat);
}

TEST_F(MessageProtectionTest, PublicMessageChecks) {
  EXPECT_EQ(UnprotectPublicError(Public()), kOk);
  EXPECT_EQ(UnprotectPublicError(Public(ContentType::kCommit)), kOk);

  PublicMessage bad = Public();
  bad.membership_tag[0] ^= 1;
  EXPECT_EQ(UnprotectPublicError(bad), ErrcName(Errc::kBadMembershipTag));
  bad = Public();
  bad.membership_tag.pop_back();
  EXPECT_EQ(UnprotectPublicError(bad), ErrcName(Errc::kBadMembershipTag));
  bad = Public();
  bad.auth.signature[0] ^= 1;
  bad.membership_tag = Public().membership_tag;  // a tag over the tampered auth would differ
  EXPECT_EQ(UnprotectPublicError(bad), ErrcName(Errc::kBadMembershipTag));

  // Application data is never public (§6), sent or received.
  SecretTree tree = Tree();
  auto app = Signed(WireFormat::kPublicMessage, Content(ContentType::kApplication));
  EXPECT_EQ(ProtectPublic(app, Epoch(tree)).error(), Errc::kPublicApplicationMessage);
  PublicMessage forged = Public();
  forged.content.content_type = ContentType::kApplication;
  EXPECT_EQ(UnprotectPublicError(forged), ErrcName(Errc::kPublicApplicationMessage));
}

TEST_F(MessageProtectionTest, SenderTypesSendOnlyWhatSection61Allows) {
  // External senders: allowed proposal types only, no commits; no membership tag.
  const PublicMessage ext = Public(ContentType::kProposal, {SenderType::kExternal, 0});
  EXPECT_TRUE(ext.membership_tag.empty());
  EXPECT_EQ(UnprotectPublicError(ext), kOk);
  PublicMessage forged = Public(ContentType::kProposal, {SenderType::kExternal, 0});
  forged.auth.signature[5] ^= 1;
  EXPECT_EQ(UnprotectPublicError(forged), ErrcName(Errc::kBadSignature));
  SecretTree tree = Tree();
  auto commit = Signed(WireFormat::kPublicMessage, Content(ContentType::kCommit, {SenderType::kExternal, 0}));
  EXPECT_EQ(ProtectPublic(commit, Epoch(tree)).error(), Errc::kContentTypeNotAllowed);
  // new_member_proposal: Add only (a Remove is refused).
  auto remove = Signed(WireFormat::kPublicMessage,
                       Content(ContentType::kProposal, {SenderType::kNewMemberProposal, 0}));
  EXPECT_EQ(ProtectPublic(remove, Epoch(tree)).error(), Errc::kContentTypeNotAllowed);
  // new_member_commit: commits only.
  auto prop =
      Signed(WireFormat::kPublicMessage, Content(ContentType::kProposal, {SenderType::kNewMemberCommit, 0}));
  EXPECT_EQ(ProtectPublic(prop, Epoch(tree)).error(), Errc::kContentTypeNotAllowed);
  EXPECT_EQ(UnprotectPublicError(Public(ContentType::kCommit, {SenderType::kNewMemberCommit, 0})), kOk);
}

}  // namespace
}  // namespace sc::mls
