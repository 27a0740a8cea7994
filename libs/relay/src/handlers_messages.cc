// Messages: store-and-forward send and the acknowledgement that removes delivered messages
// (relay.md §8).
#include <algorithm>
#include <utility>
#include <vector>

#include "securecomm/store/errors.h"

#include "handlers.h"

namespace sc::relay {

Outcome HandleSend(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f) {
  const pb::SendRequest& r = f.send();
  const size_t n = static_cast<size_t>(r.envelopes_size());
  if (n == 0) return Refuse(pb::INVALID_REQUEST);
  if (n > kMaxEnvelopesPerSend) return Refuse(pb::TOO_MANY_ENVELOPES);
  if (r.ttl_ms() > static_cast<uint64_t>(ctx.options.max_ttl.count())) return Refuse(pb::INVALID_TTL);
  const int64_t now = ctx.clock.UnixMillis();
  const int64_t ttl = r.ttl_ms() == 0 ? ctx.options.default_ttl.count() : static_cast<int64_t>(r.ttl_ms());

  // Validate every envelope before writing any: a send is all or nothing.
  struct Depth {
    store::DeviceAddress device;
    uint32_t queued = 0;             // queued + this send's
    std::optional<uint32_t> urgent;  // the same for the priority lane, read at its first urgent envelope
  };
  std::vector<Depth> depths;  // per distinct recipient
  for (size_t i = 0; i < n; ++i) {
    const auto& e = r.envelopes(static_cast<int>(i));
    if (e.payload().empty()) return RefuseAt(pb::INVALID_REQUEST, i);
    if (e.payload().size() > kMaxEnvelopeBytes) return RefuseAt(pb::ENVELOPE_TOO_LARGE, i);
    const store::DeviceAddress to{e.recipient_account(), e.recipient_device()};
    auto it = std::find_if(depths.begin(), depths.end(), [&](const Depth& d) { return d.device == to; });
    if (it == depths.end()) {
      if (to.account == 0 || to.device == 0) return RefuseAt(pb::UNKNOWN_RECIPIENT, i);
      auto depth = ctx.store.QueueDepth(to);  // kNotFound: no such device (one lookup, not two)
      if (!depth) {
        return depth.error() == store::Errc::kNotFound ? RefuseAt(pb::UNKNOWN_RECIPIENT, i)
                                                       : StoreFailure(depth.error());
      }
      depths.push_back(Depth{to, *depth, std::nullopt});
      it = depths.end() - 1;
    }
    if (++it->queued > ctx.options.max_queued_per_device) return RefuseAt(pb::QUEUE_FULL, i);
    if (e.urgent()) {  // the priority lane has its own bound (relay.md §7.4)
      if (!it->urgent) {
        auto urgent = ctx.store.UrgentDepth(to);
        if (!urgent) return StoreFailure(urgent.error());
        it->urgent = *urgent;
      }
      if (++*it->urgent > proto::kMaxUrgentQueuedPerDevice) return RefuseAt(pb::QUEUE_FULL, i);
    }
  }

  Outcome out;
  auto* body = out.response.mutable_send();
  body->set_server_time_ms(now);
  out.effects.new_messages.reserve(n);
  for (const auto& e : r.envelopes()) {
    store::NewMessage m;
    m.recipient = {e.recipient_account(), e.recipient_device()};
    m.sender = *s.device;
    m.server_time_ms = now;
    m.expires_ms = now + ttl;
    m.payload.assign(e.payload().begin(), e.payload().end());
    m.urgent = e.urgent();
    auto id = ctx.store.Enqueue(m);
    if (!id) return StoreFailure(id.error());
    body->add_message_ids(*id);
    out.effects.new_messages.push_back(store::StoredMessage{*id, m.recipient, m.sender, m.server_time_ms,
                                                            m.expires_ms, std::move(m.payload), m.urgent});
  }
  return out;
}

Outcome HandleAck(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f) {
  const pb::AckRequest& r = f.ack();
  if (r.message_ids_size() == 0) return Refuse(pb::INVALID_REQUEST);
  if (static_cast<size_t>(r.message_ids_size()) > kMaxAcksPerRequest) return Refuse(pb::INVALID_REQUEST);
  std::vector<store::MessageId> ids(r.message_ids().begin(), r.message_ids().end());
  auto removed = ctx.store.Ack(*s.device, ids);
  if (!removed) return StoreFailure(removed.error());
  Outcome out;
  out.response.mutable_ack()->set_removed(*removed);
  out.effects.acknowledged = std::move(ids);
  return out;
}

}  // namespace sc::relay
