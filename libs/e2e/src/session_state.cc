// Session's state format: SessionState of docs/protocol/e2e.md §7.1.
//
// struct {
//   uint8  version;                   // kStateVersion
//   uint8  role;                      // Role: 1 initiator, 2 responder
//   uint8  awaiting_reply;            // 0 or 1; 1 only for an initiator
//   opaque local_identity[32];        // Ed25519
//   opaque remote_identity[32];       // Ed25519
//   opaque base_key[32];              // EK_A of the initial message
//   uint32 signed_prekey_id;
//   uint8  has_one_time_prekey;       // 0 or 1
//   select (has_one_time_prekey) { case 1: uint32 one_time_prekey_id; };
//   RatchetState ratchet;             // ratchet_state.cc
// } SessionState;
#include <utility>

#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/limits.h"
#include "securecomm/e2e/session.h"

#include "state_codec.h"

namespace sc::e2e {

using namespace internal;  // NOLINT(google-build-using-namespace): the codec helpers, this file only

SecretBytes Session::Serialize() const {
  SecretBytes out;
  AppendU8(out, kStateVersion);
  AppendU8(out, static_cast<uint8_t>(role_));
  AppendU8(out, awaiting_reply_ ? 1 : 0);
  AppendBytes(out, local_identity_.span());
  AppendBytes(out, remote_identity_.span());
  AppendBytes(out, origin_.base_key.span());
  AppendU32(out, origin_.signed_prekey_id);
  AppendU8(out, origin_.one_time_prekey_id ? 1 : 0);
  if (origin_.one_time_prekey_id) AppendU32(out, *origin_.one_time_prekey_id);
  ratchet_.AppendState(out);
  return out;
}

Result<Session> Session::Deserialize(std::span<const uint8_t> state) {
  if (state.size() > kMaxSessionStateSize) return Fail(Errc::kMalformedState);
  ByteReader r(state);
  auto version = ReadU8(r);
  if (!version) return Fail(version.error());
  if (*version != kStateVersion) return Fail(Errc::kUnsupportedStateVersion);
  auto role = ReadU8(r);
  if (!role) return Fail(role.error());
  if (*role != static_cast<uint8_t>(Role::kInitiator) && *role != static_cast<uint8_t>(Role::kResponder)) {
    return Fail(Errc::kMalformedState);
  }
  auto awaiting = ReadFlag(r);
  if (!awaiting) return Fail(awaiting.error());
  if (*awaiting && *role != static_cast<uint8_t>(Role::kInitiator)) return Fail(Errc::kMalformedState);
  auto local = ReadPublic<crypto::Ed25519PublicKey>(r);
  if (!local) return Fail(local.error());
  auto remote = ReadPublic<crypto::Ed25519PublicKey>(r);
  if (!remote) return Fail(remote.error());
  Origin origin;
  auto base_key = ReadPublic<crypto::X25519PublicKey>(r);
  if (!base_key) return Fail(base_key.error());
  origin.base_key = *base_key;
  auto spk_id = ReadU32(r);
  if (!spk_id) return Fail(spk_id.error());
  origin.signed_prekey_id = *spk_id;
  auto has_opk = ReadFlag(r);
  if (!has_opk) return Fail(has_opk.error());
  if (*has_opk) {
    auto opk_id = ReadU32(r);
    if (!opk_id) return Fail(opk_id.error());
    origin.one_time_prekey_id = *opk_id;
  }
  auto ratchet = DoubleRatchet::ReadState(r);
  if (!ratchet) return Fail(ratchet.error());
  if (!r.Finish()) return Fail(Errc::kMalformedState);
  return Session(static_cast<Role>(*role), *local, *remote, origin, *awaiting, std::move(*ratchet));
}

}  // namespace sc::e2e
