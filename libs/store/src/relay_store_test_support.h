// relay_store_test_support.h (tests only): what the RelayStore tests share: fixed test values
// (accounts, keys, prekeys, messages), assertions on a Result, and setup helpers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/store/errors.h"
#include "securecomm/store/relay_store.h"

namespace sc::store::testing {

inline constexpr int64_t kNow = 1'700'000'000'000;               // a fixed "now", in ms
inline constexpr int64_t kFar = kNow + 30LL * 24 * 3600 * 1000;  // an expiry far after kNow

// Succeeds and FailsWith assert on a Result, printing the error's name.
template <typename T>
::testing::AssertionResult Succeeds(const Result<T>& r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "failed with " << r.error().name();
}
template <typename T>
::testing::AssertionResult FailsWith(const Result<T>& r, Errc expected) {
  if (r) return ::testing::AssertionFailure() << "succeeded; expected " << ErrcName(expected);
  if (r.error() == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "failed with " << r.error().name() << "; expected " << ErrcName(expected);
}

// Key returns a 32-byte public key made from `seed` and `salt`.
inline PublicKey32 Key(uint32_t seed, uint8_t salt = 0) {
  PublicKey32 k;
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>((seed >> (8 * (i % 4))) ^ (i * 7) ^ salt);
  return k;
}

inline NewAccount Account(const std::string& username, uint8_t seed = 1) {
  NewAccount a{username, std::vector<uint8_t>(16, seed), std::vector<uint8_t>(384), 3072, kNow};
  for (size_t i = 0; i < a.srp_verifier.size(); ++i) a.srp_verifier[i] = static_cast<uint8_t>(i ^ seed);
  return a;
}

inline SignedPrekey Signed(uint32_t id) {
  SignedPrekey p{id, Key(id, 0xA5), {}};
  for (size_t i = 0; i < p.signature.size(); ++i) p.signature[i] = static_cast<uint8_t>(id + i);
  return p;
}

// OneTime returns one-time prekeys with these ids; the key of an id is always the same.
inline std::vector<OneTimePrekey> OneTime(std::initializer_list<uint32_t> ids) {
  std::vector<OneTimePrekey> out;
  for (uint32_t id : ids) out.push_back({id, Key(id, 0x3C)});
  return out;
}

// Message returns message `tag` from `from` to `to`, with a payload of its own length.
inline NewMessage Message(DeviceAddress to, DeviceAddress from, int64_t tag, int64_t expires_ms = kFar) {
  NewMessage m{to, from, kNow + tag, expires_ms, {}};
  const std::string text = "opaque envelope " + std::to_string(tag);
  m.payload.assign(text.begin(), text.end());
  return m;
}

inline void ExpectMessage(const StoredMessage& got, MessageId id, const NewMessage& sent) {
  EXPECT_EQ(got.id, id);
  EXPECT_EQ(got.recipient, sent.recipient);
  EXPECT_EQ(got.sender, sent.sender);
  EXPECT_EQ(got.server_time_ms, sent.server_time_ms);
  EXPECT_EQ(got.expires_ms, sent.expires_ms);
  EXPECT_EQ(got.payload, sent.payload);
}

// AddAccount and AddDevice create what a test needs (0 and {0, 0} on failure, also reported).
inline AccountId AddAccount(RelayStore& store, const std::string& username) {
  auto id = store.CreateAccount(Account(username));
  EXPECT_TRUE(Succeeds(id));
  return id.value_or(0);
}
inline DeviceAddress AddDevice(RelayStore& store, AccountId account, uint32_t key_seed) {
  auto id = store.AddDevice(account, Key(key_seed), kNow);
  EXPECT_TRUE(Succeeds(id));
  return {account, id.value_or(0)};
}

}  // namespace sc::store::testing
