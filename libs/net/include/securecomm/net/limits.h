// limits.h: bounds of the I/O adapters, each with its reason.
#pragma once

#include <chrono>
#include <cstddef>

namespace sc::net {

// One read asks the kernel for up to 64 KiB beyond the frame in progress: large enough for bulk
// transfer at full speed, small enough that a connection's read buffer stays under 200 KiB.
inline constexpr size_t kReadChunk = 64 * 1024;
// A stream's read buffer at most: the largest SCP frame plus one read chunk (about 192 KiB).
inline constexpr size_t kReadBufferSize = 65535 + 16 + 14 + 32 + kReadChunk;
// A stream's read buffer when data arrives on an idle connection: messaging records are a few
// hundred bytes, so 16 KiB takes many per system call and stays below malloc's mmap threshold.
inline constexpr size_t kInitialReadBuffer = 16 * 1024;

// The deferred lane (ScpStream::QueueDeferred) is sealed into the write buffer only while less
// than this waits there, so a record queued later in the urgent lane waits behind at most this
// much ordinary output (plus what the kernel holds): 64 KiB is one full record, a few
// milliseconds of a slow link, and still large enough that a busy session writes in big chunks.
inline constexpr size_t kDeferredSealChunk = 64 * 1024;
// The least free room a read is given (a buffer with less is compacted or grown first).
inline constexpr size_t kMinReadRoom = 4 * 1024;

// Frames in progress (docs/protocol/scp.md §10). A stream's read buffer may always be this large
// without drawing on the server's PartialFrameBudget: a handshake message and a typical messaging
// record (a few hundred bytes) fit, so a spent budget never stops small frames, and 19,900
// stalled peers hold at most 78 MiB of allowances. Beyond it, every byte comes from the budget.
inline constexpr size_t kPartialFrameAllowance = 4 * 1024;
// A frame whose first byte has arrived must be complete this soon, or the stream ends with
// kTimeout: a healthy peer sends the largest frame (64 KiB) in well under a second on a 2 Mbit/s
// link and in 2.6 s on 2G EDGE; a peer that starts a frame and stalls (or trickles it) holds its
// read buffer 10 s instead of the 30 s idle timeout, and cannot keep it by sending a byte at a time.
inline constexpr std::chrono::seconds kFrameCompletionTimeout{10};

// A datagram is one frame; loopback and jumbo paths allow 64 KiB, the largest a UDP datagram holds.
inline constexpr size_t kMaxDatagram = 65507;

// A datagram server admits at most this many sessions (each holds about 2 KiB of state plus a
// replay window of 1 KiB); past it, new INITs are dropped.
inline constexpr size_t kMaxDatagramSessions = 4096;

// Handshake flights over UDP are resent after this long without an answer, up to kMaxResends.
inline constexpr std::chrono::milliseconds kHandshakeResend{500};
inline constexpr int kMaxResends = 5;

// HTTP health and metrics endpoint (http_endpoint.h). It serves a few scrapers and probes on a
// private address, never clients, so every bound is small.

// Default concurrent connections: a Prometheus server, a load balancer's health check and an
// operator's curl, with room to spare; past it, new connections wait until one closes.
inline constexpr size_t kHttpDefaultMaxConnections = 16;
// The most an operator may configure: each connection holds kHttpConnectionMemory, so 1024 of them
// stay under 32 MiB.
inline constexpr size_t kHttpMaxConnectionsCeiling = 1024;
// Default idle timeout: a scrape completes in milliseconds; 10 s frees a slot held by a stalled or
// slow-loris client soon, yet tolerates a loaded scraper.
inline constexpr std::chrono::seconds kHttpDefaultConnectionTimeout{10};
// The longest configurable idle timeout: beyond an hour a stuck client would pin a slot for no use.
inline constexpr std::chrono::seconds kHttpMaxConnectionTimeout{3600};
// Per-connection memory for the request line and headers (MHD's pool): 32 KiB holds any header set a
// real scraper sends; a larger request is answered by MHD with 431 or 414.
inline constexpr size_t kHttpConnectionMemory = 32 * 1024;
// Our paths are short ("/metrics", "/healthz"): anything past 1 KiB is garbage or a probe, and gets
// 414 without reaching the handler.
inline constexpr size_t kHttpMaxPathLength = 1024;

}  // namespace sc::net
