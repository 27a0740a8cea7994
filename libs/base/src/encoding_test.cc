// Tests for the hex and base64 codecs: known values, case, and rejection of malformed text.
#include "securecomm/base/encoding.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/base/error.h"

namespace sc {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes AllByteValues() {
  Bytes all(256);
  for (size_t i = 0; i < all.size(); ++i) {
    all[i] = static_cast<uint8_t>(i);
  }
  return all;
}

TEST(HexTest, EncodesLowerCase) {
  EXPECT_EQ(HexEncode(Bytes{}), "");
  EXPECT_EQ(HexEncode(Bytes{0x00, 0x01, 0x7f, 0xab, 0xff}), "00017fabff");
}

TEST(HexTest, DecodesUpperLowerAndMixedCase) {
  const Bytes expected = {0xab, 0xcd, 0xef, 0x09};
  for (std::string_view text : {"abcdef09", "ABCDEF09", "aBcDeF09"}) {
    auto decoded = HexDecode(text);
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(*decoded, expected) << text;
  }
  auto empty = HexDecode("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(HexTest, RoundTripsEveryByteValue) {
  const Bytes all = AllByteValues();
  const std::string text = HexEncode(all);
  EXPECT_EQ(text.size(), 512u);
  auto decoded = HexDecode(text);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, all);
}

TEST(HexTest, RejectsOddLengthAndInvalidCharacters) {
  // clang-format off
  const std::string_view bad[] = {
      "0", "abc",                          // odd length
      "0g", "g0", "zz", "-1", "0x00",      // not hex digits
      " 00", "00 ", "0 0a", "00\n",        // whitespace
      std::string_view("0\0", 2),          // embedded NUL
  };
  // clang-format on
  for (std::string_view text : bad) {
    auto decoded = HexDecode(text);
    ASSERT_FALSE(decoded.has_value()) << "accepted: " << text;
    EXPECT_EQ(decoded.error(), Errc::kInvalidEncoding) << text;
  }
}

struct Base64Vector {
  std::string_view plain;
  std::string_view encoded;
};

// RFC 4648 §10.
constexpr Base64Vector kRfc4648Vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(v.plain)), v.encoded) << v.plain;
  }
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    auto decoded = Base64Decode(v.encoded);
    ASSERT_TRUE(decoded.has_value()) << v.encoded;
    EXPECT_EQ(*decoded, Bytes(v.plain.begin(), v.plain.end())) << v.encoded;
  }
}

TEST(Base64Test, UsesTheStandardAlphabet) {
  EXPECT_EQ(Base64Encode(Bytes{0xfb, 0xff}), "+/8=");
  auto decoded = Base64Decode("+/8=");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, (Bytes{0xfb, 0xff}));
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  const Bytes all = AllByteValues();
  for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{255}, size_t{256}}) {
    const Bytes input(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    auto decoded = Base64Decode(Base64Encode(input));
    ASSERT_TRUE(decoded.has_value()) << n;
    EXPECT_EQ(*decoded, input) << n;
  }
}

TEST(Base64Test, RejectsMissingPaddingSpacesAndForeignCharacters) {
  const std::string_view bad[] = {
      "Zg",        "Zg=",   "Zm8",      "Zm9vYg",   "Zm9vYmE",  // padding missing or short
      "Zm9v Yg==", " Zm9v", "Zm9v ",    "Zm9v\n",   "Zm\t9v",   // whitespace
      "Zm9$",      "-_8=",  "Zm9v====", "Zg==Zm9v", "=Zg=",     // foreign alphabet, misplaced padding
      "Zh==",      "Zm9=",                                      // non-canonical trailing bits
  };
  for (std::string_view text : bad) {
    auto decoded = Base64Decode(text);
    ASSERT_FALSE(decoded.has_value()) << "accepted: " << text;
    EXPECT_EQ(decoded.error(), Errc::kInvalidEncoding) << text;
  }
}

// libsodium 1.0.18 reads any byte >= 0x80 as '/'; our decoder must refuse them all.
TEST(Base64Test, RejectsBytesWithTheHighBitSet) {
  for (int b = 0x80; b <= 0xff; ++b) {
    std::string text = "AAA/";
    text[3] = static_cast<char>(b);
    auto decoded = Base64Decode(text);
    ASSERT_FALSE(decoded.has_value()) << "accepted byte " << b;
    EXPECT_EQ(decoded.error(), Errc::kInvalidEncoding);
  }
  EXPECT_FALSE(Base64Decode("AA\xC7\x9B").has_value());
  EXPECT_TRUE(Base64Decode("AA//").has_value());
}

}  // namespace
}  // namespace sc
