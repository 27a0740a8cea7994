#include "securecomm/e2e/session.h"

#include <utility>

#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/limits.h"
#include "securecomm/e2e/x3dh.h"

namespace sc::e2e {

Session::Session(Role role, const crypto::Ed25519PublicKey& local, const crypto::Ed25519PublicKey& remote,
                 Origin origin, bool awaiting_reply, DoubleRatchet ratchet) noexcept
    : role_(role),
      local_identity_(local),
      remote_identity_(remote),
      ad_(role == Role::kInitiator ? MakeAssociatedData(local, remote) : MakeAssociatedData(remote, local)),
      origin_(origin),
      awaiting_reply_(awaiting_reply),
      ratchet_(std::move(ratchet)) {}

Result<Session> Session::Initiate(const crypto::Ed25519KeyPair& identity, const PrekeyBundle& bundle,
                                  const crypto::Ed25519PublicKey& expected_identity, Random& rng) {
  auto x3dh = X3dhInitiate(identity, bundle, expected_identity, rng);
  if (!x3dh) return Fail(x3dh.error());
  // DR §5.1: SK is the initial root key; Bob's signed prekey is his initial ratchet public key.
  auto ratchet = DoubleRatchet::InitAlice(std::move(x3dh->sk), x3dh->signed_prekey, rng);
  if (!ratchet) return Fail(ratchet.error());
  Origin origin{x3dh->base_key, x3dh->signed_prekey_id, x3dh->one_time_prekey_id};
  return Session(Role::kInitiator, identity.public_key(), bundle.identity_key, origin,
                 /*awaiting_reply=*/true, std::move(*ratchet));
}

Result<AcceptedSession> Session::Accept(const crypto::Ed25519KeyPair& identity,
                                        const SignedPrekeyPair& signed_prekey,
                                        const OneTimePrekeyPair* one_time_prekey,
                                        const PrekeyMessage& message, Random& rng) {
  // X3DH §3.4: Bob loads the private keys the message names; the caller looked them up by id.
  if (message.signed_prekey_id != signed_prekey.id) return Fail(Errc::kUnknownPrekey);
  if (message.one_time_prekey_id.has_value() != (one_time_prekey != nullptr))
    return Fail(Errc::kUnknownPrekey);
  if (one_time_prekey != nullptr && *message.one_time_prekey_id != one_time_prekey->id) {
    return Fail(Errc::kUnknownPrekey);
  }
  auto x3dh = X3dhRespond(identity, signed_prekey, one_time_prekey, message.identity_key, message.base_key);
  if (!x3dh) return Fail(x3dh.error());
  DoubleRatchet ratchet = DoubleRatchet::InitBob(std::move(x3dh->sk), signed_prekey.key_pair.Clone());
  // X3DH §3.4: "If the initial ciphertext fails to decrypt, then Bob aborts the protocol".
  auto plaintext = ratchet.Decrypt(message.message, x3dh->ad, rng);
  if (!plaintext) return Fail(plaintext.error());
  Origin origin{message.base_key, message.signed_prekey_id, message.one_time_prekey_id};
  return AcceptedSession{Session(Role::kResponder, identity.public_key(), message.identity_key, origin,
                                 /*awaiting_reply=*/false, std::move(ratchet)),
                         std::move(*plaintext)};
}

Result<std::vector<uint8_t>> Session::Encrypt(std::span<const uint8_t> plaintext) {
  auto message = ratchet_.Encrypt(plaintext, ad_);
  if (!message) return Fail(message.error());
  if (!awaiting_reply_) return message->Encode();
  PrekeyMessage prekey{local_identity_, origin_.base_key, origin_.signed_prekey_id,
                       origin_.one_time_prekey_id, std::move(*message)};
  return prekey.Encode();
}

bool Session::BelongsTo(const PrekeyMessage& message) const noexcept {
  return role_ == Role::kResponder && message.identity_key == remote_identity_ &&
         message.base_key == origin_.base_key && message.signed_prekey_id == origin_.signed_prekey_id &&
         message.one_time_prekey_id == origin_.one_time_prekey_id;
}

Result<SecretBytes> Session::Decrypt(std::span<const uint8_t> wire, Random& rng) {
  auto type = PeekMessageType(wire);
  if (!type) return Fail(type.error());
  if (*type == MessageType::kPrekey) {
    auto prekey = PrekeyMessage::Decode(wire);
    if (!prekey) return Fail(prekey.error());
    if (!BelongsTo(*prekey)) return Fail(Errc::kSessionMismatch);
    return ratchet_.Decrypt(prekey->message, ad_, rng);
  }
  auto message = RatchetMessage::Decode(wire);
  if (!message) return Fail(message.error());
  auto plaintext = ratchet_.Decrypt(*message, ad_, rng);
  if (!plaintext) return Fail(plaintext.error());
  // The responder has the session once one of its messages authenticates (e2e.md §6).
  awaiting_reply_ = false;
  return plaintext;
}

}  // namespace sc::e2e
