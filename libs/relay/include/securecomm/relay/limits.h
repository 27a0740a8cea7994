// limits.h: every bound and fixed value of the relay's services (DESIGN.md §7.6), each with its
// reason. docs/protocol/relay.md §9 lists them for clients.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sc::relay {

// The protocol version this relay speaks (ClientFrame.version).
inline constexpr uint32_t kProtocolVersion = 1;

// Usernames: 3-32 characters of [a-z0-9._-] after lowercasing, starting with a letter or digit:
// readable aloud, safe in logs and file names, and no Unicode confusables.
inline constexpr size_t kMinUsernameLength = 3;
inline constexpr size_t kMaxUsernameLength = 32;

// An account's devices: phones, laptops and a few spares; each one multiplies every send.
inline constexpr uint32_t kMaxDevicesPerAccount = 16;

// One-time prekeys a device may hold at once (each row is ~40 bytes; Signal uploads 100).
inline constexpr uint32_t kMaxOneTimePrekeys = 1000;
// One upload request's one-time prekeys (an upload must fit one SCP record with room to spare).
inline constexpr uint32_t kMaxPrekeysPerUpload = 200;
// Below this many one-time prekeys the device is told to upload more (PrekeysLow push).
inline constexpr uint32_t kPrekeysLowThreshold = 20;

// One envelope's opaque payload. A whole ClientFrame must fit one SCP record (65,535 bytes);
// 60,000 leaves room for the frame's other fields. Larger content is chunked by the client.
inline constexpr size_t kMaxEnvelopeBytes = 60000;
// Envelopes per send: every device of a recipient plus the sender's other devices, twice over.
inline constexpr size_t kMaxEnvelopesPerSend = 2 * 2 * kMaxDevicesPerAccount;
// Ids per ack request: a client acknowledges at least every kDeliveryWindow pushes.
inline constexpr size_t kMaxAcksPerRequest = 1024;

// Messages queued for one device: weeks offline in a busy account, bounded so that one device
// cannot fill everyone's disk (typically ~3 MB; 600 MB only if every message is full size).
inline constexpr uint32_t kMaxQueuedPerDevice = 10000;

// Time to live of a queued message: the default (DESIGN: 30 days) and the most a sender may ask.
inline constexpr std::chrono::milliseconds kDefaultMessageTtl = std::chrono::hours(24 * 30);
inline constexpr std::chrono::milliseconds kMaxMessageTtl = std::chrono::hours(24 * 90);

// Pushes in flight (sent, not yet acknowledged) per session: keeps a slow reader's outbound
// buffer bounded while letting a fast one stream (256 x ~300 B typical = 77 KB).
inline constexpr uint32_t kDeliveryWindow = 256;
// The same window in payload bytes: 256 full-size envelopes would be 15 MB per session; 1 MiB
// keeps a session's unsent deliveries well under kMaxSessionOutboundBytes whatever their size.
inline constexpr size_t kDeliveryWindowBytes = 1024 * 1024;
// A session whose unsent output passes this many bytes is a reader too slow to keep up: it is
// disconnected, and its queue stays for its next connection (nothing is lost).
inline constexpr size_t kMaxSessionOutboundBytes = 4 * 1024 * 1024;

// Login throttling, per account (persisted) and per source address (in memory).
// The first failures are free (typos); then each further attempt must wait twice as long as the
// last, starting at one second; at the lockout count the account or address is locked.
inline constexpr uint32_t kAccountFreeFailures = 5;
inline constexpr uint32_t kAccountLockoutFailures = 10;
inline constexpr std::chrono::milliseconds kAccountLockout = std::chrono::minutes(15);
// An address may be a NAT with many users: more free failures before it slows down.
inline constexpr uint32_t kAddressFreeFailures = 20;
inline constexpr uint32_t kAddressLockoutFailures = 50;
inline constexpr std::chrono::milliseconds kAddressLockout = std::chrono::minutes(15);
// The longest throttling delay before lockout.
inline constexpr std::chrono::milliseconds kMaxThrottleDelay = std::chrono::minutes(5);
// Addresses remembered by the in-memory throttle (each entry ~100 bytes: 6.5 MB at most); when
// full, entries without recent failures are dropped first.
inline constexpr size_t kMaxTrackedAddresses = 65536;
// An address's failure record is forgotten this long after its last failure.
inline constexpr std::chrono::milliseconds kAddressFailureMemory = std::chrono::hours(1);

// Requests run per store transaction (group commit): enough to amortise one fsync over many
// senders, few enough that the first one's answer is not held up long.
inline constexpr size_t kMaxJobsPerBatch = 512;
// Requests waiting for the store worker before new ones are refused with STORAGE_FAILURE
// (backpressure instead of unbounded memory when the disk is slower than the network).
inline constexpr size_t kMaxPendingJobs = 65536;
// Expired messages removed per purge run (one transaction): small enough not to stall sends.
inline constexpr uint32_t kPurgeBatch = 1000;

}  // namespace sc::relay
