// RFC 9420 §6.1 (content authentication), §6.2 (PublicMessage, membership tag), §6.3
// (PrivateMessage: content encryption with reuse guard, sender-data encryption).
#include "securecomm/mls/message_protection.h"

#include <algorithm>

#include "securecomm/base/check.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/sender_data.h"
#include "securecomm/mls/signature.h"

namespace sc::mls {
namespace {

constexpr std::string_view kTbsLabel = "FramedContentTBS";

// CheckEpoch: the message is for this group and epoch (§6).
Status CheckEpoch(std::span<const uint8_t> group_id, uint64_t epoch, const GroupContext& ctx) {
  if (!std::equal(group_id.begin(), group_id.end(), ctx.group_id.begin(), ctx.group_id.end())) {
    return Fail(Errc::kWrongGroup);
  }
  if (epoch < ctx.epoch) return Fail(Errc::kEpochInPast);
  if (epoch > ctx.epoch) return Fail(Errc::kEpochInFuture);
  return OkStatus();
}

// MembershipTag returns MAC(membership_key, FramedContentTBS || FramedContentAuthData).
Result<crypto::HmacSha256Tag> MembershipTag(std::span<const uint8_t> tbs, const FramedContentAuthData& auth,
                                            ContentType content_type, const Secret& membership_key) {
  Writer w;
  if (auto s = auth.Encode(w, content_type); !s) return Fail(s.error());
  crypto::HmacSha256Key mac(membership_key.Expose());
  return mac.Compute2(tbs, w.bytes());
}

// ApplyReuseGuard XORs the guard into the nonce's first four bytes (§6.3.1).
void ApplyReuseGuard(SecretBytes& nonce, const std::array<uint8_t, 4>& guard) {
  auto n = nonce.MutableExpose();
  for (size_t i = 0; i < guard.size(); ++i) n[i] ^= guard[i];
}

RatchetType RatchetFor(ContentType t) {
  return t == ContentType::kApplication ? RatchetType::kApplication : RatchetType::kHandshake;
}

// Seal / Open with a one-shot AEAD context; every failure to open is kDecryptFailed.
Result<std::vector<uint8_t>> Seal(const CipherSuite& suite, std::span<const uint8_t> key,
                                  std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                                  std::span<const uint8_t> plaintext) {
  auto aead = crypto::Aead::Create(suite.aead, key);
  if (!aead) return Fail(Errc::kInvalidKey);
  auto ct = aead->Seal(nonce, aad, plaintext);
  if (!ct) return Fail(Errc::kValueTooLarge);
  return ct;
}

Result<SecretBytes> Open(const CipherSuite& suite, std::span<const uint8_t> key,
                         std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                         std::span<const uint8_t> ciphertext) {
  auto aead = crypto::Aead::Create(suite.aead, key);
  if (!aead) return Fail(Errc::kInvalidKey);
  auto pt = aead->Open(nonce, aad, ciphertext);
  if (!pt) return Fail(Errc::kDecryptFailed);
  return pt;
}

bool ExternalMayPropose(ProposalType t) {
  return t == ProposalType::kAdd || t == ProposalType::kRemove || t == ProposalType::kPsk ||
         t == ProposalType::kReinit || t == ProposalType::kGroupContextExtensions;
}

}  // namespace

Result<AuthenticatedContent> SignContent(WireFormat wire_format, FramedContent content,
                                         std::span<const uint8_t> encoded_context,
                                         const crypto::Ed25519KeyPair& key) {
  auto tbs = EncodeFramedContentTbs(wire_format, content, encoded_context);
  if (!tbs) return Fail(tbs.error());
  auto sig = SignWithLabel(key, kTbsLabel, tbs->Expose());
  if (!sig) return Fail(sig.error());
  AuthenticatedContent ac;
  ac.wire_format = wire_format;
  ac.content = std::move(content);
  ac.auth.signature.assign(sig->span().begin(), sig->span().end());
  return ac;
}

Status VerifyContentSignature(const AuthenticatedContent& ac, std::span<const uint8_t> encoded_context,
                              const crypto::Ed25519PublicKey& key) {
  auto tbs = EncodeFramedContentTbs(ac.wire_format, ac.content, encoded_context);
  if (!tbs) return Fail(tbs.error());
  return VerifyWithLabel(key, kTbsLabel, tbs->Expose(), ac.auth.signature);
}

Status CheckSenderContent(WireFormat wire_format, const FramedContent& content) {
  const ContentType t = content.content_type;
  switch (content.sender.sender_type) {
    case SenderType::kMember:
      if (wire_format == WireFormat::kPublicMessage && t == ContentType::kApplication) {
        return Fail(Errc::kPublicApplicationMessage);
      }
      return OkStatus();
    case SenderType::kExternal:
      if (wire_format == WireFormat::kPrivateMessage) return Fail(Errc::kSenderNotMember);
      if (t != ContentType::kProposal || !ExternalMayPropose(content.proposal.proposal_type())) {
        return Fail(Errc::kContentTypeNotAllowed);
      }
      return OkStatus();
    case SenderType::kNewMemberProposal:
      if (wire_format == WireFormat::kPrivateMessage) return Fail(Errc::kSenderNotMember);
      if (t != ContentType::kProposal || content.proposal.proposal_type() != ProposalType::kAdd) {
        return Fail(Errc::kContentTypeNotAllowed);
      }
      return OkStatus();
    case SenderType::kNewMemberCommit:
      if (wire_format == WireFormat::kPrivateMessage) return Fail(Errc::kSenderNotMember);
      if (t != ContentType::kCommit) return Fail(Errc::kContentTypeNotAllowed);
      return OkStatus();
  }
  return Fail(Errc::kInvalidSenderType);
}

Result<PublicMessage> ProtectPublic(const AuthenticatedContent& ac, const ProtectionEpoch& epoch) {
  if (ac.wire_format != WireFormat::kPublicMessage) return Fail(Errc::kInvalidWireFormat);
  if (auto s = CheckSenderContent(ac.wire_format, ac.content); !s) return Fail(s.error());
  PublicMessage m;
  if (ac.content.sender.sender_type == SenderType::kMember) {
    auto tbs = EncodeFramedContentTbs(ac.wire_format, ac.content, epoch.encoded_context);
    if (!tbs) return Fail(tbs.error());
    auto tag = MembershipTag(tbs->Expose(), ac.auth, ac.content.content_type, *epoch.membership_key);
    if (!tag) return Fail(tag.error());
    m.membership_tag.assign(tag->span().begin(), tag->span().end());
  }
  m.content.group_id = ac.content.group_id;
  m.content.epoch = ac.content.epoch;
  m.content.sender = ac.content.sender;
  m.content.authenticated_data = ac.content.authenticated_data;
  m.content.content_type = ac.content.content_type;
  m.content.proposal = ac.content.proposal;
  m.content.commit = ac.content.commit;
  m.auth = ac.auth;
  return m;
}

Result<AuthenticatedContent> UnprotectPublic(const PublicMessage& m, const ProtectionEpoch& epoch,
                                             const SignatureKeyLookup& lookup) {
  const FramedContent& c = m.content;
  if (auto s = CheckEpoch(c.group_id, c.epoch, *epoch.context); !s) return Fail(s.error());
  if (auto s = CheckSenderContent(WireFormat::kPublicMessage, c); !s) return Fail(s.error());
  auto tbs = EncodeFramedContentTbs(WireFormat::kPublicMessage, c, epoch.encoded_context);
  if (!tbs) return Fail(tbs.error());
  if (c.sender.sender_type == SenderType::kMember) {
    auto tag = MembershipTag(tbs->Expose(), m.auth, c.content_type, *epoch.membership_key);
    if (!tag) return Fail(tag.error());
    if (!ConstantTimeEqual(tag->span(), m.membership_tag)) return Fail(Errc::kBadMembershipTag);
  }
  auto key = lookup(c);
  if (!key) return Fail(key.error());
  if (auto s = VerifyWithLabel(*key, kTbsLabel, tbs->Expose(), m.auth.signature); !s) return Fail(s.error());
  AuthenticatedContent ac;
  ac.wire_format = WireFormat::kPublicMessage;
  ac.content.group_id = c.group_id;
  ac.content.epoch = c.epoch;
  ac.content.sender = c.sender;
  ac.content.authenticated_data = c.authenticated_data;
  ac.content.content_type = c.content_type;
  ac.content.proposal = c.proposal;
  ac.content.commit = c.commit;
  ac.auth = m.auth;
  return ac;
}

Result<PrivateMessage> ProtectPrivate(const AuthenticatedContent& ac, const ProtectionEpoch& epoch,
                                      Random& rng, size_t padding) {
  const FramedContent& c = ac.content;
  if (ac.wire_format != WireFormat::kPrivateMessage) return Fail(Errc::kInvalidWireFormat);
  if (c.sender.sender_type != SenderType::kMember) return Fail(Errc::kSenderNotMember);
  const CipherSuite& suite = *epoch.suite;

  PrivateMessage m;
  m.group_id = c.group_id;
  m.epoch = c.epoch;
  m.content_type = c.content_type;
  m.authenticated_data = c.authenticated_data;

  auto plaintext = EncodePrivateMessageContent(c, ac.auth, padding);
  if (!plaintext) return Fail(plaintext.error());
  auto aad = EncodePrivateContentAad(m);
  if (!aad) return Fail(aad.error());

  auto keys = epoch.secret_tree->Next(LeafIndex{c.sender.index}, RatchetFor(c.content_type));
  if (!keys) return Fail(keys.error());
  SenderData sd{c.sender.index, keys->generation, {}};
  rng.Fill(sd.reuse_guard);
  ApplyReuseGuard(keys->nonce, sd.reuse_guard);
  auto ct = Seal(suite, keys->key.Expose(), keys->nonce.Expose(), *aad, plaintext->Expose());
  if (!ct) return Fail(ct.error());
  m.ciphertext = std::move(*ct);

  const SenderDataKeys sdk = DeriveSenderDataKeys(suite, *epoch.sender_data_secret, m.ciphertext);
  auto sd_bytes = EncodeToBytes(sd);
  auto sd_aad = EncodeSenderDataAad(m);
  if (!sd_bytes || !sd_aad) return Fail(Errc::kValueTooLarge);
  auto esd = Seal(suite, sdk.key.Expose(), sdk.nonce.Expose(), *sd_aad, *sd_bytes);
  if (!esd) return Fail(esd.error());
  m.encrypted_sender_data = std::move(*esd);
  return m;
}

Result<AuthenticatedContent> UnprotectPrivate(const PrivateMessage& m, const ProtectionEpoch& epoch,
                                              const SignatureKeyLookup& lookup) {
  if (auto s = CheckEpoch(m.group_id, m.epoch, *epoch.context); !s) return Fail(s.error());
  const CipherSuite& suite = *epoch.suite;

  // SenderData (§6.3.2).
  const SenderDataKeys sdk = DeriveSenderDataKeys(suite, *epoch.sender_data_secret, m.ciphertext);
  auto sd_aad = EncodeSenderDataAad(m);
  if (!sd_aad) return Fail(sd_aad.error());
  auto sd_bytes = Open(suite, sdk.key.Expose(), sdk.nonce.Expose(), *sd_aad, m.encrypted_sender_data);
  if (!sd_bytes) return Fail(sd_bytes.error());
  auto sd = DecodeExact<SenderData>(sd_bytes->Expose());
  if (!sd) return Fail(sd.error());
  if (sd->leaf_index >= epoch.secret_tree->leaf_count().value) return Fail(Errc::kInvalidLeafIndex);

  AuthenticatedContent ac;
  ac.wire_format = WireFormat::kPrivateMessage;
  FramedContent& c = ac.content;
  c.group_id = m.group_id;
  c.epoch = m.epoch;
  c.sender = Sender::Member(sd->leaf_index);
  c.authenticated_data = m.authenticated_data;
  c.content_type = m.content_type;
  // The signer's key first (a blank leaf is refused before any ratchet moves); the signature is
  // checked once the content is known.
  auto key = lookup(c);
  if (!key) return Fail(key.error());

  // Content (§6.3.1).
  auto keys = epoch.secret_tree->Get(LeafIndex{sd->leaf_index}, RatchetFor(m.content_type), sd->generation);
  if (!keys) return Fail(keys.error());
  ApplyReuseGuard(keys->nonce, sd->reuse_guard);
  auto aad = EncodePrivateContentAad(m);
  if (!aad) return Fail(aad.error());
  auto plaintext = Open(suite, keys->key.Expose(), keys->nonce.Expose(), *aad, m.ciphertext);
  if (!plaintext) return Fail(plaintext.error());
  auto auth = DecodePrivateMessageContent(plaintext->Expose(), c);
  if (!auth) return Fail(auth.error());
  ac.auth = std::move(*auth);

  if (auto s = VerifyContentSignature(ac, epoch.encoded_context, *key); !s) return Fail(s.error());
  return ac;
}

}  // namespace sc::mls
