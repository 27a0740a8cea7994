// scp_bench: the SCP transport (libs/scp) against anchors measured in the same binary and the same
// run, printed as ratios with their goals (bench/README.md):
//
//   a. handshake CPU, both sides: Session::Create x2, Start and the three frames until both are
//      established (Noise_XX_25519_AESGCM_SHA256), vs an OpenSSL TLS 1.3 handshake with mutual
//      authentication and Ed25519 certificates over a BIO pair. Goal ours/TLS <= 1.00. Per-side
//      figures (initiator vs TLS client, responder vs TLS server) come from a second pair of runs
//      that time each side's calls with the thread CPU clock.
//   b. record seal+open, 64 B / 1 KiB / 16 KiB: RecordSender::SealInto + DecodeFrame +
//      RecordReceiver::OpenInto vs raw AES-256-GCM (pre-keyed EVP_CIPHER_CTX) + HMAC-SHA256
//      (keyed EVP_MAC_CTX) doing the same framing. Goal <= 1.20.
//   c. forged INIT rejection: Session::Create of a responder + HandleFrame of an INIT whose HMAC is
//      wrong, as a fraction of a full handshake (a's, which also includes both Session::Create).
//      Goal <= 0.02.
//   d. idle session heap: bytes an established session holds once its output is taken, counted
//      through a replaced global operator new and OpenSSL's CRYPTO_set_mem_functions. Goal <= 4096.
//
// The anchors live beside this file: the TLS 1.3 handshake in tls_anchor.h (a), the raw record
// layer in raw_records.h (b); the heap counting of d in heap_counter.h.
//
//   scp_bench                                    # whole table, about a minute on 2 cores
//   scp_bench --benchmark_filter=record          # some rows (regex on benchmark names)
//   scp_bench --sc_strict                        # exit status 1 if any row misses its goal

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "securecomm/base/clock.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/scp/frame.h"
#include "securecomm/scp/noise.h"
#include "securecomm/scp/record.h"
#include "securecomm/scp/replay_window.h"
#include "securecomm/scp/session.h"

#include "heap_counter.h"
#include "ratio_runner.h"
#include "raw_records.h"
#include "scp_bench_util.h"
#include "session_test_util.h"
#include "tls_anchor.h"

namespace {

using sc::bench::Bytes;
using sc::bench::Die;
using sc::bench::RawRecords;
using sc::bench::RecordSecrets;
using sc::bench::SideTimes;
using sc::bench::Tls;
using sc::bench::TlsHandshake;
using sc::bench::TlsWorld;
using sc::scp::FrameType;
using sc::scp::NoiseSuite;
using sc::scp::Session;
using sc::scp::SessionEvent;
using sc::scp::testing::Identities;

constexpr double kHandshakeGoal = 1.00;
constexpr double kRecordGoal = 1.20;
constexpr double kRejectionGoal = 1.0 / 50;
constexpr double kIdleHeapGoal = 4096;
constexpr size_t kRecordSizes[] = {64, 1024, 16384};
constexpr uint64_t kFirstRecordSequence = 2;  // the initiator's first record (scp.md §7)

// ---------------------------------------------------------------------------------------------
// SCP side. Long-term keys are made once (deterministic, from a seed); every handshake makes its
// configurations, both sessions and fresh ephemeral keys from the system CSPRNG, as a server does.

struct ScpWorld {
  Identities ids = Identities::FromSeed(7);
  sc::SystemClock clock;
  sc::SystemRandom rng;
};
ScpWorld& Scp() {
  static ScpWorld w;
  return w;
}

// ScpHandshake runs one whole handshake in memory; true when both sides are established.
bool ScpHandshake(ScpWorld& w) {
  auto client = Session::Create(w.ids.Client(), w.clock, w.rng);
  auto server = Session::Create(w.ids.Server(), w.clock, w.rng);
  if (!client || !server || !client->Start()) return false;
  const std::vector<uint8_t> init = client->TakeOutput();
  const auto e1 = server->HandleFrame(init);
  const std::vector<uint8_t> response = server->TakeOutput();
  const auto e2 = client->HandleFrame(response);
  const std::vector<uint8_t> finish = client->TakeOutput();
  const auto e3 = server->HandleFrame(finish);
  return e1.has_value() && e2 && e2->kind == SessionEvent::kEstablished && e3 &&
         e3->kind == SessionEvent::kEstablished;
}

// ScpHandshakeSides is ScpHandshake with each side's calls timed (creation and destruction
// included); moving frames between them is not attributed.
bool ScpHandshakeSides(ScpWorld& w, SideTimes& t) {
  std::optional<Session> client, server;
  bool ok = true;
  std::vector<uint8_t> frame;
  SideTimes::Add(t.initiator, [&] {
    auto c = Session::Create(w.ids.Client(), w.clock, w.rng);
    ok &= c && c->Start();
    if (c) client.emplace(std::move(*c));
    if (client) frame = client->TakeOutput();
  });
  SideTimes::Add(t.responder, [&] {
    auto s = Session::Create(w.ids.Server(), w.clock, w.rng);
    if (s) server.emplace(std::move(*s));
    ok &= server && server->HandleFrame(frame).has_value();
    frame = {};
    if (server) frame = server->TakeOutput();
  });
  if (!client || !server) return false;
  SideTimes::Add(t.initiator, [&] {
    const auto e = client->HandleFrame(frame);
    ok &= e && e->kind == SessionEvent::kEstablished;
    frame = client->TakeOutput();
  });
  SideTimes::Add(t.responder, [&] {
    const auto e = server->HandleFrame(frame);
    ok &= e && e->kind == SessionEvent::kEstablished;
    frame = {};
  });
  SideTimes::Add(t.initiator, [&] { client.reset(); });
  SideTimes::Add(t.responder, [&] { server.reset(); });
  return ok;
}

// ScpInitFrame returns a valid HANDSHAKE_INIT for the world's responder; `forge` flips one bit of
// its HMAC.
std::vector<uint8_t> ScpInitFrame(ScpWorld& w, bool forge) {
  auto client = Session::Create(w.ids.Client(), w.clock, w.rng);
  if (!client || !client->Start()) Die("SCP initiator for INIT");
  std::vector<uint8_t> init = client->TakeOutput();
  if (forge) init.back() ^= 0x01;
  return init;
}

// RejectForgedInit: what a forged INIT costs a responder on a new connection: the session is
// created, then the frame fails the INIT HMAC (scp.md §4.1) before any Diffie-Hellman.
bool RejectForgedInit(ScpWorld& w, std::span<const uint8_t> forged) {
  auto server = Session::Create(w.ids.Server(), w.clock, w.rng);
  if (!server) return false;
  const auto e = server->HandleFrame(forged);
  return !e && e.error().Is(sc::scp::Errc::kBadMac) && !server->HasOutput();
}

// ---------------------------------------------------------------------------------------------
// Record protection (row b). Both halves seal a DATA record and open it again, advancing one
// sequence number per iteration, with output buffers reused (no allocation per iteration).

struct OurRecords {
  sc::scp::RecordSender tx;
  sc::scp::RecordReceiver rx;
  explicit OurRecords(const RecordSecrets& s)
      : tx(NoiseSuite::kAesGcm, s.ts.Clone(), s.h, kFirstRecordSequence),
        rx(NoiseSuite::kAesGcm, s.ts.Clone(), s.h, kFirstRecordSequence, sc::scp::Transport::kStream) {}

  // SealOpen: one record out and back in; `wire` keeps its capacity, `out` is n bytes or more.
  bool SealOpen(std::span<const uint8_t> pt, std::vector<uint8_t>& wire, std::span<uint8_t> out) {
    wire.clear();
    if (!tx.SealInto(FrameType::kData, pt, wire)) return false;
    const auto frame = sc::scp::DecodeFrame(wire);
    if (!frame) return false;
    const auto n = rx.OpenInto(*frame, out);
    return n && *n == pt.size();
  }
};

void RecordOurs(benchmark::State& state, size_t n) {
  const RecordSecrets secrets;
  OurRecords rec(secrets);
  const std::vector<uint8_t> pt = Bytes(n, 23);
  std::vector<uint8_t> wire, out(n);
  wire.reserve(RawRecords::FrameSize(n));
  bool ok = true;
  for (auto _ : state) {
    ok &= rec.SealOpen(pt, wire, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("SCP record seal/open failed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

void RecordRaw(benchmark::State& state, size_t n) {
  const RecordSecrets secrets;
  RawRecords rec(secrets, kFirstRecordSequence);
  const std::vector<uint8_t> pt = Bytes(n, 23);
  std::vector<uint8_t> wire(RawRecords::FrameSize(n)), out(n);
  bool ok = true;
  for (auto _ : state) {
    ok &= rec.Seal(pt.data(), n, wire.data()) &&
          rec.Open(wire.data(), wire.size(), out.data()) == static_cast<long>(n);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  if (!ok) state.SkipWithError("raw record seal/open failed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

// ---------------------------------------------------------------------------------------------
// Handshake and rejection benchmarks.

void HandshakeOurs(benchmark::State& state) {
  ScpWorld& w = Scp();
  bool ok = true;
  for (auto _ : state) ok &= ScpHandshake(w);
  if (!ok) state.SkipWithError("SCP handshake failed");
}

void HandshakeTls(benchmark::State& state) {
  TlsWorld& w = Tls();
  bool ok = true;
  for (auto _ : state) ok &= TlsHandshake(w.client, w.server);
  if (!ok) state.SkipWithError("TLS handshake failed");
}

void HandshakeSidesOurs(benchmark::State& state) {
  ScpWorld& w = Scp();
  SideTimes t;
  bool ok = true;
  for (auto _ : state) ok &= ScpHandshakeSides(w, t);
  if (!ok) state.SkipWithError("SCP handshake failed");
  t.Report(state);
}

void HandshakeSidesTls(benchmark::State& state) {
  TlsWorld& w = Tls();
  SideTimes t;
  bool ok = true;
  for (auto _ : state) ok &= TlsHandshake(w.client, w.server, &t);
  if (!ok) state.SkipWithError("TLS handshake failed");
  t.Report(state);
}

void ForgedInitRejection(benchmark::State& state) {
  ScpWorld& w = Scp();
  const std::vector<uint8_t> forged = ScpInitFrame(w, /*forge=*/true);
  bool ok = true;
  for (auto _ : state) ok &= RejectForgedInit(w, forged);
  if (!ok) state.SkipWithError("forged INIT was not rejected with kBadMac");
}

// ---------------------------------------------------------------------------------------------
// Cross-checks before timing: each pair must do the work it claims, or its ratio means nothing.

bool CrossCheck() {
  bool all = true;
  auto expect = [&all](bool cond, const std::string& what) {
    if (!cond) {
      std::fprintf(stderr, "scp_bench: cross-check failed: %s\n", what.c_str());
      all = false;
    }
  };
  ScpWorld& scp = Scp();
  {
    auto client = Session::Create(scp.ids.Client(), scp.clock, scp.rng);
    auto server = Session::Create(scp.ids.Server(), scp.clock, scp.rng);
    expect(client && server && sc::scp::testing::Handshake(*client, *server).has_value() &&
               client->state() == sc::scp::SessionState::kEstablished &&
               server->state() == sc::scp::SessionState::kEstablished &&
               client->peer_identity() == scp.ids.server_id->public_key() &&
               server->peer_identity() == scp.ids.client_id->public_key(),
           "SCP handshake (session_test_util.h)");
    expect(ScpHandshake(scp), "SCP handshake (benchmark path)");
    SideTimes t;
    expect(ScpHandshakeSides(scp, t) && t.initiator > 0 && t.responder > 0, "SCP handshake (per-side path)");
  }
  {
    TlsWorld& tls = Tls();
    auto inspect = [&expect](SSL* c, SSL* s, bool ok) {
      int c_sig = 0, s_sig = 0;
      expect(ok, "TLS handshake");
      expect(ok && SSL_version(c) == TLS1_3_VERSION, "TLS 1.3");
      expect(ok && std::string_view(SSL_get_cipher_name(c)) == "TLS_AES_256_GCM_SHA384",
             "TLS_AES_256_GCM_SHA384");
      expect(ok && SSL_get_negotiated_group(c) == NID_X25519, "X25519 group");
      expect(ok && SSL_get_peer_signature_type_nid(c, &c_sig) == 1 && c_sig == NID_ED25519 &&
                 SSL_get_peer_signature_type_nid(s, &s_sig) == 1 && s_sig == NID_ED25519,
             "Ed25519 CertificateVerify both ways");
      expect(ok && SSL_get0_peer_certificate(c) != nullptr && SSL_get0_peer_certificate(s) != nullptr &&
                 SSL_get_verify_result(c) == X509_V_OK && SSL_get_verify_result(s) == X509_V_OK,
             "both peers' certificates verified");
      expect(ok && SSL_session_reused(c) == 0, "a full handshake, not a resumption");
      return ok;
    };
    expect(TlsHandshake(tls.client, tls.server, nullptr, inspect), "TLS handshake checks");
    expect(TlsHandshake(tls.client, tls.server), "TLS handshake (benchmark path)");
    // Verification really happens: a client without a certificate, and a client that trusts no
    // CA, must both fail.
    SSL_CTX* anonymous = tls.NewCtx(false, nullptr, nullptr, true);
    SSL_CTX* trusting_none = tls.NewCtx(false, tls.client_cert, tls.client_key, false);
    ERR_set_mark();
    expect(!TlsHandshake(anonymous, tls.server), "server refuses a client without a certificate");
    expect(!TlsHandshake(trusting_none, tls.server), "client refuses a server it cannot verify");
    ERR_pop_to_mark();
    SSL_CTX_free(anonymous);
    SSL_CTX_free(trusting_none);
  }
  {
    const RecordSecrets secrets;
    for (size_t n : kRecordSizes) {
      const std::string what = "record " + std::to_string(n) + " B: ";
      OurRecords ours(secrets);
      RawRecords raw(secrets, kFirstRecordSequence);
      const std::vector<uint8_t> pt = Bytes(n, 23);
      for (int i = 0; i < 2; ++i) {  // twice: the reused contexts and sequence numbers too
        std::vector<uint8_t> ours_wire, raw_wire(RawRecords::FrameSize(n)), back(n);
        expect(ours.tx.SealInto(FrameType::kData, pt, ours_wire).has_value(), what + "SealInto");
        expect(raw.Seal(pt.data(), n, raw_wire.data()), what + "raw seal");
        expect(ours_wire == raw_wire, what + "frames differ");
        bool opened = false;
        if (const auto frame = sc::scp::DecodeFrame(raw_wire)) {
          const auto got = ours.rx.OpenInto(*frame, back);
          opened = got && *got == n && back == pt;
        }
        expect(opened, what + "OpenInto of the raw frame");
        std::fill(back.begin(), back.end(), uint8_t{0});
        expect(
            raw.Open(ours_wire.data(), ours_wire.size(), back.data()) == static_cast<long>(n) && back == pt,
            what + "raw open of our frame");
      }
      std::vector<uint8_t> wire, out(n);
      OurRecords loop(secrets);
      expect(loop.SealOpen(pt, wire, out) && loop.SealOpen(pt, wire, out) && out == pt, what + "SealOpen");
    }
  }
  {
    auto server = Session::Create(scp.ids.Server(), scp.clock, scp.rng);
    const std::vector<uint8_t> init = ScpInitFrame(scp, false);
    expect(server && server->HandleFrame(init).has_value() && server->HasOutput(), "genuine INIT accepted");
    expect(RejectForgedInit(scp, ScpInitFrame(scp, true)), "forged INIT rejected with kBadMac, no answer");
  }
  return all;
}

// ---------------------------------------------------------------------------------------------
// Row d: idle session heap.

std::string ByteCount(int64_t n) {
  return std::to_string(n) + " B";
}

// Held returns the heap `make()` leaves live while its result exists.
template <typename Make>
heap::Snapshot Held(Make make) {
  const heap::Snapshot before = heap::Now();
  auto object = make();
  const heap::Snapshot after = heap::Now();
  benchmark::DoNotOptimize(object);
  return after - before;
}

std::string Describe(const heap::Snapshot& d) {
  char text[128];
  std::snprintf(text, sizeof text, "%6lld B (C++ %lld B in %lld blocks, OpenSSL %lld B in %lld blocks)",
                static_cast<long long>(d.total()), static_cast<long long>(d.bytes[heap::kCxx]),
                static_cast<long long>(d.blocks[heap::kCxx]), static_cast<long long>(d.bytes[heap::kOpenSsl]),
                static_cast<long long>(d.blocks[heap::kOpenSsl]));
  return text;
}

bool MeasureIdleHeap(sc::bench::RatioRunner& runner) {
  ScpWorld& w = Scp();
  // Warm up: process-wide and per-thread state (fetched algorithms, per-thread digest, MAC and KDF
  // contexts) is made on first use and is not a session's.
  if (!ScpHandshake(w)) return false;
  heap::g_counting = true;

  const heap::Snapshot before = heap::Now();
  heap::g_trace_len = 0;
  heap::g_untraced_freed_bytes = heap::g_untraced_freed_blocks = 0;
  heap::g_tracing = true;
  std::optional<Session> client, server;
  {
    auto c = Session::Create(w.ids.Client(), w.clock, w.rng);
    auto s = Session::Create(w.ids.Server(), w.clock, w.rng);
    if (!c || !s) return false;
    client.emplace(std::move(*c));
    server.emplace(std::move(*s));
    // Frames in flight are I/O buffers: each is gone before the count.
    if (!client->Start() || !server->HandleFrame(client->TakeOutput())) return false;
    if (!client->HandleFrame(server->TakeOutput()) || !server->HandleFrame(client->TakeOutput()))
      return false;
    (void)client->TakeOutput();
    (void)server->TakeOutput();
  }
  const heap::Snapshot held = heap::Now() - before;
  heap::g_tracing = false;
  if (client->state() != sc::scp::SessionState::kEstablished ||
      server->state() != sc::scp::SessionState::kEstablished) {
    return false;
  }
  // Then one 1-byte DATA record each way: what stays once a session has carried traffic (state
  // made on first use, and the session's 256-byte plaintext buffer of the last DATA received).
  const uint8_t one_byte[1] = {0x5a};
  if (!client->Send(one_byte) || !server->HandleFrame(client->TakeOutput()) || !server->Send(one_byte) ||
      !client->HandleFrame(server->TakeOutput())) {
    return false;
  }
  const heap::Snapshot active = heap::Now() - before;
  client.reset();
  server.reset();
  const heap::Snapshot leftover = heap::Now() - before;

  const double per_session = static_cast<double>(held.total()) / 2;
  runner.AddMeasurement("idle session heap, per session", per_session, "B", kIdleHeapGoal);
  runner.AddNote(
      "\nidle session heap = (live bytes after Create + handshake + TakeOutput of a client and a server\n"
      "- live bytes before) / 2, counting malloc_usable_size of every block from operator new and from\n"
      "OpenSSL's allocator (CRYPTO_set_mem_functions); frames in flight are freed before the count.");
  runner.AddNote("pair: " + Describe(held) + "; after destroying both: " + ByteCount(leftover.total()) +
                 " left (0: all accounted for)");
  char active_line[200];
  std::snprintf(active_line, sizeof active_line,
                "after one 1-byte DATA record each way (incl. the 256 B plaintext buffer of the last DATA): "
                "%.0f B per session",
                static_cast<double>(active.total()) / 2);
  runner.AddNote(active_line);

  // Breakdown of the pair's live blocks, per session: OpenSSL's by allocating source line, ours
  // (operator new) by size.
  struct Group {
    int blocks = 0;
    size_t bytes = 0, min = SIZE_MAX, max = 0;
  };
  std::map<std::string, Group> groups;
  for (size_t i = 0; i < heap::g_trace_len; ++i) {
    const heap::TraceEntry& e = heap::g_trace[i];
    if (!e.live) continue;
    char where[96];
    if (e.source == heap::kOpenSsl) {
      std::string_view file = e.file != nullptr ? e.file : "?";
      if (const size_t cut = file.find_last_of('/'); cut != std::string_view::npos && cut > 0) {
        const size_t dir = file.find_last_of('/', cut - 1);
        file.remove_prefix(dir == std::string_view::npos ? 0 : dir + 1);
      }
      std::snprintf(where, sizeof where, "OpenSSL %.*s:%d", static_cast<int>(file.size()), file.data(),
                    e.line);
    } else {
      std::snprintf(where, sizeof where, "operator new, %zu B blocks", e.size);
    }
    Group& g = groups[where];
    ++g.blocks;
    g.bytes += e.size;
    g.min = std::min(g.min, e.size);
    g.max = std::max(g.max, e.size);
  }
  std::vector<std::pair<size_t, std::string>> lines;
  for (const auto& [where, g] : groups) {
    char line[200], sizes[32];
    if (g.min == g.max) {
      std::snprintf(sizes, sizeof sizes, "%zu B", g.min);
    } else {
      std::snprintf(sizes, sizeof sizes, "%zu..%zu B", g.min, g.max);
    }
    std::snprintf(line, sizeof line, "  %-46s %4.1f x %-11s = %6.0f B", where.c_str(), g.blocks / 2.0, sizes,
                  static_cast<double>(g.bytes) / 2);
    lines.emplace_back(g.bytes, line);
  }
  std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  runner.AddNote("per session, by origin (the pair's blocks live at the count, halved):");
  for (const auto& [total, line] : lines) runner.AddNote(line);
  if (heap::g_untraced_freed_blocks > 0) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-46s %4.1f x %-11s = %6.0f B",
                  "freed: older per-thread blocks replaced",
                  static_cast<double>(heap::g_untraced_freed_blocks) / 2, "",
                  -static_cast<double>(heap::g_untraced_freed_bytes) / 2);
    runner.AddNote(line);
  }

  // The parts, each measured alone (contexts some of them make on first use included).
  const RecordSecrets secrets;
  const std::vector<uint8_t> key = Bytes(32, 31), nonce = Bytes(12, 32), pt = Bytes(64, 33);
  std::vector<uint8_t> sealed(pt.size() + 16), opened(pt.size()), wire;
  sc::scp::RecordSender frame_maker(NoiseSuite::kAesGcm, secrets.ts.Clone(), secrets.h, 2);
  if (!frame_maker.SealInto(FrameType::kData, pt, wire)) return false;
  const auto aead = [&](bool use) {
    return Held([&] {
      auto a = sc::crypto::Aead::Create(sc::crypto::AeadAlgorithm::kAes256Gcm, key);
      if (use && a && (!a->Seal(nonce, {}, pt, sealed) || !a->Open(nonce, {}, sealed, opened))) Die("Aead");
      return a;
    });
  };
  const heap::Snapshot aead_created = aead(false), aead_used = aead(true);
  const heap::Snapshot mac =
      Held([&] { return std::optional<sc::crypto::HmacSha256Key>(std::in_place, key); });
  const auto sender = [&](bool use) {
    return Held([&] {
      auto tx =
          std::make_unique<sc::scp::RecordSender>(NoiseSuite::kAesGcm, secrets.ts.Clone(), secrets.h, 2);
      std::vector<uint8_t> out;
      if (use && !tx->SealInto(FrameType::kData, pt, out)) Die("SealInto");
      return tx;
    });
  };
  const auto receiver = [&](bool use) {
    return Held([&] {
      auto rx = std::make_unique<sc::scp::RecordReceiver>(NoiseSuite::kAesGcm, secrets.ts.Clone(), secrets.h,
                                                          2, sc::scp::Transport::kStream);
      const auto frame = sc::scp::DecodeFrame(wire);
      if (use && (!frame || !rx->OpenInto(*frame, opened))) Die("OpenInto");
      return rx;
    });
  };
  const heap::Snapshot sender_created = sender(false), sender_used = sender(true);
  const heap::Snapshot receiver_created = receiver(false), receiver_used = receiver(true);
  const heap::Snapshot responder = Held([&] { return Session::Create(w.ids.Server(), w.clock, w.rng); });
  auto part = [&runner](const std::string& what, const heap::Snapshot& d) {
    char line[200];
    std::snprintf(line, sizeof line, "  %-58s %s", what.c_str(), Describe(d).c_str());
    runner.AddNote(line);
  };
  runner.AddNote("parts, each measured alone:");
  part("crypto::Aead AES-256-GCM, after Create", aead_created);
  part("crypto::Aead AES-256-GCM, after one Seal and one Open", aead_used);
  part("crypto::HmacSha256Key (one EVP_MAC_CTX)", mac);
  part("scp::RecordSender (+ the object, here on the heap)", sender_created);
  part("scp::RecordSender, after one SealInto", sender_used);
  part("scp::RecordReceiver, stream (+ the object, on the heap)", receiver_created);
  part("scp::RecordReceiver, after one OpenInto", receiver_used);
  part("a responder Session right after Create", responder);
  runner.AddNote("inline sizes (inside the Session's one operator new block): RecordSender " +
                 std::to_string(sizeof(sc::scp::RecordSender)) + " B, RecordReceiver " +
                 std::to_string(sizeof(sc::scp::RecordReceiver)) + " B (its ReplayWindow<> " +
                 std::to_string(sizeof(sc::scp::ReplayWindow<>)) + " B), std::optional<NoiseXX> " +
                 std::to_string(sizeof(std::optional<sc::scp::NoiseXX>)) + " B, SessionConfig " +
                 std::to_string(sizeof(sc::scp::SessionConfig)) + " B.");
  heap::g_counting = false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any other OpenSSL call: afterwards OpenSSL refuses to change its allocator.
  if (CRYPTO_set_mem_functions(heap::OsslMalloc, heap::OsslRealloc, heap::OsslFree) != 1) {
    std::fprintf(stderr, "scp_bench: CRYPTO_set_mem_functions refused (OpenSSL allocated before main)\n");
    return 2;
  }
  benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));

  sc::bench::RatioRunner runner({.program = "scp_bench", .default_rounds = 30, .default_min_time = "0.03"});
  runner.AddPair("handshake CPU, both sides", "handshake", HandshakeOurs, HandshakeTls, kHandshakeGoal);
  runner.AddPair("handshake CPU, per-side run (sum)", "handshake_sides", HandshakeSidesOurs,
                 HandshakeSidesTls, kHandshakeGoal);
  runner.AddCounterPair("  initiator vs TLS client", "handshake_sides", "initiator_ns", kHandshakeGoal);
  runner.AddCounterPair("  responder vs TLS server", "handshake_sides", "responder_ns", kHandshakeGoal);
  for (size_t n : kRecordSizes) {
    const std::string size = n >= 1024 ? std::to_string(n / 1024) + " KiB" : std::to_string(n) + " B";
    runner.AddPair(
        "record seal+open " + size, "record/" + std::to_string(n),
        [n](benchmark::State& s) { RecordOurs(s, n); }, [n](benchmark::State& s) { RecordRaw(s, n); },
        kRecordGoal);
  }
  runner.AddFraction("forged INIT rejection / handshake", "forged_init", ForgedInitRejection, HandshakeOurs,
                     kRejectionGoal);
  return runner.Run(argc, argv, [&runner] {
    if (!CrossCheck()) return false;
    if (!MeasureIdleHeap(runner)) {
      std::fprintf(stderr, "scp_bench: idle heap measurement failed (a session or the handshake failed)\n");
      return false;
    }
    return true;
  });
}
