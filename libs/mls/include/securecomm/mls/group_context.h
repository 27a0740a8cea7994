// group_context.h: GroupContext (RFC 9420 §8.1), the summary of a group's state that every key
// schedule step binds, and Extension (§7.2), its list element.
//
//   struct {
//       ProtocolVersion version = mls10;
//       CipherSuite cipher_suite;
//       opaque group_id<V>;
//       uint64 epoch;
//       opaque tree_hash<V>;
//       opaque confirmed_transcript_hash<V>;
//       Extension extensions<V>;
//   } GroupContext;
//
//   struct { ExtensionType extension_type; opaque extension_data<V>; } Extension;
//
//   GroupContext ctx{...};
//   Result<std::vector<uint8_t>> bytes = ctx.Encode();
//   Result<GroupContext> back = GroupContext::Decode(bytes);   // strict: no trailing bytes
//
// Decode refuses a version other than mls10 (kUnsupportedVersion) and every codec error; it
// does not check that the suite is supported or the extensions are known (the group does).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/mls/codec.h"

namespace sc::mls {

// ProtocolVersion mls10 (§6).
inline constexpr uint16_t kProtocolVersionMls10 = 1;

struct Extension {
  uint16_t extension_type = 0;
  std::vector<uint8_t> extension_data;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<Extension> Decode(Reader& r);
  friend bool operator==(const Extension&, const Extension&) = default;
};

// EncodeExtensions / DecodeExtensions: Extension extensions<V>.
[[nodiscard]] Status EncodeExtensions(Writer& w, const std::vector<Extension>& extensions);
[[nodiscard]] Result<std::vector<Extension>> DecodeExtensions(Reader& r);

struct GroupContext {
  uint16_t version = kProtocolVersionMls10;
  uint16_t cipher_suite = 0;
  std::vector<uint8_t> group_id;
  uint64_t epoch = 0;
  std::vector<uint8_t> tree_hash;
  std::vector<uint8_t> confirmed_transcript_hash;
  std::vector<Extension> extensions;

  // Encode returns the encoded GroupContext; kValueTooLarge if a field is over kMaxVectorLength.
  [[nodiscard]] Result<std::vector<uint8_t>> Encode() const;
  // Decode parses exactly one GroupContext from `bytes`.
  [[nodiscard]] static Result<GroupContext> Decode(std::span<const uint8_t> bytes);
  // Decode reads one GroupContext from `r` (nothing consumed on error).
  [[nodiscard]] static Result<GroupContext> Decode(Reader& r);
  friend bool operator==(const GroupContext&, const GroupContext&) = default;
};

}  // namespace sc::mls
