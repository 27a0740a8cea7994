// RFC 9420 §7.2 (Extension), §8.1 (GroupContext).
#include "securecomm/mls/group_context.h"

#include "securecomm/mls/errors.h"

namespace sc::mls {
Status Extension::Encode(Writer& w) const {
  w.WriteU16(extension_type);
  return w.WriteOpaque(extension_data);
}

Result<Extension> Extension::Decode(Reader& r) {
  Extension e;
  Status s = ReadField(r, e.extension_type);
  if (s) s = ReadField(r, e.extension_data);
  if (!s) return Fail(s.error());
  return e;
}

Status EncodeExtensions(Writer& w, const std::vector<Extension>& extensions) {
  return w.WriteVector([&](Writer& v) -> Status {
    for (const Extension& e : extensions) {
      if (auto s = e.Encode(v); !s) return s;
    }
    return OkStatus();
  });
}

Result<std::vector<Extension>> DecodeExtensions(Reader& r) {
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  std::vector<Extension> out;
  while (!body->empty()) {
    auto e = Extension::Decode(*body);
    if (!e) return Fail(e.error());
    out.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<uint8_t>> GroupContext::Encode() const {
  Writer w;
  w.WriteU16(version);
  w.WriteU16(cipher_suite);
  Status s = w.WriteOpaque(group_id);
  if (s) {
    w.WriteU64(epoch);
    s = w.WriteOpaque(tree_hash);
  }
  if (s) s = w.WriteOpaque(confirmed_transcript_hash);
  if (s) s = EncodeExtensions(w, extensions);
  if (!s) return Fail(s.error());
  return std::move(w).Take();
}

Result<GroupContext> GroupContext::Decode(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  auto c = Decode(r);
  if (!c) return c;
  if (auto s = r.Finish(); !s) return Fail(s.error());
  return c;
}

Result<GroupContext> GroupContext::Decode(Reader& in) {
  Reader r = in;
  GroupContext c;
  Status s = ReadField(r, c.version);
  if (s && c.version != kProtocolVersionMls10) s = Fail(Errc::kUnsupportedVersion);
  if (s) s = ReadField(r, c.cipher_suite);
  if (s) s = ReadField(r, c.group_id);
  if (s) s = ReadField(r, c.epoch);
  if (s) s = ReadField(r, c.tree_hash);
  if (s) s = ReadField(r, c.confirmed_transcript_hash);
  if (s) {
    auto ext = DecodeExtensions(r);
    if (ext) {
      c.extensions = std::move(*ext);
    } else {
      s = Fail(ext.error());
    }
  }
  if (!s) return Fail(s.error());
  in = r;
  return c;
}

}  // namespace sc::mls
