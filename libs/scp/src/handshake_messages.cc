#include "securecomm/scp/handshake_messages.h"

#include <array>
#include <cstring>
#include <string_view>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/scp/errors.h"

namespace sc::scp {
namespace {

constexpr std::string_view kBindingLabel = "SCP/1 identity binding";

// "SCP/1 identity binding" || noise_static_pub (scp.md §6).
std::array<uint8_t, kBindingLabel.size() + 32> BindingMessage(const crypto::X25519PublicKey& noise_static) {
  std::array<uint8_t, kBindingLabel.size() + 32> m{};
  std::memcpy(m.data(), kBindingLabel.data(), kBindingLabel.size());
  std::memcpy(m.data() + kBindingLabel.size(), noise_static.data(), 32);
  return m;
}

void WriteCredential(ByteWriter& w, const IdentityCredential& c) {
  (void)w.WriteBytes(c.identity_key.span());
  (void)w.WriteBytes(c.signature.span());
}

Result<IdentityCredential> ReadCredential(ByteReader& r) {
  auto key = r.ReadBytes(32);
  auto sig = r.ReadBytes(64);
  if (!key || !sig) return Fail(Errc::kMalformedFrame);
  return IdentityCredential{crypto::Ed25519PublicKey(key->first<32>()),
                            crypto::Ed25519Signature(sig->first<64>())};
}

bool KnownSuite(uint8_t s) {
  return s == static_cast<uint8_t>(NoiseSuite::kAesGcm) || s == static_cast<uint8_t>(NoiseSuite::kChaChaPoly);
}

}  // namespace

IdentityCredential IdentityCredential::Sign(const crypto::Ed25519KeyPair& identity,
                                            const crypto::X25519PublicKey& noise_static) {
  return IdentityCredential{identity.public_key(), identity.Sign(BindingMessage(noise_static))};
}

Status IdentityCredential::Verify(const crypto::X25519PublicKey& noise_static) const {
  if (!crypto::Ed25519Verify(identity_key, BindingMessage(noise_static), signature)) {
    return Fail(Errc::kBadCredential);
  }
  return OkStatus();
}

std::vector<uint8_t> ClientHello::Encode() const {
  ByteWriter w;
  (void)w.WriteU16(version);
  (void)w.WritePrefixed8([&](ByteWriter& c) { return c.WriteBytes(suites); });
  return std::move(w).Take();
}

Result<ClientHello> ClientHello::Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  ClientHello h;
  auto version = r.ReadU16();
  auto suites = r.ReadPrefixed8();
  if (!version || !suites || suites->empty() || !r.Finish()) return Fail(Errc::kMalformedFrame);
  h.version = *version;
  auto list = suites->ReadRest();
  h.suites.assign(list.begin(), list.end());
  return h;
}

std::vector<uint8_t> ServerHello::Encode() const {
  ByteWriter w;
  (void)w.WriteU16(version);
  (void)w.WriteU8(static_cast<uint8_t>(suite));
  WriteCredential(w, credential);
  return std::move(w).Take();
}

Result<ServerHello> ServerHello::Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  auto version = r.ReadU16();
  auto suite = r.ReadU8();
  if (!version || !suite) return Fail(Errc::kMalformedFrame);
  auto cred = ReadCredential(r);
  if (!cred || !r.Finish()) return Fail(Errc::kMalformedFrame);
  if (!KnownSuite(*suite)) return Fail(Errc::kUnsupportedSuite);
  return ServerHello{*version, static_cast<NoiseSuite>(*suite), *cred};
}

std::vector<uint8_t> ClientFinish::Encode() const {
  ByteWriter w;
  WriteCredential(w, credential);
  return std::move(w).Take();
}

Result<ClientFinish> ClientFinish::Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  auto cred = ReadCredential(r);
  if (!cred || !r.Finish()) return Fail(Errc::kMalformedFrame);
  return ClientFinish{*cred};
}

}  // namespace sc::scp
