#include "securecomm/mls/codec.h"

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {

namespace {

// LoadBe<T> loads a big-endian T from exactly sizeof(T) bytes.
template <typename T>
T LoadBe(std::span<const uint8_t> in) noexcept {
  return static_cast<T>(LoadBeN(in));
}

}  // namespace

template <typename T>
Result<T> Reader::ReadInt() noexcept {
  if (data_.size() < sizeof(T)) return Fail(Errc::kTruncated);
  const T v = LoadBe<T>(data_.first(sizeof(T)));
  data_ = data_.subspan(sizeof(T));
  return v;
}

Result<uint8_t> Reader::ReadU8() noexcept {
  return ReadInt<uint8_t>();
}
Result<uint16_t> Reader::ReadU16() noexcept {
  return ReadInt<uint16_t>();
}
Result<uint32_t> Reader::ReadU32() noexcept {
  return ReadInt<uint32_t>();
}
Result<uint64_t> Reader::ReadU64() noexcept {
  return ReadInt<uint64_t>();
}

// RFC 9420 §2.1.2: the top two bits give the length (1 << prefix); 0b11 is invalid; the value must
// not fit in the next shorter form.
Result<uint32_t> Reader::ReadVarint() noexcept {
  if (data_.empty()) return Fail(Errc::kTruncated);
  const unsigned prefix = data_[0] >> 6;
  if (prefix == 3) return Fail(Errc::kInvalidVarintPrefix);
  const size_t length = size_t{1} << prefix;
  if (data_.size() < length) return Fail(Errc::kTruncated);
  uint32_t v = data_[0] & 0x3fU;
  for (size_t i = 1; i < length; ++i) v = (v << 8) | data_[i];
  if (prefix >= 1 && v < (uint32_t{1} << (8 * (length / 2) - 2))) return Fail(Errc::kNonMinimalVarint);
  data_ = data_.subspan(length);
  return v;
}

Result<std::span<const uint8_t>> Reader::ReadFixed(size_t n) noexcept {
  if (data_.size() < n) return Fail(Errc::kTruncated);
  auto out = data_.first(n);
  data_ = data_.subspan(n);
  return out;
}

Result<std::span<const uint8_t>> Reader::ReadOpaque() noexcept {
  Reader probe = *this;  // consume nothing on failure
  auto len = probe.ReadVarint();
  if (!len) return Fail(len.error());
  if (*len > kMaxVectorLength) return Fail(Errc::kVectorTooLong);
  auto body = probe.ReadFixed(*len);
  if (!body) return Fail(body.error());
  *this = probe;
  return *body;
}

Result<Reader> Reader::ReadVector() noexcept {
  auto body = ReadOpaque();
  if (!body) return Fail(body.error());
  return Reader(*body);
}

Result<bool> Reader::ReadPresence() noexcept {
  if (data_.empty()) return Fail(Errc::kTruncated);
  if (data_[0] > 1) return Fail(Errc::kInvalidOptional);  // §2.1.1
  const bool present = data_[0] == 1;
  data_ = data_.subspan(1);
  return present;
}

Status Reader::Finish() const noexcept {
  if (!data_.empty()) return Fail(Errc::kTrailingData);
  return OkStatus();
}

void Writer::WriteU8(uint8_t v) {
  buf_.push_back(v);
}

void Writer::WriteU16(uint16_t v) {
  AppendBe16(buf_, v);
}

void Writer::WriteU32(uint32_t v) {
  AppendBe32(buf_, v);
}

void Writer::WriteU64(uint64_t v) {
  AppendBe64(buf_, v);
}

void Writer::WriteFixed(std::span<const uint8_t> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

size_t VarintSize(uint32_t v) noexcept {
  SC_CHECK(v <= kMaxVarint);
  if (v < (1U << 6)) return 1;
  if (v < (1U << 14)) return 2;
  return 4;
}

namespace {

// EncodeVarint writes the shortest form of v (REQUIRES: v <= kMaxVarint) and returns its size.
size_t EncodeVarint(uint32_t v, std::span<uint8_t, 4> out) noexcept {
  const size_t n = VarintSize(v);
  const uint32_t prefix = n == 1 ? 0U : (n == 2 ? 1U : 2U);
  StoreBeN(out.first(n), v);
  out[0] = static_cast<uint8_t>(out[0] | (prefix << 6));
  return n;
}

}  // namespace

Status Writer::WriteVarint(uint64_t v) {
  if (v > kMaxVarint) return Fail(Errc::kValueTooLarge);
  uint8_t tmp[4];
  const size_t n = EncodeVarint(static_cast<uint32_t>(v), tmp);
  buf_.insert(buf_.end(), tmp, tmp + n);
  return OkStatus();
}

Status Writer::WriteOpaque(std::span<const uint8_t> bytes) {
  if (bytes.size() > kMaxVectorLength) return Fail(Errc::kValueTooLarge);
  if (auto s = WriteVarint(bytes.size()); !s) return s;
  WriteFixed(bytes);
  return OkStatus();
}

Status Writer::PrefixLength(size_t start) {
  SC_CHECK(start <= buf_.size());
  const size_t len = buf_.size() - start;
  if (len > kMaxVectorLength) return Fail(Errc::kValueTooLarge);
  uint8_t tmp[4];
  const size_t n = EncodeVarint(static_cast<uint32_t>(len), tmp);
  buf_.insert(buf_.begin() + static_cast<std::ptrdiff_t>(start), tmp, tmp + n);
  return OkStatus();
}

namespace {

template <typename T>
Status Assign(Result<T> v, T& out) {
  if (!v) return Fail(v.error());
  out = *v;
  return OkStatus();
}

}  // namespace

Status ReadField(Reader& r, uint8_t& out) {
  return Assign(r.ReadU8(), out);
}
Status ReadField(Reader& r, uint16_t& out) {
  return Assign(r.ReadU16(), out);
}
Status ReadField(Reader& r, uint32_t& out) {
  return Assign(r.ReadU32(), out);
}
Status ReadField(Reader& r, uint64_t& out) {
  return Assign(r.ReadU64(), out);
}
Status ReadField(Reader& r, std::vector<uint8_t>& out) {
  auto v = r.ReadOpaque();
  if (!v) return Fail(v.error());
  out.assign(v->begin(), v->end());
  return OkStatus();
}

}  // namespace sc::mls
