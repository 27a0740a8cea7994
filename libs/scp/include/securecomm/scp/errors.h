// errors.h: scp::Errc, every error of the SCP layer. The numeric values travel in ERROR frames
// (docs/protocol/scp.md §9): append only; never renumber.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::scp {

enum class Errc : uint16_t {
  kMalformedFrame = 1,      // a frame does not decode (length, trailing bytes)
  kUnsupportedVersion = 2,  // version byte is not 0x01
  kUnknownType = 3,         // type byte not in the registry
  kBadMac = 4,              // the frame HMAC does not verify
  kDecryptFailed = 5,       // AEAD open failed (Noise payload or record)
  kReplay = 6,              // sequence number already seen or not the next one
  kUnexpectedMessage = 7,   // a valid frame type at the wrong point of the protocol
  kHandshakeFailed = 8,     // a handshake message is malformed or a DH is weak
  kUntrustedIdentity = 9,   // the peer's identity is not the pinned or a known one
  kBadCredential = 10,      // the identity signature over the Noise static key is invalid
  kUnsupportedSuite = 11,   // no common cipher suite
  kFrameTooLarge = 12,      // payload length over kMaxFramePayload
  kNonceExhausted = 13,     // a direction used 2^64 - 1 sequence numbers
  kTimeout = 14,            // no frame within the inactivity timeout
  kClosed = 15,             // the session is closed
  kPeerError = 16,          // the peer sent ERROR
  // 17: retired, never reuse.
  kOverloaded = 18,  // the receiver has no memory for a frame this large now (scp.md §10)
};

std::string_view ErrcName(Errc e) noexcept;

}  // namespace sc::scp

SC_DEFINE_ERROR_ENUM(sc::scp::Errc, sc::ErrorDomain::kScp, sc::scp::ErrcName);
