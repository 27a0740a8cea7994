// noise.h: the Noise Protocol Framework (revision 34) objects SCP needs: CipherState,
// SymmetricState and the XX handshake, for the suites 25519_AESGCM_SHA256 and
// 25519_ChaChaPoly_SHA256. Sans-I/O: bytes in, bytes out; randomness (ephemeral keys) injected.
//
//   NoiseXX alice = NoiseXX::Initiator(NoiseSuite::kAesGcm, prologue, alice_static.Clone(), rng);
//   NoiseXX bob   = NoiseXX::Responder(NoiseSuite::kAesGcm, prologue, bob_static.Clone(), rng);
//   auto m1 = alice.WriteMessage(payload1);       // -> e
//   auto p1 = bob.ReadMessage(*m1);               // payload1
//   auto m2 = bob.WriteMessage(payload2);         // <- e, ee, s, es
//   auto p2 = alice.ReadMessage(*m2);
//   auto m3 = alice.WriteMessage(payload3);       // -> s, se
//   auto p3 = bob.ReadMessage(*m3);
//   NoiseTransport t = *alice.Split();            // t.send / t.receive CipherStates
//
// Failure handling: ReadMessage works on a copy of the state and commits only when the whole
// message authenticated (clone, try, commit): a bad message changes nothing, and the caller
// decides whether to drop it or end the session. Not thread safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/x25519.h"

namespace sc::scp {

// Append only; never renumber (the value travels in HANDSHAKE_INIT and ServerHello, scp.md §4).
enum class NoiseSuite : uint8_t {
  kAesGcm = 1,      // Noise_XX_25519_AESGCM_SHA256
  kChaChaPoly = 2,  // Noise_XX_25519_ChaChaPoly_SHA256
};

std::string_view NoiseProtocolName(NoiseSuite suite) noexcept;
crypto::AeadAlgorithm NoiseAead(NoiseSuite suite) noexcept;

inline constexpr size_t kNoiseHashLen = 32;
inline constexpr size_t kNoiseDhLen = 32;
inline constexpr size_t kNoiseTagLen = 16;
// Noise §3: a Noise message is at most 65535 bytes.
inline constexpr size_t kNoiseMaxMessage = 65535;

// CipherState (Noise §5.1): a key k (possibly empty) and a 64-bit nonce n.
class CipherState {
 public:
  CipherState() = default;
  CipherState(NoiseSuite suite, const SecretArray<32>& key);
  CipherState(CipherState&&) noexcept = default;
  CipherState& operator=(CipherState&&) noexcept = default;
  [[nodiscard]] CipherState Clone() const;

  bool HasKey() const noexcept { return aead_.has_value(); }
  uint64_t nonce() const noexcept { return n_; }

  // EncryptWithAd returns ENCRYPT(k, n++, ad, plaintext), or the plaintext when there is no key.
  // kNonceExhausted when n reached 2^64 - 1 (Noise §5.1 reserves it).
  [[nodiscard]] Result<std::vector<uint8_t>> EncryptWithAd(std::span<const uint8_t> ad,
                                                           std::span<const uint8_t> plaintext);
  // DecryptWithAd returns the plaintext, or kDecryptFailed; n advances only on success.
  [[nodiscard]] Result<SecretBytes> DecryptWithAd(std::span<const uint8_t> ad,
                                                  std::span<const uint8_t> ciphertext);

 private:
  void Nonce(uint8_t out[12]) const noexcept;

  NoiseSuite suite_ = NoiseSuite::kAesGcm;
  SecretArray<32> key_;
  std::optional<crypto::Aead> aead_;
  uint64_t n_ = 0;
};

// SymmetricState (Noise §5.2): chaining key ck, handshake hash h, and a CipherState.
class SymmetricState {
 public:
  explicit SymmetricState(NoiseSuite suite);
  [[nodiscard]] SymmetricState Clone() const;

  void MixKey(std::span<const uint8_t> input_key_material);
  void MixHash(std::span<const uint8_t> data);
  [[nodiscard]] Result<std::vector<uint8_t>> EncryptAndHash(std::span<const uint8_t> plaintext);
  [[nodiscard]] Result<SecretBytes> DecryptAndHash(std::span<const uint8_t> ciphertext);
  // Split returns (c1, c2): initiator-to-responder and responder-to-initiator.
  [[nodiscard]] std::pair<CipherState, CipherState> Split() const;
  // SplitKeys returns the raw (k1, k2) of Split, for protocols that derive further keys from them.
  [[nodiscard]] std::pair<SecretArray<32>, SecretArray<32>> SplitKeys() const;

  const std::array<uint8_t, 32>& h() const noexcept { return h_; }
  bool HasKey() const noexcept { return cipher_.HasKey(); }

 private:
  NoiseSuite suite_;
  SecretArray<32> ck_;
  std::array<uint8_t, 32> h_{};
  CipherState cipher_;
};

// NoiseXX: the XX pattern (Noise §7.5):
//   -> e
//   <- e, ee, s, es
//   -> s, se
class NoiseXX {
 public:
  static NoiseXX Initiator(NoiseSuite suite, std::span<const uint8_t> prologue, crypto::X25519KeyPair s,
                           Random& rng);
  static NoiseXX Responder(NoiseSuite suite, std::span<const uint8_t> prologue, crypto::X25519KeyPair s,
                           Random& rng);
  NoiseXX(NoiseXX&&) noexcept = default;
  NoiseXX& operator=(NoiseXX&&) noexcept = default;

  // WriteMessage produces the next handshake message carrying `payload` (encrypted once a key
  // exists). kUnexpectedMessage when it is not our turn or the handshake is complete;
  // kHandshakeFailed on a weak DH; kFrameTooLarge past kNoiseMaxMessage.
  [[nodiscard]] Result<std::vector<uint8_t>> WriteMessage(std::span<const uint8_t> payload);
  // ReadMessage consumes the peer's next handshake message and returns its payload.
  // kUnexpectedMessage (not their turn), kHandshakeFailed (short message, weak DH),
  // kDecryptFailed (bad tag). On error the state is unchanged.
  [[nodiscard]] Result<SecretBytes> ReadMessage(std::span<const uint8_t> message);

  bool IsComplete() const noexcept { return step_ == 3; }
  // WritesNext: whether the next message is ours to write.
  bool WritesNext() const noexcept { return !IsComplete() && ((step_ % 2 == 0) == initiator_); }
  // handshake_hash is h; after completion it is the channel binding (Noise §11.2).
  const std::array<uint8_t, 32>& handshake_hash() const noexcept { return ss_.h(); }
  // remote_static is the peer's static public key once received (after message 2 or 3).
  const std::optional<crypto::X25519PublicKey>& remote_static() const noexcept { return rs_; }
  const SymmetricState& symmetric_state() const noexcept { return ss_; }
  // local_ephemeral_public is our ephemeral public key once generated.
  std::optional<crypto::X25519PublicKey> local_ephemeral_public() const noexcept {
    return e_ ? std::optional(e_->public_key) : std::nullopt;
  }
  // Clone returns an independent copy, for callers that must try a step and commit it only after
  // checks of their own (the SCP session validates the decrypted payload before committing).
  [[nodiscard]] NoiseXX Clone() const;

 private:
  NoiseXX(bool initiator, NoiseSuite suite, std::span<const uint8_t> prologue, crypto::X25519KeyPair s,
          Random& rng);
  [[nodiscard]] Status MixDh(const crypto::X25519PrivateKey& priv, const crypto::X25519PublicKey& pub);

  bool initiator_;
  NoiseSuite suite_;
  Random* rng_;
  int step_ = 0;  // messages processed: 0, 1, 2, 3 (complete)
  SymmetricState ss_;
  crypto::X25519KeyPair s_;
  std::optional<crypto::X25519KeyPair> e_;
  std::optional<crypto::X25519PublicKey> re_;
  std::optional<crypto::X25519PublicKey> rs_;
};

}  // namespace sc::scp
