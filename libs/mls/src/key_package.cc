// RFC 9420 §10 (KeyPackage), §10.1 (validation), §5.2 (KeyPackageRef).
#include "securecomm/mls/key_package.h"

#include "securecomm/mls/errors.h"
#include "securecomm/mls/kdf.h"
#include "securecomm/mls/signature.h"
#include "securecomm/mls/tree_validation.h"

namespace sc::mls {
namespace {

constexpr std::string_view kKeyPackageTbsLabel = "KeyPackageTBS";
constexpr std::string_view kKeyPackageRefLabel = "MLS 1.0 KeyPackage Reference";

Status WriteContent(Writer& w, const KeyPackage& kp) {
  w.WriteU16(kp.version);
  w.WriteU16(kp.cipher_suite);
  Status s = w.WriteOpaque(kp.init_key.span());
  if (s) s = kp.leaf_node.Encode(w);
  if (s) s = EncodeExtensions(w, kp.extensions);
  return s;
}

}  // namespace

Status KeyPackage::Encode(Writer& w) const {
  Status s = WriteContent(w, *this);
  if (s) s = w.WriteOpaque(signature);
  return s;
}

Result<KeyPackage> KeyPackage::Decode(Reader& r) {
  KeyPackage kp;
  Status s = ReadField(r, kp.version);
  if (s) s = ReadField(r, kp.cipher_suite);
  if (s) s = ReadField(r, kp.init_key.bytes);
  if (s) {
    auto leaf = LeafNode::Decode(r);
    if (leaf) {
      kp.leaf_node = std::move(*leaf);
    } else {
      s = Fail(leaf.error());
    }
  }
  if (s) {
    auto e = DecodeExtensions(r);
    if (e) {
      kp.extensions = std::move(*e);
    } else {
      s = Fail(e.error());
    }
  }
  if (s) s = ReadField(r, kp.signature);
  if (!s) return Fail(s.error());
  return kp;
}

Result<std::vector<uint8_t>> KeyPackage::ToBeSigned() const {
  Writer w;
  if (auto s = WriteContent(w, *this); !s) return Fail(s.error());
  return std::move(w).Take();
}

Status KeyPackage::Sign(const crypto::Ed25519KeyPair& key) {
  auto tbs = ToBeSigned();
  if (!tbs) return Fail(tbs.error());
  auto sig = SignWithLabel(key, kKeyPackageTbsLabel, *tbs);
  if (!sig) return Fail(sig.error());
  signature.assign(sig->span().begin(), sig->span().end());
  return OkStatus();
}

Status KeyPackage::Validate(uint16_t group_version, uint16_t group_cipher_suite) const {
  if (version != group_version || cipher_suite != group_cipher_suite) return Fail(Errc::kKeyPackageMismatch);
  if (leaf_node.leaf_node_source != LeafNodeSource::kKeyPackage) return Fail(Errc::kLeafNodeSourceMismatch);
  if (auto s = ValidateLeafNode(leaf_node, {}, LeafIndex{}); !s) return s;
  auto pk = ToEd25519(leaf_node.signature_key);
  if (!pk) return Fail(pk.error());
  auto tbs = ToBeSigned();
  if (!tbs) return Fail(tbs.error());
  if (auto s = VerifyWithLabel(*pk, kKeyPackageTbsLabel, *tbs, signature); !s) return s;
  if (auto k = ToX25519(init_key); !k) return Fail(k.error());
  if (init_key == leaf_node.encryption_key) return Fail(Errc::kInitKeyIsEncryptionKey);
  return OkStatus();
}

Result<crypto::Sha256Digest> KeyPackage::Ref() const {
  Writer w;
  if (auto s = Encode(w); !s) return Fail(s.error());
  return RefHash(kKeyPackageRefLabel, w.bytes());
}

}  // namespace sc::mls
