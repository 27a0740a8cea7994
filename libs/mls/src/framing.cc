// RFC 9420 §6 (framing), §6.1 (FramedContentTBS, FramedContentAuthData), §6.2 (PublicMessage),
// §6.3 (PrivateMessage, PrivateMessageContent, SenderData and the AADs).
#include "securecomm/mls/framing.h"

#include <algorithm>

#include "securecomm/mls/errors.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/key_package.h"
#include "securecomm/mls/limits.h"
#include "securecomm/mls/welcome.h"

namespace sc::mls {

void EncodeContentType(Writer& w, ContentType t) {
  w.WriteU8(static_cast<uint8_t>(t));
}

Result<ContentType> DecodeContentType(Reader& r) {
  Reader probe = r;
  auto t = probe.ReadU8();
  if (!t) return Fail(t.error());
  if (*t < static_cast<uint8_t>(ContentType::kApplication) ||
      *t > static_cast<uint8_t>(ContentType::kCommit)) {
    return Fail(Errc::kInvalidContentType);
  }
  r = probe;
  return static_cast<ContentType>(*t);
}

void EncodeWireFormat(Writer& w, WireFormat f) {
  w.WriteU16(static_cast<uint16_t>(f));
}

Result<WireFormat> DecodeWireFormat(Reader& r) {
  Reader probe = r;
  auto f = probe.ReadU16();
  if (!f) return Fail(f.error());
  if (*f < static_cast<uint16_t>(WireFormat::kPublicMessage) ||
      *f > static_cast<uint16_t>(WireFormat::kKeyPackage)) {
    return Fail(Errc::kInvalidWireFormat);
  }
  r = probe;
  return static_cast<WireFormat>(*f);
}

Status Sender::Encode(Writer& w) const {
  w.WriteU8(static_cast<uint8_t>(sender_type));
  if (sender_type == SenderType::kMember || sender_type == SenderType::kExternal) w.WriteU32(index);
  return OkStatus();
}

Result<Sender> Sender::Decode(Reader& r) {
  Reader probe = r;
  auto t = probe.ReadU8();
  if (!t) return Fail(t.error());
  if (*t < static_cast<uint8_t>(SenderType::kMember) ||
      *t > static_cast<uint8_t>(SenderType::kNewMemberCommit)) {
    return Fail(Errc::kInvalidSenderType);
  }
  Sender s{static_cast<SenderType>(*t), 0};
  if (s.sender_type == SenderType::kMember || s.sender_type == SenderType::kExternal) {
    if (auto st = ReadField(probe, s.index); !st) return Fail(st.error());
  }
  r = probe;
  return s;
}

Status FramedContent::EncodeBody(Writer& w) const {
  switch (content_type) {
    case ContentType::kApplication:
      return w.WriteOpaque(application_data.Expose());
    case ContentType::kProposal:
      return proposal.Encode(w);
    case ContentType::kCommit:
      return commit.Encode(w);
  }
  return Fail(Errc::kInvalidContentType);
}

Status FramedContent::DecodeBody(Reader& r) {
  switch (content_type) {
    case ContentType::kApplication: {
      auto data = r.ReadOpaque();
      if (!data) return Fail(data.error());
      application_data = SecretBytes(*data);
      return OkStatus();
    }
    case ContentType::kProposal: {
      auto p = Proposal::Decode(r);
      if (!p) return Fail(p.error());
      proposal = std::move(*p);
      return OkStatus();
    }
    case ContentType::kCommit: {
      auto c = Commit::Decode(r);
      if (!c) return Fail(c.error());
      commit = std::move(*c);
      return OkStatus();
    }
  }
  return Fail(Errc::kInvalidContentType);
}

Status FramedContent::Encode(Writer& w) const {
  Status s = w.WriteOpaque(group_id);
  if (s) {
    w.WriteU64(epoch);
    s = sender.Encode(w);
  }
  if (s) s = w.WriteOpaque(authenticated_data);
  if (s) {
    EncodeContentType(w, content_type);
    s = EncodeBody(w);
  }
  return s;
}

Result<FramedContent> FramedContent::Decode(Reader& r) {
  Reader probe = r;
  FramedContent c;
  Status s = ReadField(probe, c.group_id);
  if (s) s = ReadField(probe, c.epoch);
  if (s) {
    auto sender = Sender::Decode(probe);
    s = sender.map([&](const Sender& v) { c.sender = v; });
  }
  if (s) s = ReadField(probe, c.authenticated_data);
  if (s) {
    auto t = DecodeContentType(probe);
    s = t.map([&](ContentType v) { c.content_type = v; });
  }
  if (s) s = c.DecodeBody(probe);
  if (!s) return Fail(s.error());
  r = probe;
  return c;
}

Status FramedContentAuthData::Encode(Writer& w, ContentType content_type) const {
  Status s = w.WriteOpaque(signature);
  if (s && content_type == ContentType::kCommit) s = w.WriteOpaque(confirmation_tag);
  return s;
}

Result<FramedContentAuthData> FramedContentAuthData::Decode(Reader& r, ContentType content_type) {
  Reader probe = r;
  FramedContentAuthData a;
  Status s = ReadField(probe, a.signature);
  if (s && content_type == ContentType::kCommit) s = ReadField(probe, a.confirmation_tag);
  if (!s) return Fail(s.error());
  r = probe;
  return a;
}

SecretBytes TakeSecret(Writer&& w) {
  std::vector<uint8_t> bytes = std::move(w).Take();
  SecretBytes out(bytes);
  SecureWipe(bytes);
  return out;
}

Result<SecretBytes> EncodeFramedContentTbs(WireFormat wire_format, const FramedContent& content,
                                           std::span<const uint8_t> group_context) {
  Writer w;
  w.WriteU16(kProtocolVersionMls10);
  EncodeWireFormat(w, wire_format);
  Status s = content.Encode(w);
  const SenderType t = content.sender.sender_type;
  if (s && (t == SenderType::kMember || t == SenderType::kNewMemberCommit)) w.WriteFixed(group_context);
  SecretBytes tbs = TakeSecret(std::move(w));
  if (!s) return Fail(s.error());
  return tbs;
}

Status AuthenticatedContent::Encode(Writer& w) const {
  EncodeWireFormat(w, wire_format);
  Status s = content.Encode(w);
  if (s) s = auth.Encode(w, content.content_type);
  return s;
}

Result<AuthenticatedContent> AuthenticatedContent::Decode(Reader& r) {
  Reader probe = r;
  AuthenticatedContent a;
  auto f = DecodeWireFormat(probe);
  if (!f) return Fail(f.error());
  a.wire_format = *f;
  auto c = FramedContent::Decode(probe);
  if (!c) return Fail(c.error());
  a.content = std::move(*c);
  auto auth = FramedContentAuthData::Decode(probe, a.content.content_type);
  if (!auth) return Fail(auth.error());
  a.auth = std::move(*auth);
  r = probe;
  return a;
}

Status PublicMessage::Encode(Writer& w) const {
  Status s = content.Encode(w);
  if (s) s = auth.Encode(w, content.content_type);
  if (s && content.sender.sender_type == SenderType::kMember) s = w.WriteOpaque(membership_tag);
  return s;
}

Result<PublicMessage> PublicMessage::Decode(Reader& r) {
  Reader probe = r;
  PublicMessage m;
  auto c = FramedContent::Decode(probe);
  if (!c) return Fail(c.error());
  m.content = std::move(*c);
  auto auth = FramedContentAuthData::Decode(probe, m.content.content_type);
  if (!auth) return Fail(auth.error());
  m.auth = std::move(*auth);
  if (m.content.sender.sender_type == SenderType::kMember) {
    if (auto s = ReadField(probe, m.membership_tag); !s) return Fail(s.error());
  }
  r = probe;
  return m;
}

Status PrivateMessage::Encode(Writer& w) const {
  Status s = w.WriteOpaque(group_id);
  if (s) {
    w.WriteU64(epoch);
    EncodeContentType(w, content_type);
    s = w.WriteOpaque(authenticated_data);
  }
  if (s) s = w.WriteOpaque(encrypted_sender_data);
  if (s) s = w.WriteOpaque(ciphertext);
  return s;
}

Result<PrivateMessage> PrivateMessage::Decode(Reader& r) {
  Reader probe = r;
  PrivateMessage m;
  Status s = ReadField(probe, m.group_id);
  if (s) s = ReadField(probe, m.epoch);
  if (s) {
    auto t = DecodeContentType(probe);
    s = t.map([&](ContentType v) { m.content_type = v; });
  }
  if (s) s = ReadField(probe, m.authenticated_data);
  if (s) s = ReadField(probe, m.encrypted_sender_data);
  if (s) s = ReadField(probe, m.ciphertext);
  if (!s) return Fail(s.error());
  r = probe;
  return m;
}

Result<SecretBytes> EncodePrivateMessageContent(const FramedContent& content,
                                                const FramedContentAuthData& auth, size_t padding) {
  SecretBytes out;
  if (content.content_type == ContentType::kApplication) {
    // Written straight into the zeroizing buffer: the plaintext never sits in a Writer.
    Writer header;
    if (auto s = header.WriteVarint(content.application_data.size()); !s) return Fail(s.error());
    if (content.application_data.size() > kMaxVectorLength) return Fail(Errc::kValueTooLarge);
    out.Append(header.bytes());
    out.Append(content.application_data.Expose());
  } else {
    Writer body;
    if (auto s = content.EncodeBody(body); !s) return Fail(s.error());
    out.Append(body.bytes());
  }
  Writer tail;
  if (auto s = auth.Encode(tail, content.content_type); !s) return Fail(s.error());
  out.Append(tail.bytes());
  out.Resize(out.size() + padding);
  return out;
}

Result<FramedContentAuthData> DecodePrivateMessageContent(std::span<const uint8_t> plaintext,
                                                          FramedContent& content) {
  Reader r(plaintext);
  if (auto s = content.DecodeBody(r); !s) return Fail(s.error());
  auto auth = FramedContentAuthData::Decode(r, content.content_type);
  if (!auth) return Fail(auth.error());
  auto padding = r.ReadFixed(r.remaining());
  if (!std::all_of(padding->begin(), padding->end(), [](uint8_t b) { return b == 0; })) {
    return Fail(Errc::kNonZeroPadding);
  }
  return auth;
}

namespace {

Status WriteSenderDataAad(Writer& w, const PrivateMessage& m) {
  Status s = w.WriteOpaque(m.group_id);
  if (s) {
    w.WriteU64(m.epoch);
    EncodeContentType(w, m.content_type);
  }
  return s;
}

}  // namespace

Result<std::vector<uint8_t>> EncodePrivateContentAad(const PrivateMessage& m) {
  Writer w;
  Status s = WriteSenderDataAad(w, m);
  if (s) s = w.WriteOpaque(m.authenticated_data);
  if (!s) return Fail(s.error());
  return std::move(w).Take();
}

Result<std::vector<uint8_t>> EncodeSenderDataAad(const PrivateMessage& m) {
  Writer w;
  if (auto s = WriteSenderDataAad(w, m); !s) return Fail(s.error());
  return std::move(w).Take();
}

Status SenderData::Encode(Writer& w) const {
  w.WriteU32(leaf_index);
  w.WriteU32(generation);
  w.WriteFixed(reuse_guard);
  return OkStatus();
}

Result<SenderData> SenderData::Decode(Reader& r) {
  Reader probe = r;
  SenderData d;
  Status s = ReadField(probe, d.leaf_index);
  if (s) s = ReadField(probe, d.generation);
  if (s) {
    auto g = probe.ReadFixed(d.reuse_guard.size());
    s = g.map([&](std::span<const uint8_t> v) { std::copy(v.begin(), v.end(), d.reuse_guard.begin()); });
  }
  if (!s) return Fail(s.error());
  r = probe;
  return d;
}

Status MlsMessage::Encode(Writer& w) const {
  w.WriteU16(kProtocolVersionMls10);
  EncodeWireFormat(w, wire_format);
  switch (wire_format) {
    case WireFormat::kPublicMessage:
      return public_message.Encode(w);
    case WireFormat::kPrivateMessage:
      return private_message.Encode(w);
    case WireFormat::kWelcome:
    case WireFormat::kGroupInfo:
    case WireFormat::kKeyPackage:
      w.WriteFixed(body);
      return OkStatus();
  }
  return Fail(Errc::kInvalidWireFormat);
}

Result<MlsMessage> MlsMessage::Decode(Reader& r) {
  Reader probe = r;
  auto version = probe.ReadU16();
  if (!version) return Fail(version.error());
  if (*version != kProtocolVersionMls10) return Fail(Errc::kUnsupportedVersion);
  auto f = DecodeWireFormat(probe);
  if (!f) return Fail(f.error());
  MlsMessage m;
  m.wire_format = *f;
  Status s = OkStatus();
  switch (m.wire_format) {
    case WireFormat::kPublicMessage:
      s = PublicMessage::Decode(probe).map([&](PublicMessage&& v) { m.public_message = std::move(v); });
      break;
    case WireFormat::kPrivateMessage:
      s = PrivateMessage::Decode(probe).map([&](PrivateMessage&& v) { m.private_message = std::move(v); });
      break;
    case WireFormat::kWelcome:
    case WireFormat::kGroupInfo:
    case WireFormat::kKeyPackage: {
      // The body is kept as bytes; the typed decoder checks it and finds its end.
      Reader body = probe;
      if (m.wire_format == WireFormat::kWelcome) {
        s = Welcome::Decode(body).map([](auto&&) {});
      } else if (m.wire_format == WireFormat::kGroupInfo) {
        s = GroupInfo::Decode(body).map([](auto&&) {});
      } else {
        s = KeyPackage::Decode(body).map([](auto&&) {});
      }
      if (s) {
        s = probe.ReadFixed(probe.remaining() - body.remaining()).map([&](std::span<const uint8_t> v) {
          m.body.assign(v.begin(), v.end());
        });
      }
      break;
    }
  }
  if (!s) return Fail(s.error());
  r = probe;
  return m;
}

}  // namespace sc::mls
