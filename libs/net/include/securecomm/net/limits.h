// limits.h: bounds of the I/O adapters, each with its reason.
#pragma once

#include <chrono>
#include <cstddef>

namespace sc::net {

// One read asks the kernel for up to 64 KiB beyond the frame in progress: large enough for bulk
// transfer at full speed, small enough that a connection's read buffer stays under 200 KiB.
inline constexpr size_t kReadChunk = 64 * 1024;
// A stream's read buffer: the largest SCP frame plus one read chunk (about 192 KiB), allocated on
// a connection's first read.
inline constexpr size_t kReadBufferSize = 65535 + 16 + 14 + 32 + kReadChunk;

// A datagram is one frame; loopback and jumbo paths allow 64 KiB, the largest a UDP datagram holds.
inline constexpr size_t kMaxDatagram = 65507;

// A datagram server admits at most this many sessions (each holds about 2 KiB of state plus a
// replay window of 1 KiB); past it, new INITs are dropped.
inline constexpr size_t kMaxDatagramSessions = 4096;

// Handshake flights over UDP are resent after this long without an answer, up to kMaxResends.
inline constexpr std::chrono::milliseconds kHandshakeResend{500};
inline constexpr int kMaxResends = 5;

}  // namespace sc::net
