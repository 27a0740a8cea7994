// limits.h: bounds of the relay's network adapter, each with its reason (DESIGN.md §7.6).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sc::relay_server {

// Open client connections. A process may hold 20,000 descriptors on our machines and the limit
// cannot be raised; the store, its WAL, the HTTP endpoint and logs need a few dozen.
inline constexpr size_t kDefaultMaxConnections = 19900;

// Requests of one session waiting for the store: enough to pipeline, few enough that one
// session cannot take the whole worker queue (kMaxPendingJobs) for itself.
inline constexpr uint32_t kMaxInflightRequests = 64;

// Malformed frames a session may send before it is closed: a buggy client learns what is wrong
// from the first answers; a fuzzer or attacker does not get to use the relay's CPU for free.
inline constexpr uint32_t kMaxBadFrames = 8;

// After an accept fails for want of descriptors (EMFILE), wait this long before the next accept
// instead of spinning.
inline constexpr std::chrono::milliseconds kAcceptBackoff{50};

// A session ended with a reason (SessionEnded) gets this long to take the notice before its
// socket is closed regardless: a peer that stopped reading cannot hold the connection open.
inline constexpr std::chrono::seconds kEndNoticeTimeout{2};

// SIGTERM: how long in-flight requests get to finish and their answers to be written.
inline constexpr std::chrono::seconds kDefaultDrainTimeout{10};

}  // namespace sc::relay_server
