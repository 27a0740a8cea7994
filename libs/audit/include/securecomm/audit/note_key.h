// note_key.h: the keys of C2SP signed notes (c2sp.org/signed-note) and Ed25519 checkpoint
// cosignatures (c2sp.org/tlog-cosignature): key ids, verifier keys ("vkeys") and signers.
//
// A key is identified by (name, key id), key id = SHA-256(name || 0x0A || type || public key)[:4]
// read big-endian. Two signature types are supported (docs/protocol/audit.md §4.3):
//   0x01 Ed25519 over the note text (a log signing its checkpoints);
//   0x04 cosignature/v1: Ed25519 over "cosignature/v1\ntime <t>\n" || note text, preceded in the
//        signature by the 8-byte big-endian POSIX timestamp t (a witness cosigning a checkpoint).
//
//   auto v = NoteVerifier::Parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
//   NoteSigner log = NoteSigner::Create("audit.example.org/log", Ed25519KeyPair::Generate(rng)).value();
//   std::string vkey = log.verifier().ToString();      // publish this
//   CosignatureSigner w = CosignatureSigner::Create("witness.example.org", key).value();
//   NoteSignature sig = w.Cosign(checkpoint_text, clock.UnixMillis() / 1000).value();
//
// Time is an argument: nothing here reads a clock. Thread safety: const methods are thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"

namespace sc::audit {

// Signature type identifier bytes of signed-note.md §"Signature types" that this layer supports.
// The values are the spec's; others are unknown keys (ignored in notes, refused in vkeys).
enum class SignatureType : uint8_t {
  kEd25519 = 0x01,
  kCosignatureV1 = 0x04,
};

// One signature line of a note: "— <name> base64(key_id || signature)".
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::vector<uint8_t> signature;  // the bytes after the 4-byte key id
  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// ComputeKeyId returns SHA-256(name || 0x0A || type || public_key)[:4] as a big-endian uint32.
// Never fails; the name is not validated here.
[[nodiscard]] uint32_t ComputeKeyId(std::string_view name, SignatureType type,
                                    const crypto::Ed25519PublicKey& public_key) noexcept;

// IsValidKeyName returns true iff `name` may name a key: 1..kMaxKeyNameSize bytes of UTF-8 with
// no control character, no Unicode space and no '+' (signed-note.md §"Format").
[[nodiscard]] bool IsValidKeyName(std::string_view name) noexcept;

// NoteVerifier: a trusted public key, as configured by a client. Copyable value.
class NoteVerifier {
 public:
  // Create returns the verifier for (name, type, key), or kMalformedKey if the name is invalid.
  [[nodiscard]] static Result<NoteVerifier> Create(std::string_view name, SignatureType type,
                                                   const crypto::Ed25519PublicKey& public_key);
  // Parse reads a vkey "<name>+<8 lower-case hex digits of the key id>+base64(type || key)".
  // kMalformedKey if any part is malformed, the type is not a supported one, the key is not 32
  // bytes, or the key id is not the one the name, type and key give.
  [[nodiscard]] static Result<NoteVerifier> Parse(std::string_view vkey);

  // ToString returns the vkey; Parse(ToString()) returns an equal verifier.
  [[nodiscard]] std::string ToString() const;

  // Verify checks one signature line's bytes (after the key id) over the note `text`.
  // Returns the cosignature timestamp for kCosignatureV1 and 0 for kEd25519. kBadSignature if
  // the signature has the wrong length or does not verify; kBadTimestamp if a cosignature's
  // timestamp exceeds kMaxCosignatureTimestamp. The name and key id are the caller's to match.
  [[nodiscard]] Result<uint64_t> Verify(std::string_view text, std::span<const uint8_t> signature) const;

  const std::string& name() const noexcept { return name_; }
  uint32_t key_id() const noexcept { return key_id_; }
  SignatureType type() const noexcept { return type_; }
  const crypto::Ed25519PublicKey& public_key() const noexcept { return public_key_; }
  friend bool operator==(const NoteVerifier&, const NoteVerifier&) = default;

 private:
  NoteVerifier() = default;
  std::string name_;
  uint32_t key_id_ = 0;
  SignatureType type_ = SignatureType::kEd25519;
  crypto::Ed25519PublicKey public_key_;
};

// NoteSigner: an Ed25519 (type 0x01) note signing key, e.g. a log's checkpoint key. Move-only.
class NoteSigner {
 public:
  // Create returns a signer named `name`, or kMalformedKey if the name is invalid.
  [[nodiscard]] static Result<NoteSigner> Create(std::string_view name, crypto::Ed25519KeyPair key);
  // Parse reads a signer key "PRIVATE+KEY+<name>+<hex key id>+base64(0x01 || 32-byte seed)"
  // (the golang.org/x/mod/sumdb/note format). kMalformedKey on any malformed part, another type,
  // or a key id that does not match. Temporary copies of the seed are wiped.
  [[nodiscard]] static Result<NoteSigner> Parse(std::string_view skey);
  // ToString returns the signer key in the form Parse reads. It is a secret: store it encrypted.
  [[nodiscard]] SecretBytes ToString() const;

  // Sign returns the signature line for `text`, or kMalformedNote unless `text` is a valid note
  // text (non-empty UTF-8 ending in '\n', no control character but '\n', within kMaxNoteSize).
  [[nodiscard]] Result<NoteSignature> Sign(std::string_view text) const;

  const NoteVerifier& verifier() const noexcept { return verifier_; }

 private:
  NoteSigner(NoteVerifier verifier, crypto::Ed25519KeyPair key) noexcept;
  NoteVerifier verifier_;
  crypto::Ed25519KeyPair key_;
};

// CosignatureSigner: an Ed25519 cosignature/v1 (type 0x04) key, i.e. a witness. Move-only.
class CosignatureSigner {
 public:
  // Create returns a cosigner named `name`, or kMalformedKey if the name is invalid.
  [[nodiscard]] static Result<CosignatureSigner> Create(std::string_view name, crypto::Ed25519KeyPair key);
  // Parse / ToString: as NoteSigner's, with type byte 0x04.
  [[nodiscard]] static Result<CosignatureSigner> Parse(std::string_view skey);
  [[nodiscard]] SecretBytes ToString() const;

  // Cosign returns the cosignature line over `checkpoint_text` at POSIX time `timestamp`
  // (seconds). kMalformedCheckpoint unless the text is a valid checkpoint body (checkpoint.h);
  // kBadTimestamp if timestamp > kMaxCosignatureTimestamp. The caller must have checked the
  // checkpoint's consistency with every earlier one it saw: that is what a cosignature states.
  [[nodiscard]] Result<NoteSignature> Cosign(std::string_view checkpoint_text, uint64_t timestamp) const;

  const NoteVerifier& verifier() const noexcept { return verifier_; }

 private:
  CosignatureSigner(NoteVerifier verifier, crypto::Ed25519KeyPair key) noexcept;
  NoteVerifier verifier_;
  crypto::Ed25519KeyPair key_;
};

// CosignedMessage returns the bytes a cosignature/v1 signs (tlog-cosignature.md §"Ed25519 signed
// message"): "cosignature/v1\ntime " || decimal(timestamp) || "\n" || checkpoint_text.
[[nodiscard]] std::string CosignedMessage(std::string_view checkpoint_text, uint64_t timestamp);

}  // namespace sc::audit
