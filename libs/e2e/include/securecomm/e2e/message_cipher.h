// message_cipher.h: ENCRYPT and DECRYPT of the Double Ratchet (DR §3.1, §5.2), with an AEAD in
// place of the spec's AES-CBC + HMAC (docs/protocol/e2e.md §5.2):
//
//   key || nonce = HKDF-SHA256(ikm = mk, salt = 32 x 0x00, info = "SecureComm Message Keys v1"),
//                  56 bytes: a 32-byte XChaCha20-Poly1305 key, then its 24-byte nonce
//   ciphertext   = XChaCha20-Poly1305(key, nonce, ad, plaintext)  (ciphertext || 16-byte tag)
//
// Each message key encrypts exactly one message, so the derived nonce never repeats under a key.
//
//   std::vector<uint8_t> ct = EncryptMessage(mk, plaintext, ad);
//   Result<SecretBytes> pt = DecryptMessage(mk, ct, ad);   // kAuthFailed if anything changed
//
// Thread safety: thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/e2e/keys.h"

namespace sc::e2e {

inline constexpr std::string_view kMessageKeyInfo = "SecureComm Message Keys v1";

// EncryptMessage returns ENCRYPT(mk, plaintext, ad): plaintext.size() + kTagSize bytes.
// REQUIRES: plaintext.size() <= kMaxPlaintextSize (callers check untrusted sizes first).
[[nodiscard]] std::vector<uint8_t> EncryptMessage(const MessageKey& mk, std::span<const uint8_t> plaintext,
                                                  std::span<const uint8_t> ad);

// DecryptMessage returns the plaintext of `ciphertext` (ciphertext || tag) under mk and ad, or
// kAuthFailed (also for a ciphertext shorter than a tag). No plaintext is released on failure.
[[nodiscard]] Result<SecretBytes> DecryptMessage(const MessageKey& mk, std::span<const uint8_t> ciphertext,
                                                 std::span<const uint8_t> ad);

}  // namespace sc::e2e
