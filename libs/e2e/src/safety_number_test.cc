// Safety numbers (safety_number.h): Signal's published vector (tests/vectors/signal-fingerprint/),
// then the properties a user relies on: both sides see the same number, device order does not
// matter, and any change of key, device list or username changes it.
#include "securecomm/e2e/safety_number.h"

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/base/encoding.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"

namespace sc::e2e {
namespace {

using Bytes = std::vector<uint8_t>;
using KeyList = std::vector<crypto::Ed25519PublicKey>;

nlohmann::json LoadSignalVector() {
  std::ifstream in(std::string(SC_VECTORS_DIR) + "/signal-fingerprint/signal_fingerprint_vectors.json");
  return nlohmann::json::parse(in, nullptr, false);
}

Bytes Hex(const nlohmann::json& v) {
  auto r = HexDecode(v.get<std::string>());
  EXPECT_TRUE(r.has_value());
  return r.value_or(Bytes{});
}

crypto::Ed25519PublicKey Key(uint8_t fill) {
  crypto::Ed25519PublicKey k;
  for (auto& b : k.mutable_span()) b = fill;
  return k;
}

KeyList RandomKeys(Random& rng, size_t n) {
  KeyList keys;
  for (size_t i = 0; i < n; ++i) keys.push_back(crypto::Ed25519KeyPair::Generate(rng).public_key());
  return keys;
}

bool IsDigits(const std::string& s) {
  return s.find_first_not_of("0123456789") == std::string::npos;
}

// Fewer iterations keep the property tests fast; the vector test runs the real count.
constexpr uint32_t kFast = 64;

TEST(SafetyNumber, ConstantsMatchSignal) {
  EXPECT_EQ(kSafetyNumberIterations, 5200u);
  EXPECT_EQ(kSafetyNumberVersion, 0u);
  EXPECT_EQ(kSafetyNumberDigits, 60u);
  EXPECT_EQ(kFormattedSafetyNumberSize, 71u);
}

TEST(SafetyNumber, SignalVectorReproduces) {
  const auto doc = LoadSignalVector();
  ASSERT_FALSE(doc.is_discarded()) << "missing tests/vectors/signal-fingerprint/";
  const uint32_t iterations = doc.at("iterations").get<uint32_t>();
  ASSERT_EQ(iterations, kSafetyNumberIterations);
  const std::string alice_id = doc.at("alice_stable_id").get<std::string>();
  const std::string bob_id = doc.at("bob_stable_id").get<std::string>();
  const Bytes alice_key = Hex(doc.at("alice_identity_key"));
  const Bytes bob_key = Hex(doc.at("bob_identity_key"));
  ASSERT_EQ(alice_key.size(), 33u);  // 0x05 || Curve25519
  ASSERT_EQ(bob_key.size(), 33u);

  // The iterated hash of each party, before the digit encoding.
  const auto alice_fp = PartyFingerprint(alice_id, alice_key, iterations);
  const auto bob_fp = PartyFingerprint(bob_id, bob_key, iterations);
  EXPECT_EQ(HexEncode(alice_fp.span().first(32)), doc.at("alice_fingerprint_prefix").get<std::string>());
  EXPECT_EQ(HexEncode(bob_fp.span().first(32)), doc.at("bob_fingerprint_prefix").get<std::string>());

  // The 60 digits, from either side.
  const std::string expected = doc.at("displayable_fingerprint").get<std::string>();
  const std::vector<std::span<const uint8_t>> a{alice_key}, b{bob_key};
  EXPECT_EQ(SafetyNumberFromKeyBytes(alice_id, a, bob_id, b, iterations), expected);
  EXPECT_EQ(SafetyNumberFromKeyBytes(bob_id, b, alice_id, a, iterations), expected);
  EXPECT_EQ(SafetyNumberFromKeyBytes(alice_id, a, bob_id, b), expected);  // the default count
  // Smaller half first: alice's 30 digits ("30035...") sort before bob's ("45825...").
  EXPECT_EQ(expected, PartyDigits(alice_fp) + PartyDigits(bob_fp));
  EXPECT_LT(PartyDigits(alice_fp), PartyDigits(bob_fp));
}

TEST(SafetyNumber, PartyDigitsReadsFiveByteChunksBigEndianModulo100000) {
  crypto::Sha512Digest d;
  auto s = d.mutable_span();
  // Chunk 0 = 0x00000186A0 = 100000 -> "00000"; chunk 1 = 0x0000000001 -> "00001";
  // chunk 2 = 0xFFFFFFFFFF = 1099511627775 -> "27775"; chunk 3 = 0x0000003039 = 12345.
  const uint8_t c0[5] = {0x00, 0x00, 0x01, 0x86, 0xA0};
  const uint8_t c1[5] = {0, 0, 0, 0, 1};
  const uint8_t c3[5] = {0x00, 0x00, 0x00, 0x30, 0x39};
  std::copy(c0, c0 + 5, s.begin());
  std::copy(c1, c1 + 5, s.begin() + 5);
  std::fill(s.begin() + 10, s.begin() + 15, 0xFF);
  std::copy(c3, c3 + 5, s.begin() + 15);
  // Bytes from 30 on do not take part.
  std::fill(s.begin() + 30, s.end(), 0xAB);
  EXPECT_EQ(PartyDigits(d), "000000000127775123450000000000");
}

TEST(SafetyNumber, BothSidesGetTheSameNumber) {
  DeterministicRandom rng(11);
  const KeyList alice = RandomKeys(rng, 1), bob = RandomKeys(rng, 3);
  const std::string from_alice = SafetyNumber("alice", alice, "bob", bob, kFast);
  const std::string from_bob = SafetyNumber("bob", bob, "alice", alice, kFast);
  EXPECT_EQ(from_alice, from_bob);
  EXPECT_EQ(from_alice.size(), kSafetyNumberDigits);
  EXPECT_TRUE(IsDigits(from_alice));
}

TEST(SafetyNumber, DeviceOrderDoesNotMatter) {
  DeterministicRandom rng(12);
  KeyList alice = RandomKeys(rng, 4);
  const KeyList bob = RandomKeys(rng, 2);
  const std::string n = SafetyNumber("alice", alice, "bob", bob, kFast);
  std::reverse(alice.begin(), alice.end());
  EXPECT_EQ(SafetyNumber("alice", alice, "bob", bob, kFast), n);
  std::swap(alice[0], alice[2]);
  EXPECT_EQ(SafetyNumber("bob", bob, "alice", alice, kFast), n);
}

TEST(SafetyNumber, LogicalKeyBytesSortsBytewiseUnsigned) {
  const Bytes high{0x80, 0x00}, low{0x7F, 0xFF}, shorter{0x7F};
  const std::vector<std::span<const uint8_t>> keys{high, low, shorter};
  EXPECT_EQ(LogicalKeyBytes(keys), (Bytes{0x7F, 0x7F, 0xFF, 0x80, 0x00}));
}

TEST(SafetyNumber, AnyKeyChangeChangesTheNumber) {
  DeterministicRandom rng(13);
  KeyList alice = RandomKeys(rng, 2);
  const KeyList bob = RandomKeys(rng, 2);
  const std::string n = SafetyNumber("alice", alice, "bob", bob, kFast);
  // One bit of one device's key.
  KeyList flipped = alice;
  flipped[1].mutable_span()[31] ^= 0x01;
  EXPECT_NE(SafetyNumber("alice", flipped, "bob", bob, kFast), n);
  // A device added, or removed.
  KeyList added = alice;
  added.push_back(RandomKeys(rng, 1)[0]);
  EXPECT_NE(SafetyNumber("alice", added, "bob", bob, kFast), n);
  EXPECT_NE(SafetyNumber("alice", std::span(alice).first(1), "bob", bob, kFast), n);
  // The man in the middle: Alice sees Mallory's key for Bob, Bob sees Alice's real key.
  const KeyList mallory = RandomKeys(rng, 2);
  EXPECT_NE(SafetyNumber("alice", alice, "bob", mallory, kFast),
            SafetyNumber("bob", bob, "alice", alice, kFast));
}

TEST(SafetyNumber, IdentifiersMatter) {
  const KeyList a{Key(0x01)}, b{Key(0x02)};
  const std::string n = SafetyNumber("alice", a, "bob", b, kFast);
  EXPECT_NE(SafetyNumber("alice2", a, "bob", b, kFast), n);
  EXPECT_NE(SafetyNumber("alice", a, "Bob", b, kFast), n);
  // Identifiers are bound to their own keys: swapping them changes the number.
  EXPECT_NE(SafetyNumber("bob", a, "alice", b, kFast), n);
}

TEST(SafetyNumber, IterationsMatter) {
  const KeyList a{Key(0x01)}, b{Key(0x02)};
  EXPECT_NE(SafetyNumber("alice", a, "bob", b, kFast), SafetyNumber("alice", a, "bob", b, kFast + 1));
}

TEST(SafetyNumber, Ed25519KeysAreHashedAsTheir32RawBytes) {
  const KeyList a{Key(0x01)}, b{Key(0x02)};
  const Bytes raw_a(32, 0x01), raw_b(32, 0x02);
  const std::vector<std::span<const uint8_t>> ra{raw_a}, rb{raw_b};
  EXPECT_EQ(SafetyNumber("alice", a, "bob", b, kFast),
            SafetyNumberFromKeyBytes("alice", ra, "bob", rb, kFast));
}

TEST(SafetyNumber, FormatGroupsTwelveByFive) {
  const std::string digits = "300354477692869396892869876765458257569162576843440918079131";
  EXPECT_EQ(FormatSafetyNumber(digits),
            "30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131");
  EXPECT_EQ(FormatSafetyNumber(digits).size(), kFormattedSafetyNumberSize);
}

TEST(SafetyNumberDeathTest, MisuseAborts) {
  const KeyList a{Key(0x01)}, none;
  EXPECT_DEATH((void)SafetyNumber("alice", a, "bob", none, kFast), "check failed");
  EXPECT_DEATH((void)SafetyNumber("alice", a, "bob", a, 0), "check failed");
  EXPECT_DEATH((void)FormatSafetyNumber("12345"), "check failed");
  EXPECT_DEATH((void)FormatSafetyNumber(std::string(59, '1') + "x"), "check failed");
}

}  // namespace
}  // namespace sc::e2e
