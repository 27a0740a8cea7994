// codec.h: the TLS presentation language as RFC 9420 uses it (§2.1): big-endian uint8/16/32/64,
// variable-length integers (§2.1.2), opaque<V> and T<V> vectors with a varint length, and
// optional<T> (§2.1.1).
//
// Reader is strict: every read can fail and consumes nothing when it does; a varint must use its
// shortest form and must not start with 0b11; a vector longer than kMaxVectorLength is refused
// before its bytes are looked at; optional<T>'s presence octet must be 0 or 1; a decoder ends with
// Finish(), which refuses trailing bytes. Views it returns live as long as the input.
//
//   Reader r(bytes);
//   auto label = r.ReadOpaque();                 // opaque label<V>
//   auto body = r.ReadVector();                  // a child Reader over T items<V>
//   while (!body->empty()) { ... }
//   if (auto s = r.Finish(); !s) return Fail(s.error());
//
// Writer appends to a buffer it owns; a vector's body is written by a callback and then prefixed
// with its minimal varint length:
//
//   Writer w;
//   w.WriteOpaque(label);
//   auto s = w.WriteVector([&](Writer& v) { ...; return OkStatus(); });
//   std::vector<uint8_t> out = std::move(w).Take();
//
// A failed write leaves the buffer as it was. Neither is thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "securecomm/base/error.h"

namespace sc::mls {

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> input) noexcept : data_(input) {}

  // ReadU8/U16/U32/U64 return the next big-endian integer, or kTruncated.
  [[nodiscard]] Result<uint8_t> ReadU8() noexcept;
  [[nodiscard]] Result<uint16_t> ReadU16() noexcept;
  [[nodiscard]] Result<uint32_t> ReadU32() noexcept;
  [[nodiscard]] Result<uint64_t> ReadU64() noexcept;

  // ReadVarint returns a variable-length integer (at most kMaxVarint). Errors: kTruncated,
  // kInvalidVarintPrefix (0b11), kNonMinimalVarint.
  [[nodiscard]] Result<uint32_t> ReadVarint() noexcept;

  // ReadFixed returns a view of the next n bytes (a fixed-size field), or kTruncated.
  [[nodiscard]] Result<std::span<const uint8_t>> ReadFixed(size_t n) noexcept;

  // ReadOpaque returns a view of the body of an opaque<V>. Errors: those of ReadVarint,
  // kVectorTooLong (over kMaxVectorLength), kTruncated.
  [[nodiscard]] Result<std::span<const uint8_t>> ReadOpaque() noexcept;

  // ReadVector returns a Reader over the body of a T<V>; the caller reads the items until it is
  // empty(). Errors as for ReadOpaque.
  [[nodiscard]] Result<Reader> ReadVector() noexcept;

  // ReadPresence returns an optional<T>'s presence octet as a bool; kInvalidOptional unless it is
  // 0 or 1 (the octet is then not consumed), kTruncated.
  [[nodiscard]] Result<bool> ReadPresence() noexcept;

  // Finish returns kTrailingData unless every byte has been read.
  [[nodiscard]] Status Finish() const noexcept;

  size_t remaining() const noexcept { return data_.size(); }
  bool empty() const noexcept { return data_.empty(); }

 private:
  template <typename T>
  Result<T> ReadInt() noexcept;

  std::span<const uint8_t> data_;
};

class Writer {
 public:
  Writer() = default;

  void WriteU8(uint8_t v);
  void WriteU16(uint16_t v);
  void WriteU32(uint32_t v);
  void WriteU64(uint64_t v);
  // WriteFixed appends `bytes` as they are (a fixed-size field, no length).
  void WriteFixed(std::span<const uint8_t> bytes);

  // WriteVarint appends the shortest encoding of v; kValueTooLarge over kMaxVarint.
  [[nodiscard]] Status WriteVarint(uint64_t v);

  // WriteOpaque appends an opaque<V>: varint length, then bytes. kValueTooLarge over
  // kMaxVectorLength (what our own Reader would refuse is never written).
  [[nodiscard]] Status WriteOpaque(std::span<const uint8_t> bytes);

  // WriteVector appends a T<V> whose body `body(*this)` writes; the body is then prefixed with its
  // length. If `body` fails or the body is over kMaxVectorLength, the buffer is left as it was.
  template <typename F>
  [[nodiscard]] Status WriteVector(F&& body) {
    const size_t start = buf_.size();
    Status s = std::forward<F>(body)(*this);
    if (s) s = PrefixLength(start);
    if (!s) buf_.resize(start);
    return s;
  }

  // WritePresence appends an optional<T>'s presence octet.
  void WritePresence(bool present) { WriteU8(present ? 1 : 0); }

  size_t size() const noexcept { return buf_.size(); }
  std::span<const uint8_t> bytes() const noexcept { return buf_; }
  // Take moves the written bytes out; the writer is left empty.
  std::vector<uint8_t> Take() && { return std::move(buf_); }

 private:
  // PrefixLength inserts the varint length of buf_[start..] at `start`.
  Status PrefixLength(size_t start);

  std::vector<uint8_t> buf_;
};

// ReadField reads one field of a struct into `out` (an integer, or an opaque<V> copied into a
// vector), so a decoder chains them: `Status s = ReadField(r, a); if (s) s = ReadField(r, b);`.
// On error `out` is unchanged and the error is the Reader's.
[[nodiscard]] Status ReadField(Reader& r, uint8_t& out);
[[nodiscard]] Status ReadField(Reader& r, uint16_t& out);
[[nodiscard]] Status ReadField(Reader& r, uint32_t& out);
[[nodiscard]] Status ReadField(Reader& r, uint64_t& out);
[[nodiscard]] Status ReadField(Reader& r, std::vector<uint8_t>& out);

// VarintSize returns the encoded size (1, 2 or 4) of v. REQUIRES: v <= kMaxVarint.
size_t VarintSize(uint32_t v) noexcept;

}  // namespace sc::mls
