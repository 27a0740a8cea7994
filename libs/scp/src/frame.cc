#include "securecomm/scp/frame.h"

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/bytes.h"
#include "securecomm/scp/errors.h"

namespace sc::scp {

std::array<uint8_t, kHeaderSize> FrameHeader::Encode() const noexcept {
  std::array<uint8_t, kHeaderSize> out{};
  out[0] = kVersion;
  out[1] = static_cast<uint8_t>(type);
  StoreBe64(std::span(out).subspan<2, 8>(), sequence);
  StoreBe32(std::span(out).subspan<10, 4>(), length);
  return out;
}

namespace {

// ParseHeader applies checks 1-3 of scp.md §2 to 14 header bytes.
Result<FrameHeader> ParseHeader(std::span<const uint8_t> header) noexcept {
  ByteReader r(header);
  auto version = r.ReadU8();
  auto type = r.ReadU8();
  auto sequence = r.ReadU64();
  auto length = r.ReadU32();
  if (!version || !type || !sequence || !length) return Fail(Errc::kMalformedFrame);
  if (*version != kVersion) return Fail(Errc::kUnsupportedVersion);
  const FrameTypeInfo* row = FindFrameType(*type);
  if (row == nullptr) return Fail(Errc::kUnknownType);
  if (*length > kMaxFramePayload) return Fail(Errc::kFrameTooLarge);
  return FrameHeader{row->type, *sequence, *length};
}

}  // namespace

Result<std::optional<size_t>> PeekFrameSize(std::span<const uint8_t> buffered) noexcept {
  if (buffered.size() < kHeaderSize) return std::optional<size_t>();
  auto header = ParseHeader(buffered.first(kHeaderSize));
  if (!header) return Fail(header.error());
  return std::optional<size_t>(kHeaderSize + header->length + kMacSize);
}

Result<FrameView> DecodeFrame(std::span<const uint8_t> bytes) noexcept {
  if (bytes.size() < kHeaderSize) return Fail(Errc::kMalformedFrame);
  auto header = ParseHeader(bytes.first(kHeaderSize));
  if (!header) return Fail(header.error());
  if (bytes.size() != kHeaderSize + header->length + kMacSize) return Fail(Errc::kMalformedFrame);
  FrameView v{*header, bytes.first(kHeaderSize), bytes.subspan(kHeaderSize, header->length),
              bytes.last(kMacSize), bytes.first(kHeaderSize + header->length)};
  return v;
}

}  // namespace sc::scp
