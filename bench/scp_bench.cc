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
//   scp_bench                                    # whole table, about a minute on 2 cores
//   scp_bench --benchmark_filter=record          # some rows (regex on benchmark names)
//   scp_bench --sc_strict                        # exit status 1 if any row misses its goal

#include <malloc.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

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

#include "ratio_runner.h"
#include "session_test_util.h"

// ---------------------------------------------------------------------------------------------
// Heap accounting (row d). Every C++ allocation goes through the operators below and every
// OpenSSL allocation through the CRYPTO_set_mem_functions hooks; both are plain malloc/free while
// counting is off (all of the timing), so the timed code pays nothing for it. While counting is on
// they add malloc_usable_size of each block: what the allocator actually reserved for the request
// (glibc's 8-byte chunk header aside). A trace of the blocks allocated while tracing is on gives
// the breakdown by OpenSSL source line.

namespace heap {

enum Source : uint8_t { kCxx = 0, kOpenSsl = 1 };

std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_bytes[2];
std::atomic<int64_t> g_blocks[2];

struct TraceEntry {
  const void* p;
  size_t size;
  const char* file;
  int line;
  Source source;
  bool live;
};
constexpr size_t kTraceCapacity = 8192;
TraceEntry g_trace[kTraceCapacity];
size_t g_trace_len = 0;
bool g_tracing = false;  // single-threaded use only: set around the measured block
// Blocks freed while tracing that were allocated before it (per-thread state OpenSSL replaces,
// e.g. the HKDF context's copies of its last key and info): they net out of the live count.
int64_t g_untraced_freed_bytes = 0, g_untraced_freed_blocks = 0;

void OnAlloc(void* p, Source s, const char* file, int line) noexcept {
  if (p == nullptr || !g_counting.load(std::memory_order_relaxed)) return;
  const size_t n = malloc_usable_size(p);
  g_bytes[s].fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  g_blocks[s].fetch_add(1, std::memory_order_relaxed);
  if (g_tracing && g_trace_len < kTraceCapacity)
    g_trace[g_trace_len++] = TraceEntry{p, n, file, line, s, true};
}

void OnFree(void* p, Source s) noexcept {
  if (p == nullptr || !g_counting.load(std::memory_order_relaxed)) return;
  const size_t n = malloc_usable_size(p);
  g_bytes[s].fetch_sub(static_cast<int64_t>(n), std::memory_order_relaxed);
  g_blocks[s].fetch_sub(1, std::memory_order_relaxed);
  if (!g_tracing) return;
  for (size_t i = g_trace_len; i-- > 0;) {
    if (g_trace[i].live && g_trace[i].p == p) {
      g_trace[i].live = false;
      return;
    }
  }
  g_untraced_freed_bytes += static_cast<int64_t>(n);
  ++g_untraced_freed_blocks;
}

void* New(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  OnAlloc(p, kCxx, nullptr, 0);
  return p;
}
void* NewAligned(size_t n, std::align_val_t al) {
  void* p = nullptr;
  const size_t a = std::max(static_cast<size_t>(al), sizeof(void*));
  if (posix_memalign(&p, a, n == 0 ? 1 : n) != 0) throw std::bad_alloc();
  OnAlloc(p, kCxx, nullptr, 0);
  return p;
}
void Delete(void* p) noexcept {
  OnFree(p, kCxx);
  std::free(p);
}

// OpenSSL's hooks. CRYPTO_malloc(0) returns NULL by default; so do these.
void* OsslMalloc(size_t n, const char* file, int line) {
  if (n == 0) return nullptr;
  void* p = std::malloc(n);
  OnAlloc(p, kOpenSsl, file, line);
  return p;
}
void* OsslRealloc(void* old, size_t n, const char* file, int line) {
  if (old == nullptr) return OsslMalloc(n, file, line);
  if (n == 0) {
    OnFree(old, kOpenSsl);
    std::free(old);
    return nullptr;
  }
  const bool counting = g_counting.load(std::memory_order_relaxed);
  if (counting) OnFree(old, kOpenSsl);
  void* p = std::realloc(old, n);
  if (p == nullptr) {
    if (counting) OnAlloc(old, kOpenSsl, file, line);  // the old block is still there
    return nullptr;
  }
  OnAlloc(p, kOpenSsl, file, line);
  return p;
}
void OsslFree(void* p, const char*, int) {
  OnFree(p, kOpenSsl);
  std::free(p);
}

struct Snapshot {
  int64_t bytes[2] = {0, 0};
  int64_t blocks[2] = {0, 0};
  int64_t total() const { return bytes[kCxx] + bytes[kOpenSsl]; }
  Snapshot operator-(const Snapshot& o) const {
    Snapshot d;
    for (int s = 0; s < 2; ++s) {
      d.bytes[s] = bytes[s] - o.bytes[s];
      d.blocks[s] = blocks[s] - o.blocks[s];
    }
    return d;
  }
};
Snapshot Now() {
  Snapshot s;
  for (int i = 0; i < 2; ++i) {
    s.bytes[i] = g_bytes[i].load(std::memory_order_relaxed);
    s.blocks[i] = g_blocks[i].load(std::memory_order_relaxed);
  }
  return s;
}

}  // namespace heap

void* operator new(std::size_t n) {
  return heap::New(n);
}
void* operator new[](std::size_t n) {
  return heap::New(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return heap::New(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return operator new(n, t);
}
void* operator new(std::size_t n, std::align_val_t al) {
  return heap::NewAligned(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al) {
  return heap::NewAligned(n, al);
}
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  try {
    return heap::NewAligned(n, al);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t& t) noexcept {
  return operator new(n, al, t);
}
void operator delete(void* p) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}

namespace {

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

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "scp_bench: setup failed: %s\n", what);
  std::exit(2);
}

std::vector<uint8_t> Bytes(size_t n, uint64_t seed) {
  std::vector<uint8_t> v(n);
  sc::DeterministicRandom rng(seed);
  rng.Fill(v);
  return v;
}

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// SideTimes: CPU ns spent in each side's calls over a benchmark run (per-side rows).
struct SideTimes {
  int64_t initiator = 0, responder = 0;
  template <typename F>
  static void Add(int64_t& acc, F&& f) {
    const int64_t t0 = ThreadCpuNs();
    f();
    acc += ThreadCpuNs() - t0;
  }
  void Report(benchmark::State& state) const {
    state.counters["initiator_ns"] =
        benchmark::Counter(static_cast<double>(initiator), benchmark::Counter::kAvgIterations);
    state.counters["responder_ns"] =
        benchmark::Counter(static_cast<double>(responder), benchmark::Counter::kAvgIterations);
  }
};

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
// TLS 1.3 anchor: Ed25519 CA, server and client certificates made once with the OpenSSL API; both
// sides verify the peer's chain; X25519 only, TLS_AES_256_GCM_SHA384, no tickets and no session
// cache, so every handshake is a full one. Driven through a BIO pair in memory.

EVP_PKEY* NewEd25519Key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) Die("Ed25519 key");
  return key;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
  const bool ok = ext != nullptr && X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// NewCert: a v3 certificate for `key` named `cn`, signed by `issuer_key` (Ed25519: md NULL);
// self-signed when `issuer` is null.
X509* NewCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca, long serial) {
  X509* cert = X509_new();
  if (cert == nullptr) Die("X509_new");
  X509_NAME* name = X509_get_subject_name(cert);
  const bool ok = X509_set_version(cert, X509_VERSION_3) == 1 &&
                  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial) == 1 &&
                  X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr &&
                  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 365) != nullptr &&
                  X509_set_pubkey(cert, key) == 1 &&
                  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0) == 1 &&
                  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : name) == 1 &&
                  AddExtension(cert, issuer != nullptr ? issuer : cert, NID_basic_constraints,
                               ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
                  AddExtension(cert, issuer != nullptr ? issuer : cert, NID_key_usage,
                               ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature") &&
                  X509_sign(cert, issuer_key, nullptr) > 0;
  if (!ok) Die("certificate");
  return cert;
}

struct TlsWorld {
  EVP_PKEY* ca_key = NewEd25519Key();
  X509* ca = NewCert(ca_key, "SecureComm bench CA", nullptr, ca_key, true, 1);
  EVP_PKEY* server_key = NewEd25519Key();
  X509* server_cert = NewCert(server_key, "relay.bench", ca, ca_key, false, 2);
  EVP_PKEY* client_key = NewEd25519Key();
  X509* client_cert = NewCert(client_key, "device.bench", ca, ca_key, false, 3);
  SSL_CTX* server = NewCtx(true, server_cert, server_key, true);
  SSL_CTX* client = NewCtx(false, client_cert, client_key, true);

  // NewCtx: a TLS 1.3-only context presenting `cert` (if any) and trusting the CA (if `trust`).
  SSL_CTX* NewCtx(bool is_server, X509* cert, EVP_PKEY* key, bool trust) const {
    SSL_CTX* ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
    const bool ok =
        ctx != nullptr && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1 &&
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 &&
        SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384") == 1 &&
        SSL_CTX_set1_groups_list(ctx, "X25519") == 1 && SSL_CTX_set1_sigalgs_list(ctx, "ed25519") == 1 &&
        (cert == nullptr || (SSL_CTX_use_certificate(ctx, cert) == 1 &&
                             SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1)) &&
        (!trust || X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca) == 1) &&
        SSL_CTX_set_num_tickets(ctx, 0) == 1;
    if (!ok) Die("SSL_CTX");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
  }
};
TlsWorld& Tls() {
  static TlsWorld w;
  return w;
}

// TlsHandshake runs one full handshake between new SSL objects of `cctx` and `sctx` over a BIO
// pair; true when both completed. `check`, if given, inspects both before they are freed.
template <typename Check = std::nullptr_t>
bool TlsHandshake(SSL_CTX* cctx, SSL_CTX* sctx, SideTimes* t = nullptr, Check check = nullptr) {
  int64_t ignored = 0;
  int64_t& ti = t != nullptr ? t->initiator : ignored;
  int64_t& tr = t != nullptr ? t->responder : ignored;
  auto timed = [t](int64_t& acc, auto&& f) {
    if (t != nullptr) {
      SideTimes::Add(acc, f);
    } else {
      f();
    }
  };
  SSL* c = nullptr;
  SSL* s = nullptr;
  timed(ti, [&] { c = SSL_new(cctx); });
  timed(tr, [&] { s = SSL_new(sctx); });
  BIO* cb = nullptr;
  BIO* sb = nullptr;
  if (c == nullptr || s == nullptr || BIO_new_bio_pair(&cb, 0, &sb, 0) != 1) Die("SSL_new / BIO pair");
  SSL_set_bio(c, cb, cb);
  SSL_set_bio(s, sb, sb);
  SSL_set_connect_state(c);
  SSL_set_accept_state(s);
  bool c_done = false, s_done = false, failed = false;
  auto step = [&failed](SSL* ssl, bool& done) {
    const int r = SSL_do_handshake(ssl);
    if (r == 1) {
      done = true;
    } else if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ) {
      failed = true;
    }
  };
  for (int i = 0; i < 8 && !failed && !(c_done && s_done); ++i) {
    if (!c_done) timed(ti, [&] { step(c, c_done); });
    if (!s_done && !failed) timed(tr, [&] { step(s, s_done); });
  }
  bool ok = !failed && c_done && s_done;
  if constexpr (!std::is_same_v<Check, std::nullptr_t>) ok = check(c, s, ok);
  timed(ti, [&] { SSL_free(c); });
  timed(tr, [&] { SSL_free(s); });
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Record protection (row b). Both halves seal a DATA record and open it again, advancing one
// sequence number per iteration, with output buffers reused (no allocation per iteration).

struct RecordSecrets {
  sc::SecretArray<32> ts;
  std::array<uint8_t, 32> h{};
  RecordSecrets() {
    const std::vector<uint8_t> ts_bytes = Bytes(32, 21), h_bytes = Bytes(32, 22);
    ts = sc::SecretArray<32>::FromSpan(std::span<const uint8_t, 32>(ts_bytes.data(), 32));
    std::copy(h_bytes.begin(), h_bytes.end(), h.begin());
  }
};

void PutBe(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * (bytes - 1 - i)));
}
uint64_t GetBe(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// RawRecords: scp.md §5 written directly against OpenSSL 3: keys derived once (HKDF, as
// RecordKeys::Derive), one pre-keyed GCM context per direction (per record only the IV is set),
// one keyed HMAC context per direction (EVP_MAC_init with a NULL key reuses the key), a
// CRYPTO_memcmp tag check. The frame layout is that of frame.h: 14-byte header, ciphertext, tag,
// 32-byte HMAC.
class RawRecords {
 public:
  RawRecords(const RecordSecrets& secrets, uint64_t first_sequence)
      : tx_seq_(first_sequence), rx_seq_(first_sequence) {
    uint8_t okm[64];
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX* kctx = kdf != nullptr ? EVP_KDF_CTX_new(kdf) : nullptr;
    char digest[] = "SHA256";
    char info[] = "SCP/1 record keys";
    OSSL_PARAM kp[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                          const_cast<uint8_t*>(secrets.ts.Expose().data()), 32),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(secrets.h.data()), 32),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, std::strlen(info)),
        OSSL_PARAM_construct_end()};
    const bool kdf_ok = kctx != nullptr && EVP_KDF_derive(kctx, okm, sizeof okm, kp) == 1;
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    cipher_ = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    enc_ = EVP_CIPHER_CTX_new();
    dec_ = EVP_CIPHER_CTX_new();
    tx_mac_ = mac_ != nullptr ? EVP_MAC_CTX_new(mac_) : nullptr;
    rx_mac_ = mac_ != nullptr ? EVP_MAC_CTX_new(mac_) : nullptr;
    OSSL_PARAM mp[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                       OSSL_PARAM_construct_end()};
    if (!kdf_ok || cipher_ == nullptr || enc_ == nullptr || dec_ == nullptr || tx_mac_ == nullptr ||
        rx_mac_ == nullptr || EVP_EncryptInit_ex2(enc_, cipher_, okm, nullptr, nullptr) != 1 ||
        EVP_DecryptInit_ex2(dec_, cipher_, okm, nullptr, nullptr) != 1 ||
        EVP_MAC_init(tx_mac_, okm + 32, 32, mp) != 1 || EVP_MAC_init(rx_mac_, okm + 32, 32, mp) != 1) {
      Die("raw record contexts");
    }
    OPENSSL_cleanse(okm, sizeof okm);
  }
  ~RawRecords() {
    EVP_CIPHER_CTX_free(enc_);
    EVP_CIPHER_CTX_free(dec_);
    EVP_MAC_CTX_free(tx_mac_);
    EVP_MAC_CTX_free(rx_mac_);
    EVP_CIPHER_free(cipher_);
    EVP_MAC_free(mac_);
  }
  RawRecords(const RawRecords&) = delete;
  RawRecords& operator=(const RawRecords&) = delete;

  static size_t FrameSize(size_t n) { return kHeader + n + kTag + kMac; }

  // Seal writes the DATA frame carrying pt[0..n) to `frame` (FrameSize(n) bytes).
  bool Seal(const uint8_t* pt, size_t n, uint8_t* frame) {
    const uint64_t seq = tx_seq_;
    frame[0] = 0x01;
    frame[1] = static_cast<uint8_t>(FrameType::kData);
    PutBe(frame + 2, seq, 8);
    PutBe(frame + 10, n + kTag, 4);
    uint8_t iv[12] = {};
    PutBe(iv + 4, seq, 8);
    uint8_t* ct = frame + kHeader;
    int len = 0, fin = 0;
    size_t mac_len = 0;
    const bool ok = EVP_EncryptInit_ex2(enc_, nullptr, nullptr, iv, nullptr) == 1 &&
                    EVP_EncryptUpdate(enc_, nullptr, &len, frame, kHeader) == 1 &&
                    EVP_EncryptUpdate(enc_, ct, &len, pt, static_cast<int>(n)) == 1 &&
                    EVP_EncryptFinal_ex(enc_, ct + len, &fin) == 1 &&
                    EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_GCM_GET_TAG, kTag, ct + n) == 1 &&
                    EVP_MAC_init(tx_mac_, nullptr, 0, nullptr) == 1 &&
                    EVP_MAC_update(tx_mac_, frame, kHeader + n + kTag) == 1 &&
                    EVP_MAC_final(tx_mac_, ct + n + kTag, &mac_len, kMac) == 1 && mac_len == kMac;
    ++tx_seq_;
    return ok;
  }

  // Open checks a DATA frame of `size` bytes as the receiver does (header, HMAC, sequence, AEAD)
  // and writes its plaintext to `out`; returns the plaintext length, or -1.
  long Open(const uint8_t* frame, size_t size, uint8_t* out) {
    if (size < kHeader + kTag + kMac || frame[0] != 0x01 ||
        frame[1] != static_cast<uint8_t>(FrameType::kData)) {
      return -1;
    }
    const size_t length = GetBe(frame + 10, 4);
    if (kHeader + length + kMac != size || length < kTag) return -1;
    uint8_t tag[kMac];
    size_t mac_len = 0;
    if (EVP_MAC_init(rx_mac_, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(rx_mac_, frame, kHeader + length) != 1 ||
        EVP_MAC_final(rx_mac_, tag, &mac_len, kMac) != 1 ||
        CRYPTO_memcmp(tag, frame + kHeader + length, kMac) != 0) {
      return -1;
    }
    const uint64_t seq = GetBe(frame + 2, 8);
    if (seq != rx_seq_) return -1;
    const size_t n = length - kTag;
    uint8_t iv[12] = {};
    PutBe(iv + 4, seq, 8);
    int len = 0, fin = 0;
    if (EVP_DecryptInit_ex2(dec_, nullptr, nullptr, iv, nullptr) != 1 ||
        EVP_DecryptUpdate(dec_, nullptr, &len, frame, kHeader) != 1 ||
        EVP_DecryptUpdate(dec_, out, &len, frame + kHeader, static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_GCM_SET_TAG, kTag, const_cast<uint8_t*>(frame + kHeader + n)) !=
            1 ||
        EVP_DecryptFinal_ex(dec_, out + len, &fin) != 1) {
      return -1;
    }
    ++rx_seq_;
    return static_cast<long>(n);
  }

 private:
  static constexpr int kHeader = 14, kTag = 16, kMac = 32;
  EVP_CIPHER* cipher_ = nullptr;
  EVP_MAC* mac_ = nullptr;
  EVP_CIPHER_CTX* enc_ = nullptr;
  EVP_CIPHER_CTX* dec_ = nullptr;
  EVP_MAC_CTX* tx_mac_ = nullptr;
  EVP_MAC_CTX* rx_mac_ = nullptr;
  uint64_t tx_seq_, rx_seq_;
};

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
