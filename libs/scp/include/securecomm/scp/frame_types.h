// frame_types.h: the SCP frame type registry (docs/protocol/scp.md §3), one row per frame type:
// its value, its name for logs, how it may appear in the handshake (what it carries, who sends
// it, its payload bounds) and whether it is a record once keys exist (and its plaintext bounds).
// The frame codec (frame.cc) and the session state machine (session.cc) read this table and keep
// no list of their own.
//
//   const FrameTypeInfo* row = FindFrameType(wire_byte);  // nullptr: not in the registry
//   if (!FrameTypeInfoOf(type).record) ...                 // e.g. HANDSHAKE_* after the handshake
//   log << FrameTypeInfoOf(type).name;                     // "KEY_UPDATE"
//
// Adding a frame type: append an enumerator (never renumber), append its row to kFrameTypes, and
// its case to IsFrameTypeEnumerator; the static_asserts below fail until all three agree.
// Everything here is constexpr and thread safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "securecomm/scp/limits.h"
#include "securecomm/scp/noise.h"

namespace sc::scp {

// Append only; never renumber (scp.md §3).
enum class FrameType : uint8_t {
  kHandshakeInit = 0x01,
  kHandshakeResponse = 0x02,
  kData = 0x03,
  kAck = 0x04,
  kClose = 0x05,
  kKeyUpdate = 0x06,
  kError = 0x07,
};

// What a frame carries before record keys exist (scp.md §4, §8).
enum class HandshakeUse : uint8_t {
  kNone,      // never sent in the handshake: records only
  kMessage1,  // Noise message 1 (-> e), under mac_init_key
  kMessage2,  // Noise message 2 (<- e, ee, s, es), under mac_hs_key
  kMessage3,  // Noise message 3 (-> s, se), under mac_hs_key
  kError,     // a plain uint16 error code, under mac_hs_key
};

// Which side may send a frame in the handshake (scp.md §3, §4).
enum class FrameSender : uint8_t { kNobody, kInitiator, kResponder, kEither };

// SentBy returns whether a frame whose sender is `allowed` may come from a peer of role `peer`
// (kInitiator or kResponder).
constexpr bool SentBy(FrameSender allowed, FrameSender peer) noexcept {
  return allowed == FrameSender::kEither || (allowed != FrameSender::kNobody && allowed == peer);
}

// PayloadBounds: the inclusive range of a payload's length in bytes.
struct PayloadBounds {
  size_t min;
  size_t max;
  constexpr bool Contains(size_t n) const noexcept { return min <= n && n <= max; }
};

// Payload bounds of the registry rows (scp.md §3).
// HANDSHAKE_INIT: the suite byte, then at least the initiator's ephemeral key (scp.md §4).
inline constexpr PayloadBounds kInitPayload{1 + kNoiseDhLen, kMaxFramePayload};
// Noise message 2 or 3: bounded by the frame only; NoiseXX::ReadMessage checks its structure.
inline constexpr PayloadBounds kNoiseMessagePayload{0, kMaxFramePayload};
// DATA: any application bytes a record holds.
inline constexpr PayloadBounds kDataPlaintext{0, kMaxRecordPlaintext};
// ACK record: uint64 largest_sequence_received.
inline constexpr PayloadBounds kAckPlaintext{8, 8};
// CLOSE record: empty. Also the bounds of a phase a type is never sent in.
inline constexpr PayloadBounds kEmptyPayload{0, 0};
// KEY_UPDATE record: uint8 update_requested.
inline constexpr PayloadBounds kKeyUpdatePlaintext{1, 1};
// ERROR, plain in the handshake or a record afterwards: uint16 code (scp.md §9).
inline constexpr PayloadBounds kErrorPayload{2, 2};

struct FrameTypeInfo {
  FrameType type;
  std::string_view name;  // scp.md §3, for logs
  // Before record keys exist (scp.md §4, §8). The session answers a handshake payload out of
  // bounds with kHandshakeFailed for INIT and kMalformedFrame for ERROR (scp.md §2, §9).
  HandshakeUse handshake;
  FrameSender handshake_sender;
  PayloadBounds handshake_payload;
  // Once record keys exist (scp.md §5.2, §8): either side sends records; a record type out of
  // its plaintext bounds is kMalformedFrame; anything not a record is kUnexpectedMessage.
  bool record;
  PayloadBounds record_plaintext;
};

// The registry, in value order (scp.md §3). Row: type, name, handshake use, handshake sender,
// handshake payload, record, record plaintext.
inline constexpr std::array kFrameTypes = {
    FrameTypeInfo{FrameType::kHandshakeInit, "HANDSHAKE_INIT", HandshakeUse::kMessage1,
                  FrameSender::kInitiator, kInitPayload, false, kEmptyPayload},
    FrameTypeInfo{FrameType::kHandshakeResponse, "HANDSHAKE_RESPONSE", HandshakeUse::kMessage2,
                  FrameSender::kResponder, kNoiseMessagePayload, false, kEmptyPayload},
    FrameTypeInfo{FrameType::kData, "DATA", HandshakeUse::kNone, FrameSender::kNobody, kEmptyPayload, true,
                  kDataPlaintext},
    FrameTypeInfo{FrameType::kAck, "ACK", HandshakeUse::kMessage3, FrameSender::kInitiator,
                  kNoiseMessagePayload, true, kAckPlaintext},
    FrameTypeInfo{FrameType::kClose, "CLOSE", HandshakeUse::kNone, FrameSender::kNobody, kEmptyPayload, true,
                  kEmptyPayload},
    FrameTypeInfo{FrameType::kKeyUpdate, "KEY_UPDATE", HandshakeUse::kNone, FrameSender::kNobody,
                  kEmptyPayload, true, kKeyUpdatePlaintext},
    FrameTypeInfo{FrameType::kError, "ERROR", HandshakeUse::kError, FrameSender::kEither, kErrorPayload, true,
                  kErrorPayload},
};

// FindFrameType returns the row of a type byte read from the wire, or nullptr when the byte is
// not in the registry.
constexpr const FrameTypeInfo* FindFrameType(uint8_t value) noexcept {
  return value >= 1 && value <= kFrameTypes.size() ? &kFrameTypes[value - 1] : nullptr;
}

// FrameTypeInfoOf returns the row of `type`. REQUIRES: `type` is an enumerator (every FrameType
// that DecodeFrame returns is).
constexpr const FrameTypeInfo& FrameTypeInfoOf(FrameType type) noexcept {
  return kFrameTypes[static_cast<size_t>(type) - 1];
}

// IsFrameTypeEnumerator: whether `t` is a declared enumerator. The switch has no default, so
// -Wswitch (an error in this build) fails when an enumerator is appended without its case.
constexpr bool IsFrameTypeEnumerator(FrameType t) noexcept {
  switch (t) {
    case FrameType::kHandshakeInit:
    case FrameType::kHandshakeResponse:
    case FrameType::kData:
    case FrameType::kAck:
    case FrameType::kClose:
    case FrameType::kKeyUpdate:
    case FrameType::kError:
      return true;
  }
  return false;
}

namespace frame_types_internal {

// Every enumerator has exactly one row, every row is an enumerator, and row i holds value i + 1
// (the index FindFrameType and FrameTypeInfoOf rely on).
constexpr bool OneRowPerFrameType() {
  for (size_t i = 0; i < kFrameTypes.size(); ++i) {
    if (static_cast<size_t>(kFrameTypes[i].type) != i + 1) return false;
  }
  for (unsigned v = 0; v <= UINT8_MAX; ++v) {
    const auto t = static_cast<FrameType>(v);
    size_t rows = 0;
    for (const FrameTypeInfo& row : kFrameTypes) rows += row.type == t ? 1 : 0;
    if (rows != (IsFrameTypeEnumerator(t) ? 1u : 0u)) return false;
  }
  return true;
}

// Handshake rows name who sends them; record-only rows have no handshake sender or payload.
constexpr bool RowsAreConsistent() {
  for (const FrameTypeInfo& row : kFrameTypes) {
    const bool in_handshake = row.handshake != HandshakeUse::kNone;
    if (in_handshake != (row.handshake_sender != FrameSender::kNobody)) return false;
    if (!in_handshake && row.handshake_payload.max != 0) return false;
    if (!row.record && row.record_plaintext.max != 0) return false;
    if (row.record_plaintext.max > kMaxRecordPlaintext || row.handshake_payload.max > kMaxFramePayload) {
      return false;
    }
  }
  return true;
}

}  // namespace frame_types_internal

static_assert(frame_types_internal::OneRowPerFrameType(),
              "each FrameType needs exactly one row, in value order");
static_assert(frame_types_internal::RowsAreConsistent(), "a kFrameTypes row contradicts itself");

}  // namespace sc::scp
