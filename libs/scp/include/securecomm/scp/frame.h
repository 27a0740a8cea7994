// frame.h: the SCP frame codec (docs/protocol/scp.md §2, §3). Pure parsing and encoding: no keys.
//
//   auto size = PeekFrameSize(buffered);        // stream reassembly: nullopt = need more bytes
//   auto frame = DecodeFrame(one_frame_bytes);  // header fields + views of payload and hmac
//
// Views returned by DecodeFrame point into the input and live as long as it. Frame types and their
// properties are the registry of frame_types.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/scp/frame_types.h"
#include "securecomm/scp/limits.h"

namespace sc::scp {

struct FrameHeader {
  FrameType type;
  uint64_t sequence;
  uint32_t length;  // of the payload

  // Encode returns the 14 header bytes.
  std::array<uint8_t, kHeaderSize> Encode() const noexcept;
};

struct FrameView {
  FrameHeader header;
  std::span<const uint8_t> header_bytes;  // the 14 bytes as received (AEAD ad, HMAC input)
  std::span<const uint8_t> payload;
  std::span<const uint8_t> hmac;  // 32 bytes
  // mac_input: header and payload, the bytes the HMAC covers.
  std::span<const uint8_t> mac_input;
};

// PeekFrameSize looks at the start of a stream buffer. Returns the total size of the first frame
// (header + payload + hmac) once the header is there, std::nullopt when fewer than 14 bytes are
// buffered, or kUnsupportedVersion / kUnknownType / kFrameTooLarge (checks 1-3 of scp.md §2),
// so a peer cannot make us buffer more than kMaxFrameSize.
[[nodiscard]] Result<std::optional<size_t>> PeekFrameSize(std::span<const uint8_t> buffered) noexcept;

// DecodeFrame parses exactly one frame: the errors of PeekFrameSize, and kMalformedFrame when the
// input is shorter or longer than the frame it announces.
[[nodiscard]] Result<FrameView> DecodeFrame(std::span<const uint8_t> bytes) noexcept;

}  // namespace sc::scp
