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

TEST(DeliveryWindowTest, TakeFetchedSaysWhatComesNextAndQueueDrainedOnce) {
  using Next = DeliveryWindow::Fetched::Next;
  DeliveryWindow w;
  std::vector<store::StoredMessage> full;
  for (store::MessageId id = 1; id <= 10; ++id) full.push_back(Message(id, 10));
  auto got = w.TakeFetched(full, 10);  // a read as long as its room: there may be more
  EXPECT_EQ(got.pushes.size(), 10u);
  EXPECT_EQ(got.next, Next::kFetchAgain);
  EXPECT_FALSE(got.queue_drained);
  std::vector<store::StoredMessage> shorter{Message(11, 10), Message(12, 10)};
  got = w.TakeFetched(shorter, 10);
  EXPECT_EQ(got.pushes.size(), 2u);
  EXPECT_EQ(got.next, Next::kLive);
  EXPECT_TRUE(got.queue_drained) << "the first time the queue is drained";
  got = w.TakeFetched({}, 10);
  EXPECT_EQ(got.next, Next::kLive);
  EXPECT_FALSE(got.queue_drained) << "said once per session";
  // A read that fills the window stops there and waits for acks.
  std::vector<store::StoredMessage> many;
  for (store::MessageId id = 13; id < 13 + proto::kDeliveryWindow; ++id) many.push_back(Message(id, 10));
  got = w.TakeFetched(many, proto::kDeliveryWindow);
  EXPECT_EQ(got.pushes.size(), proto::kDeliveryWindow - 12);
  EXPECT_EQ(got.next, Next::kWaitForAcks);
  EXPECT_TRUE(w.Full());
  // Ids pushed live meanwhile are not pushed again.
  DeliveryWindow live;
  ASSERT_TRUE(live.Push(Message(5, 10)).has_value());
  std::vector<store::StoredMessage> overlap{Message(4, 10), Message(5, 10), Message(6, 10)};
  got = live.TakeFetched(overlap, 10);
  ASSERT_EQ(got.pushes.size(), 1u);
  EXPECT_EQ(got.pushes[0].delivery().message_id(), 6u);
}

TEST(DeliveryWindowTest, UrgentMessagesAreOutsideTheWindowAndMoveTheCursorOnlyInAQueueRead) {
  using Next = DeliveryWindow::Fetched::Next;
  DeliveryWindow w;
  for (store::MessageId id = 1; id <= proto::kDeliveryWindow; ++id) ASSERT_TRUE(w.Push(Message(id, 10)));
  ASSERT_TRUE(w.Full());
  store::StoredMessage urgent = Message(1000, 10);
  urgent.urgent = true;
  auto push = w.PushUrgent(urgent);
  ASSERT_TRUE(push.has_value()) << "a full window does not hold the priority lane back";
  EXPECT_TRUE(push->delivery().urgent());
  EXPECT_FALSE(w.PushUrgent(urgent).has_value()) << "pushed and unacknowledged: not again";
  EXPECT_EQ(w.last_pushed(), proto::kDeliveryWindow) << "a live urgent push does not move the cursor";
  EXPECT_EQ(w.urgent_unacknowledged(), 1u);
  const std::vector<store::MessageId> ack{1000};
  EXPECT_EQ(w.Acknowledge(ack), 1u);
  EXPECT_EQ(w.urgent_unacknowledged(), 0u);
  EXPECT_TRUE(w.Full()) << "the ordinary window is unchanged";

  // A queue read of urgent messages only moves on (no endless re-read), and pushes each once.
  DeliveryWindow r;
  std::vector<store::StoredMessage> batch;
  for (store::MessageId id = 1; id <= 4; ++id) {
    batch.push_back(Message(id, 10));
    batch.back().urgent = true;
  }
  auto got = r.TakeFetched(batch, 4);
  EXPECT_EQ(got.pushes.size(), 4u);
  EXPECT_EQ(got.next, Next::kFetchAgain);
  EXPECT_EQ(r.last_pushed(), 4u);
  EXPECT_EQ(r.unacknowledged(), 0u);
  EXPECT_EQ(r.urgent_unacknowledged(), 4u);
}

}  // namespace
}  // namespace sc::relay
