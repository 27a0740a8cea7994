// InProcessRelay against docs/protocol/relay.md §7.2 and §8: the double must push what the real
// adapter (relay_server/src/connection.cc) pushes, or the client tests built on it prove nothing.
#include "in_process_relay.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/random.h"
#include "securecomm/net/errors.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/proto/relay_error.h"

#include "relay_harness.h"

namespace sc::testing {
namespace {

namespace pb = relay::pb;
using client::RelayLink;
using Identity = std::shared_ptr<const crypto::Ed25519KeyPair>;

constexpr std::string_view kPassword = "correct horse battery staple";

Identity NewIdentity() {
  return std::make_shared<const crypto::Ed25519KeyPair>(
      crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
}

class InProcessRelayTest : public ::testing::Test {
 protected:
  template <typename T>
  T Run(asio::awaitable<T> awaitable) {
    return RunSync(io_, std::move(awaitable));
  }

  std::shared_ptr<RelayLink> Connect(const Identity& id) {
    auto link = Run(relay_.Connector()(io_, relay_.connection_string(), id));
    EXPECT_TRUE(link);
    return link ? *link : nullptr;
  }

  // LogIn logs `link` in as `username`; returns the device and the queue depth at login.
  std::pair<store::DeviceAddress, uint32_t> LogIn(RelayLink& link, const std::string& username,
                                                  bool send_only) {
    auto info = Run(client::LogIn(link, username, AsBytes(kPassword), send_only));
    EXPECT_TRUE(info) << info.error().name();
    if (!info) return {};
    return {{info->account_id, info->device_id}, info->queued_messages};
  }

  // Account registers `username` and logs a session of `id` in, send-only.
  std::pair<std::shared_ptr<RelayLink>, store::DeviceAddress> Account(const std::string& username,
                                                                      const Identity& id) {
    auto link = Connect(id);
    EXPECT_TRUE(Run(client::RegisterAccount(*link, username, AsBytes(kPassword))));
    return {link, LogIn(*link, username, /*send_only=*/true).first};
  }

  // SendMany sends `n` messages to `to`, as many per request as the protocol allows.
  void SendMany(RelayLink& from, store::DeviceAddress to, size_t n) {
    while (n > 0) {
      pb::ClientFrame f;
      for (; n > 0 && static_cast<size_t>(f.send().envelopes_size()) < proto::kMaxEnvelopesPerSend; --n) {
        auto* e = f.mutable_send()->add_envelopes();
        e->set_recipient_account(to.account);
        e->set_recipient_device(to.device);
        e->set_payload("opaque");
      }
      auto r = Run(from.Request(std::move(f)));
      ASSERT_TRUE(r) << r.error().name();
    }
  }

  // SendUrgent sends one urgent envelope (the priority lane, relay.md §7.4); returns its id.
  uint64_t SendUrgent(RelayLink& from, store::DeviceAddress to, const std::string& payload) {
    pb::ClientFrame f;
    auto* e = f.mutable_send()->add_envelopes();
    e->set_recipient_account(to.account);
    e->set_recipient_device(to.device);
    e->set_payload(payload);
    e->set_urgent(true);
    auto r = Run(from.Request(std::move(f)));
    EXPECT_TRUE(r) << r.error().name();
    return r && r->send().message_ids_size() == 1 ? r->send().message_ids(0) : 0;
  }

  // Waiting: every push already waiting on `link`.
  std::vector<pb::Push> Waiting(RelayLink& link) {
    std::vector<pb::Push> out;
    while (auto p = Run(link.NextPush(std::chrono::milliseconds(0)))) out.push_back(std::move(*p));
    return out;
  }

  static std::vector<uint64_t> DeliveredIds(const std::vector<pb::Push>& pushes) {
    std::vector<uint64_t> ids;
    for (const auto& p : pushes) {
      if (p.has_delivery()) ids.push_back(p.delivery().message_id());
    }
    return ids;
  }
  static size_t Drained(const std::vector<pb::Push>& pushes) {
    return std::count_if(pushes.begin(), pushes.end(),
                         [](const pb::Push& p) { return p.has_queue_drained(); });
  }

  void Ack(RelayLink& link, const std::vector<uint64_t>& ids) {
    pb::ClientFrame f;
    for (auto id : ids) f.mutable_ack()->add_message_ids(id);
    auto r = Run(link.Request(std::move(f)));
    ASSERT_TRUE(r) << r.error().name();
  }

  asio::io_context io_;
  InProcessRelay relay_;
};

TEST_F(InProcessRelayTest, AnUrgentMessageQueuedBehindTenThousandOrdinaryOnesArrivesFirst) {
  // relay.md §7.4: the priority lane is read before the ordinary queue and outside its window.
  relay::ServiceOptions options = InProcessRelay::DefaultOptions();
  options.max_queued_per_device = 20'000;
  InProcessRelay relay(std::move(options));
  auto connect = [&](const Identity& id) {
    return *Run(relay.Connector()(io_, relay.connection_string(), id));
  };
  const Identity alice_id = NewIdentity(), bob_id = NewIdentity();
  auto alice = connect(alice_id);
  ASSERT_TRUE(Run(client::RegisterAccount(*alice, "alice", AsBytes(kPassword))));
  LogIn(*alice, "alice", /*send_only=*/true);
  auto away = connect(bob_id);
  ASSERT_TRUE(Run(client::RegisterAccount(*away, "bob", AsBytes(kPassword))));
  const store::DeviceAddress bob = LogIn(*away, "bob", /*send_only=*/true).first;
  Run(away->Close());
  SendMany(*alice, bob, 10'000);
  const uint64_t urgent = SendUrgent(*alice, bob, "evacuate");

  auto link = connect(bob_id);
  EXPECT_EQ(LogIn(*link, "bob", /*send_only=*/false).second, 10'001u);
  auto pushes = Waiting(*link);
  ASSERT_FALSE(pushes.empty());
  ASSERT_TRUE(pushes[0].has_delivery());
  EXPECT_EQ(pushes[0].delivery().message_id(), urgent) << "the urgent push is the first one";
  EXPECT_TRUE(pushes[0].delivery().urgent());
  EXPECT_EQ(pushes[0].delivery().payload(), "evacuate");
  auto ids = DeliveredIds(pushes);
  EXPECT_EQ(ids.size(), 1 + proto::kDeliveryWindow) << "the urgent one does not take a window slot";
  EXPECT_EQ(std::count(ids.begin(), ids.end(), urgent), 1) << "and is not pushed again with the queue";

  // Live, with the window full: another urgent message is pushed at once anyway.
  const uint64_t second = SendUrgent(*alice, bob, "shelter in place");
  auto more = Waiting(*link);
  ASSERT_EQ(DeliveredIds(more), std::vector<uint64_t>{second});
  EXPECT_TRUE(more[0].delivery().urgent());
}

TEST_F(InProcessRelayTest, TheUrgentLaneIsBoundedPerDevice) {
  auto [alice, alice_device] = Account("alice", NewIdentity());
  auto [away, bob] = Account("bob", NewIdentity());
  for (uint32_t i = 0; i < proto::kMaxUrgentQueuedPerDevice; ++i) SendUrgent(*alice, bob, "alert");
  pb::ClientFrame f;
  auto* e = f.mutable_send()->add_envelopes();
  e->set_recipient_account(bob.account);
  e->set_recipient_device(bob.device);
  e->set_payload("one too many");
  e->set_urgent(true);
  auto r = Run(alice->Request(std::move(f)));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error() == proto::RelayErrc::kQueueFull) << r.error().name();
  SendMany(*alice, bob, 1);  // the ordinary lane is not affected
}

TEST_F(InProcessRelayTest, QueueInIdOrderWithinTheWindowThenDrainedOnceThenLive) {
  auto [alice, alice_device] = Account("alice", NewIdentity());
  const Identity bob_id = NewIdentity();
  auto [away, bob] = Account("bob", bob_id);
  Run(away->Close());
  const size_t queued = proto::kDeliveryWindow + 10;
  SendMany(*alice, bob, queued);

  auto link = Connect(bob_id);
  EXPECT_EQ(LogIn(*link, "bob", /*send_only=*/false).second, queued);
  auto pushes = Waiting(*link);
  auto ids = DeliveredIds(pushes);
  ASSERT_EQ(ids.size(), proto::kDeliveryWindow);  // the window holds the rest back
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(Drained(pushes), 0u);

  // The queue is read again once acks freed half the window (relay::DeliveryWindow::FetchRoom).
  const size_t half = proto::kDeliveryWindow / 2;
  Ack(*link, std::vector<uint64_t>(ids.begin(), ids.begin() + half - 1));
  EXPECT_TRUE(Waiting(*link).empty());
  Ack(*link, {ids[half - 1]});
  pushes = Waiting(*link);
  auto rest = DeliveredIds(pushes);
  ASSERT_EQ(rest.size(), 10u);
  EXPECT_GT(rest.front(), ids.back());
  EXPECT_EQ(Drained(pushes), 1u);
  EXPECT_TRUE(pushes.back().has_queue_drained());

  SendMany(*alice, bob, 1);  // live now
  pushes = Waiting(*link);
  EXPECT_EQ(DeliveredIds(pushes).size(), 1u);
  EXPECT_EQ(Drained(pushes), 0u);  // once per session
  EXPECT_EQ(relay_.requests("ack"), 2u);
  EXPECT_EQ(relay_.QueueDepth(bob).value_or(0), queued + 1 - half);
}

TEST_F(InProcessRelayTest, LiveWindowFullWaitsForAnAck) {
  auto [alice, alice_device] = Account("alice", NewIdentity());
  const Identity bob_id = NewIdentity();
  auto [send_only, bob] = Account("bob", bob_id);
  auto link = Connect(bob_id);
  LogIn(*link, "bob", /*send_only=*/false);
  EXPECT_EQ(Drained(Waiting(*link)), 1u);  // an empty queue is drained at once

  SendMany(*alice, bob, proto::kDeliveryWindow + 1);
  auto ids = DeliveredIds(Waiting(*link));
  ASSERT_EQ(ids.size(), proto::kDeliveryWindow);
  EXPECT_TRUE(DeliveredIds(Waiting(*send_only)).empty());  // send-only sessions get nothing
  Ack(*link, {ids.front()});  // back to reading the queue: once half the window is free
  EXPECT_TRUE(Waiting(*link).empty());
  Ack(*link, std::vector<uint64_t>(ids.begin() + 1, ids.begin() + proto::kDeliveryWindow / 2));
  auto last = DeliveredIds(Waiting(*link));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_GT(last[0], ids.back());
}

TEST_F(InProcessRelayTest, RemovedDeviceEndsEverySessionOfIt) {
  const Identity old_id = NewIdentity();
  auto [first, old_device] = Account("bob", old_id);
  auto second = Connect(old_id);
  LogIn(*second, "bob", /*send_only=*/false);
  auto replacement = Connect(NewIdentity());
  LogIn(*replacement, "bob", /*send_only=*/true);

  pb::ClientFrame remove;
  remove.mutable_remove_device()->set_device_id(old_device.device);
  ASSERT_TRUE(Run(replacement->Request(std::move(remove))));
  EXPECT_EQ(relay_.live_sessions(old_device), 0u);
  for (auto* link : {first.get(), second.get()}) {
    EXPECT_FALSE(link->connected());
    ASSERT_TRUE(link->end_error().has_value());
    EXPECT_TRUE(*link->end_error() == proto::RelayErrc::kDeviceRemoved);
    auto pushes = Waiting(*link);
    ASSERT_FALSE(pushes.empty());
    ASSERT_TRUE(pushes.back().has_session_ended());
    EXPECT_EQ(pushes.back().session_ended().reason(), pb::DEVICE_REMOVED);
    pb::ClientFrame f;
    f.mutable_prekey_count();
    auto r = Run(link->Request(std::move(f)));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error() == proto::RelayErrc::kDeviceRemoved);
  }
  EXPECT_TRUE(replacement->connected());
}

TEST_F(InProcessRelayTest, FailedCommitKeepsNothingAndDeliversNothing) {
  auto [alice, alice_device] = Account("alice", NewIdentity());
  const Identity bob_id = NewIdentity();
  auto [bob_link, bob] = Account("bob", bob_id);
  auto link = Connect(bob_id);
  LogIn(*link, "bob", /*send_only=*/false);
  (void)Waiting(*link);

  relay_.FailNextCommits(1, "send");
  pb::ClientFrame f;
  auto* e = f.mutable_send()->add_envelopes();
  e->set_recipient_account(bob.account);
  e->set_recipient_device(bob.device);
  e->set_payload("lost");
  auto refused = Run(alice->Request(f));
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error() == proto::RelayErrc::kStorageFailure) << refused.error().name();
  EXPECT_EQ(relay_.QueueDepth(bob).value_or(1), 0u);
  EXPECT_TRUE(Waiting(*link).empty());
  ASSERT_TRUE(Run(alice->Request(f)));  // one failure only
  EXPECT_EQ(DeliveredIds(Waiting(*link)).size(), 1u);
  EXPECT_EQ(relay_.requests("send"), 2u);
}

TEST_F(InProcessRelayTest, NextPushWaitsUntilAPushOrTheTimeout) {
  auto [alice, alice_device] = Account("alice", NewIdentity());
  const Identity bob_id = NewIdentity();
  auto [bob_link, bob] = Account("bob", bob_id);
  auto link = Connect(bob_id);
  LogIn(*link, "bob", /*send_only=*/false);
  (void)Waiting(*link);

  const auto start = std::chrono::steady_clock::now();
  auto none = Run(link->NextPush(std::chrono::milliseconds(30)));
  ASSERT_FALSE(none);
  EXPECT_TRUE(none.error() == net::Errc::kTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));

  // A waiting NextPush is woken by a push, long before its timeout.
  auto waiting = asio::co_spawn(io_, link->NextPush(std::chrono::seconds(10)), asio::use_future);
  SendMany(*alice, bob, 1);
  while (waiting.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    io_.run_one_for(std::chrono::milliseconds(20));
  }
  auto push = waiting.get();
  ASSERT_TRUE(push);
  EXPECT_TRUE(push->has_delivery());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace sc::testing
