// e2e_session_fixture.h: the conversation e2e_session_fuzz.cc fuzzes, shared with its seed writer
// (e2e_seeds.cc) so the seeds are messages of exactly that conversation. Both draw everything
// from one DeterministicRandom(kSessionFixtureSeed), call for call: StartSessionFixture first,
// then Alice reads Bob's reply to `hello` (ReplyToAlice), and the rest is each file's own.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/session.h"
#include "securecomm/e2e/wire.h"

namespace sc::e2e::fuzz {

inline constexpr uint64_t kSessionFixtureSeed = 7;
inline const std::vector<uint8_t> kHello{'h', 'i'};

struct SessionFixture {
  std::optional<Session> alice;        // the initiator, after sending `kHello`
  std::optional<AcceptedSession> bob;  // the responder, after accepting it (no one-time prekey)
  std::vector<uint8_t> first_message;  // Alice's PrekeyMessage
};

// StartSessionFixture: Alice initiates with Bob's bundle and sends kHello; Bob accepts it.
inline SessionFixture StartSessionFixture(DeterministicRandom& rng) {
  SessionFixture f;
  auto alice_id = crypto::Ed25519KeyPair::Generate(rng);
  auto bob_id = crypto::Ed25519KeyPair::Generate(rng);
  auto spk = SignedPrekeyPair::Generate(bob_id, 1, rng);
  PrekeyBundle bundle{bob_id.public_key(), spk.PublicPrekey(), std::nullopt};
  f.alice.emplace(std::move(*Session::Initiate(alice_id, bundle, bob_id.public_key(), rng)));
  f.first_message = *f.alice->Encrypt(kHello);
  f.bob.emplace(
      std::move(*Session::Accept(bob_id, spk, nullptr, *PrekeyMessage::Decode(f.first_message), rng)));
  return f;
}

// ReplyToAlice: Bob answers kHello and Alice reads it (her next message starts a new chain).
inline void ReplyToAlice(SessionFixture& f, DeterministicRandom& rng) {
  (void)f.alice->Decrypt(*f.bob->session.Encrypt(kHello), rng);
}

}  // namespace sc::e2e::fuzz
