// tls_anchor.h: the TLS 1.3 anchor of scp_bench's handshake rows (row a). TlsWorld holds an
// Ed25519 CA, server and client certificates made once with the OpenSSL API, and a server and a
// client SSL_CTX in which both sides verify the peer's chain; X25519 only, TLS_AES_256_GCM_SHA384,
// no tickets and no session cache, so every handshake is a full one. TlsHandshake drives one
// handshake through a BIO pair in memory, optionally timing each side's calls.
//
//   TlsWorld& w = Tls();                              // made on first use
//   bool ok = TlsHandshake(w.client, w.server);       // one full, mutually authenticated handshake
//   SideTimes t;
//   ok = TlsHandshake(w.client, w.server, &t);        // the same, each side's CPU time added to t
//
// Setup failures (a key, certificate or context OpenSSL will not make) end the program through
// Die. Single-threaded use only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "scp_bench_util.h"

namespace sc::bench {

// TlsWorld: the keys, certificates and contexts, all made by the constructor and never freed
// (they live as long as the program).
struct TlsWorld {
  TlsWorld();
  TlsWorld(const TlsWorld&) = delete;
  TlsWorld& operator=(const TlsWorld&) = delete;

  // NewCtx: a TLS 1.3-only context presenting `cert` (if any) and trusting the CA (if `trust`).
  // The caller owns it (SSL_CTX_free).
  SSL_CTX* NewCtx(bool is_server, X509* cert, EVP_PKEY* key, bool trust) const;

  EVP_PKEY* ca_key;
  X509* ca;
  EVP_PKEY* server_key;
  X509* server_cert;
  EVP_PKEY* client_key;
  X509* client_cert;
  SSL_CTX* server;  // presents server_cert, requires and verifies a client certificate
  SSL_CTX* client;  // presents client_cert, verifies the server's
};

// Tls returns the program's one TlsWorld, made on the first call.
TlsWorld& Tls();

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

}  // namespace sc::bench
