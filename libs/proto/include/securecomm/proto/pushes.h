// pushes.h: the relay's pushes (relay.md §8), one row each: the relay names them in logs by
// this table and a client reads from it which push ends its session. relay_protocol_test proves
// every Push body case has exactly one row.
#pragma once

#include <span>
#include <string_view>

#include "securecomm/proto/relay.pb.h"

namespace sc::proto {

struct PushType {
  securecomm::relay::v1::Push::BodyCase body;
  std::string_view name;  // for logs: "delivery"
  bool ends_session;      // the relay closes the session after it (SessionEnded)
  bool acknowledged;      // the client must acknowledge it (a Delivery, relay.md §7.2)
};

// PushTypes: every row, in Push field order. FindPushType: the row of `body`, or nullptr (a
// push this client does not know: it is ignored).
std::span<const PushType> PushTypes() noexcept;
const PushType* FindPushType(securecomm::relay::v1::Push::BodyCase body) noexcept;

}  // namespace sc::proto
