// byte_writer.h: a big-endian writer with an explicit size limit and length-prefixed children.
//
// Appends to a std::vector it owns (or, for zero-copy callers, to one it is handed) and refuses
// to grow past `limit` bytes: every write can fail with kLengthOverflow and then writes nothing.
// Length-prefixed children are written by a callback; the prefix is patched afterwards and checked
// against its width:
//
//   ByteWriter w(/*limit=*/kMaxFrame);
//   (void)w.WriteU8(kVersion);
//   auto s = w.WritePrefixed16([&](ByteWriter& child) { return child.WriteBytes(name); });
//   std::vector<uint8_t> out = std::move(w).Take();
//
// A failed write leaves the buffer as it was before that write. Not thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "securecomm/base/error.h"

namespace sc {

class ByteWriter {
 public:
  // A writer over a new, empty buffer that may grow to `limit` bytes.
  explicit ByteWriter(size_t limit = std::numeric_limits<size_t>::max()) : limit_(limit) {}

  [[nodiscard]] Status WriteU8(uint8_t v);
  [[nodiscard]] Status WriteU16(uint16_t v);
  [[nodiscard]] Status WriteU32(uint32_t v);
  [[nodiscard]] Status WriteU64(uint64_t v);
  [[nodiscard]] Status WriteBytes(std::span<const uint8_t> bytes);

  // WritePrefixed8/16/32 reserve a big-endian length of that width, call `body(*this)` to append
  // the child's bytes, then write the child's length into the prefix. If `body` fails, or the child
  // is longer than the width allows (kLengthOverflow), the whole child and its prefix are removed.
  template <typename F>
  [[nodiscard]] Status WritePrefixed8(F&& body) {
    return WritePrefixed(1, std::forward<F>(body));
  }
  template <typename F>
  [[nodiscard]] Status WritePrefixed16(F&& body) {
    return WritePrefixed(2, std::forward<F>(body));
  }
  template <typename F>
  [[nodiscard]] Status WritePrefixed32(F&& body) {
    return WritePrefixed(4, std::forward<F>(body));
  }

  size_t size() const noexcept { return buf_.size(); }
  std::span<const uint8_t> bytes() const noexcept { return buf_; }
  // Take moves the written bytes out; the writer is left empty.
  std::vector<uint8_t> Take() && { return std::move(buf_); }

 private:
  template <typename F>
  Status WritePrefixed(size_t width, F&& body) {
    const size_t start = buf_.size();
    if (auto s = Reserve(width); !s) return s;
    buf_.resize(start + width, 0);
    Status s = body(*this);
    if (s) s = PatchLength(start, width);
    if (!s) buf_.resize(start);
    return s;
  }
  Status Reserve(size_t n);
  Status PatchLength(size_t start, size_t width);

  std::vector<uint8_t> buf_;
  size_t limit_;
};

}  // namespace sc
