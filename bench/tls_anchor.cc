// tls_anchor.cc: the TLS 1.3 anchor of tls_anchor.h: Ed25519 certificates made
// with the OpenSSL API, the two contexts, the world they live in.

#include "tls_anchor.h"

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "scp_bench_util.h"

namespace sc::bench {
namespace {

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

// NewCert: a v3 certificate for `key` named `cn`, signed by `issuer_key`
// (Ed25519: md NULL); self-signed when `issuer` is null.
X509* NewCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca, long serial) {
  X509* cert = X509_new();
  if (cert == nullptr) Die("X509_new");
  X509_NAME* name = X509_get_subject_name(cert);
  const bool ok = X509_set_version(cert, X509_VERSION_3) == 1 &&
                  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial) == 1 &&
                  X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr &&
                  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 365) != nullptr &&
                  X509_set_pubkey(cert, key) == 1 &&
                  // OpenSSL's C API takes the NUL-terminated name as unsigned char.
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

}  // namespace

TlsWorld::TlsWorld()
    : ca_key(NewEd25519Key()),
      ca(NewCert(ca_key, "SecureComm bench CA", nullptr, ca_key, true, 1)),
      server_key(NewEd25519Key()),
      server_cert(NewCert(server_key, "relay.bench", ca, ca_key, false, 2)),
      client_key(NewEd25519Key()),
      client_cert(NewCert(client_key, "device.bench", ca, ca_key, false, 3)),
      server(NewCtx(true, server_cert, server_key, true)),
      client(NewCtx(false, client_cert, client_key, true)) {}

SSL_CTX* TlsWorld::NewCtx(bool is_server, X509* cert, EVP_PKEY* key, bool trust) const {
  SSL_CTX* ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
  const bool ok =
      ctx != nullptr && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1 &&
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 &&
      SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384") == 1 &&
      SSL_CTX_set1_groups_list(ctx, "X25519") == 1 && SSL_CTX_set1_sigalgs_list(ctx, "ed25519") == 1 &&
      (cert == nullptr || (SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
                           SSL_CTX_check_private_key(ctx) == 1)) &&
      (!trust || X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca) == 1) &&
      SSL_CTX_set_num_tickets(ctx, 0) == 1;
  if (!ok) Die("SSL_CTX");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  return ctx;
}

TlsWorld& Tls() {
  static TlsWorld w;
  return w;
}

}  // namespace sc::bench
