#include "securecomm/mls/cipher_suite.h"

#include <array>

#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {
namespace {

// RFC 9420 §17.1, the two rows this core implements.
constexpr std::array<CipherSuite, 2> kSuites = {{
    {CipherSuiteId::kX25519Aes128GcmSha256Ed25519, "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
     crypto::AeadAlgorithm::kAes128Gcm, 0x0001, 16, 12, kHashSize},
    {CipherSuiteId::kX25519ChaCha20Poly1305Sha256Ed25519,
     "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519", crypto::AeadAlgorithm::kChaCha20Poly1305, 0x0003,
     32, 12, kHashSize},
}};

}  // namespace

Result<const CipherSuite*> CipherSuite::Find(uint16_t id) noexcept {
  for (const CipherSuite& s : kSuites) {
    if (static_cast<uint16_t>(s.id) == id) return &s;
  }
  return Fail(Errc::kUnsupportedCipherSuite);
}

}  // namespace sc::mls
