// session.h: a pairwise end-to-end session, X3DH then the Double Ratchet (docs/protocol/e2e.md §6),
// sans-I/O: bytes in, bytes out; randomness is injected, storage is the caller's (Serialize).
//
//   // Alice, with Bob's bundle and the identity she trusts for him:
//   Result<Session> alice = Session::Initiate(alice_id, bundle, bob_identity, rng);
//   Result<std::vector<uint8_t>> wire = alice->Encrypt(plaintext);   // a PrekeyMessage
//
//   // Bob, after PeekMessageType(wire) == kPrekey and PrekeyMessage::Decode:
//   Result<AcceptedSession> bob = Session::Accept(bob_id, spk, opk_or_null, prekey_message, rng);
//   // bob->plaintext; delete the one-time prekey; check bob->session.remote_identity()
//
//   Result<SecretBytes> reply = alice->Decrypt(bob->session.Encrypt(...).value(), rng);
//
// The initiator sends PrekeyMessages until it has decrypted one message from the responder, so
// the responder can start the session from whichever of them arrives first (X3DH §3.3 allows the
// initial ciphertext to be followed by more). Every Decrypt failure leaves the session unchanged:
// the caller drops the message; only a failed Deserialize means the session is gone.
// Not thread safe; move-only (it holds secrets).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/e2e/keys.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/ratchet.h"
#include "securecomm/e2e/wire.h"

namespace sc::e2e {

inline constexpr uint8_t kStateVersion = 0x01;

// Which side of X3DH this session was. Values appear in the state format: append only.
enum class Role : uint8_t {
  kInitiator = 1,
  kResponder = 2,
};

struct AcceptedSession;

class Session {
 public:
  // Initiate runs X3DH as the initiator (x3dh.h: X3dhInitiate, with its errors) and
  // RatchetInitAlice with SK and SPK_B. The session then sends PrekeyMessages until
  // awaiting_reply() turns false.
  [[nodiscard]] static Result<Session> Initiate(const crypto::Ed25519KeyPair& identity,
                                                const PrekeyBundle& bundle,
                                                const crypto::Ed25519PublicKey& expected_identity,
                                                Random& rng);

  // Accept runs X3DH as the responder for `message` and decrypts its ratchet message with a new
  // RatchetInitBob state. `signed_prekey` and `one_time_prekey` (nullptr for none) must be the
  // ones the message names, else kUnknownPrekey. Other errors: kInvalidKey, and those of
  // DoubleRatchet::Decrypt (kAuthFailed when anything in the message, including IK_A, was
  // altered). On success the caller deletes the one-time prekey (X3DH §3.4) and decides whether
  // to trust session.remote_identity(); on failure nothing is created.
  [[nodiscard]] static Result<AcceptedSession> Accept(const crypto::Ed25519KeyPair& identity,
                                                      const SignedPrekeyPair& signed_prekey,
                                                      const OneTimePrekeyPair* one_time_prekey,
                                                      const PrekeyMessage& message, Random& rng);

  Session(Session&&) noexcept = default;
  Session& operator=(Session&&) noexcept = default;

  // Encrypt returns the wire bytes of `plaintext` (at most kMaxPlaintextSize): a PrekeyMessage
  // while awaiting_reply(), else a RatchetMessage; at most kMaxMessageSize bytes. Errors of
  // DoubleRatchet::Encrypt.
  [[nodiscard]] Result<std::vector<uint8_t>> Encrypt(std::span<const uint8_t> plaintext);

  // Decrypt returns the plaintext of one wire message from the peer. A PrekeyMessage is
  // accepted only by the responder whose session it started (BelongsTo), else
  // kSessionMismatch: the peer started a new session, which the caller may Accept. Errors of the
  // decoders (wire.h) and of DoubleRatchet::Decrypt; on any error the session is unchanged.
  [[nodiscard]] Result<SecretBytes> Decrypt(std::span<const uint8_t> wire, Random& rng);

  // BelongsTo returns true iff this is the responder session that `message` started: the same
  // IK_A, EK_A and prekey ids.
  [[nodiscard]] bool BelongsTo(const PrekeyMessage& message) const noexcept;

  // Serialize returns the session in the SessionState format of e2e.md §7 (secret: store it
  // encrypted). Deserialize parses exactly one SessionState: kUnsupportedStateVersion, or
  // kMalformedState for truncation, trailing bytes, a bad flag or role, or inconsistent fields.
  [[nodiscard]] SecretBytes Serialize() const;
  [[nodiscard]] static Result<Session> Deserialize(std::span<const uint8_t> state);

  Role role() const noexcept { return role_; }
  const crypto::Ed25519PublicKey& local_identity() const noexcept { return local_identity_; }
  const crypto::Ed25519PublicKey& remote_identity() const noexcept { return remote_identity_; }
  // associated_data returns X3DH's AD: the initiator's identity key, then the responder's.
  const AssociatedData& associated_data() const noexcept { return ad_; }
  // awaiting_reply: an initiator that has not yet decrypted a message from the responder.
  bool awaiting_reply() const noexcept { return awaiting_reply_; }
  const DoubleRatchet& ratchet() const noexcept { return ratchet_; }

 private:
  // The fields of X3DH's initial message, kept by both sides (e2e.md §6).
  struct Origin {
    crypto::X25519PublicKey base_key;  // EK_A
    uint32_t signed_prekey_id = 0;
    std::optional<uint32_t> one_time_prekey_id;
  };

  Session(Role role, const crypto::Ed25519PublicKey& local, const crypto::Ed25519PublicKey& remote,
          Origin origin, bool awaiting_reply, DoubleRatchet ratchet) noexcept;

  Role role_;
  crypto::Ed25519PublicKey local_identity_;
  crypto::Ed25519PublicKey remote_identity_;
  AssociatedData ad_;
  Origin origin_;
  bool awaiting_reply_;
  DoubleRatchet ratchet_;
};

// AcceptedSession: the responder's new session and the first message's plaintext.
struct AcceptedSession {
  Session session;
  SecretBytes plaintext;
};

}  // namespace sc::e2e
