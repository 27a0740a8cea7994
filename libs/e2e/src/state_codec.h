// state_codec.h (private): helpers of the session state format (docs/protocol/e2e.md §7).
//
// State holds keys, so it is written into SecretBytes, whose allocator wipes every block it
// frees: ByteWriter's plain std::vector would leave copies of keys behind on each reallocation.
// Reading uses ByteReader (views, no copies); every failure is kMalformedState.
#pragma once

#include <cstdint>
#include <span>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/e2e/errors.h"

namespace sc::e2e::internal {

// Big-endian appends to a SecretBytes (encoding.md §1).
inline void AppendU8(SecretBytes& out, uint8_t v) {
  out.Append(std::span<const uint8_t>(&v, 1));
}
inline void AppendU16(SecretBytes& out, uint16_t v) {
  uint8_t b[2];
  StoreBe16(b, v);
  out.Append(b);
}
inline void AppendU32(SecretBytes& out, uint32_t v) {
  uint8_t b[4];
  StoreBe32(b, v);
  out.Append(b);
}
inline void AppendBytes(SecretBytes& out, std::span<const uint8_t> bytes) {
  out.Append(bytes);
}

// Reads with every base error mapped to kMalformedState.
inline Result<uint8_t> ReadU8(ByteReader& r) {
  auto v = r.ReadU8();
  if (!v) return Fail(Errc::kMalformedState);
  return *v;
}
inline Result<uint16_t> ReadU16(ByteReader& r) {
  auto v = r.ReadU16();
  if (!v) return Fail(Errc::kMalformedState);
  return *v;
}
inline Result<uint32_t> ReadU32(ByteReader& r) {
  auto v = r.ReadU32();
  if (!v) return Fail(Errc::kMalformedState);
  return *v;
}
// ReadFlag reads a uint8 that must be 0 or 1.
inline Result<bool> ReadFlag(ByteReader& r) {
  auto v = r.ReadU8();
  if (!v || *v > 1) return Fail(Errc::kMalformedState);
  return *v == 1;
}
// ReadPublic and ReadSecret read exactly Key::kSize bytes into a public key type (copyable) or a
// secret key type (wiped, move-only).
template <typename Key>
Result<Key> ReadPublic(ByteReader& r) {
  auto bytes = r.ReadBytes(Key::kSize);
  if (!bytes) return Fail(Errc::kMalformedState);
  return Key(bytes->template first<Key::kSize>());
}
template <typename Key>
Result<Key> ReadSecret(ByteReader& r) {
  auto bytes = r.ReadBytes(Key::kSize);
  if (!bytes) return Fail(Errc::kMalformedState);
  return Key(SecretArray<Key::kSize>::FromSpan(bytes->template first<Key::kSize>()));
}

}  // namespace sc::e2e::internal
