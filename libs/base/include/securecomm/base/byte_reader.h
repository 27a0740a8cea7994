// byte_reader.h: a bounds-checked, big-endian reader over untrusted bytes.
//
// Every read can fail and reports kTruncated; nothing is ever read past the end. A length-prefixed
// child is read as its own ByteReader, and a decoder ends with Finish(), which reports any bytes
// left over as kTrailingData. Integers are big-endian, decoded with explicit shifts.
//
//   ByteReader r(frame);
//   SC_TRY(uint8_t version, r.ReadU8());          // or: auto v = r.ReadU8(); if (!v) ...
//   auto body = r.ReadPrefixed16();               // a child reader over the next N bytes
//   if (auto s = r.Finish(); !s) return Fail(s.error());
//
// The reader never copies or owns bytes: views it returns live as long as the input.
// Not thread safe; cheap to copy (two pointers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "securecomm/base/error.h"

namespace sc {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> input) noexcept : data_(input) {}

  // ReadU8/U16/U32/U64 return the next big-endian integer, or kTruncated (and consume nothing).
  [[nodiscard]] Result<uint8_t> ReadU8() noexcept;
  [[nodiscard]] Result<uint16_t> ReadU16() noexcept;
  [[nodiscard]] Result<uint32_t> ReadU32() noexcept;
  [[nodiscard]] Result<uint64_t> ReadU64() noexcept;

  // ReadBytes returns a view of the next n bytes, or kTruncated (consuming nothing).
  [[nodiscard]] Result<std::span<const uint8_t>> ReadBytes(size_t n) noexcept;

  // ReadPrefixed8/16/32 read a length of that width, then return a child reader over exactly that
  // many following bytes; kTruncated if the length or the bytes are missing (consuming nothing).
  [[nodiscard]] Result<ByteReader> ReadPrefixed8() noexcept;
  [[nodiscard]] Result<ByteReader> ReadPrefixed16() noexcept;
  [[nodiscard]] Result<ByteReader> ReadPrefixed32() noexcept;

  // Skip consumes n bytes, or returns kTruncated (consuming nothing).
  [[nodiscard]] Status Skip(size_t n) noexcept;

  // ReadRest returns every remaining byte (possibly none) and leaves the reader empty.
  std::span<const uint8_t> ReadRest() noexcept;

  // Finish returns kTrailingData unless every byte has been read.
  [[nodiscard]] Status Finish() const noexcept;

  size_t remaining() const noexcept { return data_.size(); }
  bool empty() const noexcept { return data_.empty(); }

 private:
  template <typename T>
  Result<T> ReadBigEndian() noexcept;
  Result<ByteReader> ReadPrefixed(size_t width) noexcept;

  std::span<const uint8_t> data_;
};

}  // namespace sc
