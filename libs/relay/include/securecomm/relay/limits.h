// limits.h: every bound and fixed value of the relay's services (DESIGN.md §7.6), each with its
// reason. docs/protocol/relay.md §9 lists them for clients.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "securecomm/proto/protocol.h"

namespace sc::relay {

// The bounds a client can observe live in the protocol's own header, shared with clients; they
// are named here too so the relay's code reads them as its own limits.
using proto::kDeliveryWindow;
using proto::kDeliveryWindowBytes;
using proto::kMaxAcksPerRequest;
using proto::kMaxDevicesPerAccount;
using proto::kMaxEnvelopeBytes;
using proto::kMaxEnvelopesPerSend;
using proto::kMaxOneTimePrekeys;
using proto::kMaxPrekeysPerUpload;
using proto::kMaxUsernameLength;
using proto::kMinUsernameLength;
using proto::kPrekeysLowThreshold;
using proto::kProtocolVersion;

// Messages queued for one device: weeks offline in a busy account, bounded so that one device
// cannot fill everyone's disk (typically ~3 MB; 600 MB only if every message is full size).
inline constexpr uint32_t kMaxQueuedPerDevice = 10000;

// Time to live of a queued message: the default (DESIGN: 30 days) and the most a sender may ask.
inline constexpr std::chrono::milliseconds kDefaultMessageTtl = std::chrono::hours(24 * 30);
inline constexpr std::chrono::milliseconds kMaxMessageTtl = std::chrono::hours(24 * 90);

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
// Requests waiting for the store worker before new ones are refused with RELAY_BUSY
// (backpressure instead of unbounded memory when the disk is slower than the network).
inline constexpr size_t kMaxPendingJobs = 65536;
// Expired messages removed per purge run (one transaction): small enough not to stall sends.
inline constexpr uint32_t kPurgeBatch = 1000;

// Disk-full mode (disk_full.h, docs/relay.md "Disk full"): how often the store worker asks
// whether space came back (a statvfs and, when it did, one fallocate and a WAL checkpoint: cheap
// enough to run even under load), and the retry hint of the requests refused meanwhile (a few
// checks, so a client that honours it does not hammer a relay that is still full).
inline constexpr std::chrono::milliseconds kDiskFullCheckInterval = std::chrono::seconds(5);
inline constexpr std::chrono::milliseconds kDiskFullRetryAfter = std::chrono::seconds(30);

}  // namespace sc::relay
