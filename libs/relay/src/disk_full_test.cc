// The relay's disk-full mode (disk_full.h): entered once on kDiskFull with the reserve released,
// grows_store requests refused with their retry hint while acks, logins and removals keep
// working and shrink the queue, and left by itself once the reserve is back. The disk is a
// SQLite store at a page quota (SqliteOptions::max_pages: SQLITE_FULL as on a full disk) or a
// memory store whose commits fail with kDiskFull; the reserve is a fake that the test fills.
#include "securecomm/relay/disk_full.h"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/relay/requests.h"
#include "securecomm/relay/service.h"
#include "securecomm/relay/store_worker.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/memory_relay_store.h"
#include "securecomm/store/sqlite_relay_store.h"

namespace sc::relay {
namespace {

// FakeReserve: a reserve whose space the test gives back (space_back).
class FakeReserve final : public DiskReserve {
 public:
  void Release() noexcept override {
    if (held_) releases_.fetch_add(1);
    held_ = false;
  }
  bool Restore() override {
    restores_.fetch_add(1);
    if (!held_ && space_back.load()) held_ = true;
    return held_;
  }
  int releases() const { return releases_.load(); }
  int restores() const { return restores_.load(); }
  std::atomic<bool> space_back{false};

 private:
  std::atomic<bool> held_{true};
  std::atomic<int> releases_{0};
  std::atomic<int> restores_{0};
};

// CountingStore: a memory store whose commits fail with kDiskFull while `full`, and which
// counts checkpoints and whether one ran inside a transaction.
class CountingStore final : public store::MemoryRelayStore {
 public:
  Status Begin() override {
    Status s = MemoryRelayStore::Begin();
    if (s) in_transaction = true;
    return s;
  }
  Status Commit() override {
    in_transaction = false;
    if (full.load()) {
      MemoryRelayStore::Rollback();
      return Fail(store::Errc::kDiskFull);
    }
    return MemoryRelayStore::Commit();
  }
  void Rollback() noexcept override {
    in_transaction = false;
    MemoryRelayStore::Rollback();
  }
  Status Checkpoint() override {
    checkpoints.fetch_add(1);
    if (in_transaction) checkpoint_in_transaction = true;
    return OkStatus();
  }
  std::atomic<bool> full{false};
  std::atomic<int> checkpoints{0};
  std::atomic<bool> checkpoint_in_transaction{false};
  bool in_transaction = false;
};

TEST(DiskFullModeTest, OnlyRequestsThatAddDataGrowTheStore) {
  std::set<std::string_view> growing;
  for (const RequestType& t : RequestTypes()) {
    if (t.grows_store) growing.insert(t.name);
  }
  EXPECT_EQ(growing, (std::set<std::string_view>{"register", "upload_prekeys", "send"}));
}

TEST(DiskFullModeTest, EnteredOnceReleasingTheReserveAndLeftWhenItIsBack) {
  FakeReserve reserve;
  DiskFullMode mode(&reserve);
  store::MemoryRelayStore store;
  EXPECT_FALSE(mode.active());
  EXPECT_FALSE(mode.Check(store)) << "nothing to leave";
  mode.Enter();
  mode.Enter();  // the rest of a failing batch: no second release
  EXPECT_TRUE(mode.active());
  EXPECT_EQ(reserve.releases(), 1);
  EXPECT_EQ(mode.entered(), 1u);
  EXPECT_EQ(mode.failures_seen(), 2u);
  EXPECT_FALSE(mode.Check(store));
  EXPECT_FALSE(mode.Check(store));
  EXPECT_TRUE(mode.active());
  reserve.space_back = true;
  EXPECT_TRUE(mode.Check(store));
  EXPECT_FALSE(mode.active());
  mode.Enter();  // a second episode releases the recreated reserve again
  EXPECT_EQ(reserve.releases(), 2);
  EXPECT_EQ(mode.entered(), 2u);
}

TEST(DiskFullModeTest, WithoutAReserveTheModeIsLeftAtTheFirstCheckpoint) {
  DiskFullMode mode(nullptr);
  store::MemoryRelayStore store;
  mode.Enter();
  EXPECT_TRUE(mode.active());
  EXPECT_TRUE(mode.Check(store));
  EXPECT_FALSE(mode.active());
}

// Waits up to 5 s for `pred`.
template <typename P>
bool Eventually(P pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

TEST(DiskFullModeTest, TheStoreWorkerEntersOnAFailedCommitAndLeavesByItself) {
  CountingStore store;
  ASSERT_TRUE(store.Begin());
  ASSERT_EQ(store.CreateAccount({"alice", {}, {}, 3072, 0}).value_or(0), 1u);
  ASSERT_EQ(store.AddDevice(1, store::PublicKey32{1}, 0).value_or(0), 1u);
  ASSERT_TRUE(store.Commit());
  FakeReserve reserve;
  DiskFullMode mode(&reserve, std::chrono::milliseconds(20));
  StoreWorker worker(store, {}, std::chrono::seconds(60), &mode);
  store::NewMessage m;
  m.recipient = {1, 1};
  m.sender = {1, 1};
  m.expires_ms = INT64_MAX;
  m.payload = {1, 2, 3};
  auto submit = [&] {
    std::promise<Status> committed;
    auto future = committed.get_future();
    EXPECT_TRUE(worker.Submit([&](store::RelayStore& s) { return s.Enqueue(m).has_value(); },
                              [&](Status st) { committed.set_value(st); }));
    return future.get();
  };

  store.full = true;
  Status first = submit();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error(), store::Errc::kDiskFull);
  EXPECT_TRUE(mode.active());
  EXPECT_EQ(reserve.releases(), 1);
  // Still full: the worker keeps checking, and keeps the mode.
  ASSERT_TRUE(Eventually([&] { return reserve.restores() >= 3; }));
  EXPECT_TRUE(mode.active());

  store.full = false;
  reserve.space_back = true;
  ASSERT_TRUE(Eventually([&] { return !mode.active(); })) << "the worker leaves the mode by itself";
  EXPECT_GE(store.checkpoints.load(), 1);
  EXPECT_FALSE(store.checkpoint_in_transaction.load()) << "checkpoints run outside a transaction";
  EXPECT_TRUE(submit());
  EXPECT_EQ(store.QueueDepth({1, 1}).value_or(0), 1u);
}

// ---- The service over a SQLite store at a page quota ----

std::span<const uint8_t> B(const std::string& s) {
  return AsBytes(s);
}

class DiskFullServiceTest : public ::testing::Test {
 protected:
  // Pages of 4096 bytes: a few for the schema and the accounts, then room for a few dozen
  // messages of kPayload bytes.
  static constexpr uint64_t kQuotaPages = 96;
  static constexpr size_t kPayload = 8000;

  DiskFullServiceTest() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sc_disk_full_test.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = tmpl;
    store::SqliteOptions quota;
    quota.max_pages = kQuotaPages;
    store_ = store::SqliteRelayStore::Open(dir_ / "relay.db", quota).value();
    ServiceOptions o;
    o.decoy_key = SecretArray<32>::FromSpan(std::span<const uint8_t, 32>(std::array<uint8_t, 32>{7}));
    o.disk_full = &mode_;
    service_ = std::make_unique<Service>(*store_, clock_, rng_, std::move(o));
  }
  ~DiskFullServiceTest() override {
    service_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Run handles one frame as the store worker does: a transaction, a savepoint, the commit; a
  // commit that fails with kDiskFull enters the mode and answers STORAGE_FAILURE.
  Outcome Run(SessionContext& s, pb::ClientFrame f) {
    f.set_version(kProtocolVersion);
    EXPECT_TRUE(store_->Begin());
    EXPECT_TRUE(store_->Savepoint());
    Outcome out = service_->Handle(s, f);
    if (out.ok() || out.keep_writes) {
      (void)store_->ReleaseSavepoint();
    } else {
      store_->RollbackToSavepoint();
    }
    if (Status c = store_->Commit(); !c) {
      if (c.error() == store::Errc::kDiskFull) mode_.Enter();
      out = Outcome{};
      out.response.set_error(pb::STORAGE_FAILURE);
      return out;
    }
    Service::ApplyCommitted(s, out);
    return out;
  }

  SessionContext NewSession(const crypto::Ed25519KeyPair& key) {
    SessionContext s;
    s.peer_address = "192.0.2.1";
    std::copy(key.public_key().span().begin(), key.public_key().span().end(), s.peer_identity.begin());
    return s;
  }

  pb::ErrorCode Register(SessionContext& s, const std::string& user) {
    std::vector<uint8_t> salt(16, 0x5a);
    auto v = crypto::SrpMakeVerifier(user, B("pw"), salt, crypto::SrpGroup::k3072);
    EXPECT_TRUE(v);
    pb::ClientFrame f;
    f.mutable_register_()->set_username(user);
    f.mutable_register_()->set_srp_group(static_cast<uint32_t>(crypto::SrpGroup::k3072));
    f.mutable_register_()->set_srp_salt(std::string(salt.begin(), salt.end()));
    f.mutable_register_()->set_srp_verifier(std::string(v->verifier.begin(), v->verifier.end()));
    return Run(s, f).response.error();
  }

  pb::ErrorCode Login(SessionContext& s, const std::string& user) {
    auto client = crypto::SrpClient::Start(crypto::SrpGroup::k3072, rng_);
    pb::ClientFrame start;
    start.mutable_login_start()->set_username(user);
    start.mutable_login_start()->set_srp_a(std::string(client->A().begin(), client->A().end()));
    auto challenge = Run(s, start);
    if (!challenge.ok()) return challenge.response.error();
    auto m1 = client->Respond(user, B("pw"), B(challenge.response.login_start().srp_salt()),
                              B(challenge.response.login_start().srp_b()));
    EXPECT_TRUE(m1);
    pb::ClientFrame finish;
    finish.mutable_login_finish()->set_srp_m1(std::string(m1->begin(), m1->end()));
    return Run(s, finish).response.error();
  }

  pb::Response Send(SessionContext& from, store::DeviceAddress to) {
    pb::ClientFrame f;
    auto* e = f.mutable_send()->add_envelopes();
    e->set_recipient_account(to.account);
    e->set_recipient_device(to.device);
    e->set_payload(std::string(kPayload, 'x'));
    return Run(from, f).response;
  }

  // AckAll acknowledges every message queued for `s`'s device; returns the ack's response.
  pb::Response AckAll(SessionContext& s) {
    EXPECT_TRUE(store_->Begin());
    auto queued = service_->Fetch(*s.device, 0, 10000);
    store_->Rollback();
    EXPECT_TRUE(queued);
    pb::ClientFrame f;
    for (const auto& m : *queued) f.mutable_ack()->add_message_ids(m.id);
    return Run(s, f).response;
  }

  uint32_t Depth(store::DeviceAddress d) { return store_->QueueDepth(d).value_or(99999); }

  // AliceAndBob registers both and logs each in on a device of their own.
  void AliceAndBob() {
    alice_ = NewSession(alice_key_);
    bob_ = NewSession(bob_key_);
    ASSERT_EQ(Register(alice_, "alice"), pb::OK);
    ASSERT_EQ(Register(bob_, "bob"), pb::OK);
    ASSERT_EQ(Login(alice_, "alice"), pb::OK);
    ASSERT_EQ(Login(bob_, "bob"), pb::OK);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteRelayStore> store_;
  FakeReserve reserve_;
  DiskFullMode mode_{&reserve_};
  ManualClock clock_;
  DeterministicRandom rng_{42};
  std::unique_ptr<Service> service_;
  crypto::Ed25519KeyPair alice_key_ = crypto::Ed25519KeyPair::Generate(rng_);
  crypto::Ed25519KeyPair bob_key_ = crypto::Ed25519KeyPair::Generate(rng_);
  SessionContext alice_, bob_;
};

TEST_F(DiskFullServiceTest, SendsAreRefusedAcksShrinkTheQueueAndTheRelayRecoversByItself) {
  ASSERT_NO_FATAL_FAILURE(AliceAndBob());
  auto& alice = alice_;
  auto& bob = bob_;
  const auto& bob_key = bob_key_;

  // Fill the quota: the send that finds no room is STORAGE_FAILURE and enters the mode.
  uint32_t sent = 0;
  pb::Response last;
  for (int i = 0; i < 200; ++i) {
    last = Send(alice, *bob.device);
    if (!(last.error() == pb::OK)) break;
    ++sent;
  }
  ASSERT_EQ(last.error(), pb::STORAGE_FAILURE);
  ASSERT_GT(sent, 5u);
  EXPECT_TRUE(mode_.active());
  EXPECT_EQ(reserve_.releases(), 1);
  EXPECT_EQ(Depth(*bob.device), sent) << "the failed send kept nothing";
  const uint64_t failures = mode_.failures_seen();  // the statement's, and the lost commit's

  // In the mode: requests that add data are refused before they write, with the retry hint.
  auto refused = Send(alice, *bob.device);
  EXPECT_EQ(refused.error(), pb::STORAGE_FAILURE);
  EXPECT_EQ(refused.retry_after_ms(), static_cast<uint64_t>(kDiskFullRetryAfter.count()));
  auto carol_key = crypto::Ed25519KeyPair::Generate(rng_);
  auto carol = NewSession(carol_key);
  EXPECT_EQ(Register(carol, "carol"), pb::STORAGE_FAILURE);
  pb::ClientFrame upload;
  upload.mutable_upload_prekeys();
  EXPECT_EQ(Run(alice, upload).response.error(), pb::STORAGE_FAILURE);
  EXPECT_EQ(mode_.failures_seen(), failures) << "refusals do not touch the store";

  // Reads, logins (a device must log in to acknowledge) and acks keep working.
  pb::ClientFrame list;
  list.mutable_list_devices();
  EXPECT_EQ(Run(bob, list).response.error(), pb::OK);
  auto bob_again = NewSession(bob_key);
  EXPECT_EQ(Login(bob_again, "bob"), pb::OK);
  auto acked = AckAll(bob_again);
  ASSERT_EQ(acked.error(), pb::OK);
  EXPECT_EQ(acked.ack().removed(), sent);
  EXPECT_EQ(Depth(*bob.device), 0u) << "acks shrink the queue while the disk is full";

  // Space has not come back yet: the mode stays.
  EXPECT_FALSE(mode_.Check(*store_));
  EXPECT_EQ(Send(alice, *bob.device).error(), pb::STORAGE_FAILURE);

  // Space is back (the reserve fits again): the mode is left and sends work again, into the
  // pages the acks freed.
  reserve_.space_back = true;
  EXPECT_TRUE(mode_.Check(*store_));
  EXPECT_FALSE(mode_.active());
  EXPECT_EQ(std::filesystem::file_size(dir_ / "relay.db-wal"), 0u) << "the log was checkpointed and cut";
  EXPECT_EQ(Send(alice, *bob.device).error(), pb::OK);
  EXPECT_EQ(Depth(*bob.device), 1u);
}

TEST_F(DiskFullServiceTest, ACheckpointRunsOnlyOutsideATransaction) {
  ASSERT_TRUE(store_->Begin());
  EXPECT_EQ(store_->Checkpoint().error(), store::Errc::kSqliteError);
  store_->Rollback();
  EXPECT_TRUE(store_->Checkpoint());
}

TEST_F(DiskFullServiceTest, ARemovedDeviceFreesItsQueueWhileTheDiskIsFull) {
  ASSERT_NO_FATAL_FAILURE(AliceAndBob());
  auto& alice = alice_;
  auto& bob = bob_;
  auto bob2_key = crypto::Ed25519KeyPair::Generate(rng_);
  auto bob2 = NewSession(bob2_key);
  ASSERT_EQ(Login(bob2, "bob"), pb::OK);
  for (int i = 0; i < 200 && !mode_.active(); ++i) (void)Send(alice, *bob2.device);
  ASSERT_TRUE(mode_.active());
  ASSERT_GT(Depth(*bob2.device), 0u);
  pb::ClientFrame remove;
  remove.mutable_remove_device()->set_device_id(bob2.device->device);
  EXPECT_EQ(Run(bob, remove).response.error(), pb::OK);
  EXPECT_EQ(store_->GetDevice(*bob2.device).error(), store::Errc::kNotFound);
  reserve_.space_back = true;
  EXPECT_TRUE(mode_.Check(*store_));
  EXPECT_EQ(Send(alice, *bob.device).error(), pb::OK);
}

}  // namespace
}  // namespace sc::relay
