// x3dh.h: the X3DH key agreement (https://signal.org/docs/specifications/x3dh/, §3), with
// SecureComm's parameters (docs/protocol/e2e.md §3):
//
//   curve X25519, hash SHA-256, info "SecureComm X3DH v1" (kdf.h);
//   identity keys are Ed25519; their X25519 forms (the birational map, crypto/x25519.h) take part
//   in DH1 and DH2; AD = IK_A || IK_B, the two 32-byte Ed25519 public keys, initiator first.
//
//   // Alice, with Bob's bundle from the relay and the identity she expects for him:
//   Result<X3dhInitiation> a = X3dhInitiate(alice_identity, bundle, bob_identity, rng);
//   // Bob, from the initial message (IK_A, EK_A, prekey ids) and his private prekeys:
//   Result<X3dhResponse> b = X3dhRespond(bob_identity, spk, &opk, ik_a, ek_a);
//   // a->sk == b->sk and a->ad == b->ad
//
// Most callers use Session (session.h), which runs X3DH and starts the Double Ratchet.
// Thread safety: thread safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/e2e/keys.h"
#include "securecomm/e2e/prekey.h"

namespace sc::e2e {

// X3dhInitiation: what the initiator keeps after X3DH §3.3. EK_A's private key and the DH
// outputs are already wiped.
struct X3dhInitiation {
  SharedKey sk;
  AssociatedData ad{};
  crypto::X25519PublicKey base_key;            // EK_A, sent in the initial message
  uint32_t signed_prekey_id = 0;               // which SPK_B was used
  std::optional<uint32_t> one_time_prekey_id;  // which OPK_B was used, if any
  crypto::X25519PublicKey signed_prekey;       // SPK_B: the responder's first ratchet key (DR §5.1)
};

// X3dhInitiate runs X3DH §3.3 as the initiator: checks that bundle.identity_key is
// `expected_identity` (else kUntrustedIdentity: the caller's trust decision, e.g. the pinned key
// of a contact, or the bundle's own key on first contact), verifies the signed prekey (else
// kBadSignature), draws EK_A from `rng`, and computes DH1..DH4 and SK. kInvalidKey if the identity
// key has no X25519 form or any DH output is all zero. Nothing is returned on failure.
[[nodiscard]] Result<X3dhInitiation> X3dhInitiate(const crypto::Ed25519KeyPair& identity,
                                                  const PrekeyBundle& bundle,
                                                  const crypto::Ed25519PublicKey& expected_identity,
                                                  Random& rng);

// X3dhResponse: what the responder derives in X3DH §3.4.
struct X3dhResponse {
  SharedKey sk;
  AssociatedData ad;
};

// X3dhRespond runs X3DH §3.4 as the responder with the initial message's `initiator_identity`
// (IK_A) and `base_key` (EK_A), its own identity, the signed prekey the message names and the
// one-time prekey it names (nullptr if none). kInvalidKey if IK_A has no X25519 form or a DH
// output is all zero. The caller decides whether IK_A is trusted, and deletes the one-time
// prekey once the first message authenticates (Session::Accept does the latter check).
[[nodiscard]] Result<X3dhResponse> X3dhRespond(const crypto::Ed25519KeyPair& identity,
                                               const SignedPrekeyPair& signed_prekey,
                                               const OneTimePrekeyPair* one_time_prekey,
                                               const crypto::Ed25519PublicKey& initiator_identity,
                                               const crypto::X25519PublicKey& base_key);

// MakeAssociatedData returns Encode(IK_A) || Encode(IK_B) (X3DH §3.3), initiator first.
[[nodiscard]] AssociatedData MakeAssociatedData(const crypto::Ed25519PublicKey& initiator,
                                                const crypto::Ed25519PublicKey& responder) noexcept;

}  // namespace sc::e2e
