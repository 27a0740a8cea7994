// bytes.h: the one home of big-endian integer loads and stores (and the one little-endian store
// Noise needs) and of byte views of character data. Code outside libs/base writes no shifts to
// (de)serialise an integer and no reinterpret_cast between char and uint8_t: it calls these.
//
//   uint8_t header[4];
//   StoreBe32(header, length);                     // header = length, big-endian
//   uint32_t n = LoadBe32(header);
//   AppendBe32(out, id);                           // out.push_back of the 4 bytes
//   Ed25519Verify(key, AsBytes(protobuf_string), sig);
//   frame.ParseFromArray(AsChars(record).data(), ...);
//
// All functions are constexpr or inline, allocation-free (but AppendBe*), and thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sc {

// LoadBe16/32/64 read a big-endian integer from the first 2, 4 or 8 bytes of `in`.
constexpr uint16_t LoadBe16(std::span<const uint8_t, 2> in) noexcept {
  return static_cast<uint16_t>((in[0] << 8) | in[1]);
}
constexpr uint32_t LoadBe32(std::span<const uint8_t, 4> in) noexcept {
  return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) | uint32_t{in[3]};
}
constexpr uint64_t LoadBe64(std::span<const uint8_t, 8> in) noexcept {
  return (uint64_t{LoadBe32(in.first<4>())} << 32) | LoadBe32(in.last<4>());
}

// LoadBeN reads a big-endian integer of in.size() bytes (a 5-byte safety-number chunk, a
// variable-width length). Only the last 8 bytes count when `in` is longer.
constexpr uint64_t LoadBeN(std::span<const uint8_t> in) noexcept {
  uint64_t v = 0;
  for (uint8_t b : in) v = (v << 8) | b;
  return v;
}

// StoreBe16/32/64 write `v` big-endian into the first 2, 4 or 8 bytes of `out`.
constexpr void StoreBe16(std::span<uint8_t, 2> out, uint16_t v) noexcept {
  out[0] = static_cast<uint8_t>(v >> 8);
  out[1] = static_cast<uint8_t>(v);
}
constexpr void StoreBe32(std::span<uint8_t, 4> out, uint32_t v) noexcept {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}
constexpr void StoreBe64(std::span<uint8_t, 8> out, uint64_t v) noexcept {
  StoreBe32(out.first<4>(), static_cast<uint32_t>(v >> 32));
  StoreBe32(out.last<4>(), static_cast<uint32_t>(v));
}

// StoreBeN writes the low out.size() bytes of `v` big-endian into `out` (zeros beyond 8 bytes).
constexpr void StoreBeN(std::span<uint8_t> out, uint64_t v) noexcept {
  for (size_t i = out.size(); i > 0; --i) {
    out[i - 1] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

// StoreLe64 writes `v` little-endian into the first 8 bytes of `out`, for the few formats that
// are not big-endian (Noise's ChaChaPoly nonce, Noise §12.4).
constexpr void StoreLe64(std::span<uint8_t, 8> out, uint64_t v) noexcept {
  for (size_t i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

// AppendBe16/32/64 append `v` big-endian to `out`.
inline void AppendBe16(std::vector<uint8_t>& out, uint16_t v) {
  uint8_t b[2];
  StoreBe16(b, v);
  out.insert(out.end(), b, b + 2);
}
inline void AppendBe32(std::vector<uint8_t>& out, uint32_t v) {
  uint8_t b[4];
  StoreBe32(b, v);
  out.insert(out.end(), b, b + 4);
}
inline void AppendBe64(std::vector<uint8_t>& out, uint64_t v) {
  uint8_t b[8];
  StoreBe64(b, v);
  out.insert(out.end(), b, b + 8);
}

// AsBytes views character data (a protobuf bytes field, a std::string buffer) as bytes. The view
// lives as long as `s`.
inline std::span<const uint8_t> AsBytes(std::string_view s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
// AsWritableBytes views a string's buffer as writable bytes (lives as long as the buffer and
// its size are unchanged).
inline std::span<uint8_t> AsWritableBytes(std::string& s) noexcept {
  return {reinterpret_cast<uint8_t*>(s.data()), s.size()};
}
// AsChars views bytes as character data, for APIs that take char (protobuf parsing, file
// writes, fmt). The view lives as long as `b`.
inline std::string_view AsChars(std::span<const uint8_t> b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
// BytesToString copies bytes into a std::string (a protobuf bytes field).
inline std::string BytesToString(std::span<const uint8_t> b) {
  return std::string(AsChars(b));
}

}  // namespace sc
