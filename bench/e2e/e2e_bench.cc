// e2e_bench: the end-to-end layer (libs/e2e) alone, with Google Benchmark: what one message, one
// DH ratchet step, one X3DH and one stored session state cost (bench/README.md, "e2e"). The same
// operations beside libsignal-protocol-c and libolm are securecomm-e2e-compare's (built only with
// -DSC_BENCH_E2E_COMPARE=ON; bench/e2e/run_e2e_compare.sh).
//
//   e2e_bench                                   # a few seconds
//   e2e_bench --benchmark_filter=chain --benchmark_repetitions=5
//
// Rows (100-byte messages, through the public Session API; SystemRandom as in production; every
// receive decodes the sender's wire bytes and the plaintext is checked once after the loop):
//   e2e_chain/100          Alice encrypts, Bob decrypts, in an established sending chain
//   e2e_encrypt/100        Alice encrypts only (her chain advances; nothing is decrypted)
//   e2e_ratchet_step/100   Alice and Bob take turns: every message is a DH ratchet step
//   e2e_x3dh_session       Session::Initiate + first Encrypt + Session::Accept (decrypts it)
//   e2e_x3dh               X3dhInitiate + X3dhRespond only: SK on both sides
//   e2e_state_serialize / e2e_state_deserialize   an established responder's SessionState
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/session.h"
#include "securecomm/e2e/wire.h"
#include "securecomm/e2e/x3dh.h"

namespace {

using namespace sc;
using namespace sc::e2e;

constexpr size_t kMessageSize = 100;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "e2e_bench: setup failed: %s\n", what);
  std::exit(2);
}

const std::vector<uint8_t>& Plaintext() {
  static const std::vector<uint8_t> p = [] {
    std::vector<uint8_t> v(kMessageSize);
    DeterministicRandom(1).Fill(v);
    return v;
  }();
  return p;
}

// Pair: Alice and Bob's devices; Start gives them a session pair in which both can send.
struct Pair {
  SystemRandom rng;
  crypto::Ed25519KeyPair alice_id = crypto::Ed25519KeyPair::Generate(rng);
  crypto::Ed25519KeyPair bob_id = crypto::Ed25519KeyPair::Generate(rng);
  SignedPrekeyPair spk = SignedPrekeyPair::Generate(bob_id, 7, rng);
  OneTimePrekeyPair opk = OneTimePrekeyPair::Generate(100, rng);
  PrekeyBundle bundle{bob_id.public_key(), spk.PublicPrekey(), opk.PublicPrekey()};
  std::optional<Session> alice, bob;

  // Handshake: X3DH both sides and the first message; false if anything fails.
  bool Handshake() {
    auto a = Session::Initiate(alice_id, bundle, bob_id.public_key(), rng);
    if (!a) return false;
    auto wire = a->Encrypt(Plaintext());
    if (!wire) return false;
    auto message = PrekeyMessage::Decode(*wire);
    if (!message) return false;
    auto accepted = Session::Accept(bob_id, spk, &opk, *message, rng);
    if (!accepted || !ConstantTimeEqual(accepted->plaintext.Expose(), std::span(Plaintext()))) return false;
    alice.emplace(std::move(*a));
    bob.emplace(std::move(accepted->session));
    return true;
  }
  // Send: one message from Alice (or Bob) decrypted by the other; false if it fails or differs.
  bool Send(bool from_alice) {
    Session& sender = from_alice ? *alice : *bob;
    Session& receiver = from_alice ? *bob : *alice;
    auto wire = sender.Encrypt(Plaintext());
    if (!wire) return false;
    auto out = receiver.Decrypt(*wire, rng);
    return out.has_value() && ConstantTimeEqual(out->Expose(), std::span(Plaintext()));
  }
  void Start() {
    if (!Handshake() || !Send(/*from_alice=*/false)) Die("session pair");
  }
};

void Chain(benchmark::State& state) {
  Pair p;
  p.Start();
  bool ok = true;
  for (auto _ : state) ok &= p.Send(/*from_alice=*/true);
  if (!ok) state.SkipWithError("a message failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void EncryptOnly(benchmark::State& state) {
  Pair p;
  p.Start();
  bool ok = true;
  for (auto _ : state) {
    auto wire = p.alice->Encrypt(Plaintext());
    ok &= wire.has_value();
    benchmark::DoNotOptimize(wire);
  }
  if (!ok) state.SkipWithError("Encrypt failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void RatchetStep(benchmark::State& state) {
  Pair p;
  p.Start();
  bool ok = true, from_alice = true;
  for (auto _ : state) ok &= p.Send(std::exchange(from_alice, !from_alice));
  if (!ok) state.SkipWithError("a message failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void X3dhSession(benchmark::State& state) {
  Pair p;
  bool ok = true;
  for (auto _ : state) ok &= p.Handshake();
  if (!ok) state.SkipWithError("handshake failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void X3dhOnly(benchmark::State& state) {
  Pair p;
  bool ok = true;
  for (auto _ : state) {
    auto a = X3dhInitiate(p.alice_id, p.bundle, p.bob_id.public_key(), p.rng);
    if (!a) {
      ok = false;
      continue;
    }
    auto b = X3dhRespond(p.bob_id, p.spk, &p.opk, p.alice_id.public_key(), a->base_key);
    ok &= b.has_value() && b->sk == a->sk;
  }
  if (!ok) state.SkipWithError("X3DH failed or the two SKs differ");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void StateSerialize(benchmark::State& state) {
  Pair p;
  p.Start();
  for (auto _ : state) {
    SecretBytes s = p.bob->Serialize();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void StateDeserialize(benchmark::State& state) {
  Pair p;
  p.Start();
  const SecretBytes s = p.bob->Serialize();
  bool ok = true;
  for (auto _ : state) {
    auto session = Session::Deserialize(s.Expose());
    ok &= session.has_value();
    benchmark::DoNotOptimize(session);
  }
  if (!ok) state.SkipWithError("Deserialize failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["state_bytes"] = static_cast<double>(s.Expose().size());
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("e2e_chain/100", Chain);
  benchmark::RegisterBenchmark("e2e_encrypt/100", EncryptOnly);
  benchmark::RegisterBenchmark("e2e_ratchet_step/100", RatchetStep);
  benchmark::RegisterBenchmark("e2e_x3dh_session", X3dhSession);
  benchmark::RegisterBenchmark("e2e_x3dh", X3dhOnly);
  benchmark::RegisterBenchmark("e2e_state_serialize", StateSerialize);
  benchmark::RegisterBenchmark("e2e_state_deserialize", StateDeserialize);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
