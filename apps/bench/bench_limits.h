// bench_limits.h: every bound and fixed value of securecomm-bench, each with its reason
// (DESIGN.md §7.6). The load generator is a test tool, but it holds up to ~19,000 sockets and
// millions of samples, so its memory and waits are bounded like the relay's.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sc::bench {

// A process may hold 20,000 descriptors on these machines and the limit cannot be raised; the
// bench's own files (stdin/out/err, epoll, eventfds, the metrics scrape) need a few dozen, so
// one process opens at most this many connections. Spread more over several processes.
inline constexpr size_t kMaxConnectionsPerProcess = 19500;

// Connections set up (connect + handshake + SRP login) at once per process: enough to keep the
// relay's store thread (which runs the SRP math) busy, few enough that no login waits near the
// client's 30 s call timeout behind the others.
inline constexpr size_t kDefaultSetupParallelism = 32;
inline constexpr size_t kMaxSetupParallelism = 512;

// Attempts per connection during setup; a refusal while the relay is busy (accept backlog,
// handshake limiter) is retried after kSetupRetryDelay.
inline constexpr int kSetupAttempts = 3;
inline constexpr std::chrono::milliseconds kSetupRetryDelay{500};

// After a delivery session logs in, the relay pushes QueueDrained once it has read the queue;
// a session counts as up only then. A longer wait means the relay is stuck: the setup fails.
inline constexpr std::chrono::seconds kQueueDrainedWait{60};

// An account has at most 16 devices (relay::kMaxDevicesPerAccount): connection i logs in as
// device slot i % 16 of account i / 16.
inline constexpr size_t kDevicesPerAccount = 16;

// Accounts registered by one `register` run: 19,200 devices need 1,200; the bound keeps a typo
// from registering millions.
inline constexpr size_t kMaxAccounts = 100000;

// A credentials file line: a 32-character username, a space, a 32-character hex password.
inline constexpr size_t kMaxCredentialLine = 256;

// Passwords of bench accounts: 16 random bytes, hex (they only have to be unguessable).
inline constexpr size_t kPasswordBytes = 16;

// Payload size of a message: the 256 B; at least the 16-byte header the bench puts in
// it (send time, sequence), at most the relay's envelope limit (relay::kMaxEnvelopeBytes).
inline constexpr size_t kMinPayload = 16;
inline constexpr size_t kMaxPayload = 60000;

// Sender/receiver pairs: 2 connections each, so one process holds at most half its descriptor
// budget in pairs.
inline constexpr size_t kMaxPairs = kMaxConnectionsPerProcess / 2;

// Sends one sender may have waiting for their answer. The relay reads at most 64 requests of a
// session ahead (relay_server::kMaxInflightRequests); more would only queue in the socket.
inline constexpr size_t kMaxInflightPerSender = 64;
// Scheduled sends waiting behind that limit, per sender: past it the schedule is hopeless and
// further sends are counted as skipped (reported), instead of memory growing without bound.
inline constexpr size_t kMaxBacklogPerSender = 100000;

// The open-loop scheduler wakes this often and issues every send that has come due; latency is
// measured from each send's scheduled time, so the tick adds no error, only burstiness.
inline constexpr std::chrono::microseconds kSchedulerTick{500};

// Receivers acknowledge deliveries in batches: at this many ids or this long after the first
// unacknowledged one, whichever comes first. Far below the relay's window of 256 unacked
// deliveries per session (relay::kDeliveryWindow), so acks never stall the flow.
inline constexpr size_t kDefaultAckBatch = 32;
inline constexpr std::chrono::milliseconds kDefaultAckDelay{10};
inline constexpr size_t kMaxAckBatch = 1024;  // relay::kMaxAcksPerRequest

// After the measured window, the run waits at most this long for answers and deliveries of
// what was sent; what is still missing then is reported as lost or late.
inline constexpr std::chrono::seconds kDrainTimeout{20};

// Longest measured window and warm-up: a benchmark, not a soak test.
inline constexpr uint32_t kMaxSeconds = 3600;

// Aggregate rate: one loopback machine cannot do more; a typo should not try.
inline constexpr double kMaxRate = 1'000'000;

// /metrics is sampled this often during the measured window (store queue depth); each scrape is
// one small HTTP request to the relay's health endpoint, off its SCP thread.
inline constexpr std::chrono::milliseconds kMetricsSampleInterval{250};
// The largest /metrics answer read: the relay's is a few KiB.
inline constexpr size_t kMaxMetricsResponse = 1 << 20;
// A scrape that takes longer than this is abandoned (the relay's HTTP endpoint is its own thread).
inline constexpr std::chrono::seconds kMetricsTimeout{5};

// MQTT (mqtt_client.h): a packet larger than this is refused: ours are 256-byte payloads plus a
// short topic; mosquitto sends nothing larger to these clients.
inline constexpr size_t kMaxMqttPacket = 64 * 1024;
// MQTT keep alive announced in CONNECT; the client pings at half of it, as an idle SCP session
// sends a keepalive every 10 s. Mosquitto closes a client silent for 1.5 times this.
inline constexpr uint16_t kMqttKeepAliveSeconds = 60;
// How long to wait for CONNACK or SUBACK before the setup of that connection fails.
inline constexpr std::chrono::seconds kMqttSetupTimeout{30};
// Bytes queued for one MQTT connection's socket before it is considered stuck and closed.
inline constexpr size_t kMaxMqttOutbound = 4 * 1024 * 1024;

// Latency histogram: values in microseconds, exact below 1,024 us and within 0.2 % above, up to
// 2^40 us (12 days): ~30,000 buckets of 8 bytes, whatever the number of samples.
inline constexpr int kHistogramSubBits = 10;
inline constexpr int kHistogramMaxExponent = 40;

// SQLite anchor: rows inserted at most in one run (each 300 bytes on disk).
inline constexpr uint64_t kMaxAnchorRows = 10'000'000;
inline constexpr uint64_t kMaxAnchorBatch = 100000;

}  // namespace sc::bench
