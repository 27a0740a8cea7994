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
// The disk reserve (disk_reserve.h, docs/relay.md "Disk full"): room for the write-ahead log of
// the deletions made while the disk is full. SQLite checkpoints its log back into the database
// at about 4 MiB (1,000 pages), and deletions reuse the database's own pages, so 64 MiB is many
// logs' worth, with room to spare while a checkpoint waits for a reader. At most 4 GiB: more is
// disk withheld for nothing. 0 turns the reserve off.
inline constexpr uint32_t kDefaultDiskReserveMib = 64;
inline constexpr uint32_t kMaxDiskReserveMib = 4096;

}  // namespace sc::relay_app
