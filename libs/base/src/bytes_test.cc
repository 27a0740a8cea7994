#include "securecomm/base/bytes.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(BytesTest, StoresAndLoadsBigEndian) {
  uint8_t b[8] = {};
  StoreBe16(std::span<uint8_t, 2>(b, 2), 0x0102);
  EXPECT_EQ(b[0], 0x01);
  EXPECT_EQ(b[1], 0x02);
  EXPECT_EQ(LoadBe16(std::span<const uint8_t, 2>(b, 2)), 0x0102);
  StoreBe32(std::span<uint8_t, 4>(b, 4), 0xA1B2C3D4u);
  EXPECT_EQ(b[0], 0xA1);
  EXPECT_EQ(b[3], 0xD4);
  EXPECT_EQ(LoadBe32(std::span<const uint8_t, 4>(b, 4)), 0xA1B2C3D4u);
  StoreBe64(b, 0x0102030405060708ull);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(b[i], i + 1);
  EXPECT_EQ(LoadBe64(b), 0x0102030405060708ull);
}

TEST(BytesTest, StoresAndLoadsVariableWidths) {
  uint8_t b[9] = {};
  StoreBeN(std::span<uint8_t>(b, 5), 0xFF0102030405ull);  // the high byte does not fit
  const uint8_t want5[5] = {0x01, 0x02, 0x03, 0x04, 0x05};
  EXPECT_TRUE(std::equal(want5, want5 + 5, b));
  EXPECT_EQ(LoadBeN(std::span<const uint8_t>(b, 5)), 0x0102030405ull);
  EXPECT_EQ(LoadBeN({}), 0u);
  StoreBeN(b, 0x0102030405060708ull);  // 9 bytes: a leading zero
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(b[1], 0x01);
  EXPECT_EQ(b[8], 0x08);
  EXPECT_EQ(LoadBeN(b), 0x0102030405060708ull);
  StoreBeN({}, 1);  // writes nothing
}

TEST(BytesTest, StoresLittleEndian) {
  uint8_t b[8] = {};
  StoreLe64(b, 0x0102030405060708ull);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(b[i], 8 - i);
}

TEST(BytesTest, AppendsBigEndian) {
  std::vector<uint8_t> out{0xFF};
  AppendBe16(out, 0x0A0B);
  AppendBe32(out, 1);
  AppendBe64(out, 0x8000000000000001ull);
  const std::vector<uint8_t> want{0xFF, 0x0A, 0x0B, 0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(out, want);
}

TEST(BytesTest, ViewsCharactersAsBytesAndBack) {
  const std::string s("a\0\xff", 3);
  auto bytes = AsBytes(s);
  ASSERT_EQ(bytes.size(), 3u);
  EXPECT_EQ(bytes[2], 0xFF);
  EXPECT_EQ(AsChars(bytes), s);
  EXPECT_EQ(BytesToString(bytes), s);
  std::string buf = "xy";
  AsWritableBytes(buf)[0] = 'z';
  EXPECT_EQ(buf, "zy");
}

}  // namespace
}  // namespace sc
