#include "securecomm/base/byte_writer.h"

#include "securecomm/base/bytes.h"

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
  AppendBe16(buf_, v);
  return OkStatus();
}

Status ByteWriter::WriteU32(uint32_t v) {
  if (auto s = Reserve(4); !s) return s;
  AppendBe32(buf_, v);
  return OkStatus();
}

Status ByteWriter::WriteU64(uint64_t v) {
  if (auto s = Reserve(8); !s) return s;
  AppendBe64(buf_, v);
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
  StoreBeN(std::span(buf_).subspan(start, width), len);
  return OkStatus();
}

}  // namespace sc
