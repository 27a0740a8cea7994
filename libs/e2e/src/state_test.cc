// Session state (Serialize/Deserialize): round trips mid-conversation, and strict decoding.
#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/limits.h"
#include "securecomm/e2e/session.h"

#include "e2e_test_util.h"

namespace sc::e2e {
namespace {

using testing::Bytes;
using testing::Conversation;
using testing::Start;
using testing::ToBytes;
using testing::ToString;

Bytes Raw(const SecretBytes& s) {
  return Bytes(s.Expose().begin(), s.Expose().end());
}

Session Reload(const Session& s) {
  auto r = Session::Deserialize(s.Serialize().Expose());
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().name());
  return std::move(*r);
}

// Offsets in SessionState (e2e.md §7.1).
constexpr size_t kRoleAt = 1;
constexpr size_t kAwaitingAt = 2;
constexpr size_t kOpkFlagAt = 3 + 3 * 32 + 4;

TEST(State, RoundTripMidConversationKeepsEverything) {
  DeterministicRandom rng(40);
  Conversation c = Start(rng);
  // Leave skipped keys behind on Bob's side, in two chains.
  const Bytes a0 = *c.alice.Encrypt(ToBytes("a0"));
  const Bytes a1 = *c.alice.Encrypt(ToBytes("a1"));
  ASSERT_TRUE(c.bob.Decrypt(a1, rng).has_value());
  ASSERT_TRUE(c.alice.Decrypt(*c.bob.Encrypt(ToBytes("b")), rng).has_value());
  const Bytes a2 = *c.alice.Encrypt(ToBytes("a2"));
  const Bytes a3 = *c.alice.Encrypt(ToBytes("a3"));
  ASSERT_TRUE(c.bob.Decrypt(a3, rng).has_value());
  ASSERT_EQ(c.bob.ratchet().skipped_key_count(), 2u);

  Session bob = Reload(c.bob);
  Session alice = Reload(c.alice);
  EXPECT_TRUE(bob.Serialize() == c.bob.Serialize());  // byte for byte
  EXPECT_EQ(bob.role(), Role::kResponder);
  EXPECT_EQ(bob.remote_identity(), c.alice_device.identity.public_key());
  EXPECT_EQ(bob.associated_data(), c.bob.associated_data());
  EXPECT_EQ(bob.ratchet().skipped_key_count(), 2u);
  EXPECT_EQ(ToString(*bob.Decrypt(a0, rng)), "a0");
  EXPECT_EQ(ToString(*bob.Decrypt(a2, rng)), "a2");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ToString(*alice.Decrypt(*bob.Encrypt(ToBytes("to alice")), rng)), "to alice");
    EXPECT_EQ(ToString(*bob.Decrypt(*alice.Encrypt(ToBytes("to bob")), rng)), "to bob");
  }
}

TEST(State, RoundTripOfAnInitiatorAwaitingItsReply) {
  DeterministicRandom rng(41);
  Conversation c = Start(rng, /*reply=*/false);
  Session alice = Reload(c.alice);
  EXPECT_TRUE(alice.awaiting_reply());
  const Bytes again = *alice.Encrypt(ToBytes("again"));
  EXPECT_EQ(*PeekMessageType(again), MessageType::kPrekey);
  EXPECT_EQ(ToString(*c.bob.Decrypt(again, rng)), "again");
  Session bob = Reload(c.bob);  // a responder before its first message out
  EXPECT_EQ(ToString(*alice.Decrypt(*bob.Encrypt(ToBytes("reply")), rng)), "reply");
}

TEST(State, EveryTruncationAndTrailingByteIsRefused) {
  DeterministicRandom rng(42);
  Conversation c = Start(rng);
  ASSERT_TRUE(c.bob.Decrypt(*c.alice.Encrypt(ToBytes("x")), rng).has_value());
  (void)c.alice.Encrypt(ToBytes("skipped"));
  ASSERT_TRUE(c.bob.Decrypt(*c.alice.Encrypt(ToBytes("y")), rng).has_value());
  ASSERT_EQ(c.bob.ratchet().skipped_key_count(), 1u);
  for (const Session* s : {&c.alice, &c.bob}) {
    const Bytes state = Raw(s->Serialize());
    for (size_t n = 0; n < state.size(); ++n) {
      auto r = Session::Deserialize(std::span(state).first(n));
      ASSERT_FALSE(r.has_value()) << n;
      EXPECT_EQ(r.error(), Errc::kMalformedState) << n;
    }
    Bytes longer = state;
    longer.push_back(0);
    EXPECT_EQ(Session::Deserialize(longer).error(), Errc::kMalformedState);
  }
}

TEST(State, FieldsAreChecked) {
  DeterministicRandom rng(43);
  Conversation c = Start(rng, /*reply=*/false);
  const Bytes alice = Raw(c.alice.Serialize());
  const Bytes bob = Raw(c.bob.Serialize());
  Bytes bad = bob;
  bad[0] = 0x02;
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kUnsupportedStateVersion);
  for (uint8_t role : {0, 3}) {
    bad = bob;
    bad[kRoleAt] = role;
    EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
  }
  bad = bob;
  bad[kAwaitingAt] = 1;  // only an initiator awaits a reply
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
  bad = alice;
  bad[kAwaitingAt] = 2;
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
  bad = alice;
  bad[kOpkFlagAt] = 2;
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
}

// The RatchetState of a freshly accepted responder that has not sent: DHr, CKr and no CKs.
TEST(State, RatchetFieldsAreChecked) {
  DeterministicRandom rng(44);
  Conversation c = Start(rng, /*reply=*/false);
  const Bytes bob = Raw(c.bob.Serialize());
  const size_t ratchet_at = kOpkFlagAt + 1 + 4;  // Start's devices have one-time prekeys
  const size_t dhr_flag_at = ratchet_at + 32;
  const size_t cks_flag_at = dhr_flag_at + 1 + 32 + 32;
  ASSERT_EQ(bob[dhr_flag_at], 1);
  ASSERT_EQ(bob[cks_flag_at], 1);  // Bob's DH ratchet step on receiving gave him a sending chain
  Bytes bad = bob;
  bad[dhr_flag_at] = 2;
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
  // Removing DHr while chain keys remain is inconsistent.
  bad = bob;
  bad[dhr_flag_at] = 0;
  bad.erase(bad.begin() + static_cast<long>(dhr_flag_at) + 1,
            bad.begin() + static_cast<long>(dhr_flag_at) + 33);
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
  // The skipped-key count is bounded, and no key is listed twice.
  const size_t count_at = bob.size() - 2;
  ASSERT_EQ(bob[count_at], 0);
  ASSERT_EQ(bob[count_at + 1], 0);
  bad = bob;
  StoreBe16(std::span(bad).subspan(count_at).first<2>(), static_cast<uint16_t>(kMaxSkippedKeys + 1));
  bad.resize(bad.size() + (kMaxSkippedKeys + 1) * kSkippedKeyStateSize, 0x01);
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
  bad = bob;
  bad[count_at + 1] = 2;
  bad.resize(bad.size() + 2 * kSkippedKeyStateSize, 0x07);  // two identical entries
  EXPECT_EQ(Session::Deserialize(bad).error(), Errc::kMalformedState);
  bad.resize(bad.size() - kSkippedKeyStateSize);
  bad[count_at + 1] = 1;
  EXPECT_TRUE(Session::Deserialize(bad).has_value());  // one such entry is well formed
}

TEST(State, LargestStateIsWithinItsBound) {
  DeterministicRandom rng(45);
  Conversation c = Start(rng);
  for (int chain = 0; chain < 2; ++chain) {
    Bytes last;
    for (uint32_t i = 0; i <= kMaxSkip; ++i) last = *c.alice.Encrypt(ToBytes("m"));
    ASSERT_TRUE(c.bob.Decrypt(last, rng).has_value());
    ASSERT_TRUE(c.alice.Decrypt(*c.bob.Encrypt(ToBytes("b")), rng).has_value());
  }
  ASSERT_EQ(c.bob.ratchet().skipped_key_count(), kMaxSkippedKeys);
  const SecretBytes state = c.bob.Serialize();
  EXPECT_LE(state.size(), kMaxSessionStateSize);
  EXPECT_GE(state.size(), kMaxSessionStateSize - 64);  // the bound is tight: only ids may be absent
  EXPECT_TRUE(Session::Deserialize(state.Expose()).has_value());
  const Bytes huge(kMaxSessionStateSize + 1, 0x01);
  EXPECT_EQ(Session::Deserialize(huge).error(), Errc::kMalformedState);
}

}  // namespace
}  // namespace sc::e2e
