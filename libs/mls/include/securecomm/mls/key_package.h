// key_package.h: KeyPackage (RFC 9420 §10), what a client publishes so others can add it to a
// group: an init key for the Welcome, and the LeafNode it will occupy, signed together.
//
//   struct {
//       ProtocolVersion version;
//       CipherSuite cipher_suite;
//       HPKEPublicKey init_key;
//       LeafNode leaf_node;
//       Extension extensions<V>;
//       opaque signature<V>;   /* SignWithLabel(., "KeyPackageTBS", KeyPackageTBS) */
//   } KeyPackage;
//
// KeyPackageTBS is every field but the signature.
//
//   Result<KeyPackage> kp = KeyPackage::Decode(reader);
//   Status ok = kp->Validate(kProtocolVersionMls10, suite_id);          // §10.1
//   Result<crypto::Sha256Digest> ref = kp->Ref();                      // KeyPackageRef (§5.2)
//
// Decode is strict (codec.h) and checks the form only; Validate makes the checks of §10.1 that
// need no group state beyond its version and suite. Value type.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/leaf_node.h"

namespace sc::mls {

struct KeyPackage {
  uint16_t version = kProtocolVersionMls10;
  uint16_t cipher_suite = 0;
  HpkePublicKey init_key;
  LeafNode leaf_node;
  std::vector<Extension> extensions;
  std::vector<uint8_t> signature;

  // Encode appends the KeyPackage; kValueTooLarge if a field is over kMaxVectorLength.
  [[nodiscard]] Status Encode(Writer& w) const;
  // Decode reads one KeyPackage from `r` (any version: Validate refuses the others).
  [[nodiscard]] static Result<KeyPackage> Decode(Reader& r);

  // ToBeSigned returns the encoded KeyPackageTBS.
  [[nodiscard]] Result<std::vector<uint8_t>> ToBeSigned() const;
  // Sign sets `signature` with SignWithLabel(key, "KeyPackageTBS", KeyPackageTBS).
  [[nodiscard]] Status Sign(const crypto::Ed25519KeyPair& key);

  // Validate checks (§10.1, §7.3): version and cipher_suite are the group's
  // (kKeyPackageMismatch), the leaf's source is key_package (kLeafNodeSourceMismatch), the leaf
  // is valid (ValidateLeafNode's codes), the KeyPackage signature verifies with the leaf's
  // signature key (kBadSignature), the init key is an X25519 key (kInvalidKey) other than the
  // leaf's encryption key (kInitKeyIsEncryptionKey). Lifetimes are the caller's (it has the
  // clock).
  [[nodiscard]] Status Validate(uint16_t group_version, uint16_t group_cipher_suite) const;

  // Ref returns KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage) (§5.2).
  [[nodiscard]] Result<crypto::Sha256Digest> Ref() const;

  friend bool operator==(const KeyPackage&, const KeyPackage&) = default;
};

}  // namespace sc::mls
