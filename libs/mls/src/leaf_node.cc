// RFC 9420 §7.2 (LeafNode, LeafNodeTBS, Capabilities, Lifetime).
#include "securecomm/mls/leaf_node.h"

#include "securecomm/mls/errors.h"
#include "securecomm/mls/signature.h"

namespace sc::mls {
namespace {

constexpr std::string_view kLeafNodeTbsLabel = "LeafNodeTBS";

Status WriteU16List(Writer& w, const std::vector<uint16_t>& list) {
  return w.WriteVector([&](Writer& v) {
    for (uint16_t x : list) v.WriteU16(x);
    return OkStatus();
  });
}

Status ReadU16List(Reader& r, std::vector<uint16_t>& out) {
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  std::vector<uint16_t> list;
  while (!body->empty()) {
    uint16_t x = 0;
    if (auto s = ReadField(*body, x); !s) return s;
    list.push_back(x);
  }
  out = std::move(list);
  return OkStatus();
}

// WriteContent appends the fields LeafNode and LeafNodeTBS share (all but the signature).
Status WriteContent(Writer& w, const LeafNode& n) {
  Status s = w.WriteOpaque(n.encryption_key.span());
  if (s) s = w.WriteOpaque(n.signature_key.span());
  if (s) s = n.credential.Encode(w);
  if (s) s = n.capabilities.Encode(w);
  if (!s) return s;
  w.WriteU8(static_cast<uint8_t>(n.leaf_node_source));
  switch (n.leaf_node_source) {
    case LeafNodeSource::kKeyPackage:
      w.WriteU64(n.lifetime.not_before);
      w.WriteU64(n.lifetime.not_after);
      break;
    case LeafNodeSource::kUpdate:
      break;
    case LeafNodeSource::kCommit:
      s = w.WriteOpaque(n.parent_hash);
      break;
  }
  if (s) s = EncodeExtensions(w, n.extensions);
  return s;
}

}  // namespace

Result<crypto::X25519PublicKey> ToX25519(const HpkePublicKey& key) {
  auto k = crypto::X25519PublicKey::FromSpan(key.span());
  if (!k) return Fail(Errc::kInvalidKey);
  return *k;
}

Result<crypto::Ed25519PublicKey> ToEd25519(const SignaturePublicKey& key) {
  auto k = crypto::Ed25519PublicKey::FromSpan(key.span());
  if (!k) return Fail(Errc::kInvalidKey);
  return *k;
}

HpkePublicKey FromX25519(const crypto::X25519PublicKey& key) {
  return HpkePublicKey{{key.span().begin(), key.span().end()}};
}

SignaturePublicKey FromEd25519(const crypto::Ed25519PublicKey& key) {
  return SignaturePublicKey{{key.span().begin(), key.span().end()}};
}

Status Capabilities::Encode(Writer& w) const {
  Status s = WriteU16List(w, versions);
  if (s) s = WriteU16List(w, cipher_suites);
  if (s) s = WriteU16List(w, extensions);
  if (s) s = WriteU16List(w, proposals);
  if (s) s = WriteU16List(w, credentials);
  return s;
}

Result<Capabilities> Capabilities::Decode(Reader& r) {
  Capabilities c;
  Status s = ReadU16List(r, c.versions);
  if (s) s = ReadU16List(r, c.cipher_suites);
  if (s) s = ReadU16List(r, c.extensions);
  if (s) s = ReadU16List(r, c.proposals);
  if (s) s = ReadU16List(r, c.credentials);
  if (!s) return Fail(s.error());
  return c;
}

Status LeafNode::Encode(Writer& w) const {
  Status s = WriteContent(w, *this);
  if (s) s = w.WriteOpaque(signature);
  return s;
}

Result<LeafNode> LeafNode::Decode(Reader& r) {
  LeafNode n;
  Status s = ReadField(r, n.encryption_key.bytes);
  if (s) s = ReadField(r, n.signature_key.bytes);
  if (s) {
    auto c = Credential::Decode(r);
    if (c) {
      n.credential = std::move(*c);
    } else {
      s = Fail(c.error());
    }
  }
  if (s) {
    auto c = Capabilities::Decode(r);
    if (c) {
      n.capabilities = std::move(*c);
    } else {
      s = Fail(c.error());
    }
  }
  uint8_t source = 0;
  if (s) s = ReadField(r, source);
  if (s) {
    n.leaf_node_source = static_cast<LeafNodeSource>(source);
    switch (n.leaf_node_source) {
      case LeafNodeSource::kKeyPackage:
        s = ReadField(r, n.lifetime.not_before);
        if (s) s = ReadField(r, n.lifetime.not_after);
        break;
      case LeafNodeSource::kUpdate:
        break;
      case LeafNodeSource::kCommit:
        s = ReadField(r, n.parent_hash);
        break;
      default:
        s = Fail(Errc::kInvalidLeafNodeSource);
    }
  }
  if (s) {
    auto e = DecodeExtensions(r);
    if (e) {
      n.extensions = std::move(*e);
    } else {
      s = Fail(e.error());
    }
  }
  if (s) s = ReadField(r, n.signature);
  if (!s) return Fail(s.error());
  return n;
}

Result<std::vector<uint8_t>> LeafNode::ToBeSigned(std::span<const uint8_t> group_id, LeafIndex leaf) const {
  Writer w;
  Status s = WriteContent(w, *this);
  if (s && leaf_node_source != LeafNodeSource::kKeyPackage) {
    s = w.WriteOpaque(group_id);
    w.WriteU32(leaf.value);
  }
  if (!s) return Fail(s.error());
  return std::move(w).Take();
}

Status LeafNode::Sign(const crypto::Ed25519KeyPair& key, std::span<const uint8_t> group_id, LeafIndex leaf) {
  auto tbs = ToBeSigned(group_id, leaf);
  if (!tbs) return Fail(tbs.error());
  auto sig = SignWithLabel(key, kLeafNodeTbsLabel, *tbs);
  if (!sig) return Fail(sig.error());
  signature.assign(sig->span().begin(), sig->span().end());
  return OkStatus();
}

Status LeafNode::VerifySignature(std::span<const uint8_t> group_id, LeafIndex leaf) const {
  auto pk = ToEd25519(signature_key);
  if (!pk) return Fail(pk.error());
  auto tbs = ToBeSigned(group_id, leaf);
  if (!tbs) return Fail(tbs.error());
  return VerifyWithLabel(*pk, kLeafNodeTbsLabel, *tbs, signature);
}

}  // namespace sc::mls
