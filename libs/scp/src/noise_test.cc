// Noise revision 34 XX handshakes against the public vectors (cacophony and snow, both suites):
// every handshake and transport message byte for byte, and the handshake hash.
#include "securecomm/scp/noise.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/base/encoding.h"
#include "securecomm/scp/errors.h"

namespace sc::scp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Hex(const nlohmann::json& j, const char* field) {
  auto r = HexDecode(j.at(field).get<std::string>());
  EXPECT_TRUE(r.has_value()) << field;
  return r.value_or(Bytes{});
}

crypto::X25519KeyPair KeyPair(const Bytes& priv) {
  return crypto::X25519KeyPair::FromPrivate(*crypto::X25519PrivateKey::FromSpan(priv));
}

std::vector<nlohmann::json> XxVectors() {
  std::ifstream in(std::string(SC_VECTORS_DIR) + "/noise/noise_25519_sha256_subset.json");
  std::vector<nlohmann::json> out;
  if (!in) return out;
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return out;
  for (const auto& v : doc.at("vectors")) {
    const std::string name = v.at("protocol_name");
    if (name == "Noise_XX_25519_AESGCM_SHA256" || name == "Noise_XX_25519_ChaChaPoly_SHA256")
      out.push_back(v);
  }
  return out;
}

TEST(NoiseVectors, XxBothSuitesReproduceByteForByte) {
  const auto vectors = XxVectors();
  ASSERT_EQ(vectors.size(), 4u);  // cacophony and snow, AESGCM and ChaChaPoly
  int messages_checked = 0;
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.at("protocol_name").get<std::string>() + " from " + v.at("_source").get<std::string>());
    const NoiseSuite suite = v.at("protocol_name") == "Noise_XX_25519_AESGCM_SHA256"
                                 ? NoiseSuite::kAesGcm
                                 : NoiseSuite::kChaChaPoly;
    ScriptedRandom init_rng({Hex(v, "init_ephemeral")});
    ScriptedRandom resp_rng({Hex(v, "resp_ephemeral")});
    NoiseXX init =
        NoiseXX::Initiator(suite, Hex(v, "init_prologue"), KeyPair(Hex(v, "init_static")), init_rng);
    NoiseXX resp =
        NoiseXX::Responder(suite, Hex(v, "resp_prologue"), KeyPair(Hex(v, "resp_static")), resp_rng);
    const auto& msgs = v.at("messages");
    ASSERT_GE(msgs.size(), 4u);
    std::optional<std::pair<CipherState, CipherState>> ic, rc;  // (send, receive) per side
    for (size_t i = 0; i < msgs.size(); ++i) {
      const Bytes payload = Hex(msgs[i], "payload");
      const Bytes expected = Hex(msgs[i], "ciphertext");
      const bool from_initiator = i % 2 == 0;
      Bytes wire;
      SecretBytes got;
      if (i < 3) {
        NoiseXX& writer = from_initiator ? init : resp;
        NoiseXX& reader = from_initiator ? resp : init;
        auto w = writer.WriteMessage(payload);
        ASSERT_TRUE(w.has_value()) << "message " << i;
        wire = *w;
        auto r = reader.ReadMessage(wire);
        ASSERT_TRUE(r.has_value()) << "message " << i;
        got = std::move(*r);
        if (i == 2) {
          ASSERT_TRUE(init.IsComplete() && resp.IsComplete());
          EXPECT_EQ(HexEncode(init.handshake_hash()), HexEncode(resp.handshake_hash()));
          if (v.contains("handshake_hash")) {
            EXPECT_EQ(HexEncode(init.handshake_hash()), v.at("handshake_hash").get<std::string>());
          }
          auto [i1, i2] = init.symmetric_state().Split();
          auto [r1, r2] = resp.symmetric_state().Split();
          ic.emplace(std::move(i1), std::move(i2));  // initiator sends with c1, receives with c2
          rc.emplace(std::move(r2), std::move(r1));
        }
      } else {
        CipherState& send = from_initiator ? ic->first : rc->first;
        CipherState& recv = from_initiator ? rc->second : ic->second;
        auto w = send.EncryptWithAd({}, payload);
        ASSERT_TRUE(w.has_value());
        wire = *w;
        auto r = recv.DecryptWithAd({}, wire);
        ASSERT_TRUE(r.has_value());
        got = std::move(*r);
      }
      EXPECT_EQ(HexEncode(wire), HexEncode(expected)) << "message " << i;
      EXPECT_TRUE(ConstantTimeEqual(got.Expose(), payload)) << "message " << i;
      ++messages_checked;
    }
  }
  std::printf("[noise] 4 XX vectors, %d messages reproduced byte for byte\n", messages_checked);
}

class NoiseXxTest : public ::testing::Test {
 protected:
  DeterministicRandom rng_{7};
  NoiseXX init_ = NoiseXX::Initiator(NoiseSuite::kAesGcm, {}, crypto::X25519KeyPair::Generate(rng_), rng_);
  NoiseXX resp_ = NoiseXX::Responder(NoiseSuite::kAesGcm, {}, crypto::X25519KeyPair::Generate(rng_), rng_);
};

TEST_F(NoiseXxTest, OutOfTurnIsRefused) {
  EXPECT_EQ(resp_.WriteMessage({}).error(), Errc::kUnexpectedMessage);
  EXPECT_EQ(init_.ReadMessage(Bytes(32)).error(), Errc::kUnexpectedMessage);
}

TEST_F(NoiseXxTest, TamperedMessageTwoLeavesStateUnchanged) {
  auto m1 = init_.WriteMessage({});
  ASSERT_TRUE(m1 && resp_.ReadMessage(*m1));
  auto m2 = resp_.WriteMessage(Bytes{1, 2, 3});
  ASSERT_TRUE(m2.has_value());
  for (size_t i = 0; i < m2->size(); ++i) {
    Bytes bad = *m2;
    bad[i] ^= 0x01;
    auto r = init_.ReadMessage(bad);
    ASSERT_FALSE(r.has_value()) << "byte " << i;
    EXPECT_TRUE(r.error() == Errc::kDecryptFailed || r.error() == Errc::kHandshakeFailed);
  }
  // Truncations, including to nothing.
  for (size_t n = 0; n < m2->size(); n += 7) {
    EXPECT_FALSE(init_.ReadMessage(std::span<const uint8_t>(*m2).first(n)).has_value());
  }
  // The genuine message still completes the handshake: the failures changed nothing.
  auto p2 = init_.ReadMessage(*m2);
  ASSERT_TRUE(p2.has_value());
  EXPECT_EQ(p2->size(), 3u);
  auto m3 = init_.WriteMessage({});
  ASSERT_TRUE(m3 && resp_.ReadMessage(*m3));
  EXPECT_EQ(init_.handshake_hash(), resp_.handshake_hash());
  EXPECT_EQ(init_.remote_static()->span().size(), 32u);
}

TEST_F(NoiseXxTest, LowOrderEphemeralIsRefused) {
  auto m1 = init_.WriteMessage({});
  ASSERT_TRUE(m1 && resp_.ReadMessage(*m1));
  auto m2 = resp_.WriteMessage({});
  ASSERT_TRUE(m2.has_value());
  Bytes bad = *m2;
  std::fill(bad.begin(), bad.begin() + 32, 0);  // the all-zero u-coordinate has order 4... or 1
  EXPECT_EQ(init_.ReadMessage(bad).error(), Errc::kHandshakeFailed);
}

TEST_F(NoiseXxTest, TransportRejectsReplayAndTamper) {
  auto m1 = init_.WriteMessage({});
  ASSERT_TRUE(m1 && resp_.ReadMessage(*m1));
  auto m2 = resp_.WriteMessage({});
  ASSERT_TRUE(m2 && init_.ReadMessage(*m2));
  auto m3 = init_.WriteMessage({});
  ASSERT_TRUE(m3 && resp_.ReadMessage(*m3));
  auto [send, unused1] = init_.symmetric_state().Split();
  auto [recv, unused2] = resp_.symmetric_state().Split();
  auto c0 = send.EncryptWithAd({}, Bytes{9});
  ASSERT_TRUE(c0.has_value());
  ASSERT_TRUE(recv.DecryptWithAd({}, *c0).has_value());
  EXPECT_EQ(recv.DecryptWithAd({}, *c0).error(), Errc::kDecryptFailed);  // nonce moved on
  EXPECT_EQ(recv.nonce(), 1u);
}

}  // namespace
}  // namespace sc::scp
