// session_test_util.h: a client/responder pair over in-memory frames, for the SCP tests and
// benchmarks. Test-only; deterministic keys from a seed.
#pragma once

#include <memory>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/random.h"
#include "securecomm/scp/session.h"

namespace sc::scp::testing {

struct Identities {
  crypto::X25519KeyPair client_static, server_static;
  std::shared_ptr<const crypto::Ed25519KeyPair> client_id, server_id;

  static Identities FromSeed(uint64_t seed) {
    DeterministicRandom rng(seed);
    Identities ids{crypto::X25519KeyPair::Generate(rng), crypto::X25519KeyPair::Generate(rng),
                   std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(rng)),
                   std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(rng))};
    return ids;
  }
  SessionConfig Client(Transport t = Transport::kStream) const {
    SessionConfig c;
    c.role = Role::kInitiator;
    c.transport = t;
    c.noise_static = client_static.Clone();
    c.identity = client_id;
    c.responder_static = server_static.public_key;
    c.responder_identity = server_id->public_key();
    return c;
  }
  SessionConfig Server(Transport t = Transport::kStream) const {
    SessionConfig c;
    c.role = Role::kResponder;
    c.transport = t;
    c.noise_static = server_static.Clone();
    c.identity = server_id;
    return c;
  }
};

// Deliver hands every frame `from` queued to `to`, stopping at the first error.
inline Result<std::vector<SessionEvent>> Deliver(Session& from, Session& to) {
  std::vector<SessionEvent> events;
  for (auto& frame : from.TakeFrames()) {
    auto e = to.HandleFrame(frame);
    if (!e) return tl::unexpected(e.error());
    events.push_back(*e);
  }
  return events;
}

// Handshake runs Start and the three messages. Returns the first error.
inline Status Handshake(Session& client, Session& server) {
  if (auto s = client.Start(); !s) return s;
  for (int i = 0; i < 2; ++i) {
    if (auto r = Deliver(client, server); !r) return tl::unexpected(r.error());
    if (auto r = Deliver(server, client); !r) return tl::unexpected(r.error());
  }
  return {};
}

}  // namespace sc::scp::testing
