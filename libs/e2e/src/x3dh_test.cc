// X3DH (x3dh.h): both sides derive the same SK and AD, with and without a one-time prekey; the
// initiator refuses a bad signature and an unexpected identity; a substituted identity or missing
// prekey gives the responder a different SK.
#include "securecomm/e2e/x3dh.h"

#include <gtest/gtest.h>

#include "securecomm/e2e/errors.h"

#include "e2e_test_util.h"

namespace sc::e2e {
namespace {

using testing::Device;

X3dhResponse Respond(const Device& bob, const X3dhInitiation& a, const crypto::Ed25519PublicKey& ik_a,
                     const OneTimePrekeyPair* opk) {
  auto r = X3dhRespond(bob.identity, bob.signed_prekey, opk, ik_a, a.base_key);
  EXPECT_TRUE(r.has_value());
  return std::move(*r);
}

TEST(X3dh, WithOneTimePrekeyBothSidesDeriveTheSameKey) {
  DeterministicRandom rng(1);
  Device alice = Device::Make(rng), bob = Device::Make(rng);
  auto a = X3dhInitiate(alice.identity, bob.Bundle(), bob.identity.public_key(), rng);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->signed_prekey_id, 7u);
  ASSERT_TRUE(a->one_time_prekey_id.has_value());
  EXPECT_EQ(*a->one_time_prekey_id, 100u);
  EXPECT_EQ(a->signed_prekey, bob.signed_prekey.key_pair.public_key);
  X3dhResponse b = Respond(bob, *a, alice.identity.public_key(), bob.opk());
  EXPECT_TRUE(a->sk == b.sk);
  EXPECT_EQ(a->ad, b.ad);
  // AD = IK_A || IK_B: the Ed25519 identity keys, initiator first.
  AssociatedData expected{};
  std::copy(alice.identity.public_key().span().begin(), alice.identity.public_key().span().end(),
            expected.begin());
  std::copy(bob.identity.public_key().span().begin(), bob.identity.public_key().span().end(),
            expected.begin() + 32);
  EXPECT_EQ(a->ad, expected);
  // Without DH4 the key differs: the one-time prekey takes part.
  X3dhResponse no_dh4 = Respond(bob, *a, alice.identity.public_key(), nullptr);
  EXPECT_FALSE(a->sk == no_dh4.sk);
}

TEST(X3dh, WithoutOneTimePrekeyBothSidesDeriveTheSameKey) {
  DeterministicRandom rng(2);
  Device alice = Device::Make(rng, false), bob = Device::Make(rng, false);
  auto a = X3dhInitiate(alice.identity, bob.Bundle(), bob.identity.public_key(), rng);
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(a->one_time_prekey_id.has_value());
  X3dhResponse b = Respond(bob, *a, alice.identity.public_key(), nullptr);
  EXPECT_TRUE(a->sk == b.sk);
  EXPECT_EQ(a->ad, b.ad);
}

TEST(X3dh, EachInitiationDrawsAFreshEphemeralKey) {
  DeterministicRandom rng(3);
  Device alice = Device::Make(rng, false), bob = Device::Make(rng, false);
  auto a1 = X3dhInitiate(alice.identity, bob.Bundle(), bob.identity.public_key(), rng);
  auto a2 = X3dhInitiate(alice.identity, bob.Bundle(), bob.identity.public_key(), rng);
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(a1->base_key == a2->base_key);
  EXPECT_FALSE(a1->sk == a2->sk);
}

TEST(X3dh, BadSignatureIsRefused) {
  DeterministicRandom rng(4);
  Device alice = Device::Make(rng), bob = Device::Make(rng), mallory = Device::Make(rng);
  const auto& ik_b = bob.identity.public_key();

  PrekeyBundle flipped = bob.Bundle();  // one bit of the signature
  flipped.signed_prekey.signature.mutable_span()[5] ^= 0x01;
  EXPECT_EQ(X3dhInitiate(alice.identity, flipped, ik_b, rng).error(), Errc::kBadSignature);

  PrekeyBundle other_id = bob.Bundle();  // the signature covers the id
  other_id.signed_prekey.id += 1;
  EXPECT_EQ(X3dhInitiate(alice.identity, other_id, ik_b, rng).error(), Errc::kBadSignature);

  PrekeyBundle swapped = bob.Bundle();  // Mallory's prekey, with Mallory's valid signature
  swapped.signed_prekey = mallory.signed_prekey.PublicPrekey();
  EXPECT_EQ(X3dhInitiate(alice.identity, swapped, ik_b, rng).error(), Errc::kBadSignature);

  PrekeyBundle key_changed = bob.Bundle();  // the signature covers the key
  key_changed.signed_prekey.public_key = mallory.signed_prekey.key_pair.public_key;
  EXPECT_EQ(X3dhInitiate(alice.identity, key_changed, ik_b, rng).error(), Errc::kBadSignature);
}

TEST(X3dh, UnexpectedIdentityIsRefused) {
  DeterministicRandom rng(5);
  Device alice = Device::Make(rng), bob = Device::Make(rng), mallory = Device::Make(rng);
  // Mallory's own, validly signed bundle, served when Alice asked for Bob.
  EXPECT_EQ(X3dhInitiate(alice.identity, mallory.Bundle(), bob.identity.public_key(), rng).error(),
            Errc::kUntrustedIdentity);
}

TEST(X3dh, ResponderWithSubstitutedIdentityDerivesAnotherKey) {
  DeterministicRandom rng(6);
  Device alice = Device::Make(rng), bob = Device::Make(rng), mallory = Device::Make(rng);
  auto a = X3dhInitiate(alice.identity, bob.Bundle(), bob.identity.public_key(), rng);
  ASSERT_TRUE(a.has_value());
  // An attacker relabels Alice's initial message as coming from Mallory: DH1 and AD change.
  X3dhResponse b = Respond(bob, *a, mallory.identity.public_key(), bob.opk());
  EXPECT_FALSE(a->sk == b.sk);
  EXPECT_NE(a->ad, b.ad);
}

TEST(X3dh, InvalidKeysAreRefused) {
  DeterministicRandom rng(7);
  Device alice = Device::Make(rng), bob = Device::Make(rng);
  // The Ed25519 identity point (small order) has no usable X25519 form.
  crypto::Ed25519PublicKey small_order;
  small_order.mutable_span()[0] = 0x01;
  EXPECT_EQ(X3dhRespond(bob.identity, bob.signed_prekey, nullptr, small_order,
                        alice.signed_prekey.key_pair.public_key)
                .error(),
            Errc::kInvalidKey);
  // An all-zero base key gives an all-zero DH.
  EXPECT_EQ(X3dhRespond(bob.identity, bob.signed_prekey, nullptr, alice.identity.public_key(),
                        crypto::X25519PublicKey())
                .error(),
            Errc::kInvalidKey);
}

}  // namespace
}  // namespace sc::e2e
