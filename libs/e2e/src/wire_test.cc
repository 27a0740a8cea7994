// Wire codecs (wire.h): layouts, round trips, and strict decoding: every truncation, trailing
// bytes, versions, types, flags and lengths.
#include "securecomm/e2e/wire.h"

#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/limits.h"

#include "e2e_test_util.h"

namespace sc::e2e {
namespace {

using testing::Bytes;

RatchetMessage SampleRatchet(size_t ciphertext_size = 20) {
  RatchetMessage m;
  for (size_t i = 0; i < 32; ++i) m.header.dh.mutable_span()[i] = static_cast<uint8_t>(i);
  m.header.pn = 0x01020304;
  m.header.n = 0x0A0B0C0D;
  m.ciphertext.assign(ciphertext_size, 0xCC);
  return m;
}

PrekeyMessage SamplePrekey(bool with_one_time_prekey) {
  PrekeyMessage m;
  m.identity_key.mutable_span()[0] = 0x11;
  m.base_key.mutable_span()[0] = 0x22;
  m.signed_prekey_id = 7;
  if (with_one_time_prekey) m.one_time_prekey_id = 100;
  m.message = SampleRatchet();
  return m;
}

// The sizes docs/protocol/e2e.md §8 states.
static_assert(kRatchetHeaderSize == 42);
static_assert(kRatchetMessageOverhead == 62);
static_assert(kPrekeyMessageOverhead == 141);
static_assert(kMaxPlaintextSize == 59859);
static_assert(kMaxSessionStateSize == 136285);

TEST(Wire, RatchetMessageLayout) {
  const RatchetMessage m = SampleRatchet(16);
  const Bytes wire = m.Encode();
  ASSERT_EQ(wire.size(), kRatchetMessageOverhead);
  std::string expected = "0102";                                                   // version, type
  expected += "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";  // dh
  expected +=
      "01020304"
      "0a0b0c0d"
      "00000010";                    // pn, n, length
  expected += std::string(32, 'c');  // ciphertext
  EXPECT_EQ(HexEncode(wire), expected);
  const auto header = m.header.Encode();
  EXPECT_EQ(Bytes(header.begin(), header.end()), Bytes(wire.begin(), wire.begin() + kRatchetHeaderSize));
}

TEST(Wire, RoundTrips) {
  const RatchetMessage r = SampleRatchet();
  auto r2 = RatchetMessage::Decode(r.Encode());
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->header, r.header);
  EXPECT_EQ(r2->ciphertext, r.ciphertext);
  for (bool opk : {false, true}) {
    const PrekeyMessage p = SamplePrekey(opk);
    const Bytes wire = p.Encode();
    EXPECT_EQ(wire.size(),
              kPrekeyMessageOverhead - (opk ? 0 : 4) + 4);  // the sample's ciphertext is 20 bytes
    auto p2 = PrekeyMessage::Decode(wire);
    ASSERT_TRUE(p2.has_value());
    EXPECT_EQ(p2->identity_key, p.identity_key);
    EXPECT_EQ(p2->base_key, p.base_key);
    EXPECT_EQ(p2->signed_prekey_id, 7u);
    EXPECT_EQ(p2->one_time_prekey_id, p.one_time_prekey_id);
    EXPECT_EQ(p2->message.header, p.message.header);
    EXPECT_EQ(p2->message.ciphertext, p.message.ciphertext);
    EXPECT_EQ(*PeekMessageType(wire), MessageType::kPrekey);
  }
  EXPECT_EQ(*PeekMessageType(r.Encode()), MessageType::kRatchet);
}

TEST(Wire, EveryTruncationAndTrailingByteIsRefused) {
  const Bytes ratchet = SampleRatchet().Encode();
  for (size_t n = 0; n < ratchet.size(); ++n) {
    EXPECT_EQ(RatchetMessage::Decode(std::span(ratchet).first(n)).error(), Errc::kMalformedMessage) << n;
  }
  Bytes longer = ratchet;
  longer.push_back(0);
  EXPECT_EQ(RatchetMessage::Decode(longer).error(), Errc::kMalformedMessage);

  for (bool opk : {false, true}) {
    const Bytes prekey = SamplePrekey(opk).Encode();
    for (size_t n = 0; n < prekey.size(); ++n) {
      EXPECT_EQ(PrekeyMessage::Decode(std::span(prekey).first(n)).error(), Errc::kMalformedMessage) << n;
    }
    Bytes extra = prekey;
    extra.push_back(0);
    EXPECT_EQ(PrekeyMessage::Decode(extra).error(), Errc::kMalformedMessage);
  }
  // Trailing bytes inside the inner message (its length prefix covering one more byte).
  PrekeyMessage p = SamplePrekey(true);
  Bytes wire = p.Encode();
  const size_t inner_length_at = 2 + 32 + 32 + 4 + 1 + 4;
  wire[inner_length_at + 3] += 1;
  wire.push_back(0);
  EXPECT_EQ(PrekeyMessage::Decode(wire).error(), Errc::kMalformedMessage);
}

TEST(Wire, VersionTypeAndFlagsAreChecked) {
  Bytes ratchet = SampleRatchet().Encode();
  const Bytes prekey = SamplePrekey(true).Encode();
  EXPECT_EQ(PeekMessageType({}).error(), Errc::kMalformedMessage);
  EXPECT_EQ(PeekMessageType(std::span(ratchet).first(1)).error(), Errc::kMalformedMessage);

  Bytes bad = ratchet;
  bad[0] = 0x02;
  EXPECT_EQ(RatchetMessage::Decode(bad).error(), Errc::kUnsupportedVersion);
  EXPECT_EQ(PeekMessageType(bad).error(), Errc::kUnsupportedVersion);
  for (uint8_t type : {0x00, 0x03, 0xFF}) {
    bad = ratchet;
    bad[1] = type;
    EXPECT_EQ(RatchetMessage::Decode(bad).error(), Errc::kUnknownMessageType);
    EXPECT_EQ(PeekMessageType(bad).error(), Errc::kUnknownMessageType);
  }
  // Each decoder takes only its own type.
  EXPECT_EQ(RatchetMessage::Decode(prekey).error(), Errc::kMalformedMessage);
  EXPECT_EQ(PrekeyMessage::Decode(ratchet).error(), Errc::kMalformedMessage);
  // The one-time prekey flag is 0 or 1.
  bad = prekey;
  bad[2 + 32 + 32 + 4] = 2;
  EXPECT_EQ(PrekeyMessage::Decode(bad).error(), Errc::kMalformedMessage);
  // The inner message's version is checked too.
  bad = prekey;
  bad[2 + 32 + 32 + 4 + 1 + 4 + 4] = 0x09;
  EXPECT_EQ(PrekeyMessage::Decode(bad).error(), Errc::kUnsupportedVersion);
}

TEST(Wire, LengthsAreBounded) {
  // A ciphertext shorter than a tag.
  Bytes wire = SampleRatchet(kTagSize).Encode();
  wire[kRatchetHeaderSize + 3] = kTagSize - 1;
  wire.pop_back();
  EXPECT_EQ(RatchetMessage::Decode(wire).error(), Errc::kMalformedMessage);
  // A length larger than the input: refused without allocating it.
  wire = SampleRatchet().Encode();
  wire[kRatchetHeaderSize] = 0xFF;
  EXPECT_EQ(RatchetMessage::Decode(wire).error(), Errc::kMessageTooLarge);
  wire[kRatchetHeaderSize] = 0x00;
  wire[kRatchetHeaderSize + 2] = 0x01;  // 256 + 20 bytes claimed, 20 present
  EXPECT_EQ(RatchetMessage::Decode(wire).error(), Errc::kMalformedMessage);
  // A ciphertext over the limit in a message under kMaxMessageSize.
  RatchetMessage big = SampleRatchet(kMaxPlaintextSize + kTagSize);
  wire = big.Encode();
  wire.push_back(0);
  wire[kRatchetHeaderSize + 3] += 1;  // claims one more byte: over kMaxPlaintextSize + kTagSize
  ASSERT_LE(wire.size(), kMaxMessageSize);
  EXPECT_EQ(RatchetMessage::Decode(wire).error(), Errc::kMessageTooLarge);
  // Any message over kMaxMessageSize.
  const Bytes huge(kMaxMessageSize + 1, 0x01);
  EXPECT_EQ(PeekMessageType(huge).error(), Errc::kMessageTooLarge);
  EXPECT_EQ(RatchetMessage::Decode(huge).error(), Errc::kMessageTooLarge);
  EXPECT_EQ(PrekeyMessage::Decode(huge).error(), Errc::kMessageTooLarge);
}

}  // namespace
}  // namespace sc::e2e
