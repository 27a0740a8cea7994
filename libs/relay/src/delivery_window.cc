#include "securecomm/relay/delivery_window.h"

#include <algorithm>

#include "securecomm/base/bytes.h"

namespace sc::relay {

namespace {

securecomm::relay::v1::Push DeliveryOf(const store::StoredMessage& m) {
  securecomm::relay::v1::Push push;
  auto* d = push.mutable_delivery();
  d->set_message_id(m.id);
  d->set_sender_account(m.sender.account);
  d->set_sender_device(m.sender.device);
  d->set_server_time_ms(m.server_time_ms);
  d->set_payload(AsChars(m.payload).data(), m.payload.size());
  d->set_urgent(m.urgent);
  return push;
}

}  // namespace

std::optional<securecomm::relay::v1::Push> DeliveryWindow::PushUrgent(const store::StoredMessage& m) {
  if (!urgent_unacked_.emplace(m.id, m.payload.size()).second) return std::nullopt;
  return DeliveryOf(m);
}

std::optional<securecomm::relay::v1::Push> DeliveryWindow::Push(const store::StoredMessage& m) {
  if (m.id <= last_pushed_) return std::nullopt;
  securecomm::relay::v1::Push push = DeliveryOf(m);
  last_pushed_ = m.id;
  unacked_.emplace(m.id, m.payload.size());
  unacked_bytes_ += m.payload.size();
  return push;
}

DeliveryWindow::Fetched DeliveryWindow::TakeFetched(std::span<const store::StoredMessage> batch,
                                                    uint32_t room) {
  Fetched out;
  for (const auto& m : batch) {
    if (m.urgent) {  // the priority lane: outside the window, whatever its state
      if (auto push = PushUrgent(m)) out.pushes.push_back(std::move(*push));
      // Every ordinary message before it in the read was pushed: the cursor may pass it, so a
      // read of urgent messages only still moves on.
      last_pushed_ = std::max(last_pushed_, m.id);
      continue;
    }
    if (Full()) return out;  // kWaitForAcks: the rest is read again once acks make room
    if (auto push = Push(m)) out.pushes.push_back(std::move(*push));  // nullopt: pushed live already
  }
  if (batch.size() >= room) {
    out.next = Fetched::Next::kFetchAgain;
    return out;
  }
  out.next = Fetched::Next::kLive;
  out.queue_drained = !told_drained_;
  told_drained_ = true;
  return out;
}

size_t DeliveryWindow::Acknowledge(std::span<const store::MessageId> ids) noexcept {
  size_t freed = 0;
  for (auto id : ids) {
    if (auto it = unacked_.find(id); it != unacked_.end()) {
      unacked_bytes_ -= it->second;
      unacked_.erase(it);
      ++freed;
    } else if (urgent_unacked_.erase(id) > 0) {
      ++freed;
    }
  }
  return freed;
}

}  // namespace sc::relay
