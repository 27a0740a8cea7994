// safety_number.h: safety numbers, Signal's numeric fingerprint (NumericFingerprintGenerator),
// which two users compare out of band to detect a substituted identity key
// (docs/protocol/e2e.md §11). Each party's identity is its stable identifier (the account
// username, UTF-8) and the Ed25519 identity keys of all its devices; the number is 60 decimal
// digits, the same on both sides.
//
//   std::string n = SafetyNumber("alice", alice_keys, "bob", bob_keys);   // 60 digits
//   std::string shown = FormatSafetyNumber(n);                           // "12345 67890 ..."
//   // QR content: `n` itself (securecomm/qr/qr.h encodes it in numeric mode).
//
// All functions are pure and thread safe. The inputs are public; nothing here is secret.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/crypto/keys.h"

namespace sc::e2e {

// Signal's iteration count: 5,200 chained SHA-512 calls cost a few milliseconds once, and make a
// search for a second key list whose 30 digits collide with a victim's 5,200 times dearer.
inline constexpr uint32_t kSafetyNumberIterations = 5200;
// Refused above this (SC_CHECK): 1,000,000 is libsignal's own upper bound, about a second of work.
inline constexpr uint32_t kMaxSafetyNumberIterations = 1000000;
// The fingerprint version hashed first, as 2 bytes big-endian. Signal's is 0, and its later
// "versions" (1, 2) change only the scannable encoding, never the digits; ours stays 0 so that
// Signal's test vector checks this code.
inline constexpr uint16_t kSafetyNumberVersion = 0;
// Each party contributes 30 digits: 6 chunks of 5 bytes, each read big-endian mod 100,000.
inline constexpr size_t kSafetyNumberChunks = 6;
inline constexpr size_t kSafetyNumberChunkBytes = 5;  // 40 bits, so mod 100,000 is nearly uniform
inline constexpr size_t kSafetyNumberChunkDigits = 5;
inline constexpr size_t kPartyDigits = kSafetyNumberChunks * kSafetyNumberChunkDigits;  // 30
inline constexpr size_t kSafetyNumberDigits = 2 * kPartyDigits;                         // 60
// FormatSafetyNumber's output: 12 groups of 5 digits separated by single spaces.
inline constexpr size_t kSafetyNumberGroups = kSafetyNumberDigits / kSafetyNumberChunkDigits;
inline constexpr size_t kFormattedSafetyNumberSize = kSafetyNumberDigits + kSafetyNumberGroups - 1;

// PartyFingerprint returns one party's 64-byte fingerprint hash:
//   hash = version (2 bytes BE) || key_bytes || stable_id
//   repeat `iterations` times: hash = SHA-512(hash || key_bytes)
// `key_bytes` is the party's logical key: its keys sorted bytewise and concatenated (LogicalKeyBytes).
// REQUIRES: 1 <= iterations <= kMaxSafetyNumberIterations.
[[nodiscard]] crypto::Sha512Digest PartyFingerprint(std::string_view stable_id,
                                                    std::span<const uint8_t> key_bytes,
                                                    uint32_t iterations = kSafetyNumberIterations);

// PartyDigits returns the 30-digit display form of one fingerprint: its first 30 bytes as six
// 5-byte big-endian integers, each mod 100,000 and printed as 5 digits with leading zeros.
[[nodiscard]] std::string PartyDigits(const crypto::Sha512Digest& fingerprint);

// LogicalKeyBytes returns `keys` sorted bytewise (shorter first on a common prefix) and
// concatenated. Duplicates are kept, as Signal keeps them.
[[nodiscard]] std::vector<uint8_t> LogicalKeyBytes(std::span<const std::span<const uint8_t>> keys);

// SafetyNumberFromKeyBytes returns the 60-digit safety number over raw key byte strings (Signal's
// keys are 33 bytes, 0x05 || Curve25519; ours are 32-byte Ed25519 keys): each party's 30 digits
// from PartyFingerprint over its LogicalKeyBytes, the smaller string (lexicographically) first,
// so both parties get the same number.
// REQUIRES: each key list is non-empty; iterations as for PartyFingerprint.
[[nodiscard]] std::string SafetyNumberFromKeyBytes(std::string_view local_id,
                                                   std::span<const std::span<const uint8_t>> local_keys,
                                                   std::string_view remote_id,
                                                   std::span<const std::span<const uint8_t>> remote_keys,
                                                   uint32_t iterations = kSafetyNumberIterations);

// SafetyNumber returns the 60-digit safety number between two accounts: `local_id` and
// `remote_id` are usernames (UTF-8, as registered), the key lists the raw 32-byte Ed25519
// identity keys of each account's devices, in any order. Adding, removing or replacing a device
// changes the number.
// REQUIRES: each key list is non-empty; iterations as for PartyFingerprint.
[[nodiscard]] std::string SafetyNumber(std::string_view local_id,
                                       std::span<const crypto::Ed25519PublicKey> local_keys,
                                       std::string_view remote_id,
                                       std::span<const crypto::Ed25519PublicKey> remote_keys,
                                       uint32_t iterations = kSafetyNumberIterations);

// FormatSafetyNumber returns `digits` as 12 groups of 5 separated by single spaces
// ("30035 44776 ... 79131", kFormattedSafetyNumberSize characters), for display.
// REQUIRES: `digits` is kSafetyNumberDigits ASCII digits (a SafetyNumber result).
[[nodiscard]] std::string FormatSafetyNumber(std::string_view digits);

}  // namespace sc::e2e
