// effects.h: what a request causes beyond its answer, as data, and the one interface through
// which those effects leave the relay core.
//
// A handler returns its effects in Outcome::effects; nothing happens until the request's
// transaction committed. Then the adapter applies the effects on the requesting session itself
// (logged_in, acknowledged) and hands the rest to an EffectSink with Publish:
//
//   class InProcessDelivery : public relay::EffectSink { ... };   // relay_server today
//   relay::Publish(outcome.effects, sink);                         // after the commit
//
// In-process delivery implements EffectSink today; cluster mode puts a message bus behind the
// same interface without touching relay::Service or a request handler.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "securecomm/proto/relay.pb.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay {

namespace pb = securecomm::relay::v1;

// Effects: one request's consequences, valid only once its transaction committed.
struct Effects {
  // For other sessions (through EffectSink):
  std::vector<store::StoredMessage> new_messages;                      // deliver, in id order
  std::vector<store::DeviceAddress> removed_devices;                   // end their sessions
  std::vector<std::pair<store::DeviceAddress, uint32_t>> prekeys_low;  // tell them to upload

  // For the requesting session itself:
  std::optional<store::DeviceAddress> logged_in;  // the session is now this device
  bool wants_deliveries = false;                  // with logged_in: not a send-only session
  std::vector<store::MessageId> acknowledged;     // ids the device acknowledged (its window)

  bool empty() const noexcept {
    return new_messages.empty() && removed_devices.empty() && prekeys_low.empty() && !logged_in &&
           acknowledged.empty();
  }
};

// EffectSink: carries committed effects to the sessions they concern, wherever those are.
// Called on the adapter's thread, after the commit, in the order of the committed requests.
class EffectSink {
 public:
  virtual ~EffectSink() = default;
  // Deliver offers a committed message to the live sessions of its recipient device (a session
  // that is not live reads it from the queue later: at least once either way).
  virtual void Deliver(const store::StoredMessage& message) = 0;
  // PrekeysLow tells the sessions of `device` that it holds only `remaining` one-time prekeys.
  virtual void PrekeysLow(store::DeviceAddress device, uint32_t remaining) = 0;
  // EndSessions ends every session of `device`, telling each `reason`.
  virtual void EndSessions(store::DeviceAddress device, pb::ErrorCode reason) = 0;
};

// Publish hands `effects`' parts for other sessions to `sink`: messages, then prekey warnings,
// then removals (a removed device's session may still get the messages committed before).
void Publish(const Effects& effects, EffectSink& sink);

}  // namespace sc::relay
