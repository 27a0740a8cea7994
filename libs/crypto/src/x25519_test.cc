// Tests for X25519 (RFC 7748) and the Ed25519-to-X25519 conversion.
#include "securecomm/crypto/x25519.h"

#include <cstdint>
#include <ostream>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/crypto/random.h"

namespace sc::crypto {
namespace {

template <typename T>
concept Streamable = requires(std::ostream& o, const T& t) {
  o << t;
};

static_assert(!std::is_copy_constructible_v<X25519PrivateKey>);
static_assert(!std::is_copy_assignable_v<X25519PrivateKey>);
static_assert(std::is_nothrow_move_constructible_v<X25519PrivateKey>);
static_assert(!Streamable<X25519PrivateKey>);
static_assert(!fmt::is_formattable<X25519PrivateKey>::value);
static_assert(!std::is_copy_constructible_v<X25519SharedSecret>);
static_assert(!Streamable<X25519SharedSecret>);
static_assert(!fmt::is_formattable<X25519SharedSecret>::value);
// Keys are typed: an X25519 public key is not an Ed25519 public key.
static_assert(!std::is_convertible_v<X25519PublicKey, Ed25519PublicKey>);

std::vector<uint8_t> FromHex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << "bad hex literal " << hex;
  return bytes.value_or(std::vector<uint8_t>{});
}

X25519PrivateKey PrivateFromHex(std::string_view hex) {
  auto key = X25519PrivateKey::FromSpan(FromHex(hex));
  EXPECT_TRUE(key.has_value());
  return key.has_value() ? std::move(*key) : X25519PrivateKey();
}

X25519PublicKey PublicFromHex(std::string_view hex) {
  auto key = X25519PublicKey::FromSpan(FromHex(hex));
  EXPECT_TRUE(key.has_value());
  return key.value_or(X25519PublicKey());
}

struct ScalarMultVector {
  std::string_view scalar;
  std::string_view u;
  std::string_view output;
};

// RFC 7748 §5.2, the two single-iteration vectors. The second u has its top bit set, which
// X25519 must ignore (RFC 7748 §5).
constexpr ScalarMultVector kRfc7748Vectors[] = {
    {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
     "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
     "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
    {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
     "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
     "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
};

TEST(X25519Test, Rfc7748Section5_2Vectors) {
  for (const auto& v : kRfc7748Vectors) {
    auto shared = X25519(PrivateFromHex(v.scalar), PublicFromHex(v.u));
    ASSERT_TRUE(shared.has_value()) << shared.error().name();
    EXPECT_EQ(HexEncode(shared->Expose()), v.output);
  }
}

// RFC 7748 §6.1.
constexpr std::string_view kAlicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
constexpr std::string_view kAlicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
constexpr std::string_view kBobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
constexpr std::string_view kBobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
constexpr std::string_view kSharedSecret = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

TEST(X25519Test, Rfc7748Section6_1DiffieHellman) {
  const X25519KeyPair alice = X25519KeyPair::FromPrivate(PrivateFromHex(kAlicePrivate));
  const X25519KeyPair bob = X25519KeyPair::FromPrivate(PrivateFromHex(kBobPrivate));
  EXPECT_EQ(HexEncode(alice.public_key.span()), kAlicePublic);
  EXPECT_EQ(HexEncode(bob.public_key.span()), kBobPublic);

  auto alice_side = X25519(alice.private_key, bob.public_key);
  auto bob_side = X25519(bob.private_key, alice.public_key);
  ASSERT_TRUE(alice_side.has_value());
  ASSERT_TRUE(bob_side.has_value());
  EXPECT_EQ(HexEncode(alice_side->Expose()), kSharedSecret);
  EXPECT_EQ(HexEncode(bob_side->Expose()), kSharedSecret);
}

TEST(X25519Test, LowOrderPublicKeysAreWeak) {
  const X25519PrivateKey sk = PrivateFromHex(kAlicePrivate);
  // u = 0, u = 1 and a point of order 8: each gives an all-zero shared secret.
  for (std::string_view u : {"0000000000000000000000000000000000000000000000000000000000000000",
                             "0100000000000000000000000000000000000000000000000000000000000000",
                             "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"}) {
    auto shared = X25519(sk, PublicFromHex(u));
    ASSERT_FALSE(shared.has_value()) << u;
    EXPECT_EQ(shared.error(), Errc::kWeakKey) << u;
  }
}

TEST(X25519Test, GeneratedKeyPairsAgree) {
  DeterministicRandom rng(7);
  const X25519KeyPair a = X25519KeyPair::Generate(rng);
  const X25519KeyPair b = X25519KeyPair::Generate(SystemCsprng());
  EXPECT_NE(a.public_key, b.public_key);
  auto ab = X25519(a.private_key, b.public_key);
  auto ba = X25519(b.private_key, a.public_key);
  ASSERT_TRUE(ab.has_value());
  ASSERT_TRUE(ba.has_value());
  EXPECT_TRUE(*ab == *ba);
  EXPECT_FALSE(*ab == X25519SharedSecret());

  // A third party gets a different secret.
  const X25519KeyPair c = X25519KeyPair::Generate(rng);
  auto ac = X25519(a.private_key, c.public_key);
  ASSERT_TRUE(ac.has_value());
  EXPECT_FALSE(*ab == *ac);

  // Generate is reproducible from the same random stream.
  DeterministicRandom again(7);
  EXPECT_EQ(X25519KeyPair::Generate(again).public_key, a.public_key);
}

TEST(X25519Test, FromSpanChecksLength) {
  const std::vector<uint8_t> short_key(31, 1);
  const std::vector<uint8_t> long_key(33, 1);
  for (const auto& bytes : {short_key, long_key, std::vector<uint8_t>{}}) {
    auto pk = X25519PublicKey::FromSpan(bytes);
    ASSERT_FALSE(pk.has_value());
    EXPECT_EQ(pk.error(), Errc::kInvalidKeySize);
    auto sk = X25519PrivateKey::FromSpan(bytes);
    ASSERT_FALSE(sk.has_value());
    EXPECT_EQ(sk.error(), Errc::kInvalidKeySize);
  }
}

TEST(Ed25519ToX25519Test, PrivateAndPublicConversionsAreConsistent) {
  DeterministicRandom rng(11);
  for (int i = 0; i < 8; ++i) {
    const Ed25519KeyPair ed = Ed25519KeyPair::Generate(rng);
    auto converted_public = Ed25519PublicToX25519(ed.public_key());
    ASSERT_TRUE(converted_public.has_value()) << converted_public.error().name();
    const X25519KeyPair from_private = X25519KeyPair::FromPrivate(ed.ToX25519Private());
    EXPECT_EQ(from_private.public_key, *converted_public);
  }
}

TEST(Ed25519ToX25519Test, ConvertedIdentitiesAgreeOnASecret) {
  DeterministicRandom rng(12);
  const Ed25519KeyPair alice = Ed25519KeyPair::Generate(rng);
  const Ed25519KeyPair bob = Ed25519KeyPair::Generate(rng);
  auto alice_x = Ed25519PublicToX25519(alice.public_key());
  auto bob_x = Ed25519PublicToX25519(bob.public_key());
  ASSERT_TRUE(alice_x.has_value() && bob_x.has_value());
  auto ab = X25519(alice.ToX25519Private(), *bob_x);
  auto ba = X25519(bob.ToX25519Private(), *alice_x);
  ASSERT_TRUE(ab.has_value() && ba.has_value());
  EXPECT_TRUE(*ab == *ba);
}

TEST(Ed25519ToX25519Test, RejectsSmallOrderPoints) {
  // The identity (0, 1) and (sqrt(-1), 0), of order 4, are not usable identity keys.
  for (std::string_view hex : {"0100000000000000000000000000000000000000000000000000000000000000",
                               "0000000000000000000000000000000000000000000000000000000000000000"}) {
    auto pk = Ed25519PublicKey::FromSpan(FromHex(hex));
    ASSERT_TRUE(pk.has_value());
    auto converted = Ed25519PublicToX25519(*pk);
    ASSERT_FALSE(converted.has_value()) << hex;
    EXPECT_EQ(converted.error(), Errc::kInvalidPublicKey) << hex;
  }
}

}  // namespace
}  // namespace sc::crypto
