// Fuzz target: both SCP handshake roles and the established session, fed attacker frames.
//
// Input: byte 0 picks the victim (even: responder, odd: initiator) and how far a genuine
// handshake runs first (so mutated frames reach every state); the rest is a list of frames, each
// prefixed by a 2-byte length. Invariants: no crash, no exception, no abort; a session that
// reports an error on a stream is failed afterwards and accepts nothing more.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "securecomm/base/byte_reader.h"
#include "securecomm/scp/session.h"

namespace {

using namespace sc;
using namespace sc::scp;

crypto::X25519KeyPair Key(uint8_t fill) {
  std::vector<uint8_t> k(32, fill);
  return crypto::X25519KeyPair::FromPrivate(*crypto::X25519PrivateKey::FromSpan(k));
}

std::shared_ptr<const crypto::Ed25519KeyPair> Id(uint8_t fill) {
  std::vector<uint8_t> k(32, fill);
  return std::make_shared<const crypto::Ed25519KeyPair>(
      crypto::Ed25519KeyPair::FromSeed(*crypto::Ed25519Seed::FromSpan(k)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader r(std::span<const uint8_t>(data, size));
  auto control = r.ReadU8();
  if (!control) return 0;
  ManualClock clock;
  DeterministicRandom rng(*control);
  SessionConfig cc, sc_cfg;
  cc.role = Role::kInitiator;
  cc.suites = {(*control & 2) ? NoiseSuite::kChaChaPoly : NoiseSuite::kAesGcm};
  cc.noise_static = Key(1);
  cc.identity = Id(3);
  sc_cfg.role = Role::kResponder;
  sc_cfg.transport = (*control & 4) ? Transport::kDatagram : Transport::kStream;
  cc.transport = sc_cfg.transport;
  const Transport transport = sc_cfg.transport;
  sc_cfg.noise_static = Key(2);
  sc_cfg.identity = Id(4);
  cc.responder_static = sc_cfg.noise_static.public_key;
  cc.responder_identity = sc_cfg.identity->public_key();
  Session client = *Session::Create(std::move(cc), clock, rng);
  Session server = *Session::Create(std::move(sc_cfg), clock, rng);
  const bool victim_is_server = (*control & 1) == 0;
  const int genuine_steps = (*control >> 3) % 4;  // 0..3 genuine messages before the attack
  if (!client.Start()) std::abort();
  for (int i = 0; i < genuine_steps; ++i) {
    Session& from = i % 2 == 0 ? client : server;
    Session& to = i % 2 == 0 ? server : client;
    for (auto& f : from.TakeFrames()) (void)to.HandleFrame(f);
  }
  Session& victim = victim_is_server ? server : client;
  while (!r.empty()) {
    auto frame = r.ReadPrefixed16();
    if (!frame) break;
    const auto bytes = frame->ReadRest();
    auto result = victim.HandleFrame(bytes);
    if (!result && victim.state() != SessionState::kFailed && victim.state() != SessionState::kClosed &&
        transport == Transport::kStream && !result.error().Is(sc::scp::Errc::kClosed)) {
      std::abort();  // a stream session must fail closed on any bad frame
    }
    (void)victim.TakeOutput();
  }
  (void)victim.OnTick();
  return 0;
}
