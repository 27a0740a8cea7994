#include "securecomm/proto/pushes.h"

#include <set>

#include <gtest/gtest.h>

namespace sc::proto {
namespace {

using P = securecomm::relay::v1::Push;

TEST(PushTypesTest, EveryBodyCaseHasExactlyOneRow) {
  // No default: a case added to relay.proto fails to compile here (-Wswitch) until listed, and
  // then this test fails until it has a row. 0-7 is BodyCase's value range (fields 1-4 today).
  auto in_schema = [](P::BodyCase body) {
    switch (body) {
      case P::kDelivery:
      case P::kPrekeysLow:
      case P::kQueueDrained:
      case P::kSessionEnded:
        return true;
      case P::BODY_NOT_SET:
        return false;
    }
    return false;
  };
  std::set<std::string_view> names;
  for (int v = 0; v < 8; ++v) {
    const auto body = static_cast<P::BodyCase>(v);
    const PushType* row = FindPushType(body);
    EXPECT_EQ(row != nullptr, in_schema(body)) << v;
    if (row != nullptr) {
      EXPECT_TRUE(names.insert(row->name).second) << row->name;
    }
  }
  EXPECT_EQ(names.size(), PushTypes().size());
  EXPECT_TRUE(FindPushType(P::kSessionEnded)->ends_session);
  EXPECT_TRUE(FindPushType(P::kDelivery)->acknowledged);
}

}  // namespace
}  // namespace sc::proto
