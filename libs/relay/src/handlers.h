// handlers.h (private): the request handlers of the relay's table (requests.h) and the state
// they share. One file per concern: handlers_accounts.cc (register, login), handlers_devices.cc,
// handlers_prekeys.cc (prekeys and the directory), handlers_messages.cc (send, ack).
#pragma once

#include <algorithm>
#include <cstdint>

#include "securecomm/base/clock.h"
#include "securecomm/base/random.h"
#include "securecomm/relay/login_throttle.h"
#include "securecomm/relay/requests.h"
#include "securecomm/relay/service.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay {

// HandlerContext: what a handler may use. Owned by the Service; one thread.
class HandlerContext {
 public:
  HandlerContext(store::RelayStore& the_store, const Clock& the_clock, Random& the_rng,
                 const ServiceOptions& the_options)
      : store(the_store), clock(the_clock), rng(the_rng), options(the_options) {}

  store::RelayStore& store;
  const Clock& clock;
  Random& rng;
  const ServiceOptions& options;
  AddressThrottle address_throttle;
};

// ---- Outcomes of refusals ----

inline Outcome Refuse(pb::ErrorCode code) {
  Outcome o;
  o.response.set_error(code);
  return o;
}
// RefuseAt: a per-envelope refusal naming the envelope (Response.error_index).
inline Outcome RefuseAt(pb::ErrorCode code, size_t index) {
  Outcome o = Refuse(code);
  o.response.set_error_index(static_cast<uint32_t>(index));
  return o;
}
// RefuseFor: a throttling refusal with its retry hint.
inline Outcome RefuseFor(pb::ErrorCode code, int64_t retry_after_ms) {
  Outcome o = Refuse(code);
  o.response.set_retry_after_ms(static_cast<uint64_t>(std::max<int64_t>(retry_after_ms, 0)));
  return o;
}
// StoreFailure: a store error the request cannot explain to the client (STORAGE_FAILURE:
// nothing was written, retrying later can succeed). Only for store errors.
Outcome StoreFailure(const Error& e);
// InternalError: a failure that is not the store's and that retrying cannot cure (a stored
// row this relay cannot have written, an SRP computation that fails): INTERNAL_ERROR, logged.
Outcome InternalError(std::string_view what, const Error& e);

// ---- Handlers (rows of src/requests.cc) ----

Outcome HandleRegister(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleLoginStart(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleLoginFinish(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleListDevices(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleRemoveDevice(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleUploadPrekeys(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandlePrekeyCount(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleFetchPrekeyBundle(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleLookupAccount(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleSend(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);
Outcome HandleAck(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f);

// FillDevice writes a device record into its wire form.
void FillDevice(pb::Device& out, const store::DeviceRecord& d);

}  // namespace sc::relay
