// wire.h: the two end-to-end wire messages and their strict codecs (docs/protocol/e2e.md §4).
//
//   RatchetMessage  a Double Ratchet message: header (DH ratchet key, PN, N) and AEAD ciphertext.
//   PrekeyMessage   X3DH's initial message (IK_A, EK_A, prekey ids) carrying a RatchetMessage; an
//                   initiator sends these until it has decrypted a reply (e2e.md §6).
//
//   Result<MessageType> t = PeekMessageType(bytes);
//   if (*t == MessageType::kPrekey) { Result<PrekeyMessage> m = PrekeyMessage::Decode(bytes); ... }
//
// Decoders never throw, never read past the input, refuse truncation, trailing bytes and any
// length over its limit, and allocate at most the input's size. Thread safety: value types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/e2e/limits.h"

namespace sc::e2e {

inline constexpr uint8_t kWireVersion = 0x01;

// The first two bytes of every message are version and type. Append only; never renumber.
enum class MessageType : uint8_t {
  kPrekey = 0x01,
  kRatchet = 0x02,
};

// PeekMessageType returns the type of a wire message after checking its size (kMessageTooLarge),
// version (kUnsupportedVersion) and type (kUnknownMessageType); kMalformedMessage if shorter than
// two bytes. It does not decode the rest.
[[nodiscard]] Result<MessageType> PeekMessageType(std::span<const uint8_t> wire) noexcept;

// RatchetHeader: HEADER(dh_pair, pn, n) of DR §3.1.
struct RatchetHeader {
  crypto::X25519PublicKey dh;  // the sender's current ratchet public key
  uint32_t pn = 0;             // number of messages in the sender's previous sending chain
  uint32_t n = 0;              // this message's number in its sending chain

  // Encode returns the header as it starts a RatchetMessage on the wire: version, type 0x02, dh,
  // pn, n (42 bytes). These bytes follow X3DH's AD in the AEAD's associated data (e2e.md §5.2).
  [[nodiscard]] std::array<uint8_t, kRatchetHeaderSize> Encode() const noexcept;
  friend bool operator==(const RatchetHeader&, const RatchetHeader&) = default;
};

// struct {
//   uint8  version;                // kWireVersion
//   uint8  type;                   // MessageType::kRatchet
//   opaque dh[32];
//   uint32 pn;
//   uint32 n;
//   opaque ciphertext<16..2^32-1>; // AEAD ciphertext || tag; at most kMaxPlaintextSize + 16
// } RatchetMessage;
struct RatchetMessage {
  RatchetHeader header;
  std::vector<uint8_t> ciphertext;

  // Encode returns the wire bytes. REQUIRES: kTagSize <= ciphertext.size() <= kMaxPlaintextSize + kTagSize.
  [[nodiscard]] std::vector<uint8_t> Encode() const;
  // Decode parses exactly one RatchetMessage. Errors: kMessageTooLarge, kUnsupportedVersion,
  // kUnknownMessageType, kMalformedMessage (truncated, trailing bytes, a ciphertext shorter than
  // a tag, or the type of another message).
  [[nodiscard]] static Result<RatchetMessage> Decode(std::span<const uint8_t> wire);
};

// struct {
//   uint8  version;                // kWireVersion
//   uint8  type;                   // MessageType::kPrekey
//   opaque identity_key[32];       // IK_A, Ed25519
//   opaque base_key[32];           // EK_A, X25519
//   uint32 signed_prekey_id;
//   uint8  has_one_time_prekey;    // 0 or 1
//   select (has_one_time_prekey) { case 1: uint32 one_time_prekey_id; case 0: struct {}; };
//   opaque message<1..2^32-1>;     // one RatchetMessage
// } PrekeyMessage;
struct PrekeyMessage {
  crypto::Ed25519PublicKey identity_key;
  crypto::X25519PublicKey base_key;
  uint32_t signed_prekey_id = 0;
  std::optional<uint32_t> one_time_prekey_id;
  RatchetMessage message;

  // Encode returns the wire bytes. REQUIRES: `message` meets RatchetMessage::Encode's requirement.
  [[nodiscard]] std::vector<uint8_t> Encode() const;
  // Decode parses exactly one PrekeyMessage; errors as RatchetMessage::Decode (a flag other than
  // 0 or 1 is kMalformedMessage), including those of the inner message.
  [[nodiscard]] static Result<PrekeyMessage> Decode(std::span<const uint8_t> wire);
};

}  // namespace sc::e2e
