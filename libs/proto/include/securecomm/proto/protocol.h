// protocol.h: the constants of the client-relay protocol (docs/protocol/relay.md §9) that both
// the relay and its clients use, in one place. A bound a peer can observe is written here once;
// the relay's limits.h and the client name these instead of repeating a value. Relay-only
// bounds (queue sizes, throttling, batching) stay in libs/relay/limits.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sc::proto {

// ClientFrame.version this protocol revision carries; any other is UNSUPPORTED_VERSION.
inline constexpr uint32_t kProtocolVersion = 1;

// Usernames: 3-32 characters of [a-z0-9._-] after lowercasing, starting with a letter or digit:
// readable aloud, safe in logs and file names, and no Unicode confusables (relay.md §5.1).
inline constexpr size_t kMinUsernameLength = 3;
inline constexpr size_t kMaxUsernameLength = 32;

// SRP salts are 16 random bytes (relay.md §5, srp.md).
inline constexpr size_t kSrpSaltBytes = 16;

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

// Pushes in flight (sent, not yet acknowledged) per session: keeps a slow reader's outbound
// buffer bounded while letting a fast one stream (256 x ~300 B typical = 77 KB).
inline constexpr uint32_t kDeliveryWindow = 256;
// The same window in payload bytes: 256 full-size envelopes would be 15 MB per session; 1 MiB
// keeps a session's unsent deliveries bounded whatever their size.
inline constexpr size_t kDeliveryWindowBytes = 1024 * 1024;
// Ids per ack request: a client may acknowledge a whole delivery window, four times over.
inline constexpr size_t kMaxAcksPerRequest = 4 * kDeliveryWindow;

// Urgent messages (the priority lane, relay.md §7.4) queued for one device at most. They are
// pushed outside the delivery window, so this is their window: a few dozen alerts and their
// acknowledgments in flight is already an emergency; 64 keeps a device's urgent read to one
// small batch and stops a sender from turning the lane into a second ordinary queue.
inline constexpr uint32_t kMaxUrgentQueuedPerDevice = 64;

}  // namespace sc::proto
