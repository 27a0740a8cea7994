#include "securecomm/base/byte_reader.h"

#include "securecomm/base/bytes.h"

namespace sc {

template <typename T>
Result<T> ByteReader::ReadBigEndian() noexcept {
  if (data_.size() < sizeof(T)) return Fail(Errc::kTruncated);
  const T v = static_cast<T>(LoadBeN(data_.first(sizeof(T))));
  data_ = data_.subspan(sizeof(T));
  return v;
}

Result<uint8_t> ByteReader::ReadU8() noexcept {
  return ReadBigEndian<uint8_t>();
}
Result<uint16_t> ByteReader::ReadU16() noexcept {
  return ReadBigEndian<uint16_t>();
}
Result<uint32_t> ByteReader::ReadU32() noexcept {
  return ReadBigEndian<uint32_t>();
}
Result<uint64_t> ByteReader::ReadU64() noexcept {
  return ReadBigEndian<uint64_t>();
}

Result<std::span<const uint8_t>> ByteReader::ReadBytes(size_t n) noexcept {
  if (data_.size() < n) return Fail(Errc::kTruncated);
  auto out = data_.first(n);
  data_ = data_.subspan(n);
  return out;
}

Result<ByteReader> ByteReader::ReadPrefixed(size_t width) noexcept {
  if (data_.size() < width) return Fail(Errc::kTruncated);
  const size_t len = static_cast<size_t>(LoadBeN(data_.first(width)));
  if (data_.size() - width < len) return Fail(Errc::kTruncated);
  ByteReader child(data_.subspan(width, len));
  data_ = data_.subspan(width + len);
  return child;
}

Result<ByteReader> ByteReader::ReadPrefixed8() noexcept {
  return ReadPrefixed(1);
}
Result<ByteReader> ByteReader::ReadPrefixed16() noexcept {
  return ReadPrefixed(2);
}
Result<ByteReader> ByteReader::ReadPrefixed32() noexcept {
  return ReadPrefixed(4);
}

Status ByteReader::Skip(size_t n) noexcept {
  if (data_.size() < n) return Fail(Errc::kTruncated);
  data_ = data_.subspan(n);
  return OkStatus();
}

std::span<const uint8_t> ByteReader::ReadRest() noexcept {
  auto out = data_;
  data_ = {};
  return out;
}

Status ByteReader::Finish() const noexcept {
  if (!data_.empty()) return Fail(Errc::kTrailingData);
  return OkStatus();
}

}  // namespace sc
