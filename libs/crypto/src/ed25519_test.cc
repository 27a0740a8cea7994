// Tests for Ed25519 (RFC 8032 §5.1): the §7.1 vectors, tamper detection and strict verification.
#include "securecomm/crypto/ed25519.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/keys.h"

namespace sc::crypto {
namespace {

template <typename T>
concept Streamable = requires(std::ostream& o, const T& t) {
  o << t;
};

static_assert(!std::is_copy_constructible_v<Ed25519Seed>);
static_assert(!std::is_copy_assignable_v<Ed25519Seed>);
static_assert(std::is_nothrow_move_constructible_v<Ed25519Seed>);
static_assert(!Streamable<Ed25519Seed>);
static_assert(!fmt::is_formattable<Ed25519Seed>::value);
static_assert(!std::is_copy_constructible_v<Ed25519KeyPair>);
static_assert(!Streamable<Ed25519KeyPair>);
static_assert(!fmt::is_formattable<Ed25519KeyPair>::value);

std::vector<uint8_t> FromHex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << "bad hex literal " << hex;
  return bytes.value_or(std::vector<uint8_t>{});
}

Ed25519Seed SeedFromHex(std::string_view hex) {
  auto seed = Ed25519Seed::FromSpan(FromHex(hex));
  EXPECT_TRUE(seed.has_value());
  return seed.has_value() ? std::move(*seed) : Ed25519Seed();
}

template <typename PublicType>
PublicType PublicFromHex(std::string_view hex) {
  auto value = PublicType::FromSpan(FromHex(hex));
  EXPECT_TRUE(value.has_value());
  return value.value_or(PublicType());
}

struct Rfc8032Vector {
  std::string_view name;
  std::string_view secret_key;
  std::string_view public_key;
  std::string_view message;
  std::string_view signature;
};

// RFC 8032 §7.1, TEST 1 to TEST 3.
constexpr Rfc8032Vector kVectors[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

class Rfc8032Test : public ::testing::TestWithParam<Rfc8032Vector> {};

TEST_P(Rfc8032Test, DerivesPublicKeyAndSignsDeterministically) {
  const Rfc8032Vector& v = GetParam();
  const Ed25519KeyPair kp = Ed25519KeyPair::FromSeed(SeedFromHex(v.secret_key));
  EXPECT_EQ(HexEncode(kp.public_key().span()), v.public_key);
  EXPECT_EQ(HexEncode(kp.Sign(FromHex(v.message)).span()), v.signature);
  EXPECT_EQ(HexEncode(kp.seed().Expose()), v.secret_key);
}

TEST_P(Rfc8032Test, VerifiesThePublishedSignature) {
  const Rfc8032Vector& v = GetParam();
  const auto status = Ed25519Verify(PublicFromHex<Ed25519PublicKey>(v.public_key), FromHex(v.message),
                                    PublicFromHex<Ed25519Signature>(v.signature));
  EXPECT_TRUE(status.has_value()) << status.error().name();
}

TEST_P(Rfc8032Test, RejectsAnyFlippedBit) {
  const Rfc8032Vector& v = GetParam();
  const auto pk = PublicFromHex<Ed25519PublicKey>(v.public_key);
  const auto sig = PublicFromHex<Ed25519Signature>(v.signature);
  const std::vector<uint8_t> message = FromHex(v.message);

  // Message: flip a bit, or (for the empty message) add a byte.
  std::vector<uint8_t> bad_message = message;
  if (bad_message.empty()) {
    bad_message.push_back(0x00);
  } else {
    bad_message[0] ^= 0x01;
  }
  auto s = Ed25519Verify(pk, bad_message, sig);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kBadSignature);

  // Signature: a bit in R and a bit in S.
  for (size_t byte : {size_t{0}, size_t{40}}) {
    Ed25519Signature bad_sig = sig;
    bad_sig.mutable_span()[byte] ^= 0x04;
    s = Ed25519Verify(pk, message, bad_sig);
    ASSERT_FALSE(s.has_value()) << byte;
    EXPECT_EQ(s.error(), Errc::kBadSignature);
  }

  // Key: the low bit of the first byte.
  Ed25519PublicKey bad_pk = pk;
  bad_pk.mutable_span()[0] ^= 0x01;
  s = Ed25519Verify(bad_pk, message, sig);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kBadSignature);
}

INSTANTIATE_TEST_SUITE_P(Rfc8032Section7_1, Rfc8032Test, ::testing::ValuesIn(kVectors),
                         [](const auto& param_info) {
                           return "Test" + std::to_string(param_info.index + 1);
                         });

TEST(Ed25519Test, GeneratedKeysSignAndVerify) {
  DeterministicRandom rng(3);
  const Ed25519KeyPair a = Ed25519KeyPair::Generate(rng);
  const Ed25519KeyPair b = Ed25519KeyPair::Generate(rng);
  const std::vector<uint8_t> message = {'h', 'e', 'l', 'l', 'o'};
  const Ed25519Signature sig = a.Sign(message);
  EXPECT_TRUE(Ed25519Verify(a.public_key(), message, sig).has_value());
  auto wrong_key = Ed25519Verify(b.public_key(), message, sig);
  ASSERT_FALSE(wrong_key.has_value());
  EXPECT_EQ(wrong_key.error(), Errc::kBadSignature);

  const Ed25519KeyPair clone = a.Clone();
  EXPECT_EQ(clone.public_key(), a.public_key());
  EXPECT_EQ(clone.Sign(message), sig);
  EXPECT_EQ(Ed25519KeyPair::FromSeed(a.seed()).public_key(), a.public_key());

  DeterministicRandom again(3);
  EXPECT_EQ(Ed25519KeyPair::Generate(again).public_key(), a.public_key());
}

TEST(Ed25519Test, RejectsNonCanonicalS) {
  // S + L verifies under the cofactorless equation but is malleable; strict rules refuse it.
  const Rfc8032Vector& v = kVectors[0];
  const auto pk = PublicFromHex<Ed25519PublicKey>(v.public_key);
  Ed25519Signature sig = PublicFromHex<Ed25519Signature>(v.signature);
  // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
  const std::vector<uint8_t> order =
      FromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    const unsigned sum = sig.span()[32 + i] + order[i] + carry;
    sig.mutable_span()[32 + i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);
  auto s = Ed25519Verify(pk, FromHex(v.message), sig);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kBadSignature);
}

TEST(Ed25519Test, RejectsSmallOrderKeyWithTrivialSignature) {
  // A = R = identity and S = 0 satisfy [S]B = R + [k]A for every message; strict rules refuse it.
  const auto identity =
      PublicFromHex<Ed25519PublicKey>("0100000000000000000000000000000000000000000000000000000000000000");
  Ed25519Signature sig;
  sig.mutable_span()[0] = 0x01;
  const std::vector<uint8_t> message = {'x'};
  auto s = Ed25519Verify(identity, message, sig);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kBadSignature);
}

}  // namespace
}  // namespace sc::crypto
