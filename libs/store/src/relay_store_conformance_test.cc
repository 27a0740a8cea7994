// The RelayStore conformance suite (relay_store.h): every test runs against each implementation
// (typed tests), MemoryRelayStore and SqliteRelayStore on a fresh file. What only a file can get
// wrong (reopening, foreign files, a full disk) is in sqlite_relay_store_test.cc.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"
#include "securecomm/store/memory_relay_store.h"
#include "securecomm/store/relay_store.h"
#include "securecomm/store/sqlite_relay_store.h"

#include "relay_store_test_support.h"
#include "test_support.h"

namespace sc::store {
namespace {

using testing::FailsWith;
using testing::Key;
using testing::Succeeds;

class MemoryBackend {
 public:
  static constexpr const char* kName = "Memory";
  std::unique_ptr<RelayStore> Open() { return std::make_unique<MemoryRelayStore>(); }
};

class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";
  std::unique_ptr<RelayStore> Open() {
    auto store = SqliteRelayStore::Open(dir_.path() / "relay.db");
    EXPECT_TRUE(store.has_value()) << store.error().name();
    return store ? std::move(*store) : nullptr;
  }

 private:
  testing::TempDir dir_;
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

template <typename Backend>
class RelayStoreConformance : public ::testing::Test {
 protected:
  AccountId NewAccountId(const std::string& username) { return testing::AddAccount(*store_, username); }
  DeviceAddress NewDevice(AccountId account, uint32_t key_seed) {
    return testing::AddDevice(*store_, account, key_seed);
  }

  Backend backend_;
  std::unique_ptr<RelayStore> store_ = backend_.Open();
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend>;
TYPED_TEST_SUITE(RelayStoreConformance, Backends, BackendNames);

// --- Accounts -----------------------------------------------------------------------------

TYPED_TEST(RelayStoreConformance, CreateAccountThenFindAndGetIt) {
  RelayStore& store = *this->store_;
  const NewAccount alice = testing::Account("alice", 1);
  auto id = store.CreateAccount(alice);
  ASSERT_TRUE(Succeeds(id));
  EXPECT_GT(*id, 0u);
  auto found = store.FindAccount("alice");
  ASSERT_TRUE(Succeeds(found));
  EXPECT_EQ(found->id, *id);
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->srp_salt, alice.srp_salt);
  EXPECT_EQ(found->srp_verifier, alice.srp_verifier);
  EXPECT_EQ(found->srp_group_bits, alice.srp_group_bits);
  EXPECT_EQ(found->created_ms, alice.created_ms);
  EXPECT_EQ(found->failed_logins, 0u);
  EXPECT_EQ(found->locked_until_ms, 0);
  auto got = store.GetAccount(*id);
  ASSERT_TRUE(Succeeds(got));
  EXPECT_EQ(got->username, "alice");
  EXPECT_EQ(got->srp_verifier, alice.srp_verifier);
  auto bob = store.CreateAccount(testing::Account("bob", 2));
  ASSERT_TRUE(Succeeds(bob));
  EXPECT_NE(*bob, *id);
  EXPECT_EQ(store.FindAccount("bob").value().id, *bob);
}

TYPED_TEST(RelayStoreConformance, UsernameIsUniqueAndComparedExactly) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  EXPECT_TRUE(FailsWith(store.CreateAccount(testing::Account("alice", 9)), Errc::kDuplicate));
  EXPECT_EQ(store.FindAccount("alice").value().srp_salt, testing::Account("alice").srp_salt)
      << "first one kept";
  EXPECT_EQ(store.FindAccount("alice").value().id, alice);
  EXPECT_TRUE(FailsWith(store.FindAccount("Alice"), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.FindAccount("alice "), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.FindAccount(""), Errc::kNotFound));
  EXPECT_TRUE(Succeeds(store.CreateAccount(testing::Account("Alice"))));  // the service normalises
}

TYPED_TEST(RelayStoreConformance, LoginFailuresAreStoredAndReset) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  ASSERT_TRUE(Succeeds(store.SetLoginFailures(alice, 5, 1'700'000'060'000)));
  auto a = store.GetAccount(alice);
  ASSERT_TRUE(Succeeds(a));
  EXPECT_EQ(a->failed_logins, 5u);
  EXPECT_EQ(a->locked_until_ms, 1'700'000'060'000);
  ASSERT_TRUE(Succeeds(store.SetLoginFailures(alice, 0, 0)));
  EXPECT_EQ(store.FindAccount("alice").value().failed_logins, 0u);
  EXPECT_EQ(store.FindAccount("alice").value().locked_until_ms, 0);
  EXPECT_TRUE(FailsWith(store.SetLoginFailures(alice + 1, 1, 1), Errc::kNotFound));
}

TYPED_TEST(RelayStoreConformance, DecoyFailuresAreStoredResetAndBounded) {
  RelayStore& store = *this->store_;
  auto tag = [](uint32_t i) {
    DecoyTag t{};
    t[0] = static_cast<uint8_t>(i >> 24);
    t[1] = static_cast<uint8_t>(i >> 16);
    t[2] = static_cast<uint8_t>(i >> 8);
    t[3] = static_cast<uint8_t>(i);
    return t;
  };
  EXPECT_EQ(store.GetDecoyFailures(tag(1)).value(), LoginFailures{}) << "none yet: a zero record";
  ASSERT_TRUE(Succeeds(store.SetDecoyFailures(tag(1), {3, 1'700'000'001'000}, 10)));
  EXPECT_EQ(store.GetDecoyFailures(tag(1)).value(), (LoginFailures{3, 1'700'000'001'000}));
  EXPECT_EQ(store.GetDecoyFailures(tag(2)).value(), LoginFailures{});
  ASSERT_TRUE(Succeeds(store.SetDecoyFailures(tag(1), {}, 11)));
  EXPECT_EQ(store.GetDecoyFailures(tag(1)).value(), LoginFailures{}) << "a zero record removes it";

  // Past kMaxDecoyRecords rows the oldest last failure goes: tag 0 failed first.
  ASSERT_TRUE(Succeeds(store.Begin()));
  for (uint32_t i = 0; i < kMaxDecoyRecords; ++i) {
    ASSERT_TRUE(Succeeds(store.SetDecoyFailures(tag(i), {1, 0}, 100 + i)));
  }
  ASSERT_TRUE(Succeeds(store.SetDecoyFailures(tag(0), {2, 0}, 1'000'000)));  // now the newest
  ASSERT_TRUE(Succeeds(store.SetDecoyFailures(tag(kMaxDecoyRecords), {1, 0}, 1'000'001)));
  ASSERT_TRUE(Succeeds(store.Commit()));
  EXPECT_EQ(store.GetDecoyFailures(tag(0)).value(), (LoginFailures{2, 0}));
  EXPECT_EQ(store.GetDecoyFailures(tag(1)).value(), LoginFailures{}) << "the oldest was removed";
  EXPECT_EQ(store.GetDecoyFailures(tag(2)).value(), (LoginFailures{1, 0}));
  EXPECT_EQ(store.GetDecoyFailures(tag(kMaxDecoyRecords)).value(), (LoginFailures{1, 0}));
}

TYPED_TEST(RelayStoreConformance, UnknownAccountIsNotFound) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  for (AccountId id : {AccountId{0}, alice + 1, AccountId{std::numeric_limits<int64_t>::max()},
                       std::numeric_limits<AccountId>::max()}) {
    EXPECT_TRUE(FailsWith(store.GetAccount(id), Errc::kNotFound)) << id;
    EXPECT_TRUE(FailsWith(store.ListDevices(id), Errc::kNotFound)) << id;
    EXPECT_TRUE(FailsWith(store.AddDevice(id, Key(1), 0), Errc::kNotFound)) << id;
  }
}

// --- Devices ------------------------------------------------------------------------------

TYPED_TEST(RelayStoreConformance, DevicesGetIncreasingIdsAndListInOrder) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  auto empty = store.ListDevices(alice);
  ASSERT_TRUE(Succeeds(empty));
  EXPECT_TRUE(empty->empty());
  for (uint8_t i = 1; i <= 3; ++i) {
    auto id = store.AddDevice(alice, Key(i), 1000 + i);
    ASSERT_TRUE(Succeeds(id));
    EXPECT_EQ(*id, DeviceId{i});
  }
  auto devices = store.ListDevices(alice);
  ASSERT_TRUE(Succeeds(devices));
  ASSERT_EQ(devices->size(), 3u);
  for (uint8_t i = 1; i <= 3; ++i) {
    const DeviceRecord& d = (*devices)[i - 1];
    EXPECT_EQ(d.id, DeviceId{i});
    EXPECT_EQ(d.identity_key, Key(i));
    EXPECT_EQ(d.created_ms, 1000 + i);
  }
  auto second = store.GetDevice({alice, 2});
  ASSERT_TRUE(Succeeds(second));
  EXPECT_EQ(second->identity_key, Key(2));
  EXPECT_EQ(second->created_ms, 1002);
  EXPECT_TRUE(FailsWith(store.GetDevice({alice, 4}), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.GetDevice({alice, 0}), Errc::kNotFound));
  // Another account numbers its devices from 1 too, and lists only its own.
  const AccountId bob = this->NewAccountId("bob");
  EXPECT_EQ(store.AddDevice(bob, Key(9), 0).value_or(0), 1u);
  EXPECT_EQ(store.ListDevices(bob).value().size(), 1u);
  EXPECT_EQ(store.ListDevices(alice).value().size(), 3u);
}

TYPED_TEST(RelayStoreConformance, DeviceKeyIsUniqueWithinItsAccount) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  const AccountId bob = this->NewAccountId("bob");
  ASSERT_TRUE(Succeeds(store.AddDevice(alice, Key(7), 0)));
  EXPECT_TRUE(FailsWith(store.AddDevice(alice, Key(7), 1), Errc::kDuplicate));
  EXPECT_EQ(store.ListDevices(alice).value().size(), 1u);
  EXPECT_TRUE(Succeeds(store.AddDevice(bob, Key(7), 0))) << "the same key on another account";
  // The failed add used no device id.
  EXPECT_EQ(store.AddDevice(alice, Key(8), 0).value_or(0), 2u);
}

TYPED_TEST(RelayStoreConformance, RemoveDeviceDeletesItsPrekeysAndQueue) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  const DeviceAddress phone = this->NewDevice(alice, 1);
  const DeviceAddress laptop = this->NewDevice(alice, 2);
  for (const DeviceAddress d : {phone, laptop}) {
    ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(1))));
    ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({1, 2, 3}))));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(d, laptop, i))));
  }
  ASSERT_TRUE(Succeeds(store.RemoveDevice(phone)));
  EXPECT_TRUE(FailsWith(store.GetDevice(phone), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.TakePrekeyBundle(phone), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.CountOneTimePrekeys(phone), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.QueueDepth(phone), Errc::kNotFound));
  EXPECT_TRUE(store.Fetch(phone, 0, 100, testing::kNow).value().empty());
  EXPECT_TRUE(FailsWith(store.RemoveDevice(phone), Errc::kNotFound));
  // The other device is untouched.
  EXPECT_EQ(store.ListDevices(alice).value().size(), 1u);
  EXPECT_EQ(store.CountOneTimePrekeys(laptop).value_or(0), 3u);
  EXPECT_EQ(store.QueueDepth(laptop).value_or(0), 3u);
  EXPECT_EQ(store.Fetch(laptop, 0, 100, testing::kNow).value().size(), 3u);
  EXPECT_TRUE(Succeeds(store.TakePrekeyBundle(laptop)));
}

TYPED_TEST(RelayStoreConformance, DeviceIdsAreNotReusedAfterRemoval) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  this->NewDevice(alice, 1);
  const DeviceAddress second = this->NewDevice(alice, 2);
  ASSERT_TRUE(Succeeds(store.RemoveDevice(second)));
  EXPECT_EQ(store.AddDevice(alice, Key(2), 0).value_or(0), 3u) << "the removed device's key may come back";
  ASSERT_TRUE(Succeeds(store.RemoveDevice({alice, 3})));
  ASSERT_TRUE(Succeeds(store.RemoveDevice({alice, 1})));
  EXPECT_EQ(store.AddDevice(alice, Key(3), 0).value_or(0), 4u);
}

// --- Prekeys ------------------------------------------------------------------------------

TYPED_TEST(RelayStoreConformance, SignedPrekeyIsReplaced) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(1))));
  auto bundle = store.TakePrekeyBundle(d);
  ASSERT_TRUE(Succeeds(bundle));
  EXPECT_EQ(bundle->device.id, d.device);
  EXPECT_EQ(bundle->device.identity_key, Key(1));
  EXPECT_EQ(bundle->signed_prekey.id, 1u);
  EXPECT_EQ(bundle->signed_prekey.public_key, testing::Signed(1).public_key);
  EXPECT_EQ(bundle->signed_prekey.signature, testing::Signed(1).signature);
  ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(2))));
  bundle = store.TakePrekeyBundle(d);
  ASSERT_TRUE(Succeeds(bundle));
  EXPECT_EQ(bundle->signed_prekey.id, 2u);
  EXPECT_EQ(bundle->signed_prekey.public_key, testing::Signed(2).public_key);
  EXPECT_EQ(bundle->signed_prekey.signature, testing::Signed(2).signature);
  EXPECT_TRUE(FailsWith(store.SetSignedPrekey({d.account, 2}, testing::Signed(1)), Errc::kNotFound));
}

TYPED_TEST(RelayStoreConformance, BundleNeedsADeviceAndASignedPrekey) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({1}))));
  EXPECT_TRUE(FailsWith(store.TakePrekeyBundle(d), Errc::kNotFound));
  EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(0), 1u) << "a failed take removes nothing";
  EXPECT_TRUE(FailsWith(store.TakePrekeyBundle({d.account, 2}), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.TakePrekeyBundle({d.account + 1, 1}), Errc::kNotFound));
}

TYPED_TEST(RelayStoreConformance, OneTimePrekeysAreAddedAndCounted) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(99), 0u);
  EXPECT_EQ(store.AddOneTimePrekeys(d, testing::OneTime({1, 2, 3})).value_or(0), 3u);
  EXPECT_EQ(store.AddOneTimePrekeys(d, testing::OneTime({10, 11})).value_or(0), 5u);
  EXPECT_EQ(store.AddOneTimePrekeys(d, {}).value_or(0), 5u);
  EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(0), 5u);
  EXPECT_TRUE(FailsWith(store.AddOneTimePrekeys({d.account, 2}, testing::OneTime({1})), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.CountOneTimePrekeys({d.account, 2}), Errc::kNotFound));
  // Ids are per device.
  const DeviceAddress other = this->NewDevice(d.account, 2);
  EXPECT_EQ(store.AddOneTimePrekeys(other, testing::OneTime({1, 2})).value_or(0), 2u);
  EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(0), 5u);
}

TYPED_TEST(RelayStoreConformance, DuplicateOneTimePrekeyAddsNothing) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({1, 2, 3}))));
  EXPECT_TRUE(FailsWith(store.AddOneTimePrekeys(d, testing::OneTime({4, 5, 2, 6})), Errc::kDuplicate));
  EXPECT_TRUE(FailsWith(store.AddOneTimePrekeys(d, testing::OneTime({7, 8, 7})), Errc::kDuplicate));
  EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(0), 3u);
  // The same inside a transaction and a savepoint: the failed call leaves the batch usable.
  ASSERT_TRUE(Succeeds(store.Begin()));
  ASSERT_TRUE(Succeeds(store.Savepoint()));
  ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({20}))));
  EXPECT_TRUE(FailsWith(store.AddOneTimePrekeys(d, testing::OneTime({21, 22, 3})), Errc::kDuplicate));
  ASSERT_TRUE(Succeeds(store.ReleaseSavepoint()));
  ASSERT_TRUE(Succeeds(store.Commit()));
  EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(0), 4u);
  ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(1))));
  for (uint32_t expected : {1u, 2u, 3u, 20u}) {
    EXPECT_EQ(store.TakePrekeyBundle(d).value().one_time.value().id, expected);
  }
  EXPECT_FALSE(store.TakePrekeyBundle(d).value().one_time.has_value());
}

TYPED_TEST(RelayStoreConformance, TakeRemovesTheLowestOneTimePrekey) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(1))));
  ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({70, 3, 4'000'000'000u, 5}))));
  uint32_t remaining = 4;
  for (uint32_t expected : {3u, 5u, 70u, 4'000'000'000u}) {
    auto bundle = store.TakePrekeyBundle(d);
    ASSERT_TRUE(Succeeds(bundle));
    ASSERT_TRUE(bundle->one_time.has_value());
    EXPECT_EQ(bundle->one_time.value().id, expected);
    EXPECT_EQ(bundle->one_time->public_key, testing::OneTime({expected})[0].public_key);
    EXPECT_EQ(bundle->one_time_remaining, --remaining);
    EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(99), remaining);
  }
}

TYPED_TEST(RelayStoreConformance, TakeWithNoneLeftGivesNoOneTimePrekey) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(4))));
  for (int i = 0; i < 2; ++i) {
    auto bundle = store.TakePrekeyBundle(d);
    ASSERT_TRUE(Succeeds(bundle));
    EXPECT_FALSE(bundle->one_time.has_value());
    EXPECT_EQ(bundle->one_time_remaining, 0u);
    EXPECT_EQ(bundle->signed_prekey.id, 4u);
  }
  // A prekey id taken before may be uploaded again: the store keeps no list of used ids.
  ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({1}))));
  EXPECT_EQ(store.TakePrekeyBundle(d).value().one_time.value().id, 1u);
  ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({1}))));
}

// --- Messages -----------------------------------------------------------------------------

TYPED_TEST(RelayStoreConformance, EnqueueGivesIncreasingIdsAndFetchReturnsThemInOrder) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  const DeviceAddress a1 = this->NewDevice(alice, 1);
  const DeviceAddress a2 = this->NewDevice(alice, 2);
  const DeviceAddress sender{std::numeric_limits<AccountId>::max(), std::numeric_limits<DeviceId>::max()};
  std::vector<MessageId> ids;
  std::vector<NewMessage> sent;
  for (int i = 0; i < 6; ++i) {
    sent.push_back(testing::Message(i % 2 == 0 ? a1 : a2, sender, i));
    auto id = store.Enqueue(sent.back());
    ASSERT_TRUE(Succeeds(id));
    if (!ids.empty()) {
      EXPECT_GT(*id, ids.back());
    }
    EXPECT_GT(*id, 0u);
    ids.push_back(*id);
  }
  auto fetched = store.Fetch(a1, 0, 100, testing::kNow);
  ASSERT_TRUE(Succeeds(fetched));
  ASSERT_EQ(fetched->size(), 3u);
  for (size_t i = 0; i < 3; ++i) testing::ExpectMessage((*fetched)[i], ids[2 * i], sent[2 * i]);
  EXPECT_EQ(store.Fetch(a2, 0, 100, testing::kNow).value().size(), 3u);
}

TYPED_TEST(RelayStoreConformance, EnqueueForAnUnknownDeviceIsNotFound) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  const DeviceAddress nobody{d.account, 2};
  EXPECT_TRUE(FailsWith(store.Enqueue(testing::Message(nobody, d, 1)), Errc::kNotFound));
  EXPECT_TRUE(FailsWith(store.Enqueue(testing::Message({d.account + 1, 1}, d, 1)), Errc::kNotFound));
  EXPECT_TRUE(store.Fetch(nobody, 0, 100, testing::kNow).value().empty());
  EXPECT_EQ(store.PurgeExpired(std::numeric_limits<int64_t>::max(), 100).value_or(99), 0u);
}

TYPED_TEST(RelayStoreConformance, FetchHonoursAfterAndLimit) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  std::vector<MessageId> ids;
  ids.reserve(5);
  for (int i = 0; i < 5; ++i) ids.push_back(store.Enqueue(testing::Message(d, d, i)).value_or(0));
  auto page = store.Fetch(d, 0, 2, testing::kNow);
  ASSERT_TRUE(Succeeds(page));
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[0]);
  EXPECT_EQ((*page)[1].id, ids[1]);
  page = store.Fetch(d, ids[1], 2, testing::kNow);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[2]);
  EXPECT_EQ((*page)[1].id, ids[3]);
  page = store.Fetch(d, ids[3], 2, testing::kNow);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, ids[4]);
  EXPECT_TRUE(store.Fetch(d, ids[4], 2, testing::kNow).value().empty());
  EXPECT_TRUE(store.Fetch(d, 0, 0, testing::kNow).value().empty());
  EXPECT_TRUE(store.Fetch(d, std::numeric_limits<MessageId>::max(), 10, testing::kNow).value().empty());
  EXPECT_TRUE(store.Fetch(d, MessageId{1} << 63, 10, testing::kNow).value().empty());
  EXPECT_EQ(store.QueueDepth(d).value_or(0), 5u) << "fetching removes nothing";
}

TYPED_TEST(RelayStoreConformance, UrgentMessagesAreKeptFlaggedAndFoundOnTheirOwn) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  const DeviceAddress other = this->NewDevice(this->NewAccountId("bob"), 1);
  std::vector<MessageId> urgent;
  for (int i = 0; i < 10; ++i) {
    NewMessage m = testing::Message(d, d, i);
    m.urgent = i % 3 == 2;
    const MessageId id = store.Enqueue(m).value_or(0);
    if (m.urgent) urgent.push_back(id);
  }
  NewMessage elsewhere = testing::Message(other, d, 99);
  elsewhere.urgent = true;
  ASSERT_TRUE(Succeeds(store.Enqueue(elsewhere)));
  EXPECT_EQ(store.UrgentDepth(d).value_or(99), 3u);
  EXPECT_EQ(store.UrgentDepth({d.account, 7}).value_or(99), 0u) << "an unknown device has none";
  auto all = store.Fetch(d, 0, 100, testing::kNow);
  ASSERT_TRUE(Succeeds(all));
  ASSERT_EQ(all->size(), 10u) << "Fetch returns both lanes, in id order";
  EXPECT_EQ(std::count_if(all->begin(), all->end(), [](const auto& m) { return m.urgent; }), 3);
  auto page = store.FetchUrgent(d, 0, 2, testing::kNow);
  ASSERT_TRUE(Succeeds(page));
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, urgent[0]);
  EXPECT_EQ((*page)[1].id, urgent[1]);
  EXPECT_TRUE((*page)[0].urgent);
  page = store.FetchUrgent(d, urgent[1], 10, testing::kNow);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, urgent[2]);
  const std::vector<MessageId> acked{urgent[0]};
  EXPECT_EQ(store.Ack(d, acked).value_or(0), 1u);
  EXPECT_EQ(store.UrgentDepth(d).value_or(99), 2u);
  EXPECT_EQ(store.QueueDepth(d).value_or(0), 9u);
}

TYPED_TEST(RelayStoreConformance, FetchReturnsAtMostMaxFetchMessages) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.Begin()));
  for (uint32_t i = 0; i < kMaxFetchMessages + 3; ++i) {
    ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(d, d, i))));
  }
  ASSERT_TRUE(Succeeds(store.Commit()));
  auto all = store.Fetch(d, 0, std::numeric_limits<uint32_t>::max(), testing::kNow);
  ASSERT_TRUE(Succeeds(all));
  ASSERT_EQ(all->size(), kMaxFetchMessages);
  EXPECT_EQ(
      store.Fetch(d, all->back().id, std::numeric_limits<uint32_t>::max(), testing::kNow).value().size(), 3u);
}

TYPED_TEST(RelayStoreConformance, FetchSkipsExpiredMessagesButQueueDepthCountsThem) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  const MessageId live1 = store.Enqueue(testing::Message(d, d, 1, testing::kNow + 1)).value_or(0);
  ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(d, d, 2, testing::kNow))));  // expires_ms <= now
  ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(d, d, 3, testing::kNow - 5))));
  const MessageId live2 = store.Enqueue(testing::Message(d, d, 4)).value_or(0);
  auto fetched = store.Fetch(d, 0, 2, testing::kNow);
  ASSERT_TRUE(Succeeds(fetched));
  ASSERT_EQ(fetched->size(), 2u) << "the limit counts returned messages, not skipped ones";
  EXPECT_EQ((*fetched)[0].id, live1);
  EXPECT_EQ((*fetched)[1].id, live2);
  EXPECT_EQ(store.Fetch(d, 0, 10, testing::kNow - 10).value().size(), 4u);
  EXPECT_EQ(store.QueueDepth(d).value_or(0), 4u);
}

TYPED_TEST(RelayStoreConformance, AckRemovesOnlyThisDevicesMessages) {
  RelayStore& store = *this->store_;
  const DeviceAddress a = this->NewDevice(this->NewAccountId("alice"), 1);
  const DeviceAddress b = this->NewDevice(this->NewAccountId("bob"), 1);
  const MessageId a1 = store.Enqueue(testing::Message(a, b, 1)).value_or(0);
  const MessageId b1 = store.Enqueue(testing::Message(b, a, 2)).value_or(0);
  const MessageId a2 = store.Enqueue(testing::Message(a, b, 3)).value_or(0);
  const std::vector<MessageId> acks = {a1, b1, a1};
  EXPECT_EQ(store.Ack(a, acks).value_or(99), 1u) << "b1 is not a's; a1 counts once";
  auto left = store.Fetch(a, 0, 10, testing::kNow);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].id, a2);
  ASSERT_EQ(store.Fetch(b, 0, 10, testing::kNow).value().size(), 1u);
  EXPECT_EQ(store.QueueDepth(a).value_or(99), 1u);
  EXPECT_EQ(store.QueueDepth(b).value_or(99), 1u);
}

TYPED_TEST(RelayStoreConformance, AckIgnoresUnknownIds) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  const MessageId id = store.Enqueue(testing::Message(d, d, 1)).value_or(0);
  const std::vector<MessageId> unknown = {0, id + 1, id + 1000, MessageId{1} << 63,
                                          std::numeric_limits<MessageId>::max()};
  EXPECT_EQ(store.Ack(d, unknown).value_or(99), 0u);
  EXPECT_EQ(store.Ack(d, {}).value_or(99), 0u);
  const std::vector<MessageId> mine = {id};
  EXPECT_EQ(store.Ack({d.account, 2}, mine).value_or(99), 0u) << "an unknown device has no queue";
  EXPECT_EQ(store.QueueDepth(d).value_or(99), 1u);
  EXPECT_EQ(store.Ack(d, mine).value_or(99), 1u);
  EXPECT_EQ(store.Ack(d, mine).value_or(99), 0u) << "already acknowledged";
  EXPECT_EQ(store.QueueDepth(d).value_or(99), 0u);
}

TYPED_TEST(RelayStoreConformance, QueueDepthTracksEnqueueAckPurgeAndRemove) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  const DeviceAddress a = this->NewDevice(alice, 1);
  const DeviceAddress b = this->NewDevice(alice, 2);
  EXPECT_EQ(store.QueueDepth(a).value_or(99), 0u);
  EXPECT_TRUE(FailsWith(store.QueueDepth({alice, 3}), Errc::kNotFound));
  std::vector<MessageId> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(
        store.Enqueue(testing::Message(a, b, i, i < 2 ? testing::kNow - 1 : testing::kFar)).value_or(0));
    EXPECT_EQ(store.QueueDepth(a).value_or(99), uint32_t(i + 1));
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(b, a, i, testing::kNow - 1))));
  }
  const std::vector<MessageId> acks = {ids[5], ids[4]};
  ASSERT_EQ(store.Ack(a, acks).value_or(0), 2u);
  EXPECT_EQ(store.QueueDepth(a).value_or(99), 4u);
  ASSERT_EQ(store.PurgeExpired(testing::kNow, 100).value_or(0), 6u);  // 2 of a's, 4 of b's
  EXPECT_EQ(store.QueueDepth(a).value_or(99), 2u);
  EXPECT_EQ(store.QueueDepth(b).value_or(99), 0u);
  ASSERT_TRUE(Succeeds(store.RemoveDevice(a)));
  EXPECT_TRUE(FailsWith(store.QueueDepth(a), Errc::kNotFound));
  // A new device starts empty, although it sits where nothing was ever queued.
  EXPECT_EQ(store.QueueDepth(this->NewDevice(alice, 3)).value_or(99), 0u);
}

TYPED_TEST(RelayStoreConformance, PurgeExpiredHonoursItsLimitEarliestFirst) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  // Expiring at now-1, now-5, now-3, now-2, now-4 (ids in that order), and two live ones.
  std::vector<MessageId> ids;
  for (int64_t ago : {1, 5, 3, 2, 4}) {
    ids.push_back(store.Enqueue(testing::Message(d, d, 0, testing::kNow - ago)).value_or(0));
  }
  const MessageId live1 = store.Enqueue(testing::Message(d, d, 1, testing::kNow + 1)).value_or(0);
  const MessageId live2 = store.Enqueue(testing::Message(d, d, 2)).value_or(0);
  EXPECT_EQ(store.PurgeExpired(testing::kNow, 0).value_or(99), 0u);
  EXPECT_EQ(store.PurgeExpired(testing::kNow, 2).value_or(0), 2u);  // now-5 and now-4 go first
  auto left = store.Fetch(d, 0, 10, testing::kNow - 100);
  ASSERT_EQ(left->size(), 5u);
  EXPECT_EQ((*left)[0].id, ids[0]);
  EXPECT_EQ((*left)[1].id, ids[2]);
  EXPECT_EQ((*left)[2].id, ids[3]);
  EXPECT_EQ(store.PurgeExpired(testing::kNow, 10).value_or(0), 3u);
  EXPECT_EQ(store.PurgeExpired(testing::kNow, 10).value_or(99), 0u);
  left = store.Fetch(d, 0, 10, testing::kNow - 100);
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].id, live1);
  EXPECT_EQ((*left)[1].id, live2);
  EXPECT_EQ(store.QueueDepth(d).value_or(99), 2u);
}

TYPED_TEST(RelayStoreConformance, MessageIdsAreNotReusedAfterAck) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  const MessageId first = store.Enqueue(testing::Message(d, d, 1)).value_or(0);
  const MessageId newest = store.Enqueue(testing::Message(d, d, 2)).value_or(0);
  const std::vector<MessageId> both = {first, newest};
  ASSERT_EQ(store.Ack(d, both).value_or(0), 2u);
  EXPECT_GT(store.Enqueue(testing::Message(d, d, 3)).value_or(0), newest);
}

// --- Transactions -------------------------------------------------------------------------

TYPED_TEST(RelayStoreConformance, RollbackDiscardsEveryWrite) {
  RelayStore& store = *this->store_;
  const AccountId alice = this->NewAccountId("alice");
  const DeviceAddress d = this->NewDevice(alice, 1);
  ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(1))));
  ASSERT_TRUE(Succeeds(store.AddOneTimePrekeys(d, testing::OneTime({1, 2}))));
  const MessageId kept = store.Enqueue(testing::Message(d, d, 1)).value_or(0);
  ASSERT_TRUE(Succeeds(store.Begin()));
  ASSERT_TRUE(Succeeds(store.CreateAccount(testing::Account("bob"))));
  ASSERT_TRUE(Succeeds(store.SetLoginFailures(alice, 3, 99)));
  ASSERT_TRUE(Succeeds(store.AddDevice(alice, Key(2), 0)));
  ASSERT_TRUE(Succeeds(store.SetSignedPrekey(d, testing::Signed(2))));
  ASSERT_EQ(store.TakePrekeyBundle(d).value().one_time.value().id, 1u);
  ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(d, d, 2))));
  const std::vector<MessageId> ack = {kept};
  ASSERT_EQ(store.Ack(d, ack).value_or(0), 1u);
  EXPECT_TRUE(Succeeds(store.FindAccount("bob"))) << "a transaction sees its own writes";
  store.Rollback();
  EXPECT_TRUE(FailsWith(store.FindAccount("bob"), Errc::kNotFound));
  EXPECT_EQ(store.GetAccount(alice).value().failed_logins, 0u);
  EXPECT_EQ(store.ListDevices(alice).value().size(), 1u);
  EXPECT_EQ(store.CountOneTimePrekeys(d).value_or(0), 2u);
  auto bundle = store.TakePrekeyBundle(d);
  ASSERT_TRUE(Succeeds(bundle));
  EXPECT_EQ(bundle->signed_prekey.id, 1u);
  EXPECT_EQ(bundle->one_time.value().id, 1u) << "the rolled-back take returned its prekey";
  auto queue = store.Fetch(d, 0, 10, testing::kNow);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].id, kept);
  EXPECT_EQ(store.QueueDepth(d).value_or(0), 1u);
  // The device id the rolled-back AddDevice used is free again: it never existed.
  EXPECT_EQ(store.AddDevice(alice, Key(2), 0).value_or(0), 2u);
}

TYPED_TEST(RelayStoreConformance, SavepointRollbackDiscardsOnlyItsWrites) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.Begin()));
  const MessageId before = store.Enqueue(testing::Message(d, d, 1)).value_or(0);
  ASSERT_TRUE(Succeeds(store.Savepoint()));
  ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(d, d, 2))));
  ASSERT_TRUE(Succeeds(store.CreateAccount(testing::Account("bob"))));
  store.RollbackToSavepoint();
  ASSERT_TRUE(Succeeds(store.Savepoint()));  // the next request
  const MessageId after = store.Enqueue(testing::Message(d, d, 3)).value_or(0);
  ASSERT_TRUE(Succeeds(store.ReleaseSavepoint()));
  ASSERT_TRUE(Succeeds(store.Commit()));
  auto queue = store.Fetch(d, 0, 10, testing::kNow);
  ASSERT_TRUE(Succeeds(queue));
  ASSERT_EQ(queue->size(), 2u);
  EXPECT_EQ((*queue)[0].id, before);
  EXPECT_EQ((*queue)[1].id, after);
  EXPECT_EQ((*queue)[1].payload, testing::Message(d, d, 3).payload);
  EXPECT_EQ(store.QueueDepth(d).value_or(0), 2u);
  EXPECT_TRUE(FailsWith(store.FindAccount("bob"), Errc::kNotFound));
}

TYPED_TEST(RelayStoreConformance, CommitKeepsWritesAndAnOpenSavepoint) {
  RelayStore& store = *this->store_;
  const DeviceAddress d = this->NewDevice(this->NewAccountId("alice"), 1);
  ASSERT_TRUE(Succeeds(store.Begin()));
  ASSERT_TRUE(Succeeds(store.CreateAccount(testing::Account("bob"))));
  ASSERT_TRUE(Succeeds(store.Savepoint()));
  ASSERT_TRUE(Succeeds(store.Enqueue(testing::Message(d, d, 1))));
  ASSERT_TRUE(Succeeds(store.Commit()));
  store.Rollback();  // nothing open: a no-op
  store.RollbackToSavepoint();
  EXPECT_TRUE(Succeeds(store.FindAccount("bob")));
  EXPECT_EQ(store.QueueDepth(d).value_or(0), 1u);
  // The next transaction starts without a savepoint.
  ASSERT_TRUE(Succeeds(store.Begin()));
  EXPECT_TRUE(FailsWith(store.ReleaseSavepoint(), Errc::kSqliteError));
  ASSERT_TRUE(Succeeds(store.Commit()));
}

TYPED_TEST(RelayStoreConformance, MisuseFailsAndChangesNothing) {
  RelayStore& store = *this->store_;
  EXPECT_TRUE(FailsWith(store.Commit(), Errc::kSqliteError));
  EXPECT_TRUE(FailsWith(store.Savepoint(), Errc::kSqliteError));
  EXPECT_TRUE(FailsWith(store.ReleaseSavepoint(), Errc::kSqliteError));
  ASSERT_TRUE(Succeeds(store.Begin()));
  ASSERT_TRUE(Succeeds(store.CreateAccount(testing::Account("alice"))));
  EXPECT_TRUE(FailsWith(store.Begin(), Errc::kSqliteError));
  ASSERT_TRUE(Succeeds(store.Savepoint()));
  EXPECT_TRUE(FailsWith(store.Savepoint(), Errc::kSqliteError));
  ASSERT_TRUE(Succeeds(store.ReleaseSavepoint()));
  EXPECT_TRUE(FailsWith(store.ReleaseSavepoint(), Errc::kSqliteError));
  EXPECT_TRUE(Succeeds(store.FindAccount("alice"))) << "the misuse left the transaction open";
  store.Rollback();
  EXPECT_TRUE(FailsWith(store.FindAccount("alice"), Errc::kNotFound));
}

}  // namespace
}  // namespace sc::store
