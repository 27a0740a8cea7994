#include "securecomm/relay/delivery_window.h"

#include <vector>

#include <gtest/gtest.h>

namespace sc::relay {
namespace {

store::StoredMessage Message(store::MessageId id, size_t bytes) {
  store::StoredMessage m;
  m.id = id;
  m.recipient = {2, 1};
  m.sender = {1, 1};
  m.server_time_ms = 1000;
  m.payload.assign(bytes, 0x5a);
  return m;
}

TEST(DeliveryWindowTest, PushesEachIdOnceInOrderAndFillsByCount) {
  DeliveryWindow w;
  EXPECT_EQ(w.FetchRoom(), proto::kDeliveryWindow);
  for (store::MessageId id = 1; id <= proto::kDeliveryWindow; ++id) {
    ASSERT_FALSE(w.Full());
    auto push = w.Push(Message(id, 10));
    ASSERT_TRUE(push.has_value());
    EXPECT_EQ(push->delivery().message_id(), id);
    EXPECT_EQ(push->delivery().payload().size(), 10u);
  }
  EXPECT_TRUE(w.Full());
  EXPECT_EQ(w.FetchRoom(), 0u);
  EXPECT_FALSE(w.Push(Message(5, 10)).has_value()) << "an id already pushed is not pushed again";
  // Acks free the window; reading resumes only once half of it is free.
  std::vector<store::MessageId> some{1, 2, 3, 999};
  EXPECT_EQ(w.Acknowledge(some), 3u);
  EXPECT_FALSE(w.Full());
  EXPECT_EQ(w.FetchRoom(), 0u);
  std::vector<store::MessageId> half;
  for (store::MessageId id = 4; id <= proto::kDeliveryWindow / 2; ++id)
    half.push_back(id);  // 128 freed in all
  w.Acknowledge(half);
  EXPECT_EQ(w.FetchRoom(), proto::kDeliveryWindow / 2);
  EXPECT_EQ(w.last_pushed(), proto::kDeliveryWindow);
}

TEST(DeliveryWindowTest, FillsByBytes) {
  DeliveryWindow w;
  const size_t big = proto::kMaxEnvelopeBytes;
  size_t n = 0;
  while (!w.Full()) ASSERT_TRUE(w.Push(Message(++n, big)).has_value());
  EXPECT_EQ(n, (proto::kDeliveryWindowBytes + big - 1) / big);
  EXPECT_EQ(w.FetchRoom(), 0u);
  std::vector<store::MessageId> all;
  for (store::MessageId id = 1; id <= n; ++id) all.push_back(id);
  EXPECT_EQ(w.Acknowledge(all), n);
  EXPECT_EQ(w.FetchRoom(), proto::kDeliveryWindow);
  EXPECT_EQ(w.unacknowledged(), 0u);
}

}  // namespace
}  // namespace sc::relay
