// requests.h: the relay's request types, one row each (docs/protocol/relay.md §4-§8). The
// service dispatches by this table, the adapter names requests in logs and metrics by it, and
// the fuzz oracle reads its login rule from it; none keeps a list of its own.
//
// Adding a request type: the protobuf message in relay.proto (ClientFrame.body and
// Response.body), one row in src/requests.cc, one handler (src/handlers_*.cc), its tests, and
// its section in docs/protocol/relay.md. requests_test proves every ClientFrame body case has
// exactly one row.
//
//   const RequestType* type = FindRequestType(frame.body_case());   // nullptr: UNKNOWN_REQUEST
//   if (type->needs_login && !session.device) refuse NOT_AUTHENTICATED;
//   metrics.Inc(type->name);
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "securecomm/proto/relay.pb.h"

namespace sc::relay {

namespace pb = securecomm::relay::v1;

struct Outcome;
struct SessionContext;
class HandlerContext;  // the service's state that handlers use (src/handlers.h)

// Handler: answers one request of its type. Runs inside the caller's savepoint on the store
// worker's thread; returns the response and the effects (effects.h), never throws.
using Handler = Outcome (*)(HandlerContext& ctx, SessionContext& session, const pb::ClientFrame& frame);

struct RequestType {
  pb::ClientFrame::BodyCase body;  // the ClientFrame.body case this row serves
  std::string_view name;           // for logs and metrics: "send"; [a-z_]+, unique
  bool needs_login;                // refused NOT_AUTHENTICATED before a login committed
  Handler handle;
  // The request's list bound (envelopes, ids, prekeys) named in limits.h, checked by its
  // handler and documented in relay.md §9; 0 when the request carries no list.
  size_t max_items;
  // grows_store: the request adds lasting data (an account, prekeys, queued messages), so it is
  // refused STORAGE_FAILURE while the relay's disk is full (disk_full.h, relay.md §2.6). Rows
  // without it read, shrink the store (ack, remove_device, a bundle taking its prekey) or write
  // records small and bounded enough for the reserve (a login's failure count or new device):
  // they keep working, so devices can log in and acknowledge their way out.
  bool grows_store;
};

// RequestTypes returns every row, in ClientFrame field order.
std::span<const RequestType> RequestTypes() noexcept;
// FindRequestType returns the row of `body`, or nullptr (BODY_NOT_SET, or a case this relay
// does not serve).
const RequestType* FindRequestType(pb::ClientFrame::BodyCase body) noexcept;

}  // namespace sc::relay
