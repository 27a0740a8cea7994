#include "securecomm/proto/pushes.h"

#include <array>

namespace sc::proto {
namespace {

using P = securecomm::relay::v1::Push;

constexpr std::array<PushType, 4> kPushTypes = {{
    {P::kDelivery, "delivery", /*ends_session=*/false, /*acknowledged=*/true},
    {P::kPrekeysLow, "prekeys_low", false, false},
    {P::kQueueDrained, "queue_drained", false, false},
    {P::kSessionEnded, "session_ended", true, false},
}};

}  // namespace

std::span<const PushType> PushTypes() noexcept {
  return kPushTypes;
}

const PushType* FindPushType(P::BodyCase body) noexcept {
  for (const auto& row : kPushTypes) {
    if (row.body == body) return &row;
  }
  return nullptr;
}

}  // namespace sc::proto
