// relay_limits.h: bounds on securecomm-relay's settings, each with its reason.
#pragma once

#include <chrono>
#include <cstdint>

#include "securecomm/relay/limits.h"
#include "securecomm/relay_server/limits.h"

namespace sc::relay_app {

// The descriptor limit less the relay's own files (relay_server/limits.h): also the default.
inline constexpr uint32_t kMaxConnectionsCeiling = relay_server::kDefaultMaxConnections;
// A message may wait at most this long (relay::kMaxMessageTtl).
inline constexpr uint32_t kMaxTtlDays =
    static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::hours>(relay::kMaxMessageTtl).count() / 24);
// A device's queue: far beyond any real backlog; the disk is the real bound.
inline constexpr uint32_t kMaxQueueCeiling = 1000000;
// SIGTERM waits at most this long for in-flight requests; orchestrators kill after 30 s.
inline constexpr uint32_t kMaxDrainSeconds = 25;
// A session whose peer takes no byte for longer than this is ended SLOW_READER: an hour at
// most, so that a stuck peer's buffers and descriptor are always given back.
inline constexpr uint32_t kMaxWriteStallSeconds = 3600;
// The handshake rate settings (per address, burst, total) at most: far beyond what two cores can
// complete (a few thousand handshakes a second, bench/), so a larger figure is a typo, and a
// limiter set that high is as good as none.
inline constexpr double kMaxHandshakeRate = 1000000;

}  // namespace sc::relay_app
