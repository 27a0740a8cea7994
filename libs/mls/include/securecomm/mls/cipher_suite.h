// cipher_suite.h: the MLS cipher suites this core implements (RFC 9420 §5.1, §17.1):
//
//   0x0001 MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
//   0x0003 MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519
//
// Both use DHKEM(X25519, HKDF-SHA256) for HPKE, SHA-256 as the hash, HKDF-SHA256 as the KDF,
// HMAC-SHA256 as the MAC and Ed25519 for signatures; they differ only in the AEAD. Every other
// suite is refused with kUnsupportedCipherSuite.
//
//   Result<const CipherSuite*> suite = CipherSuite::Find(wire_id);
//   size_t nk = (*suite)->aead_key_size;
//
// The table is static and immutable: thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"
#include "securecomm/crypto/aead.h"

namespace sc::mls {

// CipherSuiteId: the IANA values of the suites above (uint16 CipherSuite on the wire).
enum class CipherSuiteId : uint16_t {
  kX25519Aes128GcmSha256Ed25519 = 0x0001,
  kX25519ChaCha20Poly1305Sha256Ed25519 = 0x0003,
};

struct CipherSuite {
  CipherSuiteId id;
  std::string_view name;       // the IANA name
  crypto::AeadAlgorithm aead;  // the AEAD of HPKE and of message protection
  uint16_t hpke_aead_id;       // RFC 9180 §7.3: 0x0001 AES-128-GCM, 0x0003 ChaCha20-Poly1305
  size_t aead_key_size;        // AEAD.Nk
  size_t aead_nonce_size;      // AEAD.Nn
  size_t hash_size;            // KDF.Nh, the size of every MLS secret

  // Find returns the suite with wire id `id`, or kUnsupportedCipherSuite.
  [[nodiscard]] static Result<const CipherSuite*> Find(uint16_t id) noexcept;
};

}  // namespace sc::mls
