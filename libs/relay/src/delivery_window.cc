#include "securecomm/relay/delivery_window.h"

#include "securecomm/base/bytes.h"

namespace sc::relay {

std::optional<securecomm::relay::v1::Push> DeliveryWindow::Push(const store::StoredMessage& m) {
  if (m.id <= last_pushed_) return std::nullopt;
  securecomm::relay::v1::Push push;
  auto* d = push.mutable_delivery();
  d->set_message_id(m.id);
  d->set_sender_account(m.sender.account);
  d->set_sender_device(m.sender.device);
  d->set_server_time_ms(m.server_time_ms);
  d->set_payload(AsChars(m.payload).data(), m.payload.size());
  last_pushed_ = m.id;
  unacked_.emplace(m.id, m.payload.size());
  unacked_bytes_ += m.payload.size();
  return push;
}

DeliveryWindow::Fetched DeliveryWindow::TakeFetched(std::span<const store::StoredMessage> batch,
                                                    uint32_t room) {
  Fetched out;
  for (const auto& m : batch) {
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
    }
  }
  return freed;
}

}  // namespace sc::relay
