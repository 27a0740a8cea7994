// The real relay: accounts (SRP-6a), login throttling, devices and prekeys.
#include <set>
#include <thread>

#include "securecomm/crypto/x25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/relay/limits.h"
#include "securecomm/relay/service.h"

#include "relay_test_util.h"

namespace sc::testing {
namespace {

using namespace std::chrono_literals;

class RelayAccountsTest : public RelayFixture {
 protected:
  void SetUp() override { StartRelay(); }
};

TEST_F(RelayAccountsTest, RegisterLoginAndWrongPassword) {
  auto c = Connect();
  EXPECT_EQ(Register(*c, "Alice", "pw-one-two-three"), pb::OK);
  EXPECT_EQ(Register(*c, "alice", "another"), pb::USERNAME_TAKEN) << "usernames are case-insensitive";
  EXPECT_EQ(Register(*c, "a", "pw"), pb::INVALID_USERNAME);
  EXPECT_EQ(Register(*c, "bad name!", "pw"), pb::INVALID_USERNAME);

  Refusal refusal;
  auto wrong = Login(*c, "alice", "not-the-password", &refusal);
  EXPECT_EQ(refusal.code, pb::BAD_CREDENTIALS);
  EXPECT_EQ(wrong.device_id, 0u);
  // An unknown username gets the same answer as a wrong password.
  Login(*c, "nobody-here", "whatever", &refusal);
  EXPECT_EQ(refusal.code, pb::BAD_CREDENTIALS);

  auto ok = Login(*c, "alice", "pw-one-two-three", &refusal);
  EXPECT_EQ(refusal.code, pb::OK);
  EXPECT_NE(ok.account_id, 0u);
  EXPECT_TRUE(ok.new_device);
  Login(*c, "alice", "pw-one-two-three", &refusal);
  EXPECT_EQ(refusal.code, pb::ALREADY_AUTHENTICATED);
}

TEST_F(RelayAccountsTest, WeakGroupIsRefused) {
  auto c = Connect();
  auto r = RunSync(io_, c->Register("weakling", Pw("pw"), crypto::SrpGroup::k1024));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), proto::RelayErrc::kWeakSrpGroup);
}

TEST_F(RelayAccountsTest, RepeatedFailuresThrottleTheAccount) {
  auto c = Connect();
  ASSERT_EQ(Register(*c, "carol", "right"), pb::OK);
  Refusal refusal;
  for (uint32_t i = 0; i < relay::kAccountFreeFailures; ++i) {
    Login(*c, "carol", "wrong", &refusal);
    EXPECT_EQ(refusal.code, pb::BAD_CREDENTIALS) << "attempt " << i;
  }
  Login(*c, "carol", "wrong", &refusal);
  EXPECT_EQ(refusal.code, pb::ACCOUNT_THROTTLED);
  EXPECT_GT(refusal.retry_after_ms, 0u);
  EXPECT_LE(refusal.retry_after_ms, 1000u);
  // Even the right password waits out the delay: guessing speed is what is limited.
  Login(*c, "carol", "right", &refusal);
  EXPECT_EQ(refusal.code, pb::ACCOUNT_THROTTLED);
  std::this_thread::sleep_for(std::chrono::milliseconds(refusal.retry_after_ms + 50));
  auto ok = Login(*c, "carol", "right", &refusal);
  EXPECT_EQ(refusal.code, pb::OK);
  EXPECT_NE(ok.device_id, 0u);
}

TEST_F(RelayAccountsTest, RequestsBeforeLoginAreRefused) {
  auto c = Connect();
  pb::ClientFrame list;
  list.mutable_list_devices();
  EXPECT_EQ(Call(*c, list).error(), pb::NOT_AUTHENTICATED);
  pb::ClientFrame finish;
  finish.mutable_login_finish()->set_srp_m1(std::string(32, 'x'));
  EXPECT_EQ(Call(*c, finish).error(), pb::NO_LOGIN_IN_PROGRESS);
}

TEST_F(RelayAccountsTest, DevicesAreAddedListedAndRemoved) {
  auto phone = NewUser("dave", "pw-dave");
  auto laptop_key = NewKey();
  auto laptop = Connect(laptop_key);
  auto info = Login(*laptop, "dave", "pw-dave");
  EXPECT_TRUE(info.new_device);
  EXPECT_NE(info.device_id, phone.info.device_id);
  EXPECT_EQ(info.account_id, phone.info.account_id);

  pb::ClientFrame list;
  list.mutable_list_devices();
  auto listed = Call(*phone.client, list);
  ASSERT_EQ(listed.list_devices().devices_size(), 2);
  EXPECT_EQ(listed.list_devices().devices(1).identity_key(),
            std::string(reinterpret_cast<const char*>(laptop_key->public_key().data()), 32));

  // The same key logging in again is the same device.
  auto again = Connect(laptop_key);
  auto info2 = Login(*again, "dave", "pw-dave");
  EXPECT_FALSE(info2.new_device);
  EXPECT_EQ(info2.device_id, info.device_id);

  // A send-only session of the same device (a one-shot command beside a listener).
  auto oneshot = Connect(laptop_key);
  Refusal refusal;
  Login(*oneshot, "dave", "pw-dave", &refusal, /*send_only=*/true);
  ASSERT_EQ(refusal.code, pb::OK);

  pb::ClientFrame remove;
  remove.mutable_remove_device()->set_device_id(info.device_id);
  EXPECT_EQ(Call(*phone.client, remove).error(), pb::OK);
  // Revoked at once on every session, send-only included.
  auto refused = RunSync(io_, oneshot->Call(list));
  EXPECT_TRUE(!refused || refused->error() == pb::DEVICE_REMOVED);
  bool oneshot_told = false;
  while (auto push = NextPush(*oneshot, 2s)) {
    if (push->has_session_ended()) oneshot_told = push->session_ended().reason() == pb::DEVICE_REMOVED;
  }
  EXPECT_TRUE(oneshot_told);
  // The removed device's sessions are told and closed.
  bool told = false;
  for (int i = 0; i < 5 && !told; ++i) {
    auto push = NextPush(*laptop, 5s);
    if (!push) break;
    told = push->has_session_ended() && push->session_ended().reason() == pb::DEVICE_REMOVED;
  }
  EXPECT_TRUE(told);
  EXPECT_EQ(Call(*phone.client, remove).error(), pb::UNKNOWN_DEVICE);
  EXPECT_EQ(Call(*phone.client, list).list_devices().devices_size(), 1);
}

pb::ClientFrame Upload(const crypto::Ed25519KeyPair& identity, uint32_t signed_id, uint32_t first,
                       uint32_t count, bool corrupt_signature = false) {
  pb::ClientFrame f;
  auto* u = f.mutable_upload_prekeys();
  auto spk = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
  auto sig = identity.Sign(e2e::SignedPrekeyMessage(signed_id, spk.public_key));
  auto sig_bytes = std::string(reinterpret_cast<const char*>(sig.data()), 64);
  if (corrupt_signature) sig_bytes[10] ^= 1;
  u->mutable_signed_prekey()->set_id(signed_id);
  u->mutable_signed_prekey()->set_public_key(reinterpret_cast<const char*>(spk.public_key.data()), 32);
  u->mutable_signed_prekey()->set_signature(sig_bytes);
  for (uint32_t i = 0; i < count; ++i) {
    auto k = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
    auto* ot = u->add_one_time_prekeys();
    ot->set_id(first + i);
    ot->set_public_key(reinterpret_cast<const char*>(k.public_key.data()), 32);
  }
  return f;
}

TEST_F(RelayAccountsTest, PrekeysAreVerifiedAndEachOneTimeKeyIsHandedOutOnce) {
  auto bob = NewUser("bob", "pw-bob");
  EXPECT_EQ(Call(*bob.client, Upload(*bob.key, 1, 1, 5, /*corrupt_signature=*/true)).error(),
            pb::INVALID_PREKEY_SIGNATURE);
  auto up = Call(*bob.client, Upload(*bob.key, 1, 1, 100));
  ASSERT_EQ(up.error(), pb::OK);
  EXPECT_EQ(up.upload_prekeys().one_time_remaining(), 100u);
  EXPECT_EQ(Call(*bob.client, Upload(*bob.key, 2, 100, 1)).error(), pb::DUPLICATE_PREKEY_ID);

  // Four fetchers on four sessions, all requests in flight at once.
  std::vector<TestDevice> fetchers;
  fetchers.reserve(4);
  for (int i = 0; i < 4; ++i) fetchers.push_back(NewUser("fetcher" + std::to_string(i), "pw"));
  std::vector<std::vector<uint32_t>> got(4);
  int outstanding = 0;
  for (int f = 0; f < 4; ++f) {
    for (int i = 0; i < 26; ++i) {
      ++outstanding;
      asio::co_spawn(
          io_,
          [&, f]() -> asio::awaitable<void> {
            pb::ClientFrame fetch;
            fetch.mutable_fetch_prekey_bundle()->set_account_id(bob.info.account_id);
            fetch.mutable_fetch_prekey_bundle()->set_device_id(bob.info.device_id);
            auto r = co_await fetchers[static_cast<size_t>(f)].client->Call(fetch);
            if (r && r->error() == pb::OK && r->fetch_prekey_bundle().has_one_time_prekey()) {
              got[static_cast<size_t>(f)].push_back(r->fetch_prekey_bundle().one_time_prekey().id());
            }
            --outstanding;
          },
          asio::detached);
    }
  }
  io_.restart();
  while (outstanding > 0) io_.run_one();
  std::set<uint32_t> all;
  size_t total = 0;
  for (auto& v : got) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(total, 100u) << "104 fetches for 100 one-time prekeys: exactly 100 get one";
  EXPECT_EQ(all.size(), 100u) << "no one-time prekey is handed out twice";

  // The owner was told its prekeys ran low.
  bool low = false;
  while (auto push = NextPush(*bob.client, 2s)) {
    if (push->has_prekeys_low()) low = true;
  }
  EXPECT_TRUE(low);
  pb::ClientFrame count;
  count.mutable_prekey_count();
  EXPECT_EQ(Call(*bob.client, count).prekey_count().one_time_remaining(), 0u);
}

}  // namespace
}  // namespace sc::testing
