#include "securecomm/relay/service.h"

#include "securecomm/relay/requests.h"
#include "securecomm/store/errors.h"

#include "handlers.h"

namespace sc::relay {

Service::Service(store::RelayStore& store, const Clock& clock, Random& rng, ServiceOptions options)
    : options_(std::move(options)), ctx_(std::make_unique<HandlerContext>(store, clock, rng, options_)) {}

Service::~Service() = default;

Outcome Service::Handle(SessionContext& s, const pb::ClientFrame& frame) {
  Outcome out;
  const RequestType* type = FindRequestType(frame.body_case());
  if (frame.version() != kProtocolVersion) {
    out = Refuse(pb::UNSUPPORTED_VERSION);
  } else if (type == nullptr) {
    out = Refuse(pb::UNKNOWN_REQUEST);
  } else if (type->needs_login && !s.device) {
    out = Refuse(pb::NOT_AUTHENTICATED);
  } else if (type->needs_login && !DeviceStillExists(s)) {
    // Removed by another session (perhaps earlier in this very batch): revoked at once.
    s.device.reset();
    out = Refuse(pb::DEVICE_REMOVED);
  } else if (type->grows_store && options_.disk_full != nullptr && options_.disk_full->active()) {
    // Nothing is written: the reserve is kept for the requests that shrink the store.
    out = RefuseFor(pb::STORAGE_FAILURE, kDiskFullRetryAfter.count());
  } else {
    out = type->handle(*ctx_, s, frame);
    if (out.disk_full && options_.disk_full != nullptr) options_.disk_full->Enter();
  }
  out.response.set_request_id(frame.request_id());
  return out;
}

void Service::ApplyCommitted(SessionContext& s, const Outcome& outcome) {
  if (outcome.effects.logged_in) s.device = outcome.effects.logged_in;
  if (s.device) {
    for (const auto& removed : outcome.effects.removed_devices) {
      if (removed == *s.device) s.device.reset();
    }
  }
}

bool Service::DeviceStillExists(const SessionContext& s) {
  auto d = ctx_->store.GetDevice(*s.device);
  // A store failure is not a revocation: the request then fails on its own store access.
  return d.has_value() || d.error() != store::Errc::kNotFound;
}

Result<std::vector<store::StoredMessage>> Service::FetchUrgent(store::DeviceAddress device,
                                                               store::MessageId after) {
  return ctx_->store.FetchUrgent(device, after, proto::kMaxUrgentQueuedPerDevice, ctx_->clock.UnixMillis());
}

Result<std::vector<store::StoredMessage>> Service::Fetch(store::DeviceAddress device, store::MessageId after,
                                                         uint32_t limit) {
  return ctx_->store.Fetch(device, after, limit, ctx_->clock.UnixMillis());
}

Result<uint32_t> Service::QueueDepth(store::DeviceAddress device) {
  return ctx_->store.QueueDepth(device);
}

Result<uint32_t> Service::PurgeExpired() {
  return ctx_->store.PurgeExpired(ctx_->clock.UnixMillis(), kPurgeBatch);
}

void Publish(const Effects& effects, EffectSink& sink) {
  for (const auto& message : effects.new_messages) sink.Deliver(message);
  for (const auto& [device, remaining] : effects.prekeys_low) sink.PrekeysLow(device, remaining);
  for (const auto& device : effects.removed_devices) sink.EndSessions(device, pb::DEVICE_REMOVED);
}

}  // namespace sc::relay
