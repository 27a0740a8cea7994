// Devices: list and remove (relay.md §5.4).
#include "securecomm/store/errors.h"

#include "handlers.h"

namespace sc::relay {

void FillDevice(pb::Device& out, const store::DeviceRecord& d) {
  out.set_device_id(d.id);
  out.set_identity_key(d.identity_key.data(), d.identity_key.size());
  out.set_created_ms(d.created_ms);
}

Outcome HandleListDevices(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame&) {
  auto devices = ctx.store.ListDevices(s.device->account);
  if (!devices) return StoreFailure(devices.error());
  Outcome out;
  auto* body = out.response.mutable_list_devices();
  for (const auto& d : *devices) FillDevice(*body->add_devices(), d);
  return out;
}

Outcome HandleRemoveDevice(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f) {
  const pb::RemoveDeviceRequest& r = f.remove_device();
  const store::DeviceAddress target{s.device->account, r.device_id()};
  if (r.device_id() == 0) return Refuse(pb::INVALID_REQUEST);
  if (auto st = ctx.store.RemoveDevice(target); !st) {
    return st.error() == store::Errc::kNotFound ? Refuse(pb::UNKNOWN_DEVICE) : StoreFailure(st.error());
  }
  Outcome out;
  out.response.mutable_remove_device();
  out.effects.removed_devices.push_back(target);
  return out;
}

}  // namespace sc::relay
