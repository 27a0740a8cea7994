#include "securecomm/base/byte_writer.h"

namespace sc {

Status ByteWriter::Reserve(size_t n) {
  if (n > limit_ || buf_.size() > limit_ - n) return Fail(Errc::kLengthOverflow);
  return OkStatus();
}

Status ByteWriter::WriteU8(uint8_t v) {
  if (auto s = Reserve(1); !s) return s;
  buf_.push_back(v);
  return OkStatus();
}

Status ByteWriter::WriteU16(uint16_t v) {
  if (auto s = Reserve(2); !s) return s;
  buf_.push_back(static_cast<uint8_t>(v >> 8));
  buf_.push_back(static_cast<uint8_t>(v));
  return OkStatus();
}

Status ByteWriter::WriteU32(uint32_t v) {
  if (auto s = Reserve(4); !s) return s;
  for (int shift = 24; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
  return OkStatus();
}

Status ByteWriter::WriteU64(uint64_t v) {
  if (auto s = Reserve(8); !s) return s;
  for (int shift = 56; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
  return OkStatus();
}

Status ByteWriter::WriteBytes(std::span<const uint8_t> bytes) {
  if (auto s = Reserve(bytes.size()); !s) return s;
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  return OkStatus();
}

Status ByteWriter::PatchLength(size_t start, size_t width) {
  const size_t len = buf_.size() - start - width;
  if (width < sizeof(size_t) && (len >> (8 * width)) != 0) return Fail(Errc::kLengthOverflow);
  for (size_t i = 0; i < width; ++i) {
    buf_[start + i] = static_cast<uint8_t>(len >> (8 * (width - 1 - i)));
  }
  return OkStatus();
}

}  // namespace sc
