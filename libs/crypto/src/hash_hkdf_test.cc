// Tests for SHA-256/512 (FIPS 180-4), HMAC-SHA256 (RFC 4231) and HKDF (RFC 5869).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/crypto/hmac_pads.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes FromHex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << "bad hex literal " << hex;
  return bytes.value_or(Bytes{});
}

bool AllZero(std::span<const uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

// FIPS 180-4 examples (NIST CSRC "Examples with intermediate values") for "abc" and "".
TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc")).span()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256({}).span()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha512Test, KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha512(AsBytes("abc")).span()),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(HexEncode(Sha512({}).span()),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

TEST(Sha256HasherTest, PiecesEqualOneShotAndFinalResets) {
  const std::string_view text = "The quick brown fox jumps over the lazy dog, twice over.";
  Sha256Hasher hasher;
  hasher.Update(AsBytes(text.substr(0, 5)));
  hasher.Update({});
  hasher.Update(AsBytes(text.substr(5)));
  EXPECT_EQ(hasher.Final(), Sha256(AsBytes(text)));
  // After Final the hasher starts over.
  hasher.Update(AsBytes("abc"));
  EXPECT_EQ(HexEncode(hasher.Final().span()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

struct HmacVector {
  std::string_view name;
  Bytes key;
  Bytes data;
  std::string_view tag;
};

// RFC 4231 §4.2, §4.3 and §4.7 (test cases 1, 2 and 6), HMAC-SHA-256 results.
std::vector<HmacVector> Rfc4231Vectors() {
  const std::string_view data6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  return {
      {"case 1", Bytes(20, 0x0b), FromHex("4869205468657265"),  // "Hi There"
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case 2", FromHex("4a656665"),  // "Jefe"
       FromHex("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case 6", Bytes(131, 0xaa), Bytes(data6.begin(), data6.end()),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
}

TEST(HmacSha256Test, Rfc4231Vectors) {
  for (const auto& v : Rfc4231Vectors()) {
    EXPECT_EQ(HexEncode(HmacSha256(v.key, v.data).span()), v.tag) << v.name;
  }
  // Again, in reverse order: the per-thread context must be re-keyed on every call.
  auto vectors = Rfc4231Vectors();
  for (auto it = vectors.rbegin(); it != vectors.rend(); ++it) {
    EXPECT_EQ(HexEncode(HmacSha256(it->key, it->data).span()), it->tag) << it->name;
  }
}

TEST(HmacSha256Test, EmptyKeyAfterAKeyedCall) {
  // HMAC-SHA256 with an empty key over an empty message (checked against Python's hmac module).
  constexpr std::string_view kEmptyKeyEmptyData =
      "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
  const auto vectors = Rfc4231Vectors();
  EXPECT_EQ(HexEncode(HmacSha256(vectors[0].key, vectors[0].data).span()), vectors[0].tag);
  EXPECT_EQ(HexEncode(HmacSha256({}, {}).span()), kEmptyKeyEmptyData);  // re-keyed to empty
  HmacSha256Key empty_key({});
  EXPECT_EQ(HexEncode(empty_key.Compute({}).span()), kEmptyKeyEmptyData);
}

TEST(HmacSha256KeyTest, Rfc4231VectorsAndSplits) {
  for (const auto& v : Rfc4231Vectors()) {
    HmacSha256Key key(v.key);
    EXPECT_EQ(HexEncode(key.Compute(v.data).span()), v.tag) << v.name;
    EXPECT_EQ(HexEncode(key.Compute(v.data).span()), v.tag) << v.name << " (reused)";
    const std::span<const uint8_t> data(v.data);
    for (size_t split = 0; split <= data.size(); ++split) {
      EXPECT_EQ(HexEncode(key.Compute2(data.first(split), data.subspan(split)).span()), v.tag)
          << v.name << " split at " << split;
    }
  }
}

TEST(HmacSha256KeyTest, VerifyAcceptsFullAndTruncatedTagsOnly) {
  for (const auto& v : Rfc4231Vectors()) {
    HmacSha256Key key(v.key);
    const Bytes tag = FromHex(v.tag);
    const std::span<const uint8_t> full(tag);
    EXPECT_TRUE(key.Verify(v.data, full).has_value()) << v.name;
    EXPECT_TRUE(key.Verify(v.data, full.first(16)).has_value()) << v.name;
    EXPECT_TRUE(key.Verify(v.data, full.first(24)).has_value()) << v.name;

    auto too_short = key.Verify(v.data, full.first(15));
    ASSERT_FALSE(too_short.has_value()) << v.name;
    EXPECT_EQ(too_short.error(), Errc::kAuthFailed);

    auto none = key.Verify(v.data, {});
    ASSERT_FALSE(none.has_value()) << v.name;
    EXPECT_EQ(none.error(), Errc::kAuthFailed);

    Bytes too_long = tag;
    too_long.push_back(0);
    auto long_status = key.Verify(v.data, too_long);
    ASSERT_FALSE(long_status.has_value()) << v.name;
    EXPECT_EQ(long_status.error(), Errc::kAuthFailed);

    for (size_t byte : {size_t{0}, size_t{15}, size_t{31}}) {
      Bytes wrong = tag;
      wrong[byte] ^= 0x80;
      auto s = key.Verify(v.data, wrong);
      ASSERT_FALSE(s.has_value()) << v.name << " byte " << byte;
      EXPECT_EQ(s.error(), Errc::kAuthFailed);
    }
    Bytes wrong16(tag.begin(), tag.begin() + 16);
    wrong16[15] ^= 0x01;
    auto s16 = key.Verify(v.data, wrong16);
    ASSERT_FALSE(s16.has_value()) << v.name;
    EXPECT_EQ(s16.error(), Errc::kAuthFailed);

    Bytes other_data = v.data;
    other_data.push_back('!');
    auto s_data = key.Verify(other_data, tag);
    ASSERT_FALSE(s_data.has_value()) << v.name;
    EXPECT_EQ(s_data.error(), Errc::kAuthFailed);
  }
}

TEST(HmacSha256KeyTest, MovedKeyKeepsItsKey) {
  const auto vectors = Rfc4231Vectors();
  HmacSha256Key a(vectors[1].key);
  HmacSha256Key b(std::move(a));
  EXPECT_EQ(HexEncode(b.Compute(vectors[1].data).span()), vectors[1].tag);
  HmacSha256Key c(vectors[0].key);
  c = std::move(b);
  EXPECT_EQ(HexEncode(c.Compute(vectors[1].data).span()), vectors[1].tag);
}

struct HkdfVector {
  std::string_view name;
  Bytes ikm;
  Bytes salt;
  Bytes info;
  std::string_view okm;
};

Bytes Range(int first, int last) {  // first..last inclusive
  Bytes out;
  for (int i = first; i <= last; ++i) {
    out.push_back(static_cast<uint8_t>(i));
  }
  return out;
}

// RFC 5869 Appendix A.1 to A.3 (HKDF-SHA256).
std::vector<HkdfVector> Rfc5869Vectors() {
  return {
      {"A.1", Bytes(22, 0x0b), Range(0x00, 0x0c), Range(0xf0, 0xf9),
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      {"A.2", Range(0x00, 0x4f), Range(0x60, 0xaf), Range(0xb0, 0xff),
       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
       "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
       "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
      {"A.3", Bytes(22, 0x0b), Bytes{}, Bytes{},
       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
  };
}

Bytes Hkdf256(const HkdfVector& v, size_t length) {
  Bytes out(length, 0xff);
  auto s = HkdfSha256(v.ikm, v.salt, v.info, out);
  EXPECT_TRUE(s.has_value()) << v.name << ": " << s.error().name();
  return out;
}

TEST(HkdfSha256Test, Rfc5869Vectors) {
  const auto vectors = Rfc5869Vectors();
  for (const auto& v : vectors) {
    EXPECT_EQ(HexEncode(Hkdf256(v, v.okm.size() / 2)), v.okm) << v.name;
  }
  // A.3 right after A.1 on the same thread: the empty salt and info of A.3 must not inherit
  // A.1's from the reused per-thread context.
  EXPECT_EQ(HexEncode(Hkdf256(vectors[0], 42)), vectors[0].okm);
  EXPECT_EQ(HexEncode(Hkdf256(vectors[2], 42)), vectors[2].okm);
}

TEST(HkdfSha256Test, EmptySaltIsHashLenZeros) {
  const HkdfVector v = Rfc5869Vectors()[2];
  HkdfVector explicit_zeros = v;
  explicit_zeros.salt = Bytes(32, 0);
  EXPECT_EQ(Hkdf256(explicit_zeros, 42), Hkdf256(v, 42));
}

TEST(HkdfSha256Test, OutputLimitIs255Blocks) {
  const HkdfVector v = Rfc5869Vectors()[0];
  Bytes too_large(kMaxHkdfBlocks * 32 + 1, 0xff);
  auto s = HkdfSha256(v.ikm, v.salt, v.info, too_large);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kOutputTooLarge);
  EXPECT_TRUE(AllZero(too_large));

  const Bytes max = Hkdf256(v, kMaxHkdfBlocks * 32);
  EXPECT_EQ(HexEncode(std::span(max).first(42)), v.okm);  // a longer output extends a shorter one
  EXPECT_FALSE(AllZero(std::span(max).last(32)));

  Bytes empty;
  EXPECT_TRUE(HkdfSha256(v.ikm, v.salt, v.info, empty).has_value());
}

// HKDF-SHA512 has no RFC 5869 vectors. This one, for the A.1 inputs, was computed with an
// independent RFC 5869 implementation (Python's hmac module) and pins the digest choice.
constexpr std::string_view kHkdfSha512OkmForA1Inputs =
    "832390086cda71fb47625bb5ceb168e4c8e26a1a16ed34d9fc7fe92c1481579338da362cb8d9f925d7cb";

TEST(HkdfSha512Test, DeterministicLengthRespectedAndDistinct) {
  const HkdfVector v = Rfc5869Vectors()[0];
  Bytes a(42, 0xff);
  Bytes b(100, 0xff);
  ASSERT_TRUE(HkdfSha512(v.ikm, v.salt, v.info, a).has_value());
  ASSERT_TRUE(HkdfSha512(v.ikm, v.salt, v.info, b).has_value());
  EXPECT_EQ(HexEncode(a), kHkdfSha512OkmForA1Inputs);
  EXPECT_EQ(Bytes(b.begin(), b.begin() + 42), a);  // same inputs, longer output extends
  EXPECT_NE(HexEncode(a), v.okm);                  // not SHA-256

  Bytes other_info(42, 0xff);
  ASSERT_TRUE(HkdfSha512(v.ikm, v.salt, Bytes{0x01}, other_info).has_value());
  EXPECT_NE(other_info, a);

  // An empty salt means 64 zero bytes for SHA-512 (RFC 5869 §2.2).
  Bytes no_salt(42, 0xff);
  Bytes zero_salt(42, 0xff);
  ASSERT_TRUE(HkdfSha512(v.ikm, {}, v.info, no_salt).has_value());
  ASSERT_TRUE(HkdfSha512(v.ikm, Bytes(64, 0), v.info, zero_salt).has_value());
  EXPECT_EQ(no_salt, zero_salt);
}

TEST(HkdfSha512Test, OutputLimitIs255Blocks) {
  const HkdfVector v = Rfc5869Vectors()[0];
  Bytes max(kMaxHkdfBlocks * 64, 0);
  ASSERT_TRUE(HkdfSha512(v.ikm, v.salt, v.info, max).has_value());
  EXPECT_FALSE(AllZero(std::span(max).last(64)));
  Bytes too_large(kMaxHkdfBlocks * 64 + 1, 0xff);
  auto s = HkdfSha512(v.ikm, v.salt, v.info, too_large);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kOutputTooLarge);
  EXPECT_TRUE(AllZero(too_large));
}

// HmacSha256Pads (libsodium's keyed state, copied per call) gives HmacSha256's bytes (OpenSSL)
// for every key length around the 64-byte block (shorter keys padded, longer ones hashed), for
// empty and multi-block messages, and however the message is split into parts.
TEST(HmacSha256PadsTest, MatchesHmacSha256ForEveryKeyLengthAndSplit) {
  std::vector<uint8_t> key(200), msg(300);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i * 13 + 5);
  for (size_t k = 0; k < key.size(); ++k) {
    const std::span<const uint8_t> kk(key.data(), k);
    const HmacSha256Pads mac(kk);
    for (size_t m : {size_t{0}, size_t{1}, size_t{55}, size_t{64}, size_t{300}}) {
      const std::span<const uint8_t> mm(msg.data(), m);
      const HmacSha256Tag want = HmacSha256(kk, mm);
      ASSERT_EQ(mac.Compute(mm), want) << "key " << k << " message " << m;
      HmacSha256Tag split;
      mac.ComputeInto({mm.subspan(0, m / 3), mm.subspan(m / 3, m / 3), mm.subspan(2 * (m / 3))},
                      split.mutable_span());
      ASSERT_EQ(split, want) << "key " << k << " message " << m << " in three parts";
    }
  }
}

}  // namespace
}  // namespace sc::crypto
