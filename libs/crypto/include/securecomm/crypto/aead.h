// aead.h: authenticated encryption with associated data: AES-GCM (OpenSSL 3), ChaCha20-Poly1305
// and XChaCha20-Poly1305 (libsodium, IETF constructions, RFC 8439 and draft-irtf-cfrg-xchacha).
//
// An Aead is keyed once and reused: AES-GCM keeps one OpenSSL context per direction with the key
// schedule expanded (each created on its direction's first call), so each Seal/Open costs what
// the raw EVP calls cost.
//
//   Result<Aead> aead = Aead::Create(AeadAlgorithm::kAes256Gcm, key.Expose());
//   std::vector<uint8_t> ct(pt.size() + kAeadTagSize);
//   if (auto s = aead->Seal(nonce, aad, pt, ct); !s) { ... }
//   if (auto s = aead->Open(nonce, aad, ct, pt_out); !s) { /* kAuthFailed: pt_out is all zero */ }
//
// Ciphertexts are `ciphertext || 16-byte tag`. Thread safety: an Aead is not thread safe (it owns
// mutable OpenSSL contexts); use one per thread or per session. Move-only; the destructor wipes
// the key schedule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto {

// Append only; never renumber (values appear in SCP handshake payloads).
enum class AeadAlgorithm : uint8_t {
  kAes128Gcm = 1,
  kAes192Gcm = 2,
  kAes256Gcm = 3,
  kChaCha20Poly1305 = 4,
  kXChaCha20Poly1305 = 5,
};

// AeadKeySize returns the key length of `alg` in bytes (16, 24 or 32).
size_t AeadKeySize(AeadAlgorithm alg) noexcept;
// AeadNonceSize returns the standard nonce length (12, or 24 for XChaCha20-Poly1305).
size_t AeadNonceSize(AeadAlgorithm alg) noexcept;
std::string_view AeadName(AeadAlgorithm alg) noexcept;

class Aead {
 public:
  // Create keys a new context. kInvalidKeySize unless key.size() == AeadKeySize(alg);
  // kBackendFailure if OpenSSL cannot set up the cipher.
  [[nodiscard]] static Result<Aead> Create(AeadAlgorithm alg, std::span<const uint8_t> key);

  Aead(Aead&&) noexcept;
  Aead& operator=(Aead&&) noexcept;
  ~Aead();

  // Seal encrypts `plaintext` and writes ciphertext || tag to `out`.
  // Errors: kInvalidNonceSize (GCM: 1..128 bytes; ChaCha20: 12; XChaCha20: 24), kInputTooLarge
  // (over kMaxAeadInput), kBufferTooSmall (out.size() < plaintext.size() + kAeadTagSize),
  // kBackendFailure. On error `out` is zeroed. `out` may alias `plaintext` exactly (in place);
  // partial overlap is a caller bug refused with kInvalidArgument (then `out` is left untouched,
  // since zeroing it would destroy the input).
  [[nodiscard]] Status Seal(std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                            std::span<const uint8_t> plaintext, std::span<uint8_t> out);

  // Open authenticates and decrypts ciphertext || tag into `out` (ciphertext.size() - 16 bytes).
  // Errors: kTruncated (shorter than a tag), kAuthFailed, and those of Seal. On any error `out`
  // is zeroed: unauthenticated plaintext is never released. Aliasing as for Seal.
  [[nodiscard]] Status Open(std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                            std::span<const uint8_t> ciphertext, std::span<uint8_t> out);

  // Allocating conveniences over Seal and Open. Plaintext comes back as SecretBytes.
  [[nodiscard]] Result<std::vector<uint8_t>> Seal(std::span<const uint8_t> nonce,
                                                  std::span<const uint8_t> aad,
                                                  std::span<const uint8_t> plaintext);
  [[nodiscard]] Result<SecretBytes> Open(std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                                         std::span<const uint8_t> ciphertext);

  AeadAlgorithm algorithm() const noexcept;

 private:
  struct State;
  explicit Aead(std::unique_ptr<State> state) noexcept;
  std::unique_ptr<State> state_;
};

}  // namespace sc::crypto
