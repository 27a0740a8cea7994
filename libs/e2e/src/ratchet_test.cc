// The Double Ratchet through Session: order, disorder, bounds, duplicates, tampering, the DH
// ratchet on every turn, long chains, forward secrecy, and that failures change nothing.
#include "securecomm/e2e/ratchet.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

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

Bytes Send(Session& s, const std::string& text) {
  auto wire = s.Encrypt(ToBytes(text));
  EXPECT_TRUE(wire.has_value());
  return wire.value_or(Bytes{});
}

std::string Receive(Session& s, const Bytes& wire, Random& rng) {
  auto pt = s.Decrypt(wire, rng);
  EXPECT_TRUE(pt.has_value()) << (pt ? "" : pt.error().name());
  return pt ? ToString(*pt) : "<error>";
}

// ExpectRefusedUnchanged: decrypting `wire` fails with `code` and leaves `s` byte for byte as it was.
void ExpectRefusedUnchanged(Session& s, const Bytes& wire, Random& rng, Errc code) {
  const SecretBytes before = s.Serialize();
  auto pt = s.Decrypt(wire, rng);
  ASSERT_FALSE(pt.has_value());
  EXPECT_EQ(pt.error(), code) << pt.error().name();
  EXPECT_TRUE(s.Serialize() == before);
}

crypto::X25519PublicKey HeaderKey(const Bytes& wire) {
  auto m = RatchetMessage::Decode(wire);
  EXPECT_TRUE(m.has_value());
  return m ? m->header.dh : crypto::X25519PublicKey();
}

TEST(Ratchet, InOrderBothWays) {
  DeterministicRandom rng(10);
  Conversation c = Start(rng);
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3; ++i) {
      const std::string text = "a" + std::to_string(round) + "." + std::to_string(i);
      EXPECT_EQ(Receive(c.bob, Send(c.alice, text), rng), text);
    }
    for (int i = 0; i < 3; ++i) {
      const std::string text = "b" + std::to_string(round) + "." + std::to_string(i);
      EXPECT_EQ(Receive(c.alice, Send(c.bob, text), rng), text);
    }
  }
  EXPECT_EQ(c.alice.ratchet().skipped_key_count(), 0u);
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), 0u);
}

TEST(Ratchet, OutOfOrderWithinAChain) {
  DeterministicRandom rng(11);
  Conversation c = Start(rng);
  std::vector<Bytes> wires;
  wires.reserve(10);
  for (int i = 0; i < 10; ++i) wires.push_back(Send(c.alice, "m" + std::to_string(i)));
  const int order[] = {3, 0, 9, 1, 8, 2, 7, 4, 6, 5};
  for (int i : order) EXPECT_EQ(Receive(c.bob, wires[static_cast<size_t>(i)], rng), "m" + std::to_string(i));
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), 0u);  // every stored key was used and deleted
}

TEST(Ratchet, OutOfOrderAcrossDhRatchetSteps) {
  DeterministicRandom rng(12);
  Conversation c = Start(rng);
  const Bytes a1 = Send(c.alice, "a1"), a2 = Send(c.alice, "a2"), a3 = Send(c.alice, "a3");
  EXPECT_EQ(Receive(c.bob, a1, rng), "a1");
  EXPECT_EQ(Receive(c.alice, Send(c.bob, "b1"), rng), "b1");
  const Bytes a4 = Send(c.alice, "a4");  // a new chain: its header says PN = 3
  EXPECT_EQ(Receive(c.bob, a4, rng), "a4");
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), 2u);  // a2 and a3, from the previous chain
  EXPECT_EQ(Receive(c.bob, a3, rng), "a3");
  EXPECT_EQ(Receive(c.bob, a2, rng), "a2");
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), 0u);
}

TEST(Ratchet, GapBeyondMaxSkipIsRefusedWithoutStateChange) {
  DeterministicRandom rng(13);
  Conversation c = Start(rng);
  std::vector<Bytes> wires;
  for (uint32_t i = 0; i <= kMaxSkip + 1; ++i) wires.push_back(Send(c.alice, "m" + std::to_string(i)));
  // n = kMaxSkip + 1 would skip kMaxSkip + 1 keys.
  ExpectRefusedUnchanged(c.bob, wires[kMaxSkip + 1], rng, Errc::kTooManySkipped);
  // n = kMaxSkip skips exactly kMaxSkip: allowed.
  EXPECT_EQ(Receive(c.bob, wires[kMaxSkip], rng), "m" + std::to_string(kMaxSkip));
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), kMaxSkip);
  EXPECT_EQ(Receive(c.bob, wires[0], rng), "m0");
  EXPECT_EQ(Receive(c.bob, wires[kMaxSkip + 1], rng), "m" + std::to_string(kMaxSkip + 1));
}

TEST(Ratchet, GapBeyondMaxSkipInThePreviousChainIsRefused) {
  DeterministicRandom rng(14);
  Conversation c = Start(rng);
  std::vector<Bytes> wires;
  for (uint32_t i = 0; i <= kMaxSkip + 1; ++i) wires.push_back(Send(c.alice, "m" + std::to_string(i)));
  EXPECT_EQ(Receive(c.bob, wires[0], rng), "m0");  // Bob's Nr is 1 on this chain
  EXPECT_EQ(Receive(c.alice, Send(c.bob, "b"), rng), "b");
  const Bytes next = Send(c.alice, "next");  // PN = kMaxSkip + 2 = Nr + kMaxSkip + 1: one too many
  ExpectRefusedUnchanged(c.bob, next, rng, Errc::kTooManySkipped);
  EXPECT_EQ(Receive(c.bob, wires[1], rng), "m1");
}

TEST(Ratchet, DuplicatesAreRefusedWithoutStateChange) {
  DeterministicRandom rng(15);
  Conversation c = Start(rng);
  const Bytes m0 = Send(c.alice, "m0"), m1 = Send(c.alice, "m1"), m2 = Send(c.alice, "m2");
  EXPECT_EQ(Receive(c.bob, m0, rng), "m0");
  ExpectRefusedUnchanged(c.bob, m0, rng, Errc::kDuplicateMessage);  // current chain, in order
  EXPECT_EQ(Receive(c.bob, m2, rng), "m2");
  EXPECT_EQ(Receive(c.bob, m1, rng), "m1");                         // from the skipped keys
  ExpectRefusedUnchanged(c.bob, m1, rng, Errc::kDuplicateMessage);  // its skipped key is gone
  ExpectRefusedUnchanged(c.bob, m2, rng, Errc::kDuplicateMessage);
  // After both sides ratchet on, a replay from an old chain cannot even be told from a forgery.
  EXPECT_EQ(Receive(c.alice, Send(c.bob, "b"), rng), "b");
  EXPECT_EQ(Receive(c.bob, Send(c.alice, "a"), rng), "a");
  ExpectRefusedUnchanged(c.bob, m0, rng, Errc::kAuthFailed);
  EXPECT_EQ(Receive(c.bob, Send(c.alice, "still fine"), rng), "still fine");
}

// Every single-byte change of `wire` (two different flips per byte) is refused by `receiver`
// without any state change; then the genuine message decrypts.
void ExpectEveryByteFlipRefused(Session& receiver, const Bytes& wire, Random& rng, const std::string& text) {
  const SecretBytes before = receiver.Serialize();
  for (size_t i = 0; i < wire.size(); ++i) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}}) {
      Bytes bad = wire;
      bad[i] ^= flip;
      auto pt = receiver.Decrypt(bad, rng);
      ASSERT_FALSE(pt.has_value()) << "byte " << i << " flip " << int{flip};
      ASSERT_TRUE(receiver.Serialize() == before) << "byte " << i << " changed the state";
    }
  }
  EXPECT_EQ(Receive(receiver, wire, rng), text);
}

TEST(Ratchet, EveryByteFlipIsRefusedThenTheGenuineMessageDecrypts) {
  DeterministicRandom rng(16);
  Conversation c = Start(rng);
  // The first message of Alice's new chain: Bob would take a DH ratchet step for it.
  const Bytes new_chain = Send(c.alice, "new chain");
  const Bytes same_chain = Send(c.alice, "same chain");
  ExpectEveryByteFlipRefused(c.bob, new_chain, rng, "new chain");
  ExpectEveryByteFlipRefused(c.bob, same_chain, rng, "same chain");
}

TEST(Ratchet, ForgedNewRatchetKeyDoesNotAdvanceTheState) {
  DeterministicRandom rng(17);
  Conversation c = Start(rng);
  RatchetMessage forged;
  forged.header.dh = crypto::X25519KeyPair::Generate(rng).public_key;
  forged.ciphertext.assign(40, 0x5A);
  ExpectRefusedUnchanged(c.bob, forged.Encode(), rng, Errc::kAuthFailed);
  forged.header.pn = 5;  // would also store five skipped keys of the current chain
  ExpectRefusedUnchanged(c.bob, forged.Encode(), rng, Errc::kAuthFailed);
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), 0u);
  EXPECT_EQ(Receive(c.bob, Send(c.alice, "genuine"), rng), "genuine");
}

TEST(Ratchet, DhRatchetStepOnEveryTurn) {
  DeterministicRandom rng(18);
  Conversation c = Start(rng);
  std::set<Bytes> header_keys;
  for (int turn = 0; turn < 20; ++turn) {
    Session& sender = turn % 2 == 0 ? c.alice : c.bob;
    Session& receiver = turn % 2 == 0 ? c.bob : c.alice;
    const Bytes wire = Send(sender, "turn " + std::to_string(turn));
    const crypto::X25519PublicKey key = HeaderKey(wire);
    EXPECT_EQ(key, sender.ratchet().sending_ratchet_key());
    EXPECT_TRUE(header_keys.insert(Bytes(key.span().begin(), key.span().end())).second)
        << "turn " << turn << " reused a ratchet key";
    const crypto::X25519PublicKey receiver_key_before = receiver.ratchet().sending_ratchet_key();
    EXPECT_EQ(Receive(receiver, wire, rng), "turn " + std::to_string(turn));
    EXPECT_FALSE(receiver.ratchet().sending_ratchet_key() == receiver_key_before);
    ASSERT_TRUE(receiver.ratchet().receiving_ratchet_key().has_value());
    EXPECT_EQ(*receiver.ratchet().receiving_ratchet_key(), key);
    EXPECT_EQ(receiver.ratchet().received_in_chain(), 1u);
  }
}

TEST(Ratchet, LongOneWayChain) {
  DeterministicRandom rng(19);
  Conversation c = Start(rng);
  constexpr int kMessages = 2000;
  for (int i = 0; i < kMessages; ++i) {
    const std::string text = "m" + std::to_string(i);
    ASSERT_EQ(Receive(c.bob, Send(c.alice, text), rng), text);
  }
  EXPECT_EQ(c.alice.ratchet().sent_in_chain(), uint32_t{kMessages});
  EXPECT_EQ(c.bob.ratchet().received_in_chain(), uint32_t{kMessages});
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), 0u);
}

TEST(Ratchet, LongChainWithEveryOtherMessageLate) {
  DeterministicRandom rng(20);
  Conversation c = Start(rng);
  constexpr int kMessages = 2000;
  std::vector<Bytes> wires;
  wires.reserve(kMessages);
  for (int i = 0; i < kMessages; ++i) wires.push_back(Send(c.alice, "m" + std::to_string(i)));
  for (int i = 1; i < kMessages; i += 2)
    ASSERT_EQ(Receive(c.bob, wires[size_t(i)], rng), "m" + std::to_string(i));
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), size_t{kMessages / 2});
  for (int i = kMessages - 2; i >= 0; i -= 2) {
    ASSERT_EQ(Receive(c.bob, wires[size_t(i)], rng), "m" + std::to_string(i));
  }
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), 0u);
}

TEST(Ratchet, SkippedKeysAreBoundedAndTheOldestAreEvicted) {
  DeterministicRandom rng(21);
  Conversation c = Start(rng);
  // Chain 1: Bob receives only the last of kMaxSkip + 1 messages: kMaxSkip keys stored.
  std::vector<Bytes> chain1;
  for (uint32_t i = 0; i <= kMaxSkip; ++i) chain1.push_back(Send(c.alice, "c1." + std::to_string(i)));
  EXPECT_EQ(Receive(c.bob, chain1.back(), rng), "c1." + std::to_string(kMaxSkip));
  EXPECT_EQ(Receive(c.alice, Send(c.bob, "b1"), rng), "b1");
  // Chain 2: the same again: kMaxSkippedKeys stored, the bound.
  std::vector<Bytes> chain2;
  for (uint32_t i = 0; i <= kMaxSkip; ++i) chain2.push_back(Send(c.alice, "c2." + std::to_string(i)));
  EXPECT_EQ(Receive(c.bob, chain2.back(), rng), "c2." + std::to_string(kMaxSkip));
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), kMaxSkippedKeys);
  EXPECT_EQ(Receive(c.alice, Send(c.bob, "b2"), rng), "b2");
  // Chain 3: ten more skipped keys evict chain 1's ten oldest.
  std::vector<Bytes> chain3;
  for (int i = 0; i <= 10; ++i) chain3.push_back(Send(c.alice, "c3." + std::to_string(i)));
  EXPECT_EQ(Receive(c.bob, chain3.back(), rng), "c3.10");
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), kMaxSkippedKeys);
  for (int i = 0; i < 10; ++i)
    ExpectRefusedUnchanged(c.bob, chain1[static_cast<size_t>(i)], rng, Errc::kAuthFailed);
  EXPECT_EQ(Receive(c.bob, chain1[10], rng), "c1.10");  // the oldest one kept
  EXPECT_EQ(Receive(c.bob, chain2[0], rng), "c2.0");
  EXPECT_EQ(Receive(c.bob, chain3[0], rng), "c3.0");
  EXPECT_EQ(c.bob.ratchet().skipped_key_count(), kMaxSkippedKeys - 3);
}

TEST(Ratchet, ForwardSecrecyLaterStateCannotDecryptEarlierMessages) {
  DeterministicRandom rng(22);
  Conversation c = Start(rng);
  const Bytes captured = Send(c.alice, "secret");
  const Bytes captured_late = Send(c.alice, "late");
  EXPECT_EQ(Receive(c.bob, captured, rng), "secret");
  // An attacker who takes Bob's state after `captured` was decrypted cannot decrypt it.
  auto stolen = Session::Deserialize(c.bob.Serialize().Expose());
  ASSERT_TRUE(stolen.has_value());
  EXPECT_EQ(stolen->Decrypt(captured, rng).error(), Errc::kDuplicateMessage);
  // A skipped key, once used, is gone too.
  EXPECT_EQ(Receive(c.bob, Send(c.alice, "after"), rng), "after");
  EXPECT_EQ(Receive(c.bob, captured_late, rng), "late");
  auto stolen2 = Session::Deserialize(c.bob.Serialize().Expose());
  ASSERT_TRUE(stolen2.has_value());
  EXPECT_EQ(stolen2->Decrypt(captured_late, rng).error(), Errc::kDuplicateMessage);
  // After more turns, the whole chain is out of reach.
  EXPECT_EQ(Receive(c.alice, Send(c.bob, "b"), rng), "b");
  EXPECT_EQ(Receive(c.bob, Send(c.alice, "a"), rng), "a");
  auto stolen3 = Session::Deserialize(c.bob.Serialize().Expose());
  ASSERT_TRUE(stolen3.has_value());
  EXPECT_EQ(stolen3->Decrypt(captured, rng).error(), Errc::kAuthFailed);
}

TEST(Ratchet, ResponderCannotSendBeforeItsFirstMessage) {
  DeterministicRandom rng(23);
  DoubleRatchet bob = DoubleRatchet::InitBob(SharedKey(), crypto::X25519KeyPair::Generate(rng));
  EXPECT_FALSE(bob.can_send());
  EXPECT_EQ(bob.Encrypt(ToBytes("x"), {}).error(), Errc::kNoSendingChain);
}

TEST(Ratchet, InitiatorRefusesAMessageOnItsUnusedReceivingKey) {
  DeterministicRandom rng(24);
  testing::Device alice = testing::Device::Make(rng), bob = testing::Device::Make(rng);
  auto session = Session::Initiate(alice.identity, bob.Bundle(), bob.identity.public_key(), rng);
  ASSERT_TRUE(session.has_value());
  // A message claiming Bob's signed prekey as its ratchet key: Alice has no receiving chain for it.
  RatchetMessage m;
  m.header.dh = bob.signed_prekey.key_pair.public_key;
  m.ciphertext.assign(20, 0);
  ExpectRefusedUnchanged(*session, m.Encode(), rng, Errc::kAuthFailed);
}

TEST(Ratchet, OversizedPlaintextIsRefused) {
  DeterministicRandom rng(25);
  Conversation c = Start(rng);
  const SecretBytes before = c.alice.Serialize();
  EXPECT_EQ(c.alice.Encrypt(Bytes(kMaxPlaintextSize + 1)).error(), Errc::kMessageTooLarge);
  EXPECT_TRUE(c.alice.Serialize() == before);
  auto wire = c.alice.Encrypt(Bytes(kMaxPlaintextSize, 0x61));
  ASSERT_TRUE(wire.has_value());
  auto pt = c.bob.Decrypt(*wire, rng);
  ASSERT_TRUE(pt.has_value());
  EXPECT_EQ(pt->size(), kMaxPlaintextSize);
}

}  // namespace
}  // namespace sc::e2e
