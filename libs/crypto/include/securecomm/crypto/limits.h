// limits.h: every bound of the crypto layer, each with the reason for its value (DESIGN.md §7.6).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sc::crypto {

// OpenSSL's EVP update functions take `int` lengths; one AEAD call stays well below INT_MAX.
// Protocols above split larger data (an SCP record is at most 64 KiB, a file chunk 1 MiB).
inline constexpr size_t kMaxAeadInput = size_t{1} << 30;

// GCM accepts any IV length of at least one byte (NIST SP 800-38D §5.2.1.1); OpenSSL 3.0 refuses
// IVs over 128 bytes. Protocols use 12 bytes; other lengths exist for interoperability tests.
inline constexpr size_t kMinGcmNonce = 1;
inline constexpr size_t kMaxGcmNonce = 128;

// Every AEAD here uses a 16-byte tag; truncated tags are never accepted.
inline constexpr size_t kAeadTagSize = 16;

// HKDF-Expand can produce at most 255 blocks of the hash output (RFC 5869 §2.3).
inline constexpr size_t kMaxHkdfBlocks = 255;

// HPKE (RFC 9180 §5.2) allows sequence numbers up to 2^(8*Nn) - 1 = 2^96 - 1 and lets an
// implementation keep a shorter counter if it refuses on overflow. A context keeps a 64-bit
// counter: sequence numbers 0 .. kMaxHpkeSequence are used, and a Seal or Open at 2^64 - 1 is
// refused (kMessageLimitReached) before any AEAD call, so no nonce ever repeats.
inline constexpr uint64_t kMaxHpkeSequence = UINT64_MAX - 1;

// HPKE's PSK "MUST have at least 32 bytes of entropy" (RFC 9180 §5.1.2); we cannot measure
// entropy, but refuse a psk shorter than that.
inline constexpr size_t kMinHpkePskSize = 32;

// Argon2id floors: below these the password hash offers too little work to matter. The client
// store uses libsodium's "moderate" settings (3 passes, 256 MiB).
inline constexpr unsigned long long kMinArgon2Ops = 2;
inline constexpr size_t kMinArgon2MemBytes = size_t{8} << 20;
inline constexpr size_t kArgon2SaltSize = 16;

}  // namespace sc::crypto
