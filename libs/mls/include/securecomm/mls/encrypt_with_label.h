// encrypt_with_label.h: EncryptWithLabel and DecryptWithLabel (RFC 9420 §5.1.3): HPKE base mode
// (crypto/hpke.h) with the suite's KEM, KDF and AEAD, info = the encoded EncryptContext and an
// empty aad:
//
//   struct { opaque label<V> = "MLS 1.0 " + Label; opaque context<V>; } EncryptContext;
//
//   Result<HpkeCiphertext> ct = EncryptWithLabel(suite, node_pk, "UpdatePathNode", ctx, secret, rng);
//   Result<SecretBytes> pt = DecryptWithLabel(suite, node_key_pair, "UpdatePathNode", ctx,
//                                             ct->kem_output, ct->ciphertext);
//
// Randomness is injected (the ephemeral KEM key). Errors: kInvalidKey (a kem_output of the wrong
// size, or a DH result of zero: a small-order key), kDecryptFailed (the AEAD did not
// authenticate: wrong key, label, context or tampering), kValueTooLarge (a context over
// kMaxVectorLength), and crypto::Errc from HPKE for the sender's other failures. Thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/codec.h"

namespace sc::mls {

// HPKECiphertext (RFC 9420 §7.6): struct { opaque kem_output<V>; opaque ciphertext<V>; }.
struct HpkeCiphertext {
  std::vector<uint8_t> kem_output;
  std::vector<uint8_t> ciphertext;

  // Encode appends the HPKECiphertext (kValueTooLarge over kMaxVectorLength); Decode reads one.
  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<HpkeCiphertext> Decode(Reader& r);
  friend bool operator==(const HpkeCiphertext&, const HpkeCiphertext&) = default;
};

// EncryptWithLabel returns SealBase(public_key, EncryptContext, "", plaintext).
[[nodiscard]] Result<HpkeCiphertext> EncryptWithLabel(const CipherSuite& suite,
                                                      const crypto::X25519PublicKey& public_key,
                                                      std::string_view label,
                                                      std::span<const uint8_t> context,
                                                      std::span<const uint8_t> plaintext, Random& rng);

// DecryptWithLabel returns OpenBase(kem_output, key_pair, EncryptContext, "", ciphertext).
[[nodiscard]] Result<SecretBytes> DecryptWithLabel(const CipherSuite& suite,
                                                   const crypto::X25519KeyPair& key_pair,
                                                   std::string_view label, std::span<const uint8_t> context,
                                                   std::span<const uint8_t> kem_output,
                                                   std::span<const uint8_t> ciphertext);

}  // namespace sc::mls
