// Tests for ByteReader and ByteWriter: big-endian integers, truncation, length-prefixed children,
// trailing data, the writer's limit and its rollback of failed children.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/error.h"

namespace sc {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes ToVector(std::span<const uint8_t> s) {
  return Bytes(s.begin(), s.end());
}

// One of each width, with distinct bytes so a wrong order or width shows.
constexpr std::array<uint8_t, 15> kIntegers = {0xab,                                             // U8
                                               0x01, 0x02,                                       // U16
                                               0x83, 0x04, 0x05, 0x06,                           // U32
                                               0xf7, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};  // U64

TEST(ByteWriterTest, WritesIntegersBigEndian) {
  ByteWriter w;
  ASSERT_TRUE(w.WriteU8(0xab).has_value());
  ASSERT_TRUE(w.WriteU16(0x0102).has_value());
  ASSERT_TRUE(w.WriteU32(0x83040506u).has_value());
  ASSERT_TRUE(w.WriteU64(0xf708090a0b0c0d0eULL).has_value());
  EXPECT_EQ(w.size(), kIntegers.size());
  EXPECT_EQ(ToVector(w.bytes()), ToVector(kIntegers));
}

TEST(ByteReaderTest, ReadsIntegersBigEndian) {
  ByteReader r(kIntegers);
  auto u8 = r.ReadU8();
  auto u16 = r.ReadU16();
  auto u32 = r.ReadU32();
  auto u64 = r.ReadU64();
  ASSERT_TRUE(u8.has_value() && u16.has_value() && u32.has_value() && u64.has_value());
  EXPECT_EQ(*u8, 0xab);
  EXPECT_EQ(*u16, 0x0102);
  EXPECT_EQ(*u32, 0x83040506u);
  EXPECT_EQ(*u64, 0xf708090a0b0c0d0eULL);
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(r.Finish().has_value());
}

TEST(ByteCodecTest, RoundTripsExtremeValues) {
  ByteWriter w;
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0x8000000000000001ULL}, ~uint64_t{0}}) {
    ASSERT_TRUE(w.WriteU8(static_cast<uint8_t>(v)).has_value());
    ASSERT_TRUE(w.WriteU16(static_cast<uint16_t>(v)).has_value());
    ASSERT_TRUE(w.WriteU32(static_cast<uint32_t>(v)).has_value());
    ASSERT_TRUE(w.WriteU64(v).has_value());
  }
  const Bytes encoded = std::move(w).Take();
  ByteReader r(encoded);
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0x8000000000000001ULL}, ~uint64_t{0}}) {
    EXPECT_EQ(r.ReadU8().value_or(0x5a), static_cast<uint8_t>(v));
    EXPECT_EQ(r.ReadU16().value_or(0x5a5a), static_cast<uint16_t>(v));
    EXPECT_EQ(r.ReadU32().value_or(0x5a5a5a5a), static_cast<uint32_t>(v));
    EXPECT_EQ(r.ReadU64().value_or(0x5a5a5a5a5a5a5a5aULL), v);
  }
  EXPECT_TRUE(r.Finish().has_value());
}

TEST(ByteReaderTest, TruncatedIntegerReadsFailAndConsumeNothing) {
  const Bytes seven = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  ByteReader empty_reader(std::span<const uint8_t>{});
  auto u8 = empty_reader.ReadU8();
  ASSERT_FALSE(u8.has_value());
  EXPECT_EQ(u8.error(), Errc::kTruncated);

  auto u16 = ByteReader(std::span(seven).first(1)).ReadU16();
  ASSERT_FALSE(u16.has_value());
  EXPECT_EQ(u16.error(), Errc::kTruncated);

  ByteReader r(seven);
  auto u64 = r.ReadU64();
  ASSERT_FALSE(u64.has_value());
  EXPECT_EQ(u64.error(), Errc::kTruncated);
  EXPECT_EQ(r.remaining(), 7u);

  ByteReader r3{std::span(seven).first(3)};
  auto u32 = r3.ReadU32();
  ASSERT_FALSE(u32.has_value());
  EXPECT_EQ(u32.error(), Errc::kTruncated);
  EXPECT_EQ(r3.remaining(), 3u);
  // The failed reads consumed nothing: the next read starts at the first byte.
  EXPECT_EQ(r3.ReadU16().value_or(0), 0x1122);
}

TEST(ByteReaderTest, TruncatedBytesAndSkipConsumeNothing) {
  const Bytes three = {0x01, 0x02, 0x03};
  ByteReader r(three);
  auto bytes = r.ReadBytes(4);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error(), Errc::kTruncated);
  auto skip = r.Skip(4);
  ASSERT_FALSE(skip.has_value());
  EXPECT_EQ(skip.error(), Errc::kTruncated);
  EXPECT_EQ(r.remaining(), 3u);

  ASSERT_TRUE(r.Skip(1).has_value());
  auto rest = r.ReadBytes(2);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(ToVector(*rest), (Bytes{0x02, 0x03}));
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, ReadsPrefixedChildrenOfEachWidth) {
  const Bytes input = {0x02, 0xa1, 0xa2,              // 8-bit prefix, 2 bytes
                       0x00, 0x03, 0xb1, 0xb2, 0xb3,  // 16-bit prefix, 3 bytes
                       0x00, 0x00, 0x00, 0x01, 0xc1,  // 32-bit prefix, 1 byte
                       0x00,                          // 8-bit prefix, empty child
                       0xff};                         // left for the parent
  ByteReader r(input);
  auto c8 = r.ReadPrefixed8();
  ASSERT_TRUE(c8.has_value());
  EXPECT_EQ(ToVector(c8->ReadRest()), (Bytes{0xa1, 0xa2}));
  auto c16 = r.ReadPrefixed16();
  ASSERT_TRUE(c16.has_value());
  EXPECT_EQ(c16->remaining(), 3u);
  EXPECT_EQ(c16->ReadU8().value_or(0), 0xb1);
  EXPECT_EQ(c16->ReadU16().value_or(0), 0xb2b3);
  EXPECT_TRUE(c16->Finish().has_value());
  auto c32 = r.ReadPrefixed32();
  ASSERT_TRUE(c32.has_value());
  EXPECT_EQ(ToVector(c32->ReadRest()), (Bytes{0xc1}));
  auto empty_child = r.ReadPrefixed8();
  ASSERT_TRUE(empty_child.has_value());
  EXPECT_TRUE(empty_child->empty());
  EXPECT_TRUE(empty_child->Finish().has_value());
  EXPECT_EQ(r.ReadU8().value_or(0), 0xff);
  EXPECT_TRUE(r.Finish().has_value());
}

TEST(ByteReaderTest, PrefixedLengthPastTheEndIsTruncated) {
  const Bytes len8 = {0x05, 0x01, 0x02};               // says 5, has 2
  const Bytes len16 = {0x01, 0x00, 0x01};              // says 256, has 1
  const Bytes len32 = {0xff, 0xff, 0xff, 0xff, 0x00};  // says 4 GiB - 1, has 1
  const Bytes short_prefix = {0x00};                   // half a 16-bit length

  ByteReader r8(len8);
  auto c8 = r8.ReadPrefixed8();
  ASSERT_FALSE(c8.has_value());
  EXPECT_EQ(c8.error(), Errc::kTruncated);
  EXPECT_EQ(r8.remaining(), len8.size());

  ByteReader r16(len16);
  auto c16 = r16.ReadPrefixed16();
  ASSERT_FALSE(c16.has_value());
  EXPECT_EQ(c16.error(), Errc::kTruncated);
  EXPECT_EQ(r16.remaining(), len16.size());

  ByteReader r32(len32);
  auto c32 = r32.ReadPrefixed32();
  ASSERT_FALSE(c32.has_value());
  EXPECT_EQ(c32.error(), Errc::kTruncated);
  EXPECT_EQ(r32.remaining(), len32.size());

  ByteReader rs(short_prefix);
  auto cs = rs.ReadPrefixed16();
  ASSERT_FALSE(cs.has_value());
  EXPECT_EQ(cs.error(), Errc::kTruncated);
  EXPECT_EQ(rs.remaining(), 1u);
}

TEST(ByteReaderTest, FinishReportsTrailingData) {
  const Bytes input = {0x02, 0x10, 0x20, 0x30};
  ByteReader r(input);
  auto child = r.ReadPrefixed8();
  ASSERT_TRUE(child.has_value());
  ASSERT_TRUE(child->ReadU8().has_value());
  auto child_status = child->Finish();  // one of its two bytes is unread
  ASSERT_FALSE(child_status.has_value());
  EXPECT_EQ(child_status.error(), Errc::kTrailingData);

  auto status = r.Finish();  // 0x30 is unread
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error(), Errc::kTrailingData);
  EXPECT_EQ(ToVector(r.ReadRest()), Bytes{0x30});
  EXPECT_TRUE(r.Finish().has_value());
  EXPECT_TRUE(r.ReadRest().empty());
}

TEST(ByteWriterTest, LimitRefusalLeavesBufferUnchanged) {
  ByteWriter w(/*limit=*/3);
  ASSERT_TRUE(w.WriteU16(0xbeef).has_value());
  const Bytes before = {0xbe, 0xef};
  for (auto status : {w.WriteU16(1), w.WriteU32(1), w.WriteU64(1), w.WriteBytes(Bytes{1, 2})}) {
    ASSERT_FALSE(status.has_value());
    EXPECT_EQ(status.error(), Errc::kLengthOverflow);
    EXPECT_EQ(ToVector(w.bytes()), before);
  }
  ASSERT_TRUE(w.WriteU8(0x01).has_value());  // exactly at the limit is allowed
  auto over = w.WriteU8(0x02);
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error(), Errc::kLengthOverflow);
  EXPECT_EQ(ToVector(w.bytes()), (Bytes{0xbe, 0xef, 0x01}));
  EXPECT_TRUE(w.WriteBytes({}).has_value());  // nothing more is still fine
}

TEST(ByteWriterTest, WritesPrefixedChildren) {
  ByteWriter w;
  ASSERT_TRUE(w.WritePrefixed16([](ByteWriter& c) {
                 if (auto s = c.WriteU8(0xaa); !s) {
                   return s;
                 }
                 return c.WritePrefixed8([](ByteWriter& g) { return g.WriteU16(0x0102); });
               }).has_value());
  ASSERT_TRUE(w.WritePrefixed32([](ByteWriter& c) { return c.WriteBytes(Bytes{0xcc}); }).has_value());
  ASSERT_TRUE(w.WritePrefixed8([](ByteWriter&) { return OkStatus(); }).has_value());
  const Bytes expected = {0x00, 0x04, 0xaa, 0x02, 0x01, 0x02,  // 16-bit child holding an 8-bit one
                          0x00, 0x00, 0x00, 0x01, 0xcc,        // 32-bit child
                          0x00};                               // empty 8-bit child
  EXPECT_EQ(ToVector(w.bytes()), expected);

  // And the reader takes it apart again.
  ByteReader r(w.bytes());
  auto outer = r.ReadPrefixed16();
  ASSERT_TRUE(outer.has_value());
  EXPECT_EQ(outer->ReadU8().value_or(0), 0xaa);
  auto inner = outer->ReadPrefixed8();
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->ReadU16().value_or(0), 0x0102);
  EXPECT_TRUE(outer->Finish().has_value());
}

TEST(ByteWriterTest, Prefixed8AcceptsAt255AndRejects256) {
  ByteWriter w;
  ASSERT_TRUE(w.WriteU8(0x77).has_value());
  const Bytes max_child(255, 0x42);
  ASSERT_TRUE(w.WritePrefixed8([&](ByteWriter& c) { return c.WriteBytes(max_child); }).has_value());
  EXPECT_EQ(w.size(), 1u + 1u + 255u);
  EXPECT_EQ(w.bytes()[1], 0xff);

  const Bytes before = ToVector(w.bytes());
  const Bytes too_long(256, 0x43);
  auto s = w.WritePrefixed8([&](ByteWriter& c) { return c.WriteBytes(too_long); });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kLengthOverflow);
  EXPECT_EQ(ToVector(w.bytes()), before);  // child and prefix removed
}

TEST(ByteWriterTest, Prefixed16RejectsChildOver65535) {
  ByteWriter w;
  const Bytes too_long(65536, 0x01);
  auto s = w.WritePrefixed16([&](ByteWriter& c) { return c.WriteBytes(too_long); });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kLengthOverflow);
  EXPECT_EQ(w.size(), 0u);
}

TEST(ByteWriterTest, FailingBodyRollsBack) {
  ByteWriter w;
  ASSERT_TRUE(w.WriteU16(0x1234).has_value());
  auto s = w.WritePrefixed16([](ByteWriter& c) -> Status {
    if (auto written = c.WriteU32(0xdeadbeef); !written) {
      return written;
    }
    return Fail(Errc::kInvalidEncoding);  // the body gives up after writing
  });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kInvalidEncoding);  // the body's own error is passed through
  EXPECT_EQ(ToVector(w.bytes()), (Bytes{0x12, 0x34}));

  // A nested failure rolls back the outer child too.
  auto nested = w.WritePrefixed8([](ByteWriter& c) {
    if (auto written = c.WriteU8(0x01); !written) {
      return written;
    }
    return c.WritePrefixed8([](ByteWriter& g) { return g.WriteBytes(Bytes(300, 0)); });
  });
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error(), Errc::kLengthOverflow);
  EXPECT_EQ(ToVector(w.bytes()), (Bytes{0x12, 0x34}));
}

TEST(ByteWriterTest, PrefixRefusedByLimitSkipsBody) {
  ByteWriter w(/*limit=*/1);
  bool body_called = false;
  auto s = w.WritePrefixed16([&](ByteWriter&) {
    body_called = true;
    return OkStatus();
  });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kLengthOverflow);
  EXPECT_FALSE(body_called);
  EXPECT_EQ(w.size(), 0u);

  // A child that runs into the limit fails inside the body and is removed with its prefix.
  ByteWriter limited(/*limit=*/5);
  auto child = limited.WritePrefixed16([](ByteWriter& c) { return c.WriteU32(1); });
  ASSERT_FALSE(child.has_value());
  EXPECT_EQ(child.error(), Errc::kLengthOverflow);
  EXPECT_EQ(limited.size(), 0u);
}

TEST(ByteWriterTest, TakeMovesTheBytesOut) {
  ByteWriter w;
  ASSERT_TRUE(w.WriteU32(0x01020304).has_value());
  Bytes out = std::move(w).Take();
  EXPECT_EQ(out, (Bytes{0x01, 0x02, 0x03, 0x04}));
}

}  // namespace
}  // namespace sc
