// limits.h: every bound of SCP, each with the reason for its value (docs/protocol/scp.md §12).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sc::scp {

inline constexpr uint8_t kVersion = 0x01;
// version (1) + type (1) + sequence (8) + length (4).
inline constexpr size_t kHeaderSize = 14;
inline constexpr size_t kMacSize = 32;
inline constexpr size_t kTagSize = 16;

// A Noise-sized message: keeps per-connection buffers near 64 KiB (the seed allows 1 MB).
inline constexpr size_t kMaxRecordPlaintext = 65535;
// A full record: plaintext plus its AEAD tag. Handshake messages are far smaller.
inline constexpr size_t kMaxFramePayload = kMaxRecordPlaintext + kTagSize;
inline constexpr size_t kMaxFrameSize = kHeaderSize + kMaxFramePayload + kMacSize;

// RFC 6479 bitmap of 128 blocks of 64 bits: W = 127 * 64 = 8128 >= the 2048 the seed asks for,
// for 1 KiB per datagram session (WireGuard's choice, so its vectors apply unchanged).
inline constexpr size_t kReplayWindowBlocks = 128;

// 2^64 - 1 is never used as a sequence number (a nonce must never repeat; scp.md §7).
inline constexpr uint64_t kMaxSequence = UINT64_MAX - 1;

// The seed's rekey limits, both configurable (SessionConfig) and lowered by the security posture.
inline constexpr uint64_t kDefaultRekeyBytes = uint64_t{1} << 30;
inline constexpr std::chrono::seconds kDefaultRekeyInterval{3600};
// The seed's inactivity timeout; three keepalives fit in it so one lost ACK never ends a session.
inline constexpr std::chrono::seconds kDefaultIdleTimeout{30};
inline constexpr std::chrono::seconds kDefaultKeepaliveInterval{10};

}  // namespace sc::scp
