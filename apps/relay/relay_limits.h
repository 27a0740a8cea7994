// relay_limits.h: bounds on securecomm-relay's settings, each with its reason.
#pragma once

#include <cstdint>

namespace sc::relay_app {

// A process may hold 20,000 descriptors here (and the limit cannot be raised); the store, its
// WAL and shared memory, the HTTP endpoint, logs and the listening sockets need the rest.
inline constexpr uint32_t kMaxConnectionsCeiling = 19900;
// A message may wait at most this long (relay::kMaxMessageTtl).
inline constexpr uint32_t kMaxTtlDays = 90;
// A device's queue: far beyond any real backlog; the disk is the real bound.
inline constexpr uint32_t kMaxQueueCeiling = 1000000;
// SIGTERM waits at most this long for in-flight requests; orchestrators kill after 30 s.
inline constexpr uint32_t kMaxDrainSeconds = 25;

}  // namespace sc::relay_app
