// framing.h: the wire structures of MLS message framing (RFC 9420 §6) with strict encode and
// decode: Sender, FramedContent, FramedContentTBS, FramedContentAuthData, AuthenticatedContent,
// PublicMessage, PrivateMessage with PrivateMessageContent and SenderData, and the MLSMessage
// envelope. Message protection (signatures, membership tags, encryption) is in
// message_protection.h; the structures here carry bytes and check syntax only.
//
//   Result<MlsMessage> m = DecodeExact<MlsMessage>(bytes);   // one message, no trailing bytes
//   if (m->wire_format == WireFormat::kPrivateMessage) { ... m->private_message ... }
//   Result<std::vector<uint8_t>> back = EncodeToBytes(*m);    // byte for byte the same
//
// Every decoder refuses the reserved value (0) and values this version does not define for
// ProtocolVersion (kUnsupportedVersion), WireFormat (kInvalidWireFormat), ContentType
// (kInvalidContentType) and SenderType (kInvalidSenderType), besides every codec error; a
// failed decode consumes nothing. Which sender may send which content is message protection's
// check, not the decoder's. Application data is plaintext: it is held in SecretBytes, wiped when
// freed. Value types, no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/proposal.h"

namespace sc::mls {

// uint16 WireFormat (§17.2 "MLS Wire Formats"). Append only; never renumber.
enum class WireFormat : uint16_t {
  kPublicMessage = 1,
  kPrivateMessage = 2,
  kWelcome = 3,
  kGroupInfo = 4,
  kKeyPackage = 5,
};

// enum { reserved(0), application(1), proposal(2), commit(3), (255) } ContentType;
enum class ContentType : uint8_t { kApplication = 1, kProposal = 2, kCommit = 3 };

// enum { reserved(0), member(1), external(2), new_member_proposal(3), new_member_commit(4),
//        (255) } SenderType;
enum class SenderType : uint8_t { kMember = 1, kExternal = 2, kNewMemberProposal = 3, kNewMemberCommit = 4 };

// struct {
//     SenderType sender_type;
//     select (Sender.sender_type) {
//         case member:              uint32 leaf_index;
//         case external:            uint32 sender_index;
//         case new_member_commit:
//         case new_member_proposal: struct{};
//     };
// } Sender;
struct Sender {
  SenderType sender_type = SenderType::kMember;
  uint32_t index = 0;  // leaf_index (member) or sender_index (external); 0 otherwise

  static Sender Member(uint32_t leaf_index) { return {SenderType::kMember, leaf_index}; }

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<Sender> Decode(Reader& r);
  friend bool operator==(const Sender&, const Sender&) = default;
};

// struct {
//     opaque group_id<V>;
//     uint64 epoch;
//     Sender sender;
//     opaque authenticated_data<V>;
//     ContentType content_type;
//     select (FramedContent.content_type) {
//         case application: opaque application_data<V>;
//         case proposal:    Proposal proposal;
//         case commit:      Commit commit;
//     };
// } FramedContent;
struct FramedContent {
  std::vector<uint8_t> group_id;
  uint64_t epoch = 0;
  Sender sender;
  std::vector<uint8_t> authenticated_data;
  ContentType content_type = ContentType::kApplication;
  SecretBytes application_data;  // kApplication
  Proposal proposal;             // kProposal
  Commit commit;                 // kCommit

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<FramedContent> Decode(Reader& r);
  // EncodeBody / DecodeBody: the select arm alone (PrivateMessageContent starts with it).
  [[nodiscard]] Status EncodeBody(Writer& w) const;
  [[nodiscard]] Status DecodeBody(Reader& r);
};

// EncodeContentType / DecodeContentType: one ContentType octet (kInvalidContentType unless 1..3).
void EncodeContentType(Writer& w, ContentType t);
[[nodiscard]] Result<ContentType> DecodeContentType(Reader& r);

// EncodeWireFormat / DecodeWireFormat: one uint16 WireFormat (kInvalidWireFormat unless 1..5).
void EncodeWireFormat(Writer& w, WireFormat f);
[[nodiscard]] Result<WireFormat> DecodeWireFormat(Reader& r);

// opaque MAC<V>;
// struct {
//     opaque signature<V>;   /* SignWithLabel(., "FramedContentTBS", FramedContentTBS) */
//     select (FramedContent.content_type) {
//         case commit:      MAC confirmation_tag;
//         case application:
//         case proposal:    struct{};
//     };
// } FramedContentAuthData;
struct FramedContentAuthData {
  std::vector<uint8_t> signature;
  std::vector<uint8_t> confirmation_tag;  // commit only

  [[nodiscard]] Status Encode(Writer& w, ContentType content_type) const;
  [[nodiscard]] static Result<FramedContentAuthData> Decode(Reader& r, ContentType content_type);
  friend bool operator==(const FramedContentAuthData&, const FramedContentAuthData&) = default;
};

// struct {
//     ProtocolVersion version = mls10;
//     WireFormat wire_format;
//     FramedContent content;
//     select (FramedContentTBS.content.sender.sender_type) {
//         case member:
//         case new_member_commit:   GroupContext context;
//         case external:
//         case new_member_proposal: struct{};
//     };
// } FramedContentTBS;
//
// EncodeFramedContentTbs returns FramedContentTBS; `group_context` is the encoded GroupContext
// of the epoch, written only for the sender types that bind it. It holds application data, so it
// comes back in a zeroizing buffer.
[[nodiscard]] Result<SecretBytes> EncodeFramedContentTbs(WireFormat wire_format, const FramedContent& content,
                                                         std::span<const uint8_t> group_context);

// TakeSecret moves a Writer's bytes into SecretBytes and wipes the Writer's final buffer. (The
// codec's Writer grows a plain vector: blocks it outgrew are freed unwiped, a limit of codec.h.)
[[nodiscard]] SecretBytes TakeSecret(Writer&& w);

// struct {
//     WireFormat wire_format;
//     FramedContent content;
//     FramedContentAuthData auth;
// } AuthenticatedContent;
struct AuthenticatedContent {
  WireFormat wire_format = WireFormat::kPrivateMessage;
  FramedContent content;
  FramedContentAuthData auth;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<AuthenticatedContent> Decode(Reader& r);
};

// struct {
//     FramedContent content;
//     FramedContentAuthData auth;
//     select (PublicMessage.content.sender.sender_type) {
//         case member:              MAC membership_tag;
//         case external:
//         case new_member_commit:
//         case new_member_proposal: struct{};
//     };
// } PublicMessage;
struct PublicMessage {
  FramedContent content;
  FramedContentAuthData auth;
  std::vector<uint8_t> membership_tag;  // member senders only

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<PublicMessage> Decode(Reader& r);
};

// struct {
//     opaque group_id<V>;
//     uint64 epoch;
//     ContentType content_type;
//     opaque authenticated_data<V>;
//     opaque encrypted_sender_data<V>;
//     opaque ciphertext<V>;
// } PrivateMessage;
struct PrivateMessage {
  std::vector<uint8_t> group_id;
  uint64_t epoch = 0;
  ContentType content_type = ContentType::kApplication;
  std::vector<uint8_t> authenticated_data;
  std::vector<uint8_t> encrypted_sender_data;
  std::vector<uint8_t> ciphertext;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<PrivateMessage> Decode(Reader& r);
  friend bool operator==(const PrivateMessage&, const PrivateMessage&) = default;
};

// struct {
//     select (PrivateMessage.content_type) {
//         case application: opaque application_data<V>;
//         case proposal:    Proposal proposal;
//         case commit:      Commit commit;
//     };
//     FramedContentAuthData auth;
//     opaque padding[length_of_padding];
// } PrivateMessageContent;
//
// EncodePrivateMessageContent returns the plaintext: the select arm of `content`, `auth`, then
// `padding` zero bytes, in a zeroizing buffer. DecodePrivateMessageContent reads the select arm
// of `content_type` into `content` (its header fields are left as they are) and returns the auth;
// the rest is padding and must be all zero (kNonZeroPadding, §6.3.1).
[[nodiscard]] Result<SecretBytes> EncodePrivateMessageContent(const FramedContent& content,
                                                              const FramedContentAuthData& auth,
                                                              size_t padding);
[[nodiscard]] Result<FramedContentAuthData> DecodePrivateMessageContent(std::span<const uint8_t> plaintext,
                                                                        FramedContent& content);

// struct {
//     opaque group_id<V>;
//     uint64 epoch;
//     ContentType content_type;
//     opaque authenticated_data<V>;
// } PrivateContentAAD;
[[nodiscard]] Result<std::vector<uint8_t>> EncodePrivateContentAad(const PrivateMessage& m);

// struct { opaque group_id<V>; uint64 epoch; ContentType content_type; } SenderDataAAD;
[[nodiscard]] Result<std::vector<uint8_t>> EncodeSenderDataAad(const PrivateMessage& m);

// struct {
//     uint32 leaf_index;
//     uint32 generation;
//     opaque reuse_guard[4];
// } SenderData;
struct SenderData {
  uint32_t leaf_index = 0;
  uint32_t generation = 0;
  std::array<uint8_t, 4> reuse_guard{};

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<SenderData> Decode(Reader& r);
  friend bool operator==(const SenderData&, const SenderData&) = default;
};

// struct {
//     ProtocolVersion version = mls10;
//     WireFormat wire_format;
//     select (MLSMessage.wire_format) {
//         case mls_public_message:  PublicMessage public_message;
//         case mls_private_message: PrivateMessage private_message;
//         case mls_welcome:         Welcome welcome;
//         case mls_group_info:      GroupInfo group_info;
//         case mls_key_package:     KeyPackage key_package;
//     };
// } MLSMessage;
//
// Welcome, GroupInfo and KeyPackage are kept as their encoded bytes (`body`), checked on decode
// by their own decoders (welcome.h, key_package.h), which the caller runs again on `body` to get
// the values: the bytes are what KeyPackageRef hashes and what re-encodes byte for byte.
struct MlsMessage {
  WireFormat wire_format = WireFormat::kPrivateMessage;
  PublicMessage public_message;    // kPublicMessage
  PrivateMessage private_message;  // kPrivateMessage
  std::vector<uint8_t> body;       // kWelcome, kGroupInfo, kKeyPackage: the encoded structure

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<MlsMessage> Decode(Reader& r);
};

}  // namespace sc::mls
