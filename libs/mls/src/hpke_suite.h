// hpke_suite.h (private): the HPKE suite of an MLS cipher suite (RFC 9420 §5.1: both supported
// suites use DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256, with the suite's AEAD).
#pragma once

#include "securecomm/crypto/hpke.h"
#include "securecomm/mls/cipher_suite.h"

namespace sc::mls::internal {

inline crypto::hpke::Suite HpkeSuite(const CipherSuite& suite) noexcept {
  return crypto::hpke::Suite{crypto::hpke::KemId::kX25519Sha256, crypto::hpke::KdfId::kHkdfSha256,
                             static_cast<crypto::hpke::AeadId>(suite.hpke_aead_id)};
}

}  // namespace sc::mls::internal
