// Known-answer tests: the KDFs, ENCRYPT and a whole first exchange against values computed by
// testdata/gen_e2e_vectors.py, an independent implementation of docs/protocol/e2e.md in Python;
// and the signed prekey message against the text of relay.md §6.
#include <string>

#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/kdf.h"
#include "securecomm/e2e/message_cipher.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/session.h"

#include "e2e_test_util.h"

namespace sc::e2e {
namespace {

using testing::Bytes;
using testing::ToBytes;
using testing::ToString;

template <typename Key>
Key Filled(uint8_t byte) {
  Key k;
  for (auto& b : k.MutableExpose()) b = byte;
  return k;
}

std::string Hex(std::span<const uint8_t> b) {
  return HexEncode(b);
}

// The fixed inputs of the exchange vector: SHA-256 of a label.
Bytes Label(std::string_view s) {
  const auto d = crypto::Sha256(ToBytes(s));
  return Bytes(d.span().begin(), d.span().end());
}

TEST(Kat, X3dhKdf) {
  Bytes km(128);
  for (size_t i = 0; i < km.size(); ++i) km[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Hex(X3dhKdf(km).Expose()), "1fd0f86d2339ca8de0fc79add591476fbe2299472f25befeb2753bb79ad2e622");
}

TEST(Kat, KdfRk) {
  const RootKey rk = Filled<RootKey>(0x11);
  const auto dh = Filled<crypto::X25519SharedSecret>(0x22);
  RootStep step = KdfRk(rk, dh);
  EXPECT_EQ(Hex(step.root_key.Expose()), "bdb16e904330c913bb282c0dd6506e7b59ecc5800f06dfe247f14c7ff0b0e3e2");
  EXPECT_EQ(Hex(step.chain_key.Expose()), "31476c241db0511da60bb7c0a82c121880043ddf4d77e5b79f7067105d0369da");
}

TEST(Kat, KdfCkUsesConstantsOneForMessageAndTwoForChain) {
  ChainStep step = KdfCk(Filled<ChainKey>(0x33));
  EXPECT_EQ(Hex(step.chain_key.Expose()), "e66a4bfa6a49b2045fe9a7ca29edf7991fc43ce97b9bbfcd467723a8a90f623c");
  EXPECT_EQ(Hex(step.message_key.Expose()),
            "da9d2383815d52bf414c540d97e91d0facf9b98729f9a3f437ad4a9b571676a0");
}

TEST(Kat, EncryptMessage) {
  const MessageKey mk = Filled<MessageKey>(0x44);
  const Bytes ct = EncryptMessage(mk, ToBytes("pt"), ToBytes("ad"));
  EXPECT_EQ(Hex(ct), "d3179702bda20460f0c893c1d3498ea68d9a");
  auto pt = DecryptMessage(mk, ct, ToBytes("ad"));
  ASSERT_TRUE(pt.has_value());
  EXPECT_EQ(ToString(*pt), "pt");
  EXPECT_EQ(DecryptMessage(mk, ct, ToBytes("aD")).error(), Errc::kAuthFailed);
}

TEST(Kat, SignedPrekeyMessageMatchesRelaySpecText) {
  // relay.md §6: the 27 ASCII bytes "SecureComm signed prekey v1", the id as 4 bytes big-endian,
  // then the 32-byte public key.
  crypto::X25519PublicKey pub;
  for (size_t i = 0; i < 32; ++i) pub.mutable_span()[i] = static_cast<uint8_t>(0xA0 + i);
  const auto m = SignedPrekeyMessage(0x01020304, pub);
  Bytes expected = ToBytes("SecureComm signed prekey v1");
  ASSERT_EQ(expected.size(), 27u);
  for (uint8_t b : {0x01, 0x02, 0x03, 0x04}) expected.push_back(b);
  expected.insert(expected.end(), pub.span().begin(), pub.span().end());
  EXPECT_EQ(Bytes(m.begin(), m.end()), expected);
  EXPECT_EQ(m.size(), 63u);
}

TEST(Kat, FirstExchangeByteForByte) {
  const auto alice_id =
      crypto::Ed25519KeyPair::FromSeed(*crypto::Ed25519Seed::FromSpan(Label("alice identity")));
  const auto bob_id = crypto::Ed25519KeyPair::FromSeed(*crypto::Ed25519Seed::FromSpan(Label("bob identity")));
  ScriptedRandom bob_keys({Label("bob spk"), Label("bob opk")});
  const SignedPrekeyPair spk = SignedPrekeyPair::Generate(bob_id, 7, bob_keys);
  const OneTimePrekeyPair opk = OneTimePrekeyPair::Generate(100, bob_keys);
  EXPECT_EQ(Hex(spk.signature.span()),
            "cb050deefb84e05ee55c0967a9bc00d317cd709311cc81dc5a309f151d4508ab"
            "8ff6e97ee876010db1f061a938044b8267a1125f0eee5f3e3f540d8ab81c670c");
  const PrekeyBundle bundle{bob_id.public_key(), spk.PublicPrekey(), opk.PublicPrekey()};

  ScriptedRandom alice_rng({Label("alice ek"), Label("alice r1"), Label("alice r2")});
  auto alice = Session::Initiate(alice_id, bundle, bob_id.public_key(), alice_rng);
  ASSERT_TRUE(alice.has_value());
  auto first = alice->Encrypt(ToBytes("hello"));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(Hex(*first),
            "0101e683ae242758a0da9389619ef238916d91a6bae7b5423b1037e7ed14d76bae94e53688ffd7e769e3f2cfa80ce885"
            "8bdbcaf2417db2ea7d248b1f685bc335bd7d000000070100000064000000430102f01edba2a5b2da13d47edbf7e77c83"
            "91fc6ccf91445169aab4ab01f92fa67c4900000000000000000000001523abaf12083ebd71df9e1307e08414a417ea6c"
            "e2a7");

  ScriptedRandom bob_rng({Label("bob r1")});
  auto prekey = PrekeyMessage::Decode(*first);
  ASSERT_TRUE(prekey.has_value());
  auto bob = Session::Accept(bob_id, spk, &opk, *prekey, bob_rng);
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(ToString(bob->plaintext), "hello");
  auto reply = bob->session.Encrypt(ToBytes("hi"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Hex(*reply),
            "01024372fac1f51137103d56649b1bdcee0a8ca87c5a7f46b8740d46ad64b70c8377000000000000000000000012e1a0"
            "83035df7f39cc7d9fb2404e3e9061b13");
  auto got = alice->Decrypt(*reply, alice_rng);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(ToString(*got), "hi");
  EXPECT_TRUE(alice_rng.exhausted());
  EXPECT_TRUE(bob_rng.exhausted());
}

}  // namespace
}  // namespace sc::e2e
