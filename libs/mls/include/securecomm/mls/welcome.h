// welcome.h: GroupInfo (RFC 9420 §12.4.3), GroupSecrets, EncryptedGroupSecrets and Welcome
// (§12.4.3.1): what a committer sends a new member, with strict codecs and their crypto.
//
//   struct {
//       GroupContext group_context;
//       Extension extensions<V>;
//       MAC confirmation_tag;
//       uint32 signer;
//       opaque signature<V>;   /* SignWithLabel(., "GroupInfoTBS", GroupInfoTBS) */
//   } GroupInfo;               /* GroupInfoTBS: every field but the signature */
//
//   struct { opaque path_secret<V>; } PathSecret;
//   struct {
//     opaque joiner_secret<V>;
//     optional<PathSecret> path_secret;
//     PreSharedKeyID psks<V>;
//   } GroupSecrets;
//
//   struct { KeyPackageRef new_member; HPKECiphertext encrypted_group_secrets; } EncryptedGroupSecrets;
//   struct {
//     CipherSuite cipher_suite;
//     EncryptedGroupSecrets secrets<V>;
//     opaque encrypted_group_info<V>;
//   } Welcome;
//
// encrypted_group_info = AEAD.Seal(welcome_key, welcome_nonce, "", GroupInfo), with
// welcome_key/nonce = ExpandWithLabel(welcome_secret, "key"/"nonce", "", AEAD.Nk/Nn), and
// encrypted_group_secrets = EncryptWithLabel(init_key, "Welcome", encrypted_group_info,
// GroupSecrets).
//
//   Result<Welcome> w = DecodeExact<Welcome>(bytes);
//   Result<GroupSecrets> gs = w->DecryptSecrets(suite, kp_ref, init_key_pair);
//   Result<GroupInfo> gi = DecryptGroupInfo(suite, welcome_secret, w->encrypted_group_info);
//   Status ok = gi->Verify(signer_key);                                  // kBadSignature
//
// Secrets in GroupSecrets are wiped when freed. Value types; pure apart from the injected Random.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/encrypt_with_label.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/kdf.h"
#include "securecomm/mls/psk.h"

namespace sc::mls {

// ExtensionType values this core reads (§17.3).
inline constexpr uint16_t kExtensionApplicationId = 0x0001;
inline constexpr uint16_t kExtensionRatchetTree = 0x0002;
inline constexpr uint16_t kExtensionRequiredCapabilities = 0x0003;
inline constexpr uint16_t kExtensionExternalPub = 0x0004;
inline constexpr uint16_t kExtensionExternalSenders = 0x0005;

// FindExtension returns the extension of `type` in `list`, or nullptr.
const Extension* FindExtension(std::span<const Extension> list, uint16_t type);

struct GroupInfo {
  GroupContext group_context;
  std::vector<Extension> extensions;
  std::vector<uint8_t> confirmation_tag;
  uint32_t signer = 0;
  std::vector<uint8_t> signature;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<GroupInfo> Decode(Reader& r);
  [[nodiscard]] Result<std::vector<uint8_t>> ToBeSigned() const;
  // Sign sets `signature`; Verify checks it under `key` (kBadSignature).
  [[nodiscard]] Status Sign(const crypto::Ed25519KeyPair& key);
  [[nodiscard]] Status Verify(const crypto::Ed25519PublicKey& key) const;
  friend bool operator==(const GroupInfo&, const GroupInfo&) = default;
};

struct GroupSecrets {
  Secret joiner_secret;
  std::optional<Secret> path_secret;
  std::vector<PreSharedKeyId> psks;

  // Encode returns the encoding in a zeroizing buffer. Decode refuses a joiner_secret or
  // path_secret that is not Nh bytes (kInvalidLength).
  [[nodiscard]] Result<SecretBytes> Encode() const;
  [[nodiscard]] static Result<GroupSecrets> Decode(Reader& r);
};

struct EncryptedGroupSecrets {
  std::vector<uint8_t> new_member;  // KeyPackageRef
  HpkeCiphertext encrypted_group_secrets;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<EncryptedGroupSecrets> Decode(Reader& r);
  friend bool operator==(const EncryptedGroupSecrets&, const EncryptedGroupSecrets&) = default;
};

struct Welcome {
  uint16_t cipher_suite = 0;
  std::vector<EncryptedGroupSecrets> secrets;
  std::vector<uint8_t> encrypted_group_info;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<Welcome> Decode(Reader& r);
  friend bool operator==(const Welcome&, const Welcome&) = default;

  // DecryptSecrets finds the entry for `key_package_ref` (kNoMatchingKeyPackage) and opens it with
  // the KeyPackage's init key pair (kDecryptFailed, codec errors, kInvalidLength).
  [[nodiscard]] Result<GroupSecrets> DecryptSecrets(const CipherSuite& suite,
                                                    std::span<const uint8_t> key_package_ref,
                                                    const crypto::X25519KeyPair& init_key) const;
};

// EncryptGroupSecrets seals `secrets` to a new member's init key (§12.4.3.1).
[[nodiscard]] Result<EncryptedGroupSecrets> EncryptGroupSecrets(const CipherSuite& suite,
                                                                std::span<const uint8_t> key_package_ref,
                                                                const crypto::X25519PublicKey& init_key,
                                                                std::span<const uint8_t> encrypted_group_info,
                                                                const GroupSecrets& secrets, Random& rng);

// EncryptGroupInfo / DecryptGroupInfo: the GroupInfo under the welcome key and nonce.
[[nodiscard]] Result<std::vector<uint8_t>> EncryptGroupInfo(const CipherSuite& suite,
                                                            const Secret& welcome_secret,
                                                            const GroupInfo& group_info);
[[nodiscard]] Result<GroupInfo> DecryptGroupInfo(const CipherSuite& suite, const Secret& welcome_secret,
                                                 std::span<const uint8_t> encrypted_group_info);

}  // namespace sc::mls
