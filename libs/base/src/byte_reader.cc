#include "securecomm/base/byte_reader.h"

namespace sc {

template <typename T>
Result<T> ByteReader::ReadBigEndian() noexcept {
  if (data_.size() < sizeof(T)) return Fail(Errc::kTruncated);
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | data_[i]);
  data_ = data_.subspan(sizeof(T));
  return v;
}

Result<uint8_t> ByteReader::ReadU8() noexcept { return ReadBigEndian<uint8_t>(); }
Result<uint16_t> ByteReader::ReadU16() noexcept { return ReadBigEndian<uint16_t>(); }
Result<uint32_t> ByteReader::ReadU32() noexcept { return ReadBigEndian<uint32_t>(); }
Result<uint64_t> ByteReader::ReadU64() noexcept { return ReadBigEndian<uint64_t>(); }

Result<std::span<const uint8_t>> ByteReader::ReadBytes(size_t n) noexcept {
  if (data_.size() < n) return Fail(Errc::kTruncated);
  auto out = data_.first(n);
  data_ = data_.subspan(n);
  return out;
}

Result<ByteReader> ByteReader::ReadPrefixed(size_t width) noexcept {
  if (data_.size() < width) return Fail(Errc::kTruncated);
  size_t len = 0;
  for (size_t i = 0; i < width; ++i) len = (len << 8) | data_[i];
  if (data_.size() - width < len) return Fail(Errc::kTruncated);
  ByteReader child(data_.subspan(width, len));
  data_ = data_.subspan(width + len);
  return child;
}

Result<ByteReader> ByteReader::ReadPrefixed8() noexcept { return ReadPrefixed(1); }
Result<ByteReader> ByteReader::ReadPrefixed16() noexcept { return ReadPrefixed(2); }
Result<ByteReader> ByteReader::ReadPrefixed32() noexcept { return ReadPrefixed(4); }

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
