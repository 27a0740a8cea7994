// key_schedule.h: the MLS key schedule (RFC 9420 §8): from the previous epoch's init_secret, the
// commit_secret, the psk_secret and the new GroupContext to the joiner and welcome secrets and
// every secret of the new epoch, plus the exporter (§8.5) and the external key pair (§8).
//
//   init_secret_[n-1] -> KDF.Extract(salt = init, ikm = commit_secret)
//     -> ExpandWithLabel(., "joiner", GroupContext_[n], Nh) = joiner_secret
//     -> KDF.Extract(salt = joiner, ikm = psk_secret) -> DeriveSecret(., "welcome") = welcome_secret
//     -> ExpandWithLabel(., "epoch", GroupContext_[n], Nh) = epoch_secret
//     -> DeriveSecret(epoch_secret, <label>) for each EpochSecrets field, "init" last
//
//   Result<KeyScheduleEpoch> e = KeyScheduleEpoch::FromInitSecret(prev.init_secret, commit, psk, ctx);
//   Result<SecretBytes> x = MlsExporter(e->secrets.exporter_secret, "my label", context, 32);
//
// A new member, given joiner_secret by a Welcome, starts with FromJoinerSecret. The
// epoch_secret and the intermediate extracts are wiped before these return (§9.2: consumed).
// A zero psk_secret (no PSKs) is ZeroSecret(). Errors: kValueTooLarge (a GroupContext over
// kMaxVectorLength). Pure and thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/kdf.h"

namespace sc::mls {

// EpochSecrets: the secrets derived from an epoch_secret (§8, "Epoch-Derived Secrets"), and the
// init_secret that the next epoch starts from.
struct EpochSecrets {
  Secret sender_data_secret;   // "sender data"
  Secret encryption_secret;    // "encryption": the root of the secret tree (§9)
  Secret exporter_secret;      // "exporter"
  Secret external_secret;      // "external": seeds the external key pair
  Secret confirmation_key;     // "confirm"
  Secret membership_key;       // "membership"
  Secret resumption_psk;       // "resumption"
  Secret epoch_authenticator;  // "authentication"
  Secret init_secret;          // "init": init_secret_[n]

  // FromEpochSecret derives every field from `epoch_secret`.
  [[nodiscard]] static EpochSecrets FromEpochSecret(const Secret& epoch_secret);
};

// KeyScheduleEpoch: one step of the key schedule.
struct KeyScheduleEpoch {
  Secret joiner_secret;
  Secret welcome_secret;
  EpochSecrets secrets;

  // FromInitSecret runs the whole schedule for a member moving to a new epoch.
  [[nodiscard]] static Result<KeyScheduleEpoch> FromInitSecret(const Secret& init_secret,
                                                               const Secret& commit_secret,
                                                               const Secret& psk_secret,
                                                               std::span<const uint8_t> group_context);
  // FromJoinerSecret runs the schedule from joiner_secret on (a new member, §12.4.3.1).
  [[nodiscard]] static Result<KeyScheduleEpoch> FromJoinerSecret(Secret joiner_secret,
                                                                 const Secret& psk_secret,
                                                                 std::span<const uint8_t> group_context);
};

// WelcomeSecret returns DeriveSecret(KDF.Extract(joiner_secret, psk_secret), "welcome"): what a
// new member needs to open the GroupInfo before it has the GroupContext (§8, §12.4.3.1).
[[nodiscard]] Secret WelcomeSecret(const Secret& joiner_secret, const Secret& psk_secret);

// ZeroSecret returns Nh zero bytes: the commit_secret of a Commit without a path and the
// psk_secret without PSKs (§8).
[[nodiscard]] inline Secret ZeroSecret() noexcept {
  return Secret();
}

// MlsExporter returns ExpandWithLabel(DeriveSecret(exporter_secret, label), "exported",
// Hash(context), length) (§8.5). kInvalidLength if length is over kMaxExpandLength.
[[nodiscard]] Result<SecretBytes> MlsExporter(const Secret& exporter_secret, std::string_view label,
                                              std::span<const uint8_t> context, size_t length);

// ExternalKeyPair returns KEM.DeriveKeyPair(external_secret) (§8): external_pub goes in GroupInfo.
[[nodiscard]] Result<crypto::X25519KeyPair> ExternalKeyPair(const CipherSuite& suite,
                                                            const Secret& external_secret);

}  // namespace sc::mls
