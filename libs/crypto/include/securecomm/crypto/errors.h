// errors.h: crypto::Errc, the closed set of errors of the crypto layer.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::crypto {

// Append only; never renumber.
enum class Errc : uint16_t {
  kInvalidKeySize = 1,    // a key is not the length its algorithm needs
  kInvalidNonceSize = 2,  // a nonce is not a length the algorithm accepts
  kAuthFailed = 3,        // an AEAD tag or a MAC did not verify
  kBadSignature = 4,      // an Ed25519 signature did not verify (strict rules)
  kWeakKey = 5,           // a Diffie-Hellman result is all zero, or a low-order public key
  kInvalidPublicKey = 6,  // a public key cannot be parsed or converted
  kOutputTooLarge = 7,    // e.g. HKDF asked for more than 255 hash lengths
  kInputTooLarge = 8,     // an input exceeds a named limit in crypto/limits.h
  kBufferTooSmall = 9,    // an output buffer is shorter than the result
  kInvalidArgument = 10,  // e.g. Argon2 parameters below the algorithm's minimum
  kOutOfMemory = 11,      // the backend could not allocate (Argon2 memory)
  kBackendFailure = 12,   // OpenSSL or libsodium failed for a reason of its own
  kTruncated = 13,        // a ciphertext shorter than its tag
  // HPKE (RFC 9180): the context's sequence number would overflow (§5.2 MessageLimitReachedError).
  kMessageLimitReached = 14,
  // HPKE: psk and psk_id not given together, given to a mode without a PSK, missing in a PSK mode
  // (§5.1 VerifyPSKInputs), or a psk shorter than 32 bytes (§5.1.2).
  kInvalidPsk = 15,
  // An algorithm identifier this library does not implement (e.g. an HPKE KEM, KDF or AEAD id).
  kUnsupportedAlgorithm = 16,
};

std::string_view ErrcName(Errc e) noexcept;

}  // namespace sc::crypto

SC_DEFINE_ERROR_ENUM(sc::crypto::Errc, sc::ErrorDomain::kCrypto, sc::crypto::ErrcName);
