// Known-answer vectors of our own for whole SCP sessions (tests/vectors/scp/scp_kat.json): from
// fixed keys and ephemerals, every frame of a scripted session, byte for byte, for both suites.
// Regenerate (only when the wire format changes on purpose, with a spec change) from the root,
// with SC_WRITE_SCP_KAT=tests/vectors/scp/scp_kat.json in the environment:
//   ./build/release/libs/scp/scp_test --gtest_filter='ScpKat*'
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"
#include "securecomm/scp/session.h"

namespace sc::scp {
namespace {

using Bytes = std::vector<uint8_t>;
using nlohmann::json;

Bytes Fixed(uint8_t fill) {
  return Bytes(32, fill);
}

struct Script {
  std::vector<std::pair<std::string, Bytes>> frames;  // (sender, frame)
};

// RunScript drives a fixed conversation and records every frame on the wire.
Script RunScript(NoiseSuite suite) {
  ManualClock clock;
  ScriptedRandom client_rng({Fixed(0x11)});  // client ephemeral private key
  ScriptedRandom server_rng({Fixed(0x22)});  // server ephemeral private key
  auto key = [](uint8_t fill) {
    return crypto::X25519KeyPair::FromPrivate(*crypto::X25519PrivateKey::FromSpan(Fixed(fill)));
  };
  auto id = [](uint8_t fill) {
    return std::make_shared<const crypto::Ed25519KeyPair>(
        crypto::Ed25519KeyPair::FromSeed(*crypto::Ed25519Seed::FromSpan(Fixed(fill))));
  };
  SessionConfig cc, sc;
  cc.role = Role::kInitiator;
  cc.suites = {suite};
  cc.noise_static = key(0x01);
  cc.identity = id(0x03);
  sc.role = Role::kResponder;
  sc.noise_static = key(0x02);
  sc.identity = id(0x04);
  cc.responder_static = sc.noise_static.public_key;
  cc.responder_identity = sc.identity->public_key();
  Session c = *Session::Create(std::move(cc), clock, client_rng);
  Session s = *Session::Create(std::move(sc), clock, server_rng);
  Script script;
  auto pump = [&](Session& from, Session& to, const char* name) {
    for (auto& f : from.TakeFrames()) {
      EXPECT_TRUE(to.HandleFrame(f).has_value());
      script.frames.emplace_back(name, std::move(f));
    }
  };
  const std::string_view hello = "hello, relay";
  EXPECT_TRUE(c.Start());
  pump(c, s, "client");  // HANDSHAKE_INIT
  pump(s, c, "server");  // HANDSHAKE_RESPONSE
  pump(c, s, "client");  // ACK (Noise message 3)
  EXPECT_TRUE(c.Send(AsBytes(hello)));
  pump(c, s, "client");  // DATA
  EXPECT_TRUE(s.Send(Bytes{0x00, 0xff}));
  pump(s, c, "server");  // DATA
  clock.Advance(kDefaultKeepaliveInterval);
  EXPECT_TRUE(c.OnTick());
  pump(c, s, "client");  // ACK (keepalive)
  EXPECT_TRUE(s.OnTick());
  pump(s, c, "server");  // ACK (keepalive)
  EXPECT_TRUE(c.Close());
  pump(c, s, "client");  // CLOSE
  pump(s, c, "server");  // ACK
  return script;
}

json ScriptToJson(NoiseSuite suite, const Script& script) {
  json frames = json::array();
  for (const auto& [who, bytes] : script.frames) {
    frames.push_back({{"from", who}, {"frame", HexEncode(bytes)}});
  }
  return {{"suite", static_cast<int>(suite)},
          {"client_static_private", HexEncode(Fixed(0x01))},
          {"server_static_private", HexEncode(Fixed(0x02))},
          {"client_identity_seed", HexEncode(Fixed(0x03))},
          {"server_identity_seed", HexEncode(Fixed(0x04))},
          {"client_ephemeral_private", HexEncode(Fixed(0x11))},
          {"server_ephemeral_private", HexEncode(Fixed(0x22))},
          {"frames", frames}};
}

TEST(ScpKat, WholeSessionsReproduceByteForByte) {
  json doc = {
      {"_description",
       "SCP v1 known answers (docs/protocol/scp.md). Keys are 32 bytes of the byte shown; the script: "
       "INIT, RESPONSE, ACK(msg3), client DATA 'hello, relay', server DATA 00ff, keepalive ACK each way "
       "after 10 s, client CLOSE, server ACK."},
      {"sessions", json::array()}};
  for (NoiseSuite suite : {NoiseSuite::kAesGcm, NoiseSuite::kChaChaPoly}) {
    doc["sessions"].push_back(ScriptToJson(suite, RunScript(suite)));
  }
  if (const char* out = std::getenv("SC_WRITE_SCP_KAT")) {
    std::ofstream(out) << doc.dump(2) << "\n";
    GTEST_SKIP() << "wrote " << out;
  }
  std::ifstream in(std::string(SC_VECTORS_DIR) + "/scp/scp_kat.json");
  const json expected = json::parse(in, nullptr, false);
  ASSERT_FALSE(expected.is_discarded()) << "tests/vectors/scp/scp_kat.json missing or malformed";
  ASSERT_EQ(expected.at("sessions").size(), 2u);
  size_t frames = 0;
  for (size_t i = 0; i < 2; ++i) {
    const auto& want = expected["sessions"][i]["frames"];
    const auto& got = doc["sessions"][i]["frames"];
    ASSERT_EQ(got.size(), want.size());
    for (size_t j = 0; j < want.size(); ++j, ++frames) {
      EXPECT_EQ(got[j], want[j]) << "session " << i << " frame " << j;
    }
  }
  std::printf("[scp-kat] 2 sessions, %zu frames reproduced byte for byte\n", frames);
}

}  // namespace
}  // namespace sc::scp
