// delivery_window.h: one delivery session's window (relay.md §7.2), sans-I/O: which queued
// messages were pushed and not yet acknowledged, in count and in payload bytes, when the queue
// may be read again, and the Delivery push of a message. The asio adapter (relay_server) and
// the in-process test adapter (tests/support) both keep their delivery state in one.
//
//   DeliveryWindow w;
//   if (uint32_t room = w.FetchRoom()) {
//     auto got = w.TakeFetched(service.Fetch(device, w.last_pushed(), room), room);
//     for (auto& push : got.pushes) write(push);
//     if (got.queue_drained) write(QueueDrained);   // then: got.next says what the session does
//   }
//   w.Acknowledge(effects.acknowledged);
//
// Urgent messages (the priority lane, relay.md §7.4) are pushed with PushUrgent outside the
// window: they never wait for it, never fill it, and do not move the queue cursor (their own
// bound is kMaxUrgentQueuedPerDevice, enforced at send).
//
// Not thread safe; one per session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/proto/protocol.h"
#include "securecomm/proto/relay.pb.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay {

class DeliveryWindow {
 public:
  // Full: kDeliveryWindow messages or kDeliveryWindowBytes of payload are unacknowledged.
  bool Full() const noexcept {
    return unacked_.size() >= proto::kDeliveryWindow || unacked_bytes_ >= proto::kDeliveryWindowBytes;
  }
  // FetchRoom: how many messages a queue read may return now; 0 while less than half the window
  // (in count or in bytes) is free, so that reads come in batches, not one per ack.
  uint32_t FetchRoom() const noexcept {
    const auto room = static_cast<uint32_t>(proto::kDeliveryWindow - unacked_.size());
    if (unacked_.empty()) return room;
    if (room < proto::kDeliveryWindow / 2 || unacked_bytes_ > proto::kDeliveryWindowBytes / 2) return 0;
    return room;
  }
  // Push returns the Delivery push of `m` and counts it as unacknowledged; nullopt if a message
  // with this id or a later one was pushed already (queue reads and live pushes overlap).
  // REQUIRES: !Full().
  std::optional<securecomm::relay::v1::Push> Push(const store::StoredMessage& m);
  // PushUrgent returns the Delivery push of urgent `m` and counts it in the urgent lane; nullopt
  // if it is pushed and unacknowledged already. The window may be full.
  std::optional<securecomm::relay::v1::Push> PushUrgent(const store::StoredMessage& m);

  // Fetched: what a session does with one queue read (relay.md §7.2).
  struct Fetched {
    enum class Next {
      kWaitForAcks,  // the window filled: read the queue again once acks make room
      kFetchAgain,   // the read was full and the window has room: read again now
      kLive,         // the read was short: the queue is drained, push new messages as they commit
    };
    std::vector<securecomm::relay::v1::Push> pushes;  // Delivery pushes to write, in order
    Next next = Next::kWaitForAcks;
    bool queue_drained = false;  // write QueueDrained after the pushes (once per window's life)
  };
  // TakeFetched pushes the messages of a queue read of at most `room` while the window has room
  // (urgent ones through PushUrgent, whatever the window), and says what comes next; QueueDrained
  // is asked for the first time the session goes live.
  Fetched TakeFetched(std::span<const store::StoredMessage> batch, uint32_t room);

  // Acknowledge frees the window of the ids that were pushed and unacknowledged; others are
  // ignored. Returns how many it freed.
  size_t Acknowledge(std::span<const store::MessageId> ids) noexcept;

  store::MessageId last_pushed() const noexcept { return last_pushed_; }
  size_t unacknowledged() const noexcept { return unacked_.size(); }
  size_t urgent_unacknowledged() const noexcept { return urgent_unacked_.size(); }

 private:
  store::MessageId last_pushed_ = 0;
  std::map<store::MessageId, size_t> unacked_;  // pushed, not yet acknowledged: id -> payload bytes
  size_t unacked_bytes_ = 0;
  std::map<store::MessageId, size_t> urgent_unacked_;  // the priority lane's, outside the window
  bool told_drained_ = false;
};

}  // namespace sc::relay
