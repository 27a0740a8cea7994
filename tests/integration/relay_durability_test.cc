// Durability of the real relay (DESIGN.md §7.5): senders send while the relay is killed with
// SIGKILL at random moments and restarted. Afterwards every message the relay acknowledged is
// delivered, and nothing that was never sent appears. Senders retry what was not acknowledged,
// so duplicates are possible (the client deduplicates by content id here, by message id in the
// real client); losses and inventions are not. The longer run: tools/relay-durability.sh.
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "relay_test_util.h"

namespace sc::testing {
namespace {

using namespace std::chrono_literals;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

class RelayDurabilityTest : public RelayFixture {};

TEST_F(RelayDurabilityTest, AcknowledgedMessagesSurviveSigkill) {
  const int kills = EnvInt("SC_DURABILITY_KILLS", 4);
  const int senders = EnvInt("SC_DURABILITY_SENDERS", 4);
  StartRelay();
  auto receiver_key = NewKey();
  std::vector<std::shared_ptr<const crypto::Ed25519KeyPair>> sender_keys;
  client::LoginInfo receiver;
  {
    auto c = Connect(receiver_key);
    ASSERT_EQ(Register(*c, "receiver", "pw"), pb::OK);
    receiver = Login(*c, "receiver", "pw");
    for (int s = 0; s < senders; ++s) {
      auto k = NewKey();
      auto sc = Connect(k);
      ASSERT_EQ(Register(*sc, "sender" + std::to_string(s), "pw"), pb::OK);
      sender_keys.push_back(k);
    }
  }
  open_.clear();

  std::set<std::string> acknowledged;  // payloads the relay answered OK
  std::set<std::string> attempted;     // payloads ever sent
  std::mt19937 rng(std::random_device{}());
  int next = 0;
  for (int round = 0; round <= kills; ++round) {
    // Sessions for this incarnation of the relay.
    std::vector<std::shared_ptr<RelayClient>> clients;
    for (int s = 0; s < senders; ++s) {
      auto c = Connect(sender_keys[static_cast<size_t>(s)]);
      ASSERT_TRUE(c);
      Login(*c, "sender" + std::to_string(s), "pw", nullptr, /*send_only=*/true);
      clients.push_back(c);
    }
    // Each sender keeps one request in flight; the killer strikes at a random moment.
    std::atomic<bool> stop{false};
    std::thread killer;
    if (round < kills) {
      const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 400)(rng));
      killer = std::thread([&, delay] {
        std::this_thread::sleep_for(delay);
        relay_->Kill();
        stop = true;
      });
    }
    int outstanding = 0;
    const auto round_end = std::chrono::steady_clock::now() + 600ms;
    for (int s = 0; s < senders; ++s) {
      ++outstanding;
      asio::co_spawn(
          io_,
          [&, s]() -> asio::awaitable<void> {
            auto& c = clients[static_cast<size_t>(s)];
            while (!stop && std::chrono::steady_clock::now() < round_end) {
              const std::string payload = "durable-" + std::to_string(next++);
              attempted.insert(payload);
              auto r = co_await c->Call(SendTo(receiver, payload));
              if (!r) break;  // the relay died under us: unacknowledged, may or may not be stored
              if (r->error() == pb::OK) acknowledged.insert(payload);
            }
            --outstanding;
          },
          asio::detached);
    }
    io_.restart();
    while (outstanding > 0) io_.run_one_for(100ms);
    if (killer.joinable()) killer.join();
    for (auto& c : clients) c->Abort();
    io_.restart();
    io_.poll();
    if (round < kills) {
      ASSERT_TRUE(relay_->Start()) << relay_->log();
    }
  }
  ASSERT_GT(acknowledged.size(), 0u);

  // Everything acknowledged arrives; nothing arrives that was never sent.
  auto c = Connect(receiver_key);
  auto info = Login(*c, "receiver", "pw");
  EXPECT_GE(info.queued_messages, acknowledged.size());
  std::set<std::string> received;
  while (received.size() < attempted.size()) {
    auto push = NextPush(*c, 3s);
    if (!push) break;
    if (push->has_queue_drained()) break;
    if (!push->has_delivery()) continue;
    const auto& payload = push->delivery().payload();
    EXPECT_TRUE(attempted.count(payload)) << "invented: " << payload;
    received.insert(payload);
    EXPECT_EQ(Call(*c, AckOf({push->delivery().message_id()})).error(), pb::OK);
  }
  for (const auto& p : acknowledged) EXPECT_TRUE(received.count(p)) << "acknowledged but lost: " << p;
  RecordProperty("acknowledged", static_cast<int>(acknowledged.size()));
  RecordProperty("kills", kills);
}

}  // namespace
}  // namespace sc::testing
