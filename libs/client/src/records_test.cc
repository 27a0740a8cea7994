#include "securecomm/client/records.h"

#include <gtest/gtest.h>

#include "securecomm/client/bundle.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/prekey.h"

namespace sc::client {
namespace {

Content SampleContent() {
  Content c;
  c.kind = Content::Kind::kSentCopy;
  for (size_t i = 0; i < c.message_id.size(); ++i) c.message_id[i] = static_cast<uint8_t>(i);
  c.sent_at_ms = 1'790'000'000'000;
  c.sender = "alice";
  c.peer = "bob";
  c.body = "meet at the north gate";
  return c;
}

TEST(ContentTest, RoundTripsAndRejectsEveryTruncation) {
  const Content c = SampleContent();
  const SecretBytes bytes = c.Encode();
  auto back = Content::Decode(bytes.Expose());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kind, c.kind);
  EXPECT_EQ(back->message_id, c.message_id);
  EXPECT_EQ(back->sent_at_ms, c.sent_at_ms);
  EXPECT_EQ(back->sender, "alice");
  EXPECT_EQ(back->peer, "bob");
  EXPECT_EQ(back->body, c.body);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = Content::Decode(bytes.Expose().subspan(0, n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error(), Errc::kMalformedRecord);
  }
  std::vector<uint8_t> longer(bytes.Expose().begin(), bytes.Expose().end());
  longer.push_back(0);
  EXPECT_EQ(Content::Decode(longer).error(), Errc::kMalformedRecord);
}

TEST(ContentTest, RejectsUnknownVersionKindAndInconsistentPeer) {
  const SecretBytes bytes = SampleContent().Encode();
  std::vector<uint8_t> b(bytes.Expose().begin(), bytes.Expose().end());
  b[0] = 2;
  EXPECT_FALSE(Content::Decode(b).has_value());
  b[0] = kContentVersion;
  b[1] = 9;
  EXPECT_FALSE(Content::Decode(b).has_value());
  Content text = SampleContent();
  text.kind = Content::Kind::kText;  // a text names no peer; this one does
  EXPECT_FALSE(Content::Decode(text.Encode().Expose()).has_value());
  Content no_sender = SampleContent();
  no_sender.sender.clear();
  EXPECT_FALSE(Content::Decode(no_sender.Encode().Expose()).has_value());
  Content big = SampleContent();
  big.body.assign(kMaxTextBytes + 1, 'x');
  EXPECT_FALSE(Content::Decode(big.Encode().Expose()).has_value());
}

// Every content kind has exactly one row, and every wire value without a row is refused.
TEST(ContentTest, EveryKindHasExactlyOneRow) {
  auto listed = [](Content::Kind k) {  // no default: a new kind fails to compile here (-Wswitch)
    switch (k) {
      case Content::Kind::kText:
      case Content::Kind::kSentCopy:
        return true;
    }
    return false;
  };
  size_t rows = 0;
  for (int v = 0; v < 256; ++v) {
    const ContentKindInfo* row = FindContentKind(static_cast<uint8_t>(v));
    if (row == nullptr) continue;
    ++rows;
    EXPECT_EQ(static_cast<int>(row->kind), v);
    EXPECT_TRUE(listed(row->kind));
    EXPECT_FALSE(row->name.empty());
  }
  EXPECT_EQ(rows, ContentKinds().size());
  EXPECT_EQ(rows, 2u);  // kText, kSentCopy: the cases listed above
  EXPECT_TRUE(FindContentKind(static_cast<uint8_t>(Content::Kind::kSentCopy))->own_account_only);
  EXPECT_FALSE(FindContentKind(static_cast<uint8_t>(Content::Kind::kText))->own_account_only);
}

TEST(ContactTest, RoundTripsAndTrustsOnlyListedKeys) {
  auto& rng = crypto::SystemCsprng();
  Contact c;
  c.username = "bob";
  c.account_id = 42;
  const auto k1 = crypto::Ed25519KeyPair::Generate(rng).public_key();
  const auto k2 = crypto::Ed25519KeyPair::Generate(rng).public_key();
  c.devices = {{1, k1}};
  c.pending = {{2, k2}};
  c.pending_account_id = 0;
  c.verified = true;
  c.added_ms = 123;
  auto back = Contact::Decode(c.Encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->username, "bob");
  EXPECT_EQ(back->devices, c.devices);
  EXPECT_EQ(back->pending, c.pending);
  EXPECT_TRUE(back->verified);
  EXPECT_TRUE(back->Trusts(1, k1));
  EXPECT_FALSE(back->Trusts(1, k2)) << "the right device with another key";
  EXPECT_FALSE(back->Trusts(2, k2)) << "a pending key is not trusted";
  auto bytes = c.Encode();
  bytes.pop_back();
  EXPECT_EQ(Contact::Decode(bytes).error(), Errc::kMalformedRecord);
}

TEST(AccountAndInboxTest, RoundTrip) {
  const std::string pw = "correct horse battery staple";
  Account a{"scp://x", "alice",
            SecretBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(pw.data()), pw.size())), 7,
            3};
  auto back = Account::Decode(a.Encode().Expose());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->username, "alice");
  EXPECT_TRUE(back->password == a.password);
  EXPECT_EQ(back->device_id, 3u);
  InboxEntry e;
  e.flags = InboxEntry::kIdentityWarning;
  e.relay_message_id = 99;
  e.sender = "bob";
  e.body = "hi";
  e.error = "";
  auto eb = InboxEntry::Decode(e.Encode().Expose());
  ASSERT_TRUE(eb.has_value());
  EXPECT_EQ(eb->flags, InboxEntry::kIdentityWarning);
  EXPECT_EQ(eb->relay_message_id, 99u);
  EXPECT_EQ(eb->body, "hi");
}

TEST(BundleTest, DecodesAValidBundleAndRefusesMalformedFields) {
  auto& rng = crypto::SystemCsprng();
  const auto id = crypto::Ed25519KeyPair::Generate(rng);
  const auto spk = e2e::SignedPrekeyPair::Generate(id, 5, rng);
  securecomm::relay::v1::FetchPrekeyBundleResponse r;
  auto str = [](auto span) { return std::string(span.begin(), span.end()); };
  r.set_identity_key(str(id.public_key().span()));
  r.mutable_signed_prekey()->set_id(5);
  r.mutable_signed_prekey()->set_public_key(str(spk.key_pair.public_key.span()));
  r.mutable_signed_prekey()->set_signature(str(spk.signature.span()));
  auto b = DecodeBundle(r);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->identity_key, id.public_key());
  EXPECT_FALSE(b->one_time_prekey.has_value());
  EXPECT_TRUE(b->signed_prekey.Verify(id.public_key()).has_value());
  auto bad = r;
  bad.mutable_signed_prekey()->set_signature("short");
  EXPECT_EQ(DecodeBundle(bad).error(), e2e::Errc::kMalformedMessage);
  bad = r;
  bad.clear_signed_prekey();
  EXPECT_EQ(DecodeBundle(bad).error(), e2e::Errc::kMalformedMessage);
  bad = r;
  bad.mutable_one_time_prekey()->set_public_key(std::string(31, 'x'));
  EXPECT_EQ(DecodeBundle(bad).error(), e2e::Errc::kMalformedMessage);
}

}  // namespace
}  // namespace sc::client
