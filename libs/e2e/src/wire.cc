#include "securecomm/e2e/wire.h"

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/e2e/errors.h"

namespace sc::e2e {
namespace {

constexpr size_t kMaxCiphertextSize = kMaxPlaintextSize + kTagSize;

// ReadPrologue checks size, version and type; on success `r` is past them.
Result<MessageType> ReadPrologue(ByteReader& r, size_t total_size) {
  if (total_size > kMaxMessageSize) return Fail(Errc::kMessageTooLarge);
  auto version = r.ReadU8();
  auto type = r.ReadU8();
  if (!version || !type) return Fail(Errc::kMalformedMessage);
  if (*version != kWireVersion) return Fail(Errc::kUnsupportedVersion);
  if (*type != static_cast<uint8_t>(MessageType::kPrekey) &&
      *type != static_cast<uint8_t>(MessageType::kRatchet)) {
    return Fail(Errc::kUnknownMessageType);
  }
  return static_cast<MessageType>(*type);
}

// ReadKey reads 32 bytes into a public key type.
template <typename Key>
Result<Key> ReadKey(ByteReader& r) {
  auto bytes = r.ReadBytes(Key::kSize);
  if (!bytes) return Fail(Errc::kMalformedMessage);
  return Key(bytes->template first<Key::kSize>());
}

Result<uint32_t> ReadU32(ByteReader& r) {
  auto v = r.ReadU32();
  if (!v) return Fail(Errc::kMalformedMessage);
  return *v;
}

}  // namespace

Result<MessageType> PeekMessageType(std::span<const uint8_t> wire) noexcept {
  ByteReader r(wire);
  return ReadPrologue(r, wire.size());
}

std::array<uint8_t, kRatchetHeaderSize> RatchetHeader::Encode() const noexcept {
  std::array<uint8_t, kRatchetHeaderSize> out{};
  size_t at = 0;
  out[at++] = kWireVersion;
  out[at++] = static_cast<uint8_t>(MessageType::kRatchet);
  for (uint8_t b : dh.span()) out[at++] = b;
  for (uint32_t v : {pn, n}) {
    StoreBe32(std::span(out).subspan(at).first<4>(), v);
    at += 4;
  }
  return out;
}

std::vector<uint8_t> RatchetMessage::Encode() const {
  SC_CHECK(ciphertext.size() >= kTagSize && ciphertext.size() <= kMaxCiphertextSize);
  ByteWriter w(kMaxMessageSize);
  const auto header_bytes = header.Encode();
  SC_CHECK(w.WriteBytes(header_bytes));
  SC_CHECK(w.WriteU32(static_cast<uint32_t>(ciphertext.size())));
  SC_CHECK(w.WriteBytes(ciphertext));
  return std::move(w).Take();
}

Result<RatchetMessage> RatchetMessage::Decode(std::span<const uint8_t> wire) {
  ByteReader r(wire);
  auto type = ReadPrologue(r, wire.size());
  if (!type) return Fail(type.error());
  if (*type != MessageType::kRatchet) return Fail(Errc::kMalformedMessage);
  RatchetMessage m;
  auto dh = ReadKey<crypto::X25519PublicKey>(r);
  if (!dh) return Fail(dh.error());
  m.header.dh = *dh;
  auto pn = ReadU32(r);
  if (!pn) return Fail(pn.error());
  auto n = ReadU32(r);
  if (!n) return Fail(n.error());
  auto length = ReadU32(r);
  if (!length) return Fail(length.error());
  m.header.pn = *pn;
  m.header.n = *n;
  if (*length < kTagSize) return Fail(Errc::kMalformedMessage);
  if (*length > kMaxCiphertextSize) return Fail(Errc::kMessageTooLarge);
  auto ciphertext = r.ReadBytes(*length);  // bounded by the input, itself at most kMaxMessageSize
  if (!ciphertext || !r.Finish()) return Fail(Errc::kMalformedMessage);
  m.ciphertext.assign(ciphertext->begin(), ciphertext->end());
  return m;
}

std::vector<uint8_t> PrekeyMessage::Encode() const {
  const std::vector<uint8_t> inner = message.Encode();
  ByteWriter w(kMaxMessageSize);
  SC_CHECK(w.WriteU8(kWireVersion));
  SC_CHECK(w.WriteU8(static_cast<uint8_t>(MessageType::kPrekey)));
  SC_CHECK(w.WriteBytes(identity_key.span()));
  SC_CHECK(w.WriteBytes(base_key.span()));
  SC_CHECK(w.WriteU32(signed_prekey_id));
  SC_CHECK(w.WriteU8(one_time_prekey_id ? 1 : 0));
  if (one_time_prekey_id) SC_CHECK(w.WriteU32(*one_time_prekey_id));
  SC_CHECK(w.WritePrefixed32([&](ByteWriter& child) { return child.WriteBytes(inner); }));
  return std::move(w).Take();
}

Result<PrekeyMessage> PrekeyMessage::Decode(std::span<const uint8_t> wire) {
  ByteReader r(wire);
  auto type = ReadPrologue(r, wire.size());
  if (!type) return Fail(type.error());
  if (*type != MessageType::kPrekey) return Fail(Errc::kMalformedMessage);
  PrekeyMessage m;
  auto identity = ReadKey<crypto::Ed25519PublicKey>(r);
  if (!identity) return Fail(identity.error());
  auto base_key = ReadKey<crypto::X25519PublicKey>(r);
  if (!base_key) return Fail(base_key.error());
  auto spk_id = ReadU32(r);
  if (!spk_id) return Fail(spk_id.error());
  m.identity_key = *identity;
  m.base_key = *base_key;
  m.signed_prekey_id = *spk_id;
  auto flag = r.ReadU8();
  if (!flag || *flag > 1) return Fail(Errc::kMalformedMessage);
  if (*flag == 1) {
    auto opk_id = ReadU32(r);
    if (!opk_id) return Fail(opk_id.error());
    m.one_time_prekey_id = *opk_id;
  }
  auto inner = r.ReadPrefixed32();
  if (!inner || !r.Finish()) return Fail(Errc::kMalformedMessage);
  auto message = RatchetMessage::Decode(inner->ReadRest());
  if (!message) return Fail(message.error());
  m.message = std::move(*message);
  return m;
}

}  // namespace sc::e2e
