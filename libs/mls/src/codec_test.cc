// codec_test.cc: the presentation-language codec, RFC 9420 §2.1: the §2.1.2 examples, every
// varint boundary, and each malformed form refused with its own code.
#include "securecomm/mls/codec.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {
namespace {

using Bytes = std::vector<uint8_t>;

Result<uint32_t> DecodeVarint(const Bytes& in) {
  Reader r(in);
  auto v = r.ReadVarint();
  if (!v) return v;
  if (auto s = r.Finish(); !s) return Fail(s.error());
  return v;
}

Bytes EncodeVarint(uint64_t v) {
  Writer w;
  EXPECT_TRUE(w.WriteVarint(v));
  return std::move(w).Take();
}

TEST(MlsCodec, Rfc9420VarintExamples) {  // §2.1.2
  EXPECT_EQ(DecodeVarint({0x9d, 0x7f, 0x3e, 0x7d}).value(), 494878333U);
  EXPECT_EQ(DecodeVarint({0x7b, 0xbd}).value(), 15293U);
  EXPECT_EQ(DecodeVarint({0x25}).value(), 37U);
  EXPECT_EQ(EncodeVarint(494878333), (Bytes{0x9d, 0x7f, 0x3e, 0x7d}));
  EXPECT_EQ(EncodeVarint(15293), (Bytes{0x7b, 0xbd}));
  EXPECT_EQ(EncodeVarint(37), (Bytes{0x25}));
}

TEST(MlsCodec, VarintBoundariesRoundTrip) {
  const struct {
    uint32_t v;
    size_t size;
  } cases[] = {{0, 1}, {63, 1}, {64, 2}, {16383, 2}, {16384, 4}, {kMaxVarint, 4}};
  for (const auto& c : cases) {
    const Bytes enc = EncodeVarint(c.v);
    EXPECT_EQ(enc.size(), c.size) << c.v;
    EXPECT_EQ(VarintSize(c.v), c.size);
    EXPECT_EQ(DecodeVarint(enc).value(), c.v);
  }
  Writer w;
  EXPECT_EQ(w.WriteVarint(uint64_t{kMaxVarint} + 1).error(), Errc::kValueTooLarge);
  EXPECT_EQ(w.size(), 0U);
}

TEST(MlsCodec, VarintRefusesNonMinimalForms) {
  EXPECT_EQ(DecodeVarint({0x40, 0x25}).error(), Errc::kNonMinimalVarint);  // 37 in two bytes
  EXPECT_EQ(DecodeVarint({0x40, 0x3f}).error(), Errc::kNonMinimalVarint);  // 63 in two bytes
  EXPECT_EQ(DecodeVarint({0x40, 0x40}).value(), 64U);
  EXPECT_EQ(DecodeVarint({0x80, 0x00, 0x3f, 0xff}).error(), Errc::kNonMinimalVarint);  // 16383
  EXPECT_EQ(DecodeVarint({0x80, 0x00, 0x00, 0x00}).error(), Errc::kNonMinimalVarint);  // zero
  EXPECT_EQ(DecodeVarint({0x80, 0x00, 0x40, 0x00}).value(), 16384U);
}

TEST(MlsCodec, VarintRefusesPrefix11AndTruncation) {
  EXPECT_EQ(DecodeVarint({0xc0, 0, 0, 0, 0, 0, 0, 0}).error(), Errc::kInvalidVarintPrefix);
  EXPECT_EQ(DecodeVarint({0xff}).error(), Errc::kInvalidVarintPrefix);
  EXPECT_EQ(DecodeVarint({}).error(), Errc::kTruncated);
  EXPECT_EQ(DecodeVarint({0x7b}).error(), Errc::kTruncated);
  EXPECT_EQ(DecodeVarint({0x9d, 0x7f, 0x3e}).error(), Errc::kTruncated);
}

TEST(MlsCodec, IntegersAreBigEndianAndChecked) {
  Writer w;
  w.WriteU8(0x01);
  w.WriteU16(0x0203);
  w.WriteU32(0x04050607);
  w.WriteU64(0x08090a0b0c0d0e0f);
  const Bytes enc = std::move(w).Take();
  ASSERT_EQ(enc.size(), 15U);
  for (size_t i = 0; i < enc.size(); ++i) EXPECT_EQ(enc[i], i + 1);
  Reader r(enc);
  EXPECT_EQ(r.ReadU8().value(), 0x01);
  EXPECT_EQ(r.ReadU16().value(), 0x0203);
  EXPECT_EQ(r.ReadU32().value(), 0x04050607U);
  EXPECT_EQ(r.Finish().error(), Errc::kTrailingData);
  EXPECT_EQ(r.ReadU64().value(), 0x08090a0b0c0d0e0fU);
  EXPECT_EQ(r.ReadU8().error(), Errc::kTruncated);
  EXPECT_TRUE(r.Finish());

  Reader t(std::span<const uint8_t>(enc).first(7));
  EXPECT_EQ(t.ReadU64().error(), Errc::kTruncated);  // nothing consumed
  EXPECT_EQ(t.remaining(), 7U);
}

TEST(MlsCodec, OpaqueRoundTripAndStrictness) {
  const Bytes body(300, 0xab);
  Writer w;
  ASSERT_TRUE(w.WriteOpaque(body));
  ASSERT_TRUE(w.WriteOpaque({}));
  const Bytes enc = std::move(w).Take();
  EXPECT_EQ(enc.size(), 2 + 300 + 1U);
  Reader r(enc);
  auto a = r.ReadOpaque();
  ASSERT_TRUE(a);
  EXPECT_EQ(Bytes(a->begin(), a->end()), body);
  EXPECT_EQ(r.ReadOpaque().value().size(), 0U);
  EXPECT_TRUE(r.Finish());

  // A length past the end consumes nothing.
  const Bytes short_body = {0x05, 1, 2, 3};
  Reader t(short_body);
  EXPECT_EQ(t.ReadOpaque().error(), Errc::kTruncated);
  EXPECT_EQ(t.remaining(), 4U);
  // A non-minimal length prefix is refused even though the body is there.
  const Bytes nonmin = {0x40, 0x01, 0xaa};
  EXPECT_EQ(Reader(nonmin).ReadOpaque().error(), Errc::kNonMinimalVarint);
}

TEST(MlsCodec, OpaqueOverTheLimitIsRefusedBeforeItsBytes) {
  Writer w;
  ASSERT_TRUE(w.WriteVarint(kMaxVectorLength + 1));
  const Bytes enc = std::move(w).Take();  // the claimed bytes are absent: the limit comes first
  EXPECT_EQ(Reader(enc).ReadOpaque().error(), Errc::kVectorTooLong);
}

TEST(MlsCodec, VectorOfItems) {
  Writer w;
  ASSERT_TRUE(w.WriteVector([](Writer& v) {
    for (uint16_t i = 0; i < 40; ++i) v.WriteU16(i);
    return OkStatus();
  }));
  const Bytes enc = std::move(w).Take();
  EXPECT_EQ(enc.size(), 2 + 80U);  // 80 needs the two-byte form
  Reader r(enc);
  auto items = r.ReadVector();
  ASSERT_TRUE(items);
  uint16_t expect = 0;
  while (!items->empty()) EXPECT_EQ(items->ReadU16().value(), expect++);
  EXPECT_EQ(expect, 40);
  EXPECT_TRUE(r.Finish());
}

TEST(MlsCodec, FailedVectorBodyLeavesTheBufferAsItWas) {
  Writer w;
  w.WriteU8(7);
  const Status s = w.WriteVector([](Writer& v) -> Status {
    v.WriteU32(1);
    return Fail(Errc::kInvalidKey);
  });
  EXPECT_EQ(s.error(), Errc::kInvalidKey);
  EXPECT_EQ(w.size(), 1U);
}

TEST(MlsCodec, OptionalPresenceOctet) {  // §2.1.1
  Writer w;
  w.WritePresence(false);
  w.WritePresence(true);
  w.WriteU8(9);
  const Bytes enc = std::move(w).Take();
  Reader r(enc);
  EXPECT_FALSE(r.ReadPresence().value());
  EXPECT_TRUE(r.ReadPresence().value());
  EXPECT_EQ(r.ReadU8().value(), 9);
  EXPECT_TRUE(r.Finish());

  const Bytes bad = {0x02};
  Reader b(bad);
  EXPECT_EQ(b.ReadPresence().error(), Errc::kInvalidOptional);
  EXPECT_EQ(b.remaining(), 1U);
  EXPECT_EQ(Reader({}).ReadPresence().error(), Errc::kTruncated);
}

TEST(MlsCodec, FixedFields) {
  const Bytes in = {1, 2, 3};
  Reader r(in);
  EXPECT_EQ(r.ReadFixed(4).error(), Errc::kTruncated);
  EXPECT_EQ(r.ReadFixed(2).value().size(), 2U);
  EXPECT_EQ(r.Finish().error(), Errc::kTrailingData);
  EXPECT_EQ(r.ReadFixed(1).value()[0], 3);
  EXPECT_TRUE(r.Finish());
}

}  // namespace
}  // namespace sc::mls
