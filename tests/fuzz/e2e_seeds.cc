// e2e_seeds CORPUS_DIR: writes the seed corpora of the three e2e fuzz targets, checked in under
// tests/fuzz/corpus/ (run_smoke.sh starts each target from a copy of its directory):
//
//   e2e_message_fuzz/   PrekeyMessages (with and without a one-time prekey) and RatchetMessages
//                       (first of a chain, later in a chain with PN > 0, empty plaintext)
//   e2e_state_fuzz/     SessionStates of both roles: a new initiator awaiting its reply, a new
//                       responder, and each role holding skipped message keys (from one chain,
//                       and from two chains)
//   e2e_session_fuzz/   inputs for e2e_session_fuzz.cc's responder: its first byte is the mode
//                       (0 as is, 1 patched), then messages its fixture's Alice really sends
//                       next, so mutations start from messages that decrypt
//
//   build/fuzz/tests/fuzz/e2e_seeds tests/fuzz/corpus
//
// Every input comes from DeterministicRandom, so a rerun writes the same bytes. Each seed is
// checked before it is written (it decodes, deserializes and re-serializes, or decrypts), and
// the program fails if one does not. Not a fuzz target: run_smoke.sh runs only *_fuzz binaries.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "securecomm/base/bytes.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/session.h"
#include "securecomm/e2e/wire.h"

#include "e2e_session_fixture.h"

namespace {

using namespace sc;
using namespace sc::e2e;
using Bytes = std::vector<uint8_t>;

bool failed = false;

void Expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "e2e_seeds: %s\n", what.c_str());
    failed = true;
  }
}

Bytes Text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

void Write(const std::filesystem::path& dir, const std::string& name, std::span<const uint8_t> bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(sc::AsChars(bytes).data(), static_cast<std::streamsize>(bytes.size()));
  Expect(static_cast<bool>(out), "cannot write " + (dir / name).string());
}

// Device: an identity, a signed prekey and optionally a one-time prekey.
struct Device {
  crypto::Ed25519KeyPair identity;
  SignedPrekeyPair spk;
  std::optional<OneTimePrekeyPair> opk;

  static Device Make(Random& rng, bool with_opk) {
    auto id = crypto::Ed25519KeyPair::Generate(rng);
    auto spk = SignedPrekeyPair::Generate(id, 7, rng);
    std::optional<OneTimePrekeyPair> opk;
    if (with_opk) opk = OneTimePrekeyPair::Generate(100, rng);
    return Device{std::move(id), std::move(spk), std::move(opk)};
  }
  PrekeyBundle Bundle() const {
    PrekeyBundle b{identity.public_key(), spk.PublicPrekey(), std::nullopt};
    if (opk) b.one_time_prekey = opk->PublicPrekey();
    return b;
  }
};

// Pair: Alice has initiated with Bob's bundle and sent `first` (a PrekeyMessage); Bob accepted it.
struct Pair {
  DeterministicRandom rng;
  Device alice_device, bob_device;
  std::optional<Session> alice, bob;
  Bytes first;

  Pair(uint64_t seed, bool with_opk)
      : rng(seed), alice_device(Device::Make(rng, with_opk)), bob_device(Device::Make(rng, with_opk)) {
    alice =
        *Session::Initiate(alice_device.identity, bob_device.Bundle(), bob_device.identity.public_key(), rng);
    first = *alice->Encrypt(Text("hello, bob"));
    auto accepted =
        Session::Accept(bob_device.identity, bob_device.spk, bob_device.opk ? &*bob_device.opk : nullptr,
                        *PrekeyMessage::Decode(first), rng);
    Expect(accepted.has_value(), "Accept");
    bob.emplace(std::move(accepted->session));
  }
  // Send returns the wire bytes of one message from Alice (or Bob), not delivered.
  Bytes Send(bool from_alice, std::string_view text) {
    return *(from_alice ? *alice : *bob).Encrypt(Text(text));
  }
  // Deliver decrypts `wire` on the other side of its sender.
  void Deliver(bool to_alice, const Bytes& wire) {
    Expect((to_alice ? *alice : *bob).Decrypt(wire, rng).has_value(), "Deliver");
  }
};

// State checks that `state` deserializes and re-serializes to itself (the state target's oracle).
void WriteState(const std::filesystem::path& dir, const std::string& name, const Session& session,
                size_t min_skipped) {
  const SecretBytes state = session.Serialize();
  auto back = Session::Deserialize(state.Expose());
  Expect(back.has_value() && ConstantTimeEqual(back->Serialize().Expose(), state.Expose()),
         name + ": round trip");
  Expect(session.ratchet().skipped_key_count() >= min_skipped, name + ": skipped keys");
  Write(dir, name, state.Expose());
}

void MessageSeeds(const std::filesystem::path& dir) {
  Pair with_opk(11, /*with_opk=*/true);
  Pair without_opk(12, /*with_opk=*/false);
  const Bytes reply = with_opk.Send(/*from_alice=*/false, "hi alice");
  with_opk.Deliver(/*to_alice=*/true, reply);
  // Turns until Alice's next message has PN > 0 and N > 0.
  with_opk.Deliver(false, with_opk.Send(true, "one"));
  with_opk.Deliver(false, with_opk.Send(true, "two"));
  with_opk.Deliver(true, with_opk.Send(false, "three"));
  with_opk.Deliver(false, with_opk.Send(true, "four"));
  const Bytes later = with_opk.Send(true, "five");
  const Bytes empty = with_opk.Send(true, "");
  Bytes long_text(300);
  DeterministicRandom(13).Fill(long_text);
  const Bytes long_prekey = *without_opk.alice->Encrypt(long_text);

  const std::pair<const char*, const Bytes*> seeds[] = {
      {"prekey_with_opk", &with_opk.first},
      {"prekey_without_opk", &without_opk.first},
      {"prekey_300_bytes", &long_prekey},
      {"ratchet_first_of_chain", &reply},
      {"ratchet_pn_n", &later},
      {"ratchet_empty", &empty},
  };
  for (const auto& [name, wire] : seeds) {
    auto type = PeekMessageType(*wire);
    const bool prekey = type && *type == MessageType::kPrekey;
    const bool ok =
        prekey ? PrekeyMessage::Decode(*wire).has_value() : RatchetMessage::Decode(*wire).has_value();
    Expect(type.has_value() && ok, std::string(name) + ": does not decode");
    Write(dir, name, *wire);
  }
  auto pn_n = RatchetMessage::Decode(later);
  Expect(pn_n && pn_n->header.pn > 0 && pn_n->header.n > 0, "ratchet_pn_n: PN and N");
}

void StateSeeds(const std::filesystem::path& dir) {
  {
    Pair p(21, /*with_opk=*/true);
    WriteState(dir, "initiator_awaiting_reply", *p.alice, 0);
    WriteState(dir, "responder_new", *p.bob, 0);
  }
  {
    // Initiator with skipped keys: Bob sends three, Alice gets only the third.
    Pair p(22, /*with_opk=*/true);
    p.Send(false, "b1");
    p.Send(false, "b2");
    p.Deliver(true, p.Send(false, "b3"));
    WriteState(dir, "initiator_skipped", *p.alice, 2);
  }
  {
    // Responder with skipped keys from two of Alice's chains.
    Pair p(23, /*with_opk=*/false);
    p.Deliver(true, p.Send(false, "reply"));
    p.Send(true, "a1");
    p.Deliver(false, p.Send(true, "a2"));
    p.Deliver(true, p.Send(false, "reply 2"));
    p.Send(true, "c1");
    p.Send(true, "c2");
    p.Deliver(false, p.Send(true, "c3"));
    WriteState(dir, "responder_skipped_two_chains", *p.bob, 3);
    WriteState(dir, "initiator_after_turns", *p.alice, 0);
  }
}

// SessionSeeds: e2e_session_fuzz.cc's conversation (e2e_session_fixture.h), so Bob's state here
// is the target's and the messages below are what its Alice sends next.
void SessionSeeds(const std::filesystem::path& dir) {
  DeterministicRandom rng(fuzz::kSessionFixtureSeed);
  auto f = fuzz::StartSessionFixture(rng);
  const Bytes* wire = &f.first_message;
  // Before Alice reads the reply: a second PrekeyMessage of her first chain (Encrypt draws no
  // randomness, and a copy leaves the fixture's Alice as she was).
  auto alice_copy = Session::Deserialize(f.alice->Serialize().Expose());
  const Bytes second_prekey = *alice_copy->Encrypt(Text("second"));
  fuzz::ReplyToAlice(f, rng);
  auto& alice = f.alice;
  const Bytes next = *alice->Encrypt(fuzz::kHello);  // the fixture's `next`: N = 0 of Alice's new chain
  const Bytes next1 = *alice->Encrypt(Text("n1"));
  const Bytes next2 = *alice->Encrypt(Text("n2 skips n1"));
  const SecretBytes state = f.bob->session.Serialize();

  struct Seed {
    const char* name;
    uint8_t mode;
    const Bytes* wire;
    bool decrypts;
  };
  const Seed seeds[] = {
      {"next", 0, &next, true},
      {"next_patched", 1, &next, true},
      {"skip_two", 0, &next2, true},
      {"second_prekey_message", 0, &second_prekey, true},
      {"replayed_prekey_message", 0, wire, false},
      {"in_order_patched", 1, &next1, true},
  };
  for (const Seed& s : seeds) {
    auto bob = Session::Deserialize(state.Expose());
    DeterministicRandom decrypt_rng(1);
    Expect(bob && bob->Decrypt(*s.wire, decrypt_rng).has_value() == s.decrypts,
           std::string(s.name) + (s.decrypts ? ": does not decrypt" : ": decrypts"));
    Bytes input{s.mode};
    input.insert(input.end(), s.wire->begin(), s.wire->end());
    Write(dir, s.name, input);
  }
  // The fixture's own state, for the state target too.
  Write(dir.parent_path() / "e2e_state_fuzz", "session_fuzz_responder", state.Expose());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR   (e.g. tests/fuzz/corpus)\n", argv[0]);
    return 1;
  }
  const std::filesystem::path corpus = argv[1];
  MessageSeeds(corpus / "e2e_message_fuzz");
  StateSeeds(corpus / "e2e_state_fuzz");
  SessionSeeds(corpus / "e2e_session_fuzz");
  return failed ? 1 : 0;
}
