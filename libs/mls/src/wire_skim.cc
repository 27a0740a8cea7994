// Structural skims of RFC 9420 §7.2 (LeafNode), §7.6 (UpdatePath), §10 (KeyPackage),
// §12.4.3 (GroupInfo), §12.4.3.1 (Welcome). See wire_skim.h.
#include "wire_skim.h"

#include "securecomm/mls/errors.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/key_package.h"
#include "securecomm/mls/leaf_node.h"

namespace sc::mls::internal {
namespace {

Status SkimOpaque(Reader& r) {
  return r.ReadOpaque().map([](auto) {});
}

// SkimVectorOf reads a T<V> whose items `item` reads, until the body is empty.
template <typename F>
Status SkimVectorOf(Reader& r, F&& item) {
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  while (!body->empty()) {
    if (auto s = item(*body); !s) return s;
  }
  return OkStatus();
}

Status SkimU16(Reader& r) {
  return r.ReadU16().map([](auto) {});
}

Status SkimExtensions(Reader& r) {
  return DecodeExtensions(r).map([](auto) {});
}

// struct { opaque kem_output<V>; opaque ciphertext<V>; } HPKECiphertext;
Status SkimHpkeCiphertext(Reader& r) {
  Status s = SkimOpaque(r);
  if (s) s = SkimOpaque(r);
  return s;
}

// GroupContext (§8.1), read in place.
Status SkimGroupContext(Reader& r) {
  auto version = r.ReadU16();
  if (!version) return Fail(version.error());
  if (*version != kProtocolVersionMls10) return Fail(Errc::kUnsupportedVersion);
  Status s = SkimU16(r);
  if (s) s = SkimOpaque(r);
  if (s) s = r.ReadU64().map([](auto) {});
  if (s) s = SkimOpaque(r);
  if (s) s = SkimOpaque(r);
  if (s) s = SkimExtensions(r);
  return s;
}

}  // namespace

// LeafNode: leaf_node.h decodes it.
Status SkimLeafNode(Reader& r) {
  return LeafNode::Decode(r).map([](auto) {});
}

// KeyPackage: key_package.h decodes it.
Status SkimKeyPackage(Reader& r) {
  return KeyPackage::Decode(r).map([](auto) {});
}

// UpdatePath: LeafNode, then UpdatePathNode nodes<V> (encryption_key<V>, HPKECiphertext<V>).
Status SkimUpdatePath(Reader& r) {
  Status s = SkimLeafNode(r);
  if (s) {
    s = SkimVectorOf(r, [](Reader& n) {
      Status t = SkimOpaque(n);
      if (t) t = SkimVectorOf(n, SkimHpkeCiphertext);
      return t;
    });
  }
  return s;
}

// Welcome: cipher_suite, EncryptedGroupSecrets secrets<V> (new_member<V>, HPKECiphertext),
// encrypted_group_info<V>.
Status SkimWelcome(Reader& r) {
  Status s = SkimU16(r);
  if (s) {
    s = SkimVectorOf(r, [](Reader& e) {
      Status t = SkimOpaque(e);
      if (t) t = SkimHpkeCiphertext(e);
      return t;
    });
  }
  if (s) s = SkimOpaque(r);
  return s;
}

// GroupInfo: GroupContext, extensions<V>, confirmation_tag<V>, uint32 signer, signature<V>.
Status SkimGroupInfo(Reader& r) {
  Status s = SkimGroupContext(r);
  if (s) s = SkimExtensions(r);
  if (s) s = SkimOpaque(r);
  if (s) s = r.ReadU32().map([](auto) {});
  if (s) s = SkimOpaque(r);
  return s;
}

}  // namespace sc::mls::internal
