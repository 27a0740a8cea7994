// RFC 9420 §12.4.3 (GroupInfo), §12.4.3.1 (GroupSecrets, Welcome).
#include "securecomm/mls/welcome.h"

#include "securecomm/crypto/aead.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/framing.h"
#include "securecomm/mls/leaf_node.h"
#include "securecomm/mls/proposal.h"
#include "securecomm/mls/signature.h"

namespace sc::mls {
namespace {

constexpr std::string_view kGroupInfoTbsLabel = "GroupInfoTBS";
constexpr std::string_view kWelcomeLabel = "Welcome";

Status EncodeTbs(const GroupInfo& gi, Writer& w) {
  auto ctx = gi.group_context.Encode();
  if (!ctx) return Fail(ctx.error());
  w.WriteFixed(*ctx);
  if (auto s = EncodeExtensions(w, gi.extensions); !s) return s;
  if (auto s = w.WriteOpaque(gi.confirmation_tag); !s) return s;
  w.WriteU32(gi.signer);
  return OkStatus();
}

Result<Secret> ReadSecret(Reader& r) {
  auto v = r.ReadOpaque();
  if (!v) return Fail(v.error());
  if (v->size() != kHashSize) return Fail(Errc::kInvalidLength);
  return Secret::FromSpan(std::span<const uint8_t, kHashSize>(v->data(), kHashSize));
}

struct WelcomeKey {
  SecretBytes key;
  SecretBytes nonce;
};

Result<WelcomeKey> DeriveWelcomeKey(const CipherSuite& suite, const Secret& welcome_secret) {
  WelcomeKey k{SecretBytes(suite.aead_key_size), SecretBytes(suite.aead_nonce_size)};
  if (auto s = ExpandWithLabel(welcome_secret.Expose(), "key", {}, k.key.MutableExpose()); !s)
    return Fail(s.error());
  if (auto s = ExpandWithLabel(welcome_secret.Expose(), "nonce", {}, k.nonce.MutableExpose()); !s)
    return Fail(s.error());
  return k;
}

}  // namespace

const Extension* FindExtension(std::span<const Extension> list, uint16_t type) {
  for (const Extension& e : list) {
    if (e.extension_type == type) return &e;
  }
  return nullptr;
}

// ---- GroupInfo ------------------------------------------------------------------------------

Status GroupInfo::Encode(Writer& w) const {
  if (auto s = EncodeTbs(*this, w); !s) return s;
  return w.WriteOpaque(signature);
}

Result<GroupInfo> GroupInfo::Decode(Reader& in) {
  Reader r = in;
  GroupInfo gi;
  auto ctx = GroupContext::Decode(r);
  if (!ctx) return Fail(ctx.error());
  gi.group_context = std::move(*ctx);
  auto ext = DecodeExtensions(r);
  if (!ext) return Fail(ext.error());
  gi.extensions = std::move(*ext);
  Status s = ReadField(r, gi.confirmation_tag);
  if (s) s = ReadField(r, gi.signer);
  if (s) s = ReadField(r, gi.signature);
  if (!s) return Fail(s.error());
  in = r;
  return gi;
}

Result<std::vector<uint8_t>> GroupInfo::ToBeSigned() const {
  Writer w;
  if (auto s = EncodeTbs(*this, w); !s) return Fail(s.error());
  return std::move(w).Take();
}

Status GroupInfo::Sign(const crypto::Ed25519KeyPair& key) {
  auto tbs = ToBeSigned();
  if (!tbs) return Fail(tbs.error());
  auto sig = SignWithLabel(key, kGroupInfoTbsLabel, *tbs);
  if (!sig) return Fail(sig.error());
  signature.assign(sig->span().begin(), sig->span().end());
  return OkStatus();
}

Status GroupInfo::Verify(const crypto::Ed25519PublicKey& key) const {
  auto tbs = ToBeSigned();
  if (!tbs) return Fail(tbs.error());
  return VerifyWithLabel(key, kGroupInfoTbsLabel, *tbs, signature);
}

// ---- GroupSecrets ---------------------------------------------------------------------------

Result<SecretBytes> GroupSecrets::Encode() const {
  Writer w;
  Status s = w.WriteOpaque(joiner_secret.Expose());
  if (s) {
    w.WritePresence(path_secret.has_value());
    if (path_secret) s = w.WriteOpaque(path_secret->Expose());
  }
  if (s) {
    s = w.WriteVector([&](Writer& v) -> Status {
      for (const PreSharedKeyId& id : psks) {
        if (auto t = id.Encode(v); !t) return t;
      }
      return OkStatus();
    });
  }
  SecretBytes out = TakeSecret(std::move(w));
  if (!s) return Fail(s.error());
  return out;
}

Result<GroupSecrets> GroupSecrets::Decode(Reader& in) {
  Reader r = in;
  GroupSecrets gs;
  auto joiner = ReadSecret(r);
  if (!joiner) return Fail(joiner.error());
  gs.joiner_secret = std::move(*joiner);
  auto present = r.ReadPresence();
  if (!present) return Fail(present.error());
  if (*present) {
    auto ps = ReadSecret(r);
    if (!ps) return Fail(ps.error());
    gs.path_secret = std::move(*ps);
  }
  auto list = r.ReadVector();
  if (!list) return Fail(list.error());
  while (!list->empty()) {
    auto id = PreSharedKeyId::Decode(*list);
    if (!id) return Fail(id.error());
    gs.psks.push_back(std::move(*id));
  }
  in = r;
  return gs;
}

// ---- EncryptedGroupSecrets, Welcome -----------------------------------------------------------

Status EncryptedGroupSecrets::Encode(Writer& w) const {
  if (auto s = w.WriteOpaque(new_member); !s) return s;
  return encrypted_group_secrets.Encode(w);
}

Result<EncryptedGroupSecrets> EncryptedGroupSecrets::Decode(Reader& in) {
  Reader r = in;
  EncryptedGroupSecrets e;
  if (auto s = ReadField(r, e.new_member); !s) return Fail(s.error());
  auto ct = HpkeCiphertext::Decode(r);
  if (!ct) return Fail(ct.error());
  e.encrypted_group_secrets = std::move(*ct);
  in = r;
  return e;
}

Status Welcome::Encode(Writer& w) const {
  w.WriteU16(cipher_suite);
  Status s = w.WriteVector([&](Writer& v) -> Status {
    for (const EncryptedGroupSecrets& e : secrets) {
      if (auto t = e.Encode(v); !t) return t;
    }
    return OkStatus();
  });
  if (!s) return s;
  return w.WriteOpaque(encrypted_group_info);
}

Result<Welcome> Welcome::Decode(Reader& in) {
  Reader r = in;
  Welcome wm;
  if (auto s = ReadField(r, wm.cipher_suite); !s) return Fail(s.error());
  auto list = r.ReadVector();
  if (!list) return Fail(list.error());
  while (!list->empty()) {
    auto e = EncryptedGroupSecrets::Decode(*list);
    if (!e) return Fail(e.error());
    wm.secrets.push_back(std::move(*e));
  }
  if (auto s = ReadField(r, wm.encrypted_group_info); !s) return Fail(s.error());
  in = r;
  return wm;
}

Result<GroupSecrets> Welcome::DecryptSecrets(const CipherSuite& suite,
                                             std::span<const uint8_t> key_package_ref,
                                             const crypto::X25519KeyPair& init_key) const {
  for (const EncryptedGroupSecrets& e : secrets) {
    if (!std::equal(e.new_member.begin(), e.new_member.end(), key_package_ref.begin(), key_package_ref.end()))
      continue;
    auto pt = DecryptWithLabel(suite, init_key, kWelcomeLabel, encrypted_group_info,
                               e.encrypted_group_secrets.kem_output, e.encrypted_group_secrets.ciphertext);
    if (!pt) return Fail(pt.error());
    Reader r(pt->Expose());
    auto gs = GroupSecrets::Decode(r);
    if (!gs) return gs;
    if (auto s = r.Finish(); !s) return Fail(s.error());
    return gs;
  }
  return Fail(Errc::kNoMatchingKeyPackage);
}

Result<EncryptedGroupSecrets> EncryptGroupSecrets(const CipherSuite& suite,
                                                  std::span<const uint8_t> key_package_ref,
                                                  const crypto::X25519PublicKey& init_key,
                                                  std::span<const uint8_t> encrypted_group_info,
                                                  const GroupSecrets& secrets, Random& rng) {
  auto pt = secrets.Encode();
  if (!pt) return Fail(pt.error());
  auto ct = EncryptWithLabel(suite, init_key, kWelcomeLabel, encrypted_group_info, pt->Expose(), rng);
  if (!ct) return Fail(ct.error());
  return EncryptedGroupSecrets{{key_package_ref.begin(), key_package_ref.end()}, std::move(*ct)};
}

Result<std::vector<uint8_t>> EncryptGroupInfo(const CipherSuite& suite, const Secret& welcome_secret,
                                              const GroupInfo& group_info) {
  auto k = DeriveWelcomeKey(suite, welcome_secret);
  if (!k) return Fail(k.error());
  auto pt = EncodeToBytes(group_info);
  if (!pt) return Fail(pt.error());
  auto aead = crypto::Aead::Create(suite.aead, k->key.Expose());
  if (!aead) return Fail(Errc::kInvalidKey);
  auto ct = aead->Seal(k->nonce.Expose(), {}, *pt);
  if (!ct) return Fail(Errc::kValueTooLarge);
  return ct;
}

Result<GroupInfo> DecryptGroupInfo(const CipherSuite& suite, const Secret& welcome_secret,
                                   std::span<const uint8_t> encrypted_group_info) {
  auto k = DeriveWelcomeKey(suite, welcome_secret);
  if (!k) return Fail(k.error());
  auto aead = crypto::Aead::Create(suite.aead, k->key.Expose());
  if (!aead) return Fail(Errc::kInvalidKey);
  auto pt = aead->Open(k->nonce.Expose(), {}, encrypted_group_info);
  if (!pt) return Fail(Errc::kDecryptFailed);
  return DecodeExact<GroupInfo>(pt->Expose());
}

}  // namespace sc::mls
