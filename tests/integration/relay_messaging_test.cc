// The real relay: store-and-forward. Online push, offline queues in order, acknowledgement,
// redelivery of what was not acknowledged, multi-recipient sends, and every limit's refusal.
#include <thread>

#include "securecomm/net/scp_stream.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/relay/limits.h"

#include "relay_test_util.h"

namespace sc::testing {
namespace {

using namespace std::chrono_literals;

class RelayMessagingTest : public RelayFixture {
 protected:
  // A long write-stall timeout: the slow-reader tests here are about the window and the 4 MiB
  // bound; RelayStallTest below is about the stall timeout.
  void SetUp() override {
    StartRelay({"--max-queued-per-device", "400", "--write-stall-timeout-seconds", "600"});
  }

  // Drain reads deliveries until `n` arrived (or 10 s passed), acknowledging them if asked.
  std::vector<pb::Delivery> Receive(RelayClient& c, size_t n, bool ack = true) {
    std::vector<pb::Delivery> out;
    while (out.size() < n) {
      auto push = NextPush(c, 10s);
      if (!push) break;
      if (!push->has_delivery()) continue;
      out.push_back(push->delivery());
      if (ack) {
        EXPECT_EQ(Call(c, AckOf({push->delivery().message_id()})).error(), pb::OK);
      }
    }
    return out;
  }
};

TEST_F(RelayMessagingTest, OnlineRecipientGetsAPushAtOnce) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob");
  auto drained = NextPush(*bob.client);  // an empty queue is drained at once
  ASSERT_TRUE(drained && drained->has_queue_drained());
  auto sent = Call(*alice.client, SendTo(bob.info, "hello bob"));
  ASSERT_EQ(sent.error(), pb::OK);
  ASSERT_EQ(sent.send().message_ids_size(), 1);
  EXPECT_GT(sent.send().server_time_ms(), 0);
  auto got = Receive(*bob.client, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload(), "hello bob");
  EXPECT_EQ(got[0].message_id(), sent.send().message_ids(0));
  EXPECT_EQ(got[0].sender_account(), alice.info.account_id);
  EXPECT_EQ(got[0].sender_device(), alice.info.device_id);
}

TEST_F(RelayMessagingTest, OfflineQueueArrivesInOrderAndLeavesOnlyWhenAcknowledged) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  RunSync(io_, bob.client->Close());
  // More than one delivery window, so delivery has to continue as acks come in.
  const size_t n = relay::kDeliveryWindow + 44;
  std::vector<uint64_t> ids;
  for (size_t i = 0; i < n; ++i) {
    auto r = Call(*alice.client, SendTo(bob.info, "m" + std::to_string(i)));
    ASSERT_EQ(r.error(), pb::OK);
    ids.push_back(r.send().message_ids(0));
  }
  // Reconnect without acknowledging: everything comes, in order.
  auto first = Connect(bob.key);
  auto info = Login(*first, "bob", "pw-bob");
  EXPECT_EQ(info.queued_messages, n);
  auto unacked = Receive(*first, relay::kDeliveryWindow, /*ack=*/false);
  ASSERT_EQ(unacked.size(), relay::kDeliveryWindow);
  for (size_t i = 0; i < unacked.size(); ++i) EXPECT_EQ(unacked[i].payload(), "m" + std::to_string(i));
  // The window is full: nothing more until acks come.
  auto more = NextPush(*first, 500ms);
  EXPECT_FALSE(more.has_value() && more->has_delivery());
  first->Abort();

  // A new session gets the whole queue again (at least once), and acks empty it.
  auto second = Connect(bob.key);
  Login(*second, "bob", "pw-bob");
  auto all = Receive(*second, n, /*ack=*/true);
  ASSERT_EQ(all.size(), n);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(all[i].payload(), "m" + std::to_string(i));
    EXPECT_EQ(all[i].message_id(), ids[i]);
  }
  RunSync(io_, second->Close());
  auto third = Connect(bob.key);
  EXPECT_EQ(Login(*third, "bob", "pw-bob").queued_messages, 0u);
}

TEST_F(RelayMessagingTest, OneSendReachesSeveralDevicesAtomically) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  auto bob2 = Connect();
  auto bob2_info = Login(*bob2, "bob", "pw-bob");
  pb::ClientFrame f = SendTo(bob.info, "to both");
  auto* e = f.mutable_send()->add_envelopes();
  e->set_recipient_account(bob2_info.account_id);
  e->set_recipient_device(bob2_info.device_id);
  e->set_payload("to both");
  auto r = Call(*alice.client, f);
  ASSERT_EQ(r.error(), pb::OK);
  EXPECT_EQ(r.send().message_ids_size(), 2);
  EXPECT_EQ(Receive(*bob.client, 1).size(), 1u);
  EXPECT_EQ(Receive(*bob2, 1).size(), 1u);

  // One bad envelope refuses the whole send: nothing is queued for the good one.
  auto* bad = f.mutable_send()->add_envelopes();
  bad->set_recipient_account(bob2_info.account_id);
  bad->set_recipient_device(999);
  bad->set_payload("x");
  auto refused = Call(*alice.client, f);
  EXPECT_EQ(refused.error(), pb::UNKNOWN_RECIPIENT);
  EXPECT_EQ(refused.error_index(), 2u);
  auto none = NextPush(*bob.client, 500ms);
  EXPECT_FALSE(none.has_value()) << "no Delivery and no QueueDrained on a send_only session (relay.md §8)";
}

TEST_F(RelayMessagingTest, EveryLimitHasItsOwnRefusal) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  RunSync(io_, bob.client->Close());

  auto big = Call(*alice.client, SendTo(bob.info, std::string(relay::kMaxEnvelopeBytes + 1, 'x')));
  EXPECT_EQ(big.error(), pb::ENVELOPE_TOO_LARGE);
  EXPECT_EQ(big.error_index(), 0u);
  EXPECT_EQ(Call(*alice.client, SendTo(bob.info, std::string(relay::kMaxEnvelopeBytes, 'x'))).error(),
            pb::OK);

  pb::ClientFrame many;
  for (size_t i = 0; i <= relay::kMaxEnvelopesPerSend; ++i) {
    auto* e = many.mutable_send()->add_envelopes();
    e->set_recipient_account(bob.info.account_id);
    e->set_recipient_device(bob.info.device_id);
    e->set_payload("x");
  }
  EXPECT_EQ(Call(*alice.client, many).error(), pb::TOO_MANY_ENVELOPES);
  EXPECT_EQ(Call(*alice.client, SendTo(bob.info, "x", uint64_t{91} * 24 * 3600 * 1000)).error(),
            pb::INVALID_TTL);
  client::LoginInfo nobody{bob.info.account_id + 100, 1, false, 0};
  EXPECT_EQ(Call(*alice.client, SendTo(nobody, "x")).error(), pb::UNKNOWN_RECIPIENT);
  EXPECT_EQ(Call(*alice.client, SendTo(bob.info, "")).error(), pb::INVALID_REQUEST);
  pb::ClientFrame empty_send;
  empty_send.mutable_send();
  EXPECT_EQ(Call(*alice.client, empty_send).error(), pb::INVALID_REQUEST);

  // Queue limit (400 in this relay): one is queued already.
  for (int i = 1; i < 400; ++i) ASSERT_EQ(Call(*alice.client, SendTo(bob.info, "q")).error(), pb::OK) << i;
  auto full = Call(*alice.client, SendTo(bob.info, "one too many"));
  EXPECT_EQ(full.error(), pb::QUEUE_FULL);
  EXPECT_EQ(full.error_index(), 0u);
}

TEST_F(RelayMessagingTest, ExpiredMessagesAreNotDelivered) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  RunSync(io_, bob.client->Close());
  ASSERT_EQ(Call(*alice.client, SendTo(bob.info, "short-lived", 1)).error(), pb::OK);
  ASSERT_EQ(Call(*alice.client, SendTo(bob.info, "long-lived")).error(), pb::OK);
  std::this_thread::sleep_for(20ms);
  auto again = Connect(bob.key);
  Login(*again, "bob", "pw-bob");
  auto got = Receive(*again, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload(), "long-lived");
}

TEST_F(RelayMessagingTest, SendOnlySessionsGetNoDeliveries) {
  auto alice = NewUser("alice");
  auto bob_listener = NewUser("bob", "pw-bob");
  auto sender = Connect(bob_listener.key);
  Refusal refusal;
  Login(*sender, "bob", "pw-bob", &refusal, /*send_only=*/true);
  ASSERT_EQ(refusal.code, pb::OK);
  ASSERT_EQ(Call(*alice.client, SendTo(bob_listener.info, "for the listener")).error(), pb::OK);
  EXPECT_EQ(Receive(*bob_listener.client, 1).size(), 1u);
  auto none = NextPush(*sender, 500ms);
  EXPECT_FALSE(none.has_value() && none->has_delivery());
}

TEST_F(RelayMessagingTest, AReaderThatStopsHoldsBackItsDeliveriesAndLosesNothing) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  RunSync(io_, bob.client->Close());
  // Bob's next session lives on an io_context nobody runs while Alice sends: it never reads.
  asio::io_context stalled;
  auto connected = RunSync(stalled, RelayClient::Connect(stalled, relay_->connection(), bob.key, clock_));
  ASSERT_TRUE(connected.has_value());
  auto slow = *connected;
  asio::error_code ec;  // a small receive buffer, so the kernel's (up to 32 MiB) hides nothing
  slow->socket_for_testing().set_option(asio::socket_base::receive_buffer_size(8192), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(RunSync(stalled, slow->Login("bob", Pw("pw-bob"))).has_value());
  // 200 envelopes of 55 KB (11 MB): the relay holds back all but its delivery window.
  const size_t n = 200;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(
        Call(*alice.client, SendTo(bob.info, std::string(55000, static_cast<char>('a' + i % 26)))).error(),
        pb::OK);
  }
  auto metrics = HttpGet(relay_->http_port(), "/metrics");
  EXPECT_NE(metrics.find("securecomm_relay_slow_readers_total 0"), std::string::npos)
      << "held back, not cut off";
  slow->Abort();
  // Nothing was lost: a reading session gets all of it, in order.
  auto again = Connect(bob.key);
  EXPECT_EQ(Login(*again, "bob", "pw-bob").queued_messages, n);
  auto all = Receive(*again, n);
  ASSERT_EQ(all.size(), n);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(all[i].payload()[0], static_cast<char>('a' + i % 26)) << i;
}

TEST_F(RelayMessagingTest, AClientThatDoesNotReadItsAnswersIsCutOff) {
  auto bystander = NewUser("bystander");
  // A raw SCP session that writes requests and never reads: the answers pile up at the relay.
  // It runs on the bystander's io_context: while a Flush waits on a full socket, the bystander's
  // client still reads and answers keepalives (a separate context would starve it past the
  // relay's 30 s idle timeout on a slow machine).
  asio::ip::tcp::socket socket(io_);
  socket.connect({asio::ip::address_v4::loopback(), relay_->port()});
  socket.set_option(asio::socket_base::receive_buffer_size(8192));
  scp::SessionConfig config;
  config.role = scp::Role::kInitiator;
  config.noise_static = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
  config.identity = NewKey();
  config.responder_static = relay_->connection().noise_static;
  config.responder_identity = relay_->connection().identity;
  auto session = scp::Session::Create(std::move(config), clock_, crypto::SystemCsprng());
  ASSERT_TRUE(session.has_value());
  net::ScpStream stream(std::move(socket), std::move(*session), clock_);
  ASSERT_TRUE(RunSync(io_, stream.Handshake()).has_value());
  pb::ClientFrame list;
  list.set_version(1);
  list.mutable_list_devices();  // answered NOT_AUTHENTICATED, ~60 bytes on the wire each
  std::string bytes;
  list.SerializeToString(&bytes);
  const std::span<const uint8_t> record(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  bool cut = false;
  for (int round = 0; round < 400 && !cut; ++round) {
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(stream.Queue(record).has_value());
    // Flush only writes; nothing here reads. A write error means the relay hung up on us.
    cut = !RunSync(io_, stream.Flush()).has_value();
    if (!cut) {
      cut = HttpGet(relay_->http_port(), "/metrics").find("securecomm_relay_slow_readers_total 1") !=
            std::string::npos;
    }
    // Everyone else is served meanwhile. Calling also lets the bystander's client answer the
    // relay's keepalives: this loop can outlast the idle timeout on a slow (sanitizer) build.
    pb::ClientFrame own;
    own.mutable_list_devices();
    ASSERT_EQ(Call(*bystander.client, own).error(), pb::OK) << "round " << round;
  }
  EXPECT_TRUE(cut) << "the relay must not buffer answers without bound";
  pb::ClientFrame own;
  own.mutable_list_devices();
  EXPECT_EQ(Call(*bystander.client, own).error(), pb::OK);
}

// The priority lane (relay.md §7.4) through the real relay process: room for 10,000 ordinary
// messages and the urgent one in the queue.
class RelayPriorityLaneTest : public RelayMessagingTest {
 protected:
  void SetUp() override { StartRelay({"--max-queued-per-device", "20000"}); }
};

TEST_F(RelayPriorityLaneTest, AnUrgentMessageQueuedBehindTenThousandOrdinaryOnesArrivesFirst) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  RunSync(io_, bob.client->Close());
  for (int sent = 0; sent < 10'000;) {
    pb::ClientFrame f;
    for (; sent < 10'000 && f.send().envelopes_size() < static_cast<int>(proto::kMaxEnvelopesPerSend);
         ++sent) {
      auto* e = f.mutable_send()->add_envelopes();
      e->set_recipient_account(bob.info.account_id);
      e->set_recipient_device(bob.info.device_id);
      e->set_payload("ordinary " + std::to_string(sent));
    }
    ASSERT_EQ(Call(*alice.client, f).error(), pb::OK);
  }
  pb::ClientFrame urgent = SendTo(bob.info, "evacuate");
  urgent.mutable_send()->mutable_envelopes(0)->set_urgent(true);
  auto sent = Call(*alice.client, urgent);
  ASSERT_EQ(sent.error(), pb::OK);

  auto again = Connect(bob.key);
  EXPECT_EQ(Login(*again, "bob", "pw-bob").queued_messages, 10'001u);
  auto first = NextPush(*again, 10s);
  ASSERT_TRUE(first.has_value() && first->has_delivery());
  EXPECT_EQ(first->delivery().message_id(), sent.send().message_ids(0)) << "the urgent push comes first";
  EXPECT_TRUE(first->delivery().urgent());
  EXPECT_EQ(first->delivery().payload(), "evacuate");
  // Then the ordinary queue, in order, from its oldest message.
  auto second = NextPush(*again, 10s);
  ASSERT_TRUE(second.has_value() && second->has_delivery());
  EXPECT_EQ(second->delivery().payload(), "ordinary 0");
  EXPECT_FALSE(second->delivery().urgent());
}

class RelayStallTest : public RelayMessagingTest {
 protected:
  void SetUp() override { StartRelay({"--write-stall-timeout-seconds", "1"}); }
};

TEST_F(RelayStallTest, AReaderThatTakesNoBytesIsEndedSlowReaderAndLosesNothing) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  RunSync(io_, bob.client->Close());
  // Bob's next session lives on an io_context nobody runs: it takes no byte, and its small
  // receive buffer keeps the kernel from hiding the deliveries the relay has for it.
  asio::io_context stalled;
  auto connected = RunSync(stalled, RelayClient::Connect(stalled, relay_->connection(), bob.key, clock_));
  ASSERT_TRUE(connected.has_value());
  auto slow = *connected;
  asio::error_code ec;
  slow->socket_for_testing().set_option(asio::socket_base::receive_buffer_size(8192), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(RunSync(stalled, slow->Login("bob", Pw("pw-bob"))).has_value());
  const size_t n = 40;  // 40 x 55 KB: twice the delivery window's bytes
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(
        Call(*alice.client, SendTo(bob.info, std::string(55000, static_cast<char>('a' + i % 26)))).error(),
        pb::OK);
  }
  // The relay ends the session once its writes made no progress for the stall timeout (1 s):
  // the metric says so within a generous bound (a sanitizer build on a loaded machine).
  bool ended = false;
  for (int i = 0; i < 600 && !ended; ++i) {
    ended = HttpGet(relay_->http_port(), "/metrics").find("securecomm_relay_slow_readers_total 1") !=
            std::string::npos;
    if (!ended) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(ended) << "a peer that takes no byte must not keep its session";
  // Others were served all along; nothing was lost: Bob's next session gets every message.
  slow->Abort();
  auto again = Connect(bob.key);
  EXPECT_EQ(Login(*again, "bob", "pw-bob").queued_messages, n);
  auto all = Receive(*again, n);
  ASSERT_EQ(all.size(), n);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(all[i].payload()[0], static_cast<char>('a' + i % 26)) << i;
}

}  // namespace
}  // namespace sc::testing
