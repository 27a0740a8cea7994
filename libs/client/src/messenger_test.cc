// Messenger against the real relay::Service over MemoryRelayStore, in-process
// (tests/support/in_process_relay.h): messaging, deduplication, own devices, changed keys,
// refusals, prekeys and acknowledgements, in milliseconds (plus Argon2 at its test floor).
#include "securecomm/client/messenger.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/proto/relay_error.h"
#include "securecomm/relay/limits.h"

#include "in_process_relay.h"
#include "relay_harness.h"

namespace sc::client {
namespace {

namespace fs = std::filesystem;
using sc::testing::InProcessRelay;
using sc::testing::RunSync;

// How long a Pump waits before the test calls a device idle: pushes are queued synchronously,
// so this is only the cost of noticing that nothing more comes.
constexpr std::chrono::milliseconds kIdle{20};

// Every account's password (each device's store has its own passphrase, kPassphrase).
constexpr std::string_view kPassword = "correct horse battery staple";
constexpr std::string_view kPassphrase = "passphrase";

// TempDir: a fresh directory, removed with its contents at the end of the test. On tmpfs where
// there is one: each store commit fsyncs (synchronous=FULL), which these tests do not examine.
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string t = (base / "sc-messenger-test-XXXXXX").string();
    EXPECT_NE(::mkdtemp(t.data()), nullptr);
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Drained {
  size_t delivered = 0;  // new inbox entries
  std::optional<Error> ended;
};

class MessengerTest : public ::testing::Test {
 protected:
  template <typename T>
  T Run(asio::awaitable<T> awaitable) {
    return RunSync(io_, std::move(awaitable));
  }

  // NewDevice initialises a device in a home of its own, reaching the in-process relay.
  std::unique_ptr<Messenger> NewDevice(const std::string& home) {
    auto m = Messenger::Init((dir_.path() / home).string(), AsBytes(kPassphrase), relay_.connection_string(),
                             crypto::kArgon2TestOnly, relay_.clock());
    EXPECT_TRUE(m) << m.error().name();
    if (!m) return nullptr;
    (*m)->UseRelayConnector(relay_.Connector());
    return std::move(*m);
  }

  // Registered: a new device that registered `username` (and stays connected).
  std::unique_ptr<Messenger> Registered(const std::string& username) {
    auto m = NewDevice(username);
    auto s = Run(m->Register(io_, username, AsBytes(kPassword)));
    EXPECT_TRUE(s) << s.error().name();
    return m;
  }

  // Drain pumps until nothing comes for kIdle or the session ends.
  Drained Drain(Messenger& m) {
    Drained out;
    for (;;) {
      PumpEvent ev = Run(m.Pump(kIdle));
      out.delivered += ev.delivered;
      if (ev.kind == PumpEvent::Kind::kEnded) {
        out.ended = ev.ended;
        return out;
      }
      if (ev.kind == PumpEvent::Kind::kTimeout) return out;
    }
  }

  std::vector<InboxEntry> Inbox(Messenger& m) {
    auto inbox = m.TakeInbox();
    EXPECT_TRUE(inbox) << inbox.error().name();
    return inbox ? std::move(*inbox) : std::vector<InboxEntry>{};
  }

  static store::DeviceAddress AddressOf(const Messenger& m) {
    auto a = m.account();
    EXPECT_TRUE(a.has_value());
    return a ? store::DeviceAddress{a->account_id, a->device_id} : store::DeviceAddress{};
  }

  uint32_t QueueDepth(const Messenger& m) {
    auto depth = relay_.QueueDepth(AddressOf(m));
    EXPECT_TRUE(depth);
    return depth.value_or(~0u);
  }

  uint32_t OneTimePrekeys(const Messenger& m) {
    auto count = relay_.OneTimePrekeys(AddressOf(m));
    EXPECT_TRUE(count);
    return count.value_or(~0u);
  }

  // RawSession: a relay session of a new account `username`, outside any Messenger, logged in
  // send-only: a stand-in for many other clients.
  std::shared_ptr<RelayLink> RawSession(const std::string& username) {
    auto identity = std::make_shared<const crypto::Ed25519KeyPair>(
        crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
    auto link = Run(relay_.Connector()(io_, relay_.connection_string(), identity));
    EXPECT_TRUE(link);
    if (!link) return nullptr;
    EXPECT_TRUE(Run(RegisterAccount(**link, username, AsBytes(kPassword))));
    EXPECT_TRUE(Run(LogIn(**link, username, AsBytes(kPassword), /*send_only=*/true)));
    return *link;
  }

  // TakeBundles fetches `count` prekey bundles of `m`'s device over `link`, as that many first
  // contacts would.
  void TakeBundles(RelayLink& link, const Messenger& m, uint32_t count) {
    const auto device = AddressOf(m);
    for (uint32_t i = 0; i < count; ++i) {
      pb::ClientFrame f;
      f.mutable_fetch_prekey_bundle()->set_account_id(device.account);
      f.mutable_fetch_prekey_bundle()->set_device_id(device.device);
      auto r = Run(link.Request(std::move(f)));
      ASSERT_TRUE(r) << r.error().name();
      ASSERT_TRUE(r->fetch_prekey_bundle().has_one_time_prekey());
    }
  }

  asio::io_context io_;
  InProcessRelay relay_;
  TempDir dir_;
};

// ---- Messaging ----

TEST_F(MessengerTest, MessagesArriveInOrderWithTextAndSender) {
  auto alice = Registered("alice");
  auto bob = Registered("bob");
  const std::vector<std::string> texts = {"one", "two", "three"};
  for (const auto& text : texts) {
    auto sent = Run(alice->Send("bob", text));
    ASSERT_TRUE(sent) << sent.error().name();
    EXPECT_EQ(sent->recipient_devices, 1u);
    EXPECT_EQ(sent->own_devices, 0u);
  }

  const Drained drained = Drain(*bob);
  EXPECT_EQ(drained.delivered, texts.size());
  EXPECT_FALSE(drained.ended.has_value());
  const auto inbox = Inbox(*bob);
  ASSERT_EQ(inbox.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(inbox[i].body, texts[i]);
    EXPECT_EQ(inbox[i].sender, "alice");
    EXPECT_EQ(inbox[i].sender_account, AddressOf(*alice).account);
    EXPECT_EQ(inbox[i].sender_device, AddressOf(*alice).device);
    EXPECT_EQ(inbox[i].flags, 0) << i;  // trusted on first use, decrypted, not a copy
  }
  EXPECT_LT(inbox[0].relay_message_id, inbox[1].relay_message_id);
  EXPECT_LT(inbox[1].relay_message_id, inbox[2].relay_message_id);
  EXPECT_TRUE(Inbox(*bob).empty());  // TakeInbox empties it
  EXPECT_EQ(QueueDepth(*bob), 0u);   // every message acknowledged
}

TEST_F(MessengerTest, MessageRedeliveredAfterLostAckIsShownOnce) {
  auto alice = Registered("alice");
  auto bob = Registered("bob");
  ASSERT_TRUE(Run(alice->Send("bob", "once")));
  ASSERT_TRUE(Run(alice->Send("bob", "only once")));

  relay_.FailNextCommits(1000, "ack");  // every ack of this session is lost
  EXPECT_EQ(Drain(*bob).delivered, 2u);
  relay_.FailNextCommits(0);
  EXPECT_GE(relay_.requests("ack"), 1u);
  EXPECT_EQ(QueueDepth(*bob), 2u);  // not acknowledged: the relay keeps them
  auto first = Inbox(*bob);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].body, "once");
  EXPECT_EQ(first[1].body, "only once");

  // The next session gets both again; they are acknowledged, not shown.
  const size_t acks_before = relay_.requests("ack");
  auto connected = Run(bob->Connect(io_));
  ASSERT_TRUE(connected) << connected.error().name();
  EXPECT_EQ(Drain(*bob).delivered, 0u);
  EXPECT_GT(relay_.requests("ack"), acks_before);
  EXPECT_EQ(QueueDepth(*bob), 0u);
  EXPECT_TRUE(Inbox(*bob).empty());
}

// ---- Own devices and trust (client.md §5) ----

TEST_F(MessengerTest, SecondDeviceGetsSentCopiesOnceTrustedAndPeersSeeBothDevices) {
  auto alice1 = Registered("alice");
  auto bob = Registered("bob");
  ASSERT_TRUE(Run(alice1->Send("bob", "hello")));
  EXPECT_EQ(Drain(*bob).delivered, 1u);
  ASSERT_EQ(Inbox(*bob).size(), 1u);  // bob's contact "alice" is now alice1 alone

  auto alice2 = NewDevice("alice2");
  auto joined = Run(alice2->Login(io_, "alice", AsBytes(kPassword)));
  ASSERT_TRUE(joined) << joined.error().name();
  ASSERT_EQ(AddressOf(*alice2).account, AddressOf(*alice1).account);
  ASSERT_NE(AddressOf(*alice2).device, AddressOf(*alice1).device);

  // alice1 does not copy to a device it has not accepted.
  auto before = Run(alice1->Send("bob", "before trust"));
  ASSERT_TRUE(before) << before.error().name();
  EXPECT_EQ(before->own_devices, 0u);
  EXPECT_EQ(before->skipped_own_devices, 1u);
  ASSERT_TRUE(alice1->Trust("alice"));
  auto after = Run(alice1->Send("bob", "after trust"));
  ASSERT_TRUE(after) << after.error().name();
  EXPECT_EQ(after->own_devices, 1u);
  EXPECT_EQ(after->skipped_own_devices, 0u);

  EXPECT_EQ(Drain(*alice2).delivered, 1u);
  auto copies = Inbox(*alice2);
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].flags, InboxEntry::kSentCopy);
  EXPECT_EQ(copies[0].sender, "alice");
  EXPECT_EQ(copies[0].peer, "bob");
  EXPECT_EQ(copies[0].body, "after trust");
  EXPECT_EQ(copies[0].message_id, after->message_id);

  // alice2 trusts the account's devices as they were at its login: it copies to alice1.
  auto from2 = Run(alice2->Send("bob", "from the second device"));
  ASSERT_TRUE(from2) << from2.error().name();
  EXPECT_EQ(from2->recipient_devices, 1u);
  EXPECT_EQ(from2->own_devices, 1u);
  EXPECT_EQ(Drain(*alice1).delivered, 1u);
  auto back = Inbox(*alice1);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].flags, InboxEntry::kSentCopy);
  EXPECT_EQ(back[0].body, "from the second device");

  // bob: alice1's messages as before, alice2's with a warning until he trusts it.
  EXPECT_EQ(Drain(*bob).delivered, 3u);
  auto got = Inbox(*bob);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body, "before trust");
  EXPECT_EQ(got[0].flags, 0);
  EXPECT_EQ(got[1].body, "after trust");
  EXPECT_EQ(got[1].flags, 0);
  EXPECT_EQ(got[2].body, "from the second device");
  EXPECT_EQ(got[2].sender_device, AddressOf(*alice2).device);
  EXPECT_EQ(got[2].flags, InboxEntry::kIdentityWarning);
  auto contact = bob->GetContact("alice");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->devices.size(), 1u);
  ASSERT_EQ(contact->pending.size(), 1u);
  EXPECT_EQ(contact->pending[0].device_id, AddressOf(*alice2).device);
  ASSERT_TRUE(bob->Trust("alice"));
  contact = bob->GetContact("alice");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->devices.size(), 2u);
  EXPECT_TRUE(contact->pending.empty());

  // bob now writes to both of alice's devices.
  auto reply = Run(bob->Send("alice", "hi both"));
  ASSERT_TRUE(reply) << reply.error().name();
  EXPECT_EQ(reply->recipient_devices, 2u);
  for (Messenger* a : {alice1.get(), alice2.get()}) {
    EXPECT_EQ(Drain(*a).delivered, 1u);
    auto in = Inbox(*a);
    ASSERT_EQ(in.size(), 1u);
    EXPECT_EQ(in[0].body, "hi both");
    EXPECT_EQ(in[0].sender, "bob");
    EXPECT_EQ(in[0].flags, 0);
  }
}

TEST_F(MessengerTest, ReplacedDeviceBlocksSendingUntilTrusted) {
  auto alice = Registered("alice");
  auto bob1 = Registered("bob");
  ASSERT_TRUE(Run(alice->Send("bob", "hello")));
  EXPECT_EQ(Drain(*bob1).delivered, 1u);

  // bob replaces his device: a new one logs in and removes the old one.
  auto bob2 = NewDevice("bob2");
  ASSERT_TRUE(Run(bob2->Login(io_, "bob", AsBytes(kPassword))));
  auto removed = Run(bob2->RemoveDevice(AddressOf(*bob1).device));
  ASSERT_TRUE(removed) << removed.error().name();
  const Drained ended = Drain(*bob1);
  ASSERT_TRUE(ended.ended.has_value());
  EXPECT_TRUE(*ended.ended == proto::RelayErrc::kDeviceRemoved) << ended.ended->name();
  EXPECT_FALSE(bob1->connected());
  EXPECT_EQ(relay_.live_sessions(AddressOf(*bob1)), 0u);

  for (int attempt = 0; attempt < 2; ++attempt) {  // nothing changes until Trust
    auto refused = Run(alice->Send("bob", "are you there?"));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error() == Errc::kIdentityChanged) << refused.error().name();
  }
  EXPECT_EQ(QueueDepth(*bob2), 0u);  // nothing was sent
  ASSERT_TRUE(alice->Trust("bob"));
  auto sent = Run(alice->Send("bob", "are you there?"));
  ASSERT_TRUE(sent) << sent.error().name();
  EXPECT_EQ(sent->recipient_devices, 1u);

  EXPECT_EQ(Drain(*bob2).delivered, 1u);
  auto inbox = Inbox(*bob2);
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].body, "are you there?");
  EXPECT_EQ(inbox[0].sender, "alice");
  EXPECT_EQ(inbox[0].flags, 0);
}

// ---- Refusals are kRelay errors (relay_error.h) ----

TEST_F(MessengerTest, RefusalsAreRelayErrorsAndStoreNothing) {
  auto alice = Registered("alice");

  auto mallory = NewDevice("mallory");
  auto taken = Run(mallory->Register(io_, "alice", AsBytes("another password")));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().domain(), ErrorDomain::kRelay);
  EXPECT_TRUE(taken.error() == proto::RelayErrc::kUsernameTaken) << taken.error().name();
  EXPECT_FALSE(mallory->account().has_value());

  auto wrong = Run(mallory->Login(io_, "alice", AsBytes("not the password")));
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(wrong.error() == proto::RelayErrc::kBadCredentials) << wrong.error().name();
  EXPECT_FALSE(mallory->account().has_value());
  auto unknown = Run(mallory->Login(io_, "nobody", AsBytes("whatever")));  // a decoy: the same answer
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error() == proto::RelayErrc::kBadCredentials) << unknown.error().name();
  auto invalid = Run(mallory->Register(io_, "x", AsBytes("whatever")));
  ASSERT_FALSE(invalid);
  EXPECT_TRUE(invalid.error() == proto::RelayErrc::kInvalidUsername) << invalid.error().name();

  // Nothing of the refusals stuck: the same device can still join with the right password.
  auto joined = Run(mallory->Login(io_, "alice", AsBytes(kPassword)));
  ASSERT_TRUE(joined) << joined.error().name();
  EXPECT_EQ(AddressOf(*mallory).account, AddressOf(*alice).account);
}

TEST_F(MessengerTest, ThrottledLoginCarriesTheRelaysRetryHint) {
  auto alice = Registered("alice");
  auto eve = NewDevice("eve");
  std::optional<Error> throttled;
  for (uint32_t i = 0; i < relay::kAccountLockoutFailures && !throttled; ++i) {
    auto s = Run(eve->Login(io_, "alice", AsBytes("guess " + std::to_string(i))));
    ASSERT_FALSE(s);
    if (s.error() == proto::RelayErrc::kAccountThrottled) {
      throttled = s.error();
    } else {
      EXPECT_TRUE(s.error() == proto::RelayErrc::kBadCredentials) << s.error().name();
    }
  }
  ASSERT_TRUE(throttled.has_value());
  EXPECT_GT(throttled->retry_after().count(), 0);
  // The right password waits too (relay.md §5.4), until the relay's clock passes the hint.
  auto early = Run(eve->Login(io_, "alice", AsBytes(kPassword)));
  ASSERT_FALSE(early);
  EXPECT_TRUE(early.error() == proto::RelayErrc::kAccountThrottled) << early.error().name();
  relay_.clock().Advance(early.error().retry_after());
  auto joined = Run(eve->Login(io_, "alice", AsBytes(kPassword)));
  ASSERT_TRUE(joined) << joined.error().name();
  EXPECT_EQ(AddressOf(*eve).account, AddressOf(*alice).account);
}

// ---- Prekeys (client.md §7) ----

TEST_F(MessengerTest, ConnectRefillsOneTimePrekeysDrainedByFirstContacts) {
  auto bob = Registered("bob");
  EXPECT_EQ(OneTimePrekeys(*bob), kPrekeyBatch);
  Run(bob->Close());

  // Many first contacts while bob is away, each taking one one-time prekey.
  auto others = RawSession("carol");
  ASSERT_NE(others, nullptr);
  const uint32_t taken = kPrekeyBatch - kPrekeyLowWater + 1;
  TakeBundles(*others, *bob, taken);
  ASSERT_EQ(OneTimePrekeys(*bob), kPrekeyBatch - taken);

  const size_t uploads = relay_.requests("upload_prekeys");
  auto connected = Run(bob->Connect(io_));
  ASSERT_TRUE(connected) << connected.error().name();
  EXPECT_EQ(relay_.requests("upload_prekeys"), uploads + 1);
  EXPECT_EQ(OneTimePrekeys(*bob), kPrekeyBatch - taken + kPrekeyBatch);

  // With enough keys on the relay, connecting uploads nothing.
  ASSERT_TRUE(Run(bob->Connect(io_)));
  EXPECT_EQ(relay_.requests("upload_prekeys"), uploads + 1);
}

TEST_F(MessengerTest, PrekeysLowPushRefillsAConnectedDevice) {
  auto bob = Registered("bob");
  auto others = RawSession("carol");
  ASSERT_NE(others, nullptr);
  // The relay pushes PrekeysLow once fewer than its threshold remain after a fetch (relay.md §6.4).
  constexpr uint32_t kLeft = proto::kPrekeysLowThreshold - 1;
  TakeBundles(*others, *bob, kPrekeyBatch - kLeft);
  ASSERT_EQ(OneTimePrekeys(*bob), kLeft);

  const size_t uploads = relay_.requests("upload_prekeys");
  bool refilled = false;
  for (int i = 0; i < 4 && !refilled; ++i) {
    refilled = Run(bob->Pump(kIdle)).kind == PumpEvent::Kind::kPrekeysRefilled;
  }
  EXPECT_TRUE(refilled);
  EXPECT_EQ(relay_.requests("upload_prekeys"), uploads + 1);
  EXPECT_EQ(OneTimePrekeys(*bob), kLeft + kPrekeyBatch);
}

// ---- Acknowledgements ----

// The Messenger's contract: at most one ack request per delivered message (today exactly one;
// batched per drained burst next, which this test will then hold it to).
TEST_F(MessengerTest, AckRequestsPerBurst) {
  constexpr size_t kBurst = 20;
  auto alice = Registered("alice");
  auto bob = Registered("bob");

  // A burst from the queue: bob is away while alice sends.
  Run(bob->Close());
  for (size_t i = 0; i < kBurst; ++i) ASSERT_TRUE(Run(alice->Send("bob", "queued " + std::to_string(i))));
  ASSERT_EQ(QueueDepth(*bob), kBurst);
  ASSERT_TRUE(Run(bob->Connect(io_)));
  size_t acks = relay_.requests("ack");
  EXPECT_EQ(Drain(*bob).delivered, kBurst);
  const size_t queued_acks = relay_.requests("ack") - acks;

  // A live burst: everything alice sent is waiting when bob next pumps.
  for (size_t i = 0; i < kBurst; ++i) ASSERT_TRUE(Run(alice->Send("bob", "live " + std::to_string(i))));
  acks = relay_.requests("ack");
  EXPECT_EQ(Drain(*bob).delivered, kBurst);
  const size_t live_acks = relay_.requests("ack") - acks;

  ::testing::Test::RecordProperty("queued_burst_ack_requests", static_cast<int>(queued_acks));
  ::testing::Test::RecordProperty("live_burst_ack_requests", static_cast<int>(live_acks));
  std::printf("[ ack      ] a burst of %zu: %zu ack requests from the queue, %zu live\n", kBurst, queued_acks,
              live_acks);
  // client.md §4.9: a burst already waiting is acknowledged in one request.
  EXPECT_EQ(queued_acks, 1u);
  EXPECT_EQ(live_acks, 1u);
  EXPECT_EQ(QueueDepth(*bob), 0u);  // every message acknowledged, however batched
  auto inbox = Inbox(*bob);
  ASSERT_EQ(inbox.size(), 2 * kBurst);
  EXPECT_EQ(inbox.front().body, "queued 0");
  EXPECT_EQ(inbox.back().body, "live " + std::to_string(kBurst - 1));
}

}  // namespace
}  // namespace sc::client
