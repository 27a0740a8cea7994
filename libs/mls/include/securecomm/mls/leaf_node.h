// leaf_node.h: LeafNode (RFC 9420 §7.2), a member's signed entry in the ratchet tree and in its
// KeyPackages, with Capabilities, Lifetime, the typed public keys it carries, and the LeafNodeTBS
// signature (SignWithLabel "LeafNodeTBS").
//
//   enum { reserved(0), key_package(1), update(2), commit(3), (255) } LeafNodeSource;
//   struct { ProtocolVersion versions<V>; CipherSuite cipher_suites<V>;
//            ExtensionType extensions<V>; ProposalType proposals<V>;
//            CredentialType credentials<V>; } Capabilities;
//   struct { uint64 not_before; uint64 not_after; } Lifetime;
//
//   struct {
//       HPKEPublicKey encryption_key;
//       SignaturePublicKey signature_key;
//       Credential credential;
//       Capabilities capabilities;
//       LeafNodeSource leaf_node_source;
//       select (LeafNode.leaf_node_source) {
//           case key_package: Lifetime lifetime;
//           case update:      struct{};
//           case commit:      opaque parent_hash<V>;
//       };
//       Extension extensions<V>;
//       opaque signature<V>;     /* SignWithLabel(., "LeafNodeTBS", LeafNodeTBS) */
//   } LeafNode;
//
// LeafNodeTBS is the same without the signature, followed for the update and commit sources by
// `opaque group_id<V>; uint32 leaf_index;`, so a LeafNode signed in one group and position cannot
// be replayed in another.
//
//   LeafNode leaf{...};
//   Status s = leaf.Sign(signer, group_id, LeafIndex{3});
//   Status ok = leaf.VerifySignature(group_id, LeafIndex{3});    // kBadSignature, kInvalidKey
//   Result<LeafNode> back = LeafNode::Decode(reader);
//
// Decode is strict (codec.h) and refuses a reserved or unknown leaf_node_source
// (kInvalidLeafNodeSource) and an unknown credential type (kUnsupportedCredentialType); it keeps
// keys of any length: their sizes are checked where they are used (kInvalidKey). Value types.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/credential.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/tree_math.h"

namespace sc::mls {

// PublicKeyBytes: an opaque<V> public key of the suite's KEM or signature scheme, kept as received
// and typed so the two cannot be swapped. Ordered so keys can be checked for uniqueness.
template <typename Tag>
struct PublicKeyBytes {
  std::vector<uint8_t> bytes;

  std::span<const uint8_t> span() const noexcept { return bytes; }
  friend bool operator==(const PublicKeyBytes&, const PublicKeyBytes&) = default;
  friend auto operator<=>(const PublicKeyBytes&, const PublicKeyBytes&) = default;
};
using HpkePublicKey = PublicKeyBytes<struct HpkePublicKeyTag>;            // HPKEPublicKey
using SignaturePublicKey = PublicKeyBytes<struct SignaturePublicKeyTag>;  // SignaturePublicKey

// ToX25519 returns an HPKE public key as an X25519 key (both suites' KEM); kInvalidKey unless it
// is 32 bytes.
[[nodiscard]] Result<crypto::X25519PublicKey> ToX25519(const HpkePublicKey& key);
// ToEd25519 returns a signature public key as an Ed25519 key; kInvalidKey unless it is 32 bytes.
[[nodiscard]] Result<crypto::Ed25519PublicKey> ToEd25519(const SignaturePublicKey& key);
// FromX25519 and FromEd25519 wrap our own keys.
HpkePublicKey FromX25519(const crypto::X25519PublicKey& key);
SignaturePublicKey FromEd25519(const crypto::Ed25519PublicKey& key);

// LeafNodeSource (§7.2). Append only; never renumber.
enum class LeafNodeSource : uint8_t {
  kKeyPackage = 1,
  kUpdate = 2,
  kCommit = 3,
};

struct Capabilities {
  std::vector<uint16_t> versions;
  std::vector<uint16_t> cipher_suites;
  std::vector<uint16_t> extensions;
  std::vector<uint16_t> proposals;
  std::vector<uint16_t> credentials;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<Capabilities> Decode(Reader& r);
  friend bool operator==(const Capabilities&, const Capabilities&) = default;
};

struct Lifetime {
  uint64_t not_before = 0;
  uint64_t not_after = 0;
  friend bool operator==(const Lifetime&, const Lifetime&) = default;
};

struct LeafNode {
  HpkePublicKey encryption_key;
  SignaturePublicKey signature_key;
  Credential credential;
  Capabilities capabilities;
  LeafNodeSource leaf_node_source = LeafNodeSource::kKeyPackage;
  Lifetime lifetime;                 // key_package only; zero otherwise
  std::vector<uint8_t> parent_hash;  // commit only; empty otherwise
  std::vector<Extension> extensions;
  std::vector<uint8_t> signature;

  // Encode appends the LeafNode; kValueTooLarge if a field is over kMaxVectorLength.
  [[nodiscard]] Status Encode(Writer& w) const;
  // Decode reads one LeafNode from `r`.
  [[nodiscard]] static Result<LeafNode> Decode(Reader& r);

  // ToBeSigned returns the encoded LeafNodeTBS; group_id and leaf are used for the update and
  // commit sources only.
  [[nodiscard]] Result<std::vector<uint8_t>> ToBeSigned(std::span<const uint8_t> group_id,
                                                        LeafIndex leaf) const;
  // Sign sets `signature` to SignWithLabel(key, "LeafNodeTBS", LeafNodeTBS). It does not check
  // that `key` matches signature_key. On error the node is unchanged.
  [[nodiscard]] Status Sign(const crypto::Ed25519KeyPair& key, std::span<const uint8_t> group_id,
                            LeafIndex leaf);
  // VerifySignature checks `signature` with signature_key: kBadSignature if it does not verify,
  // kInvalidKey for a signature_key that is not an Ed25519 key.
  [[nodiscard]] Status VerifySignature(std::span<const uint8_t> group_id, LeafIndex leaf) const;

  friend bool operator==(const LeafNode&, const LeafNode&) = default;
};

}  // namespace sc::mls
