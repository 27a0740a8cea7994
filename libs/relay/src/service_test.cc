// relay::Service over the in-memory store, with a manual clock: every request's rules and
// refusals, without a network.
#include "securecomm/relay/service.h"

#include <set>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/proto/username.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/memory_relay_store.h"

namespace sc::relay {
namespace {

std::span<const uint8_t> B(const std::string& s) {
  return AsBytes(s);
}

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : service_(store_, clock_, rng_, Options()) {}

  static ServiceOptions Options() {
    ServiceOptions o;
    o.decoy_key = SecretArray<32>::FromSpan(std::span<const uint8_t, 32>(std::array<uint8_t, 32>{7}));
    o.max_queued_per_device = 3;
    return o;
  }

  // Run handles one frame inside a transaction, as the store worker does.
  Outcome Run(SessionContext& s, pb::ClientFrame f) {
    f.set_version(kProtocolVersion);
    EXPECT_TRUE(store_.Begin());
    EXPECT_TRUE(store_.Savepoint());
    Outcome out = service_.Handle(s, f);
    if (out.ok() || out.keep_writes) {
      EXPECT_TRUE(store_.ReleaseSavepoint());
    } else {
      store_.RollbackToSavepoint();
    }
    EXPECT_TRUE(store_.Commit());
    Service::ApplyCommitted(s, out);
    return out;
  }

  SessionContext NewSession(const crypto::Ed25519KeyPair& key, std::string address = "192.0.2.1") {
    SessionContext s;
    s.peer_address = std::move(address);
    std::copy(key.public_key().span().begin(), key.public_key().span().end(), s.peer_identity.begin());
    return s;
  }

  pb::ErrorCode Register(SessionContext& s, const std::string& user, const std::string& password,
                         crypto::SrpGroup group = crypto::SrpGroup::k3072) {
    std::vector<uint8_t> salt(16, 0x5a);
    auto v = crypto::SrpMakeVerifier(user, B(password), salt, group);
    EXPECT_TRUE(v);
    pb::ClientFrame f;
    f.mutable_register_()->set_username(user);
    f.mutable_register_()->set_srp_group(static_cast<uint32_t>(group));
    f.mutable_register_()->set_srp_salt(std::string(salt.begin(), salt.end()));
    f.mutable_register_()->set_srp_verifier(std::string(v->verifier.begin(), v->verifier.end()));
    return Run(s, f).response.error();
  }

  // Login runs both SRP steps; returns the final response.
  pb::Response Login(SessionContext& s, const std::string& user, const std::string& password) {
    auto client = crypto::SrpClient::Start(crypto::SrpGroup::k3072, rng_);
    pb::ClientFrame start;
    start.mutable_login_start()->set_username(user);
    start.mutable_login_start()->set_srp_a(std::string(client->A().begin(), client->A().end()));
    auto challenge = Run(s, start);
    if (!challenge.ok()) return challenge.response;
    auto m1 = client->Respond(user, B(password), B(challenge.response.login_start().srp_salt()),
                              B(challenge.response.login_start().srp_b()));
    EXPECT_TRUE(m1);
    pb::ClientFrame finish;
    finish.mutable_login_finish()->set_srp_m1(std::string(m1->begin(), m1->end()));
    auto done = Run(s, finish);
    if (done.ok()) {
      EXPECT_TRUE(client->VerifyServer(B(done.response.login_finish().srp_m2())));
    }
    return done.response;
  }

  crypto::Ed25519KeyPair NewKey() { return crypto::Ed25519KeyPair::Generate(rng_); }

  store::MemoryRelayStore store_;
  ManualClock clock_;
  DeterministicRandom rng_{42};
  Service service_;
};

TEST_F(ServiceTest, UsernamesAreNormalisedAndChecked) {
  EXPECT_EQ(proto::NormalizeUsername("Alice.B-2_x"), "alice.b-2_x");
  EXPECT_FALSE(proto::NormalizeUsername("al"));
  EXPECT_FALSE(proto::NormalizeUsername(std::string(33, 'a')));
  EXPECT_FALSE(proto::NormalizeUsername(".alice"));
  EXPECT_FALSE(proto::NormalizeUsername("al ice"));
  EXPECT_FALSE(proto::NormalizeUsername("\xc3\xa4lice"));
}

TEST_F(ServiceTest, RegisterThenLoginBindsTheSessionToItsDevice) {
  auto key = NewKey();
  auto s = NewSession(key);
  EXPECT_EQ(Register(s, "alice", "pw"), pb::OK);
  EXPECT_EQ(Register(s, "ALICE", "pw"), pb::USERNAME_TAKEN);
  EXPECT_EQ(Register(s, "weak", "pw", crypto::SrpGroup::k1024), pb::WEAK_SRP_GROUP);
  auto r = Login(s, "alice", "pw");
  ASSERT_EQ(r.error(), pb::OK);
  EXPECT_TRUE(r.login_finish().new_device());
  ASSERT_TRUE(s.device);
  EXPECT_EQ(s.device->device, r.login_finish().device_id());
  auto devices = store_.ListDevices(s.device->account);
  ASSERT_TRUE(devices);
  ASSERT_EQ(devices->size(), 1u);
  EXPECT_EQ((*devices)[0].identity_key, s.peer_identity);
}

TEST_F(ServiceTest, UnknownUsernamesGetAStableDecoyAndTheSameRefusal) {
  auto key = NewKey();
  auto s = NewSession(key);
  pb::ClientFrame start;
  start.mutable_login_start()->set_username("ghost");
  start.mutable_login_start()->set_srp_a(std::string(384, '\x02'));
  auto first = Run(s, start);
  auto second = Run(s, start);
  ASSERT_EQ(first.response.error(), pb::OK);
  EXPECT_EQ(first.response.login_start().srp_salt(), second.response.login_start().srp_salt());
  EXPECT_EQ(first.response.login_start().srp_b().size(), 384u);
  EXPECT_EQ(Login(s, "ghost", "anything").error(), pb::BAD_CREDENTIALS);
  EXPECT_EQ(store_.FindAccount("ghost").error(), store::Errc::kNotFound);
}

TEST_F(ServiceTest, EveryUnknownUsernameGetsADecoy) {
  // Regression: a decoy password with a NUL byte made SRP refuse it, and the answer differed.
  auto key = NewKey();
  auto s = NewSession(key);
  pb::ClientFrame start;
  start.mutable_login_start()->set_srp_a(std::string(384, '\x02'));
  for (int i = 0; i < 64; ++i) {
    start.mutable_login_start()->set_username("unknown" + std::to_string(i));
    EXPECT_EQ(Run(s, start).response.error(), pb::OK) << i;
  }
}

TEST_F(ServiceTest, AccountLocksAfterRepeatedFailuresAndUnlocksLater) {
  auto key = NewKey();
  auto s = NewSession(key);
  ASSERT_EQ(Register(s, "bob", "right"), pb::OK);
  int failures = 0;
  pb::ErrorCode last = pb::OK;
  for (int i = 0; i < 40 && last != pb::ACCOUNT_LOCKED; ++i) {
    auto r = Login(s, "bob", "wrong");
    last = r.error();
    if (last == pb::BAD_CREDENTIALS) ++failures;
    if (last == pb::ACCOUNT_THROTTLED) clock_.Advance(std::chrono::milliseconds(r.retry_after_ms()));
  }
  EXPECT_EQ(last, pb::ACCOUNT_LOCKED);
  EXPECT_EQ(failures, static_cast<int>(kAccountLockoutFailures));
  EXPECT_EQ(Login(s, "bob", "right").error(), pb::ACCOUNT_LOCKED) << "the right password waits too";
  clock_.Advance(kAccountLockout);
  EXPECT_EQ(Login(s, "bob", "right").error(), pb::OK);
  EXPECT_EQ(store_.FindAccount("bob")->failed_logins, 0u) << "a success clears the record";
}

TEST_F(ServiceTest, OneAddressGuessingManyAccountsIsThrottled) {
  auto key = NewKey();
  auto s = NewSession(key, "198.51.100.7");
  for (int i = 0; i < 30; ++i) ASSERT_EQ(Register(s, "user" + std::to_string(i), "pw"), pb::OK);
  pb::ErrorCode last = pb::OK;
  for (int i = 0; i < 30 && last != pb::ADDRESS_THROTTLED; ++i)
    last = Login(s, "user" + std::to_string(i), "x").error();
  EXPECT_EQ(last, pb::ADDRESS_THROTTLED);
  auto other = NewSession(key, "198.51.100.8");
  EXPECT_EQ(Login(other, "user29", "pw").error(), pb::OK) << "other addresses are not affected";
}

TEST_F(ServiceTest, AnUnknownNameIsThrottledAndLockedExactlyLikeAnAccount) {
  // relay.md §5.4: the same counts, waits and answers for a real account and an unknown name.
  auto key = NewKey();
  auto s = NewSession(key);
  ASSERT_EQ(Register(s, "real", "right"), pb::OK);
  std::vector<std::vector<std::pair<pb::ErrorCode, uint64_t>>> seen(2);
  for (size_t n = 0; n < 2; ++n) {
    const std::string user = n == 0 ? "real" : "ghost";
    for (int i = 0; i < 40; ++i) {
      auto a = NewSession(key, "203.0.113." + std::to_string(i));  // the address limit stays out of it
      auto r = Login(a, user, "wrong");
      seen[n].emplace_back(r.error(), r.retry_after_ms());
      if (r.error() == pb::ACCOUNT_LOCKED) break;
      if (r.error() == pb::ACCOUNT_THROTTLED) clock_.Advance(std::chrono::milliseconds(r.retry_after_ms()));
    }
  }
  EXPECT_EQ(seen[0], seen[1]);
  ASSERT_FALSE(seen[1].empty());
  EXPECT_EQ(seen[1].back().first, pb::ACCOUNT_LOCKED);
  EXPECT_EQ(store_.GetDecoyFailures({}).value(), store::LoginFailures{})
      << "keyed by a tag, not stored by name";
  clock_.Advance(kAccountLockout);
  auto a = NewSession(key, "203.0.113.200");
  EXPECT_EQ(Login(a, "real", "right").error(), pb::OK);
}

TEST_F(ServiceTest, AnUnknownNameAndAnAccountAnswerTheSameGroupAndDoTheSameWrites) {
  auto key = NewKey();
  auto s = NewSession(key);
  ASSERT_EQ(Register(s, "real", "right"), pb::OK);
  EXPECT_EQ(Register(s, "big", "pw", crypto::SrpGroup::k4096), pb::INVALID_SRP_PARAMETERS)
      << "one group for every new account: the decoys' group";
  for (const auto a_group : {crypto::SrpGroup::k3072, crypto::SrpGroup::k4096}) {
    const std::string a(crypto::SrpGroupBytes(a_group), '\x02');
    pb::ClientFrame start;
    start.mutable_login_start()->set_srp_a(a);
    start.mutable_login_start()->set_username("real");
    const auto real = Run(s, start);
    start.mutable_login_start()->set_username("ghost");
    const auto ghost = Run(s, start);
    ASSERT_EQ(real.response.error(), pb::OK);
    ASSERT_EQ(ghost.response.error(), pb::OK);
    EXPECT_EQ(real.response.login_start().srp_group(), ghost.response.login_start().srp_group());
    EXPECT_EQ(real.response.login_start().srp_b().size(), ghost.response.login_start().srp_b().size());
  }
  // A failed finish writes its count for both (the same store work and the same commit).
  for (const std::string user : {"real", "ghost"}) {
    auto client = crypto::SrpClient::Start(crypto::SrpGroup::k3072, rng_);
    pb::ClientFrame start;
    start.mutable_login_start()->set_username(user);
    start.mutable_login_start()->set_srp_a(std::string(client->A().begin(), client->A().end()));
    const auto c = Run(s, start);
    ASSERT_TRUE(c.ok());
    auto m1 = client->Respond(user, B("wrong"), B(c.response.login_start().srp_salt()),
                              B(c.response.login_start().srp_b()));
    pb::ClientFrame finish;
    finish.mutable_login_finish()->set_srp_m1(std::string(m1->begin(), m1->end()));
    const auto done = Run(s, finish);
    EXPECT_EQ(done.response.error(), pb::BAD_CREDENTIALS) << user;
    EXPECT_TRUE(done.keep_writes) << user;
  }
}

TEST_F(ServiceTest, AnEnrolledDeviceIsNotLockedOutByOthersGuesses) {
  auto phone_key = NewKey();
  auto phone = NewSession(phone_key, "192.0.2.10");
  ASSERT_EQ(Register(phone, "carol", "right"), pb::OK);
  ASSERT_EQ(Login(phone, "carol", "right").error(), pb::OK);  // the phone is enrolled
  // Someone else guesses until the account locks.
  auto attacker_key = NewKey();
  pb::ErrorCode last = pb::OK;
  for (int i = 0; i < 40 && last != pb::ACCOUNT_LOCKED; ++i) {
    auto a = NewSession(attacker_key, "198.51.100." + std::to_string(i));
    auto r = Login(a, "carol", "guess" + std::to_string(i));
    last = r.error();
    if (last == pb::ACCOUNT_THROTTLED) clock_.Advance(std::chrono::milliseconds(r.retry_after_ms()));
  }
  ASSERT_EQ(last, pb::ACCOUNT_LOCKED);
  // A new key with the right password waits out the lock; the enrolled phone does not.
  auto newcomer = NewSession(NewKey(), "192.0.2.11");
  EXPECT_EQ(Login(newcomer, "carol", "right").error(), pb::ACCOUNT_LOCKED);
  auto again = NewSession(phone_key, "192.0.2.10");
  EXPECT_EQ(Login(again, "carol", "wrong").error(), pb::BAD_CREDENTIALS)
      << "the enrolled key gets to try; its failures count only against its address";
  auto fine = NewSession(phone_key, "192.0.2.10");
  const auto r = Login(fine, "carol", "right");
  EXPECT_EQ(r.error(), pb::OK);
  EXPECT_FALSE(r.login_finish().new_device());
  // Its address is still limited: 50 failures lock the address for the enrolled key too.
  pb::ErrorCode at_address = pb::OK;
  for (int i = 0; i < 60 && at_address != pb::ADDRESS_THROTTLED; ++i) {
    auto t = NewSession(phone_key, "192.0.2.10");
    auto x = Login(t, "carol", "wrong");
    at_address = x.error();
    if (at_address == pb::BAD_CREDENTIALS) continue;
    if (at_address == pb::ADDRESS_THROTTLED && x.retry_after_ms() < 60'000) {
      clock_.Advance(std::chrono::milliseconds(x.retry_after_ms()));
      at_address = pb::OK;
    }
  }
  EXPECT_EQ(at_address, pb::ADDRESS_THROTTLED);
}

TEST_F(ServiceTest, ASuccessDoesNotWipeTheAddressesFailuresOnOtherAccounts) {
  auto key = NewKey();
  auto s = NewSession(key, "198.51.100.9");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Register(s, "victim" + std::to_string(i), "pw"), pb::OK);
  ASSERT_EQ(Register(s, "mine", "mine"), pb::OK);
  int failures = 0;
  for (int i = 0; failures < static_cast<int>(kAddressFreeFailures) - 1; ++i) {
    auto a = NewSession(key, "198.51.100.9");
    if (Login(a, "victim" + std::to_string(i % 3), "x").error() == pb::BAD_CREDENTIALS) ++failures;
    if (i % 3 == 2) clock_.Advance(std::chrono::minutes(6));  // the accounts' own waits pass
  }
  auto own = NewSession(key, "198.51.100.9");
  ASSERT_EQ(Login(own, "mine", "mine").error(), pb::OK);
  // The 20th failure from this address still counts: the next attempt is throttled.
  auto a = NewSession(NewKey(), "198.51.100.9");
  clock_.Advance(std::chrono::minutes(6));
  ASSERT_EQ(Login(a, "victim0", "x").error(), pb::BAD_CREDENTIALS);
  auto b = NewSession(NewKey(), "198.51.100.9");
  EXPECT_EQ(Login(b, "victim1", "x").error(), pb::ADDRESS_THROTTLED);
}

TEST_F(ServiceTest, DeviceLimitAndRemoval) {
  auto first = NewKey();
  auto s = NewSession(first);
  ASSERT_EQ(Register(s, "carol", "pw"), pb::OK);
  ASSERT_EQ(Login(s, "carol", "pw").error(), pb::OK);
  for (uint32_t i = 1; i < kMaxDevicesPerAccount; ++i) {
    auto k = NewKey();
    auto d = NewSession(k);
    ASSERT_EQ(Login(d, "carol", "pw").error(), pb::OK) << i;
  }
  auto extra_key = NewKey();
  auto extra = NewSession(extra_key);
  EXPECT_EQ(Login(extra, "carol", "pw").error(), pb::TOO_MANY_DEVICES);
  EXPECT_FALSE(extra.device);

  pb::ClientFrame remove;
  remove.mutable_remove_device()->set_device_id(2);
  auto removed = Run(s, remove);
  ASSERT_EQ(removed.response.error(), pb::OK);
  ASSERT_EQ(removed.effects.removed_devices.size(), 1u);
  EXPECT_EQ(Run(s, remove).response.error(), pb::UNKNOWN_DEVICE);
  EXPECT_EQ(Login(extra, "carol", "pw").error(), pb::OK) << "room again";
}

TEST_F(ServiceTest, ARemovedDeviceIsRevokedAtItsNextRequest) {
  auto phone_key = NewKey(), laptop_key = NewKey();
  auto phone = NewSession(phone_key), laptop = NewSession(laptop_key);
  ASSERT_EQ(Register(phone, "erin", "pw"), pb::OK);
  ASSERT_EQ(Login(phone, "erin", "pw").error(), pb::OK);
  ASSERT_EQ(Login(laptop, "erin", "pw").error(), pb::OK);
  pb::ClientFrame remove;
  remove.mutable_remove_device()->set_device_id(laptop.device->device);
  ASSERT_EQ(Run(phone, remove).response.error(), pb::OK);
  ASSERT_TRUE(laptop.device) << "the laptop's session does not know yet";
  pb::ClientFrame list;
  list.mutable_list_devices();
  EXPECT_EQ(Run(laptop, list).response.error(), pb::DEVICE_REMOVED);
  EXPECT_FALSE(laptop.device) << "and is logged out";
  EXPECT_EQ(Run(laptop, list).response.error(), pb::NOT_AUTHENTICATED);
}

TEST_F(ServiceTest, EveryRequestButAccountsNeedsALogin) {
  auto key = NewKey();
  auto s = NewSession(key);
  pb::ClientFrame f;
  f.mutable_send();
  EXPECT_EQ(Run(s, f).response.error(), pb::NOT_AUTHENTICATED);
  f.mutable_ack();
  EXPECT_EQ(Run(s, f).response.error(), pb::NOT_AUTHENTICATED);
  f.mutable_fetch_prekey_bundle();
  EXPECT_EQ(Run(s, f).response.error(), pb::NOT_AUTHENTICATED);
  pb::ClientFrame empty;
  EXPECT_EQ(Run(s, empty).response.error(), pb::UNKNOWN_REQUEST);
  pb::ClientFrame v9;
  v9.mutable_list_devices();
  v9.set_request_id(77);
  v9.set_version(9);
  auto out = service_.Handle(s, v9);
  EXPECT_EQ(out.response.error(), pb::UNSUPPORTED_VERSION);
  EXPECT_EQ(out.response.request_id(), 77u);
}

class LoggedInServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    alice_ = NewSession(alice_key_);
    bob_ = NewSession(bob_key_);
    ASSERT_EQ(Register(alice_, "alice", "pw"), pb::OK);
    ASSERT_EQ(Register(bob_, "bob", "pw"), pb::OK);
    ASSERT_EQ(Login(alice_, "alice", "pw").error(), pb::OK);
    ASSERT_EQ(Login(bob_, "bob", "pw").error(), pb::OK);
  }
  pb::ClientFrame SendToBob(const std::string& payload, uint64_t ttl = 0) {
    pb::ClientFrame f;
    auto* e = f.mutable_send()->add_envelopes();
    e->set_recipient_account(bob_.device->account);
    e->set_recipient_device(bob_.device->device);
    e->set_payload(payload);
    f.mutable_send()->set_ttl_ms(ttl);
    return f;
  }
  crypto::Ed25519KeyPair alice_key_ = NewKey(), bob_key_ = NewKey();
  SessionContext alice_, bob_;
};

// relay.md §5.3, §6.3, §7.2: the refusals a spec-following client ran into unspecified.
TEST_F(LoggedInServiceTest, SpecifiedRefusalsOfMalformedRequests) {
  pb::ClientFrame start;
  start.mutable_login_start()->set_username("no spaces allowed");
  start.mutable_login_start()->set_srp_a(std::string(384, '\x02'));
  auto fresh = NewSession(NewKey());
  EXPECT_EQ(Run(fresh, start).response.error(), pb::INVALID_USERNAME);

  pb::ClientFrame empty_upload;
  empty_upload.mutable_upload_prekeys();
  EXPECT_EQ(Run(alice_, empty_upload).response.error(), pb::INVALID_REQUEST);
  for (size_t size : {size_t{0}, size_t{31}, size_t{33}}) {
    pb::ClientFrame upload;
    auto* k = upload.mutable_upload_prekeys()->add_one_time_prekeys();
    k->set_id(1);
    k->set_public_key(std::string(size, '\x05'));
    EXPECT_EQ(Run(alice_, upload).response.error(), pb::INVALID_REQUEST) << size << "-byte one-time prekey";
  }
  EXPECT_EQ(store_.CountOneTimePrekeys(*alice_.device).value_or(99), 0u) << "nothing stored";

  pb::ClientFrame no_ids;
  no_ids.mutable_ack();
  EXPECT_EQ(Run(alice_, no_ids).response.error(), pb::INVALID_REQUEST);
  pb::ClientFrame too_many;
  for (size_t i = 0; i <= kMaxAcksPerRequest; ++i) too_many.mutable_ack()->add_message_ids(i + 1);
  EXPECT_EQ(Run(alice_, too_many).response.error(), pb::INVALID_REQUEST);
}

TEST_F(LoggedInServiceTest, SendQueuesStoresOnlyRoutingAndTheOpaquePayload) {
  clock_.Advance(std::chrono::seconds(5));
  auto out = Run(alice_, SendToBob("ciphertext"));
  ASSERT_EQ(out.response.error(), pb::OK);
  ASSERT_EQ(out.effects.new_messages.size(), 1u);
  const auto& m = out.effects.new_messages[0];
  EXPECT_EQ(m.recipient, *bob_.device);
  EXPECT_EQ(m.sender, *alice_.device);
  EXPECT_EQ(m.server_time_ms, clock_.UnixMillis());
  EXPECT_EQ(m.expires_ms, clock_.UnixMillis() + kDefaultMessageTtl.count());
  auto queued = service_.Fetch(*bob_.device, 0, 10);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ(std::string(queued->at(0).payload.begin(), queued->at(0).payload.end()), "ciphertext");

  pb::ClientFrame ack;
  ack.mutable_ack()->add_message_ids(m.id);
  ack.mutable_ack()->add_message_ids(m.id + 1000);  // unknown ids are ignored
  auto acked = Run(bob_, ack);
  EXPECT_EQ(acked.response.ack().removed(), 1u);
  EXPECT_EQ(service_.QueueDepth(*bob_.device).value_or(9), 0u);
}

TEST_F(LoggedInServiceTest, SendRefusalsNameTheEnvelope) {
  EXPECT_EQ(Run(alice_, SendToBob(std::string(kMaxEnvelopeBytes + 1, 'x'))).response.error(),
            pb::ENVELOPE_TOO_LARGE);
  EXPECT_EQ(Run(alice_, SendToBob("x", static_cast<uint64_t>(kMaxMessageTtl.count()) + 1)).response.error(),
            pb::INVALID_TTL);
  auto f = SendToBob("ok");
  auto* bad = f.mutable_send()->add_envelopes();
  bad->set_recipient_account(bob_.device->account);
  bad->set_recipient_device(42);
  bad->set_payload("x");
  auto out = Run(alice_, f);
  EXPECT_EQ(out.response.error(), pb::UNKNOWN_RECIPIENT);
  EXPECT_EQ(out.response.error_index(), 1u);
  EXPECT_EQ(service_.QueueDepth(*bob_.device).value_or(9), 0u) << "all or nothing";
  // The queue limit is 3 here; a send of 4 to one device is refused at its 4th envelope.
  pb::ClientFrame four;
  for (int i = 0; i < 4; ++i) *four.mutable_send()->add_envelopes() = SendToBob("q").send().envelopes(0);
  auto full = Run(alice_, four);
  EXPECT_EQ(full.response.error(), pb::QUEUE_FULL);
  EXPECT_EQ(full.response.error_index(), 3u);
}

TEST_F(LoggedInServiceTest, ExpiredMessagesAreSkippedAndPurged) {
  ASSERT_TRUE(Run(alice_, SendToBob("brief", 1000)).ok());
  ASSERT_TRUE(Run(alice_, SendToBob("lasting")).ok());
  clock_.Advance(std::chrono::seconds(2));
  auto queued = service_.Fetch(*bob_.device, 0, 10);
  ASSERT_EQ(queued->size(), 1u);
  ASSERT_TRUE(store_.Begin());
  EXPECT_EQ(service_.PurgeExpired().value_or(0), 1u);
  ASSERT_TRUE(store_.Commit());
  EXPECT_EQ(service_.QueueDepth(*bob_.device).value_or(9), 1u);
}

pb::ClientFrame Upload(const crypto::Ed25519KeyPair& id, uint32_t spk_id, uint32_t first, uint32_t n,
                       Random& rng) {
  pb::ClientFrame f;
  auto spk = crypto::X25519KeyPair::Generate(rng);
  auto sig = id.Sign(e2e::SignedPrekeyMessage(spk_id, spk.public_key));
  auto* sp = f.mutable_upload_prekeys()->mutable_signed_prekey();
  sp->set_id(spk_id);
  sp->set_public_key(AsChars(spk.public_key.span()).data(), 32);
  sp->set_signature(AsChars(sig.span()).data(), 64);
  for (uint32_t i = 0; i < n; ++i) {
    auto k = crypto::X25519KeyPair::Generate(rng);
    auto* ot = f.mutable_upload_prekeys()->add_one_time_prekeys();
    ot->set_id(first + i);
    ot->set_public_key(AsChars(k.public_key.span()).data(), 32);
  }
  return f;
}

TEST_F(LoggedInServiceTest, PrekeysAreSignedByTheDeviceAndConsumedOnce) {
  // Signed by the wrong key: refused.
  EXPECT_EQ(Run(bob_, Upload(alice_key_, 1, 1, 3, rng_)).response.error(), pb::INVALID_PREKEY_SIGNATURE);
  auto up = Run(bob_, Upload(bob_key_, 1, 1, kPrekeysLowThreshold + 1, rng_));
  ASSERT_EQ(up.response.error(), pb::OK);
  auto dup = Upload(bob_key_, 2, 5, 1, rng_);
  EXPECT_EQ(Run(bob_, dup).response.error(), pb::DUPLICATE_PREKEY_ID);
  auto too_many = Upload(bob_key_, 2, 1000, kMaxPrekeysPerUpload + 1, rng_);
  EXPECT_EQ(Run(bob_, too_many).response.error(), pb::TOO_MANY_PREKEYS);

  pb::ClientFrame fetch;
  fetch.mutable_fetch_prekey_bundle()->set_account_id(bob_.device->account);
  fetch.mutable_fetch_prekey_bundle()->set_device_id(bob_.device->device);
  std::set<uint32_t> seen;
  for (uint32_t i = 0; i <= kPrekeysLowThreshold + 1; ++i) {
    auto out = Run(alice_, fetch);
    ASSERT_EQ(out.response.error(), pb::OK);
    const auto& b = out.response.fetch_prekey_bundle();
    EXPECT_EQ(b.identity_key(), BytesToString(bob_key_.public_key().span()));
    if (i <= kPrekeysLowThreshold) {
      ASSERT_TRUE(b.has_one_time_prekey());
      EXPECT_TRUE(seen.insert(b.one_time_prekey().id()).second);
    } else {
      EXPECT_FALSE(b.has_one_time_prekey()) << "none left: X3DH without one";
    }
    const bool low = !out.effects.prekeys_low.empty();
    EXPECT_EQ(low, i >= 1) << i;
  }
  fetch.mutable_fetch_prekey_bundle()->set_device_id(99);
  EXPECT_EQ(Run(alice_, fetch).response.error(), pb::UNKNOWN_DEVICE);
  fetch.mutable_fetch_prekey_bundle()->set_account_id(alice_.device->account);
  fetch.mutable_fetch_prekey_bundle()->set_device_id(alice_.device->device);
  EXPECT_EQ(Run(bob_, fetch).response.error(), pb::NO_PREKEYS);
}

TEST_F(LoggedInServiceTest, LookupFindsAccountsAndTheirDevices) {
  pb::ClientFrame f;
  f.mutable_lookup_account()->set_username("BOB");
  auto out = Run(alice_, f);
  ASSERT_EQ(out.response.error(), pb::OK);
  EXPECT_EQ(out.response.lookup_account().account_id(), bob_.device->account);
  ASSERT_EQ(out.response.lookup_account().devices_size(), 1);
  f.mutable_lookup_account()->set_username("nobody");
  EXPECT_EQ(Run(alice_, f).response.error(), pb::UNKNOWN_ACCOUNT);
}

}  // namespace
}  // namespace sc::relay
