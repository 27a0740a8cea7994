// Session (session.h): prekey messages until the first reply, Accept's prekey checks, sessions
// that do not match, tampered initial messages.
#include "securecomm/e2e/session.h"

#include <gtest/gtest.h>

#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/limits.h"

#include "e2e_test_util.h"

namespace sc::e2e {
namespace {

using testing::Bytes;
using testing::Device;
using testing::ToBytes;
using testing::ToString;

struct Pending {
  Device alice;
  Device bob;
  Session session;  // Alice's, before any reply
};

Pending Begin(Random& rng, bool with_one_time_prekey = true) {
  Device a = Device::Make(rng, with_one_time_prekey), b = Device::Make(rng, with_one_time_prekey);
  auto s = Session::Initiate(a.identity, b.Bundle(), b.identity.public_key(), rng);
  EXPECT_TRUE(s.has_value());
  return Pending{std::move(a), std::move(b), std::move(*s)};
}

PrekeyMessage DecodePrekey(const Bytes& wire) {
  auto m = PrekeyMessage::Decode(wire);
  EXPECT_TRUE(m.has_value());
  return std::move(*m);
}

TEST(Session, InitiatorSendsPrekeyMessagesUntilItDecryptsAReply) {
  DeterministicRandom rng(30);
  Pending p = Begin(rng);
  EXPECT_EQ(p.session.role(), Role::kInitiator);
  EXPECT_TRUE(p.session.awaiting_reply());
  const Bytes m1 = *p.session.Encrypt(ToBytes("one"));
  const Bytes m2 = *p.session.Encrypt(ToBytes("two"));
  EXPECT_EQ(*PeekMessageType(m1), MessageType::kPrekey);
  EXPECT_EQ(*PeekMessageType(m2), MessageType::kPrekey);

  // The second arrives first: Bob starts the session from it, then takes the first in the session.
  auto accepted = Session::Accept(p.bob.identity, p.bob.signed_prekey, p.bob.opk(), DecodePrekey(m2), rng);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(ToString(accepted->plaintext), "two");
  Session& bob = accepted->session;
  EXPECT_EQ(bob.role(), Role::kResponder);
  EXPECT_EQ(bob.remote_identity(), p.alice.identity.public_key());
  EXPECT_EQ(bob.associated_data(), p.session.associated_data());
  EXPECT_TRUE(bob.BelongsTo(DecodePrekey(m1)));
  auto one = bob.Decrypt(m1, rng);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(ToString(*one), "one");

  // Bob's reply ends Alice's prekey messages.
  auto reply = bob.Encrypt(ToBytes("reply"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*PeekMessageType(*reply), MessageType::kRatchet);
  auto got = p.session.Decrypt(*reply, rng);
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(p.session.awaiting_reply());
  const Bytes m3 = *p.session.Encrypt(ToBytes("three"));
  EXPECT_EQ(*PeekMessageType(m3), MessageType::kRatchet);
  EXPECT_EQ(ToString(*bob.Decrypt(m3, rng)), "three");
}

TEST(Session, AcceptWithoutOneTimePrekey) {
  DeterministicRandom rng(31);
  Pending p = Begin(rng, /*with_one_time_prekey=*/false);
  const PrekeyMessage m = DecodePrekey(*p.session.Encrypt(ToBytes("hi")));
  EXPECT_FALSE(m.one_time_prekey_id.has_value());
  auto accepted = Session::Accept(p.bob.identity, p.bob.signed_prekey, nullptr, m, rng);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(ToString(accepted->plaintext), "hi");
}

TEST(Session, AcceptRefusesPrekeysOtherThanTheMessageNames) {
  DeterministicRandom rng(32);
  Pending p = Begin(rng);
  const PrekeyMessage m = DecodePrekey(*p.session.Encrypt(ToBytes("hi")));
  const SignedPrekeyPair other_spk = SignedPrekeyPair::Generate(p.bob.identity, 8, rng);
  const OneTimePrekeyPair other_opk = OneTimePrekeyPair::Generate(101, rng);
  const auto& bob = p.bob;
  EXPECT_EQ(Session::Accept(bob.identity, other_spk, bob.opk(), m, rng).error(), Errc::kUnknownPrekey);
  EXPECT_EQ(Session::Accept(bob.identity, bob.signed_prekey, nullptr, m, rng).error(), Errc::kUnknownPrekey);
  EXPECT_EQ(Session::Accept(bob.identity, bob.signed_prekey, &other_opk, m, rng).error(),
            Errc::kUnknownPrekey);
  PrekeyMessage without = m;
  without.one_time_prekey_id.reset();
  EXPECT_EQ(Session::Accept(bob.identity, bob.signed_prekey, bob.opk(), without, rng).error(),
            Errc::kUnknownPrekey);
  // The keys the message names are accepted.
  EXPECT_TRUE(Session::Accept(bob.identity, bob.signed_prekey, bob.opk(), m, rng).has_value());
}

TEST(Session, AcceptRefusesAnInitialMessageFromAnotherIdentity) {
  DeterministicRandom rng(33);
  Pending p = Begin(rng);
  Device mallory = Device::Make(rng);
  PrekeyMessage m = DecodePrekey(*p.session.Encrypt(ToBytes("hi")));
  m.identity_key = mallory.identity.public_key();  // relabelled as Mallory's
  EXPECT_EQ(Session::Accept(p.bob.identity, p.bob.signed_prekey, p.bob.opk(), m, rng).error(),
            Errc::kAuthFailed);
  // A message for another responder (Carol's keys, Bob's prekey ids) does not decrypt either.
  Device carol = Device::Make(rng);
  PrekeyMessage genuine = DecodePrekey(*p.session.Encrypt(ToBytes("hi")));
  EXPECT_EQ(Session::Accept(carol.identity, carol.signed_prekey, carol.opk(), genuine, rng).error(),
            Errc::kAuthFailed);
}

TEST(Session, EveryByteFlipOfAPrekeyMessageIsRefused) {
  DeterministicRandom rng(34);
  Pending p = Begin(rng);
  const Bytes first = *p.session.Encrypt(ToBytes("first"));
  const Bytes second = *p.session.Encrypt(ToBytes("second"));
  for (size_t i = 0; i < first.size(); ++i) {
    Bytes bad = first;
    bad[i] ^= 0x01;
    auto m = PrekeyMessage::Decode(bad);
    if (!m) continue;  // refused by the decoder
    auto accepted = Session::Accept(p.bob.identity, p.bob.signed_prekey, p.bob.opk(), *m, rng);
    EXPECT_FALSE(accepted.has_value()) << "byte " << i;
  }
  auto accepted = Session::Accept(p.bob.identity, p.bob.signed_prekey, p.bob.opk(), DecodePrekey(first), rng);
  ASSERT_TRUE(accepted.has_value());
  Session& bob = accepted->session;
  // The established session refuses every flip of a later prekey message and keeps its state.
  const SecretBytes before = bob.Serialize();
  for (size_t i = 0; i < second.size(); ++i) {
    Bytes bad = second;
    bad[i] ^= 0x01;
    EXPECT_FALSE(bob.Decrypt(bad, rng).has_value()) << "byte " << i;
    ASSERT_TRUE(bob.Serialize() == before) << "byte " << i;
  }
  EXPECT_EQ(ToString(*bob.Decrypt(second, rng)), "second");
}

TEST(Session, PrekeyMessagesOfOtherSessionsAreMismatches) {
  DeterministicRandom rng(35);
  Pending p = Begin(rng);
  auto accepted = Session::Accept(p.bob.identity, p.bob.signed_prekey, p.bob.opk(),
                                  DecodePrekey(*p.session.Encrypt(ToBytes("hi"))), rng);
  ASSERT_TRUE(accepted.has_value());
  Session& bob = accepted->session;
  // Alice starts over (e.g. after losing her state): a new base key, a new session.
  auto restart = Session::Initiate(p.alice.identity, p.bob.Bundle(), p.bob.identity.public_key(), rng);
  ASSERT_TRUE(restart.has_value());
  const Bytes fresh = *restart->Encrypt(ToBytes("again"));
  EXPECT_FALSE(bob.BelongsTo(DecodePrekey(fresh)));
  const SecretBytes before = bob.Serialize();
  EXPECT_EQ(bob.Decrypt(fresh, rng).error(), Errc::kSessionMismatch);
  EXPECT_TRUE(bob.Serialize() == before);
  // An initiator never accepts prekey messages in its session.
  EXPECT_EQ(p.session.Decrypt(fresh, rng).error(), Errc::kSessionMismatch);
}

TEST(Session, LargestPlaintextFitsTheLargestMessage) {
  DeterministicRandom rng(36);
  Pending p = Begin(rng);
  auto wire = p.session.Encrypt(Bytes(kMaxPlaintextSize, 0x42));
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(wire->size(), kMaxMessageSize);
  auto accepted = Session::Accept(p.bob.identity, p.bob.signed_prekey, p.bob.opk(), DecodePrekey(*wire), rng);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->plaintext.size(), kMaxPlaintextSize);
}

}  // namespace
}  // namespace sc::e2e
