// e2e_test_util.h (tests only): devices with prekeys, and established sessions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/session.h"

namespace sc::e2e::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes ToBytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
inline std::string ToString(const SecretBytes& s) {
  return std::string(s.Expose().begin(), s.Expose().end());
}

// Device: an identity with one signed prekey and, optionally, one one-time prekey.
struct Device {
  crypto::Ed25519KeyPair identity;
  SignedPrekeyPair signed_prekey;
  std::optional<OneTimePrekeyPair> one_time_prekey;

  static Device Make(Random& rng, bool with_one_time_prekey = true, uint32_t spk_id = 7,
                     uint32_t opk_id = 100) {
    crypto::Ed25519KeyPair id = crypto::Ed25519KeyPair::Generate(rng);
    SignedPrekeyPair spk = SignedPrekeyPair::Generate(id, spk_id, rng);
    std::optional<OneTimePrekeyPair> opk;
    if (with_one_time_prekey) opk = OneTimePrekeyPair::Generate(opk_id, rng);
    return Device{std::move(id), std::move(spk), std::move(opk)};
  }
  PrekeyBundle Bundle() const {
    PrekeyBundle b{identity.public_key(), signed_prekey.PublicPrekey(), std::nullopt};
    if (one_time_prekey) b.one_time_prekey = one_time_prekey->PublicPrekey();
    return b;
  }
  const OneTimePrekeyPair* opk() const { return one_time_prekey ? &*one_time_prekey : nullptr; }
};

// Conversation: Alice initiated with Bob's bundle; Bob accepted her first message.
struct Conversation {
  Device alice_device;
  Device bob_device;
  Session alice;
  Session bob;
};

// Start: Alice initiates, sends "hello", Bob accepts it. If `reply`, Bob answers and Alice
// decrypts the answer, so both sides have done a DH ratchet step and Alice no longer sends
// prekey messages.
inline Conversation Start(Random& rng, bool reply = true, bool with_one_time_prekey = true) {
  Device a = Device::Make(rng, with_one_time_prekey);
  Device b = Device::Make(rng, with_one_time_prekey);
  auto alice = Session::Initiate(a.identity, b.Bundle(), b.identity.public_key(), rng);
  EXPECT_TRUE(alice.has_value());
  auto wire = alice->Encrypt(ToBytes("hello"));
  EXPECT_TRUE(wire.has_value());
  auto prekey = PrekeyMessage::Decode(*wire);
  EXPECT_TRUE(prekey.has_value());
  auto accepted = Session::Accept(b.identity, b.signed_prekey, b.opk(), *prekey, rng);
  EXPECT_TRUE(accepted.has_value());
  EXPECT_EQ(ToString(accepted->plaintext), "hello");
  Conversation c{std::move(a), std::move(b), std::move(*alice), std::move(accepted->session)};
  if (reply) {
    auto answer = c.bob.Encrypt(ToBytes("hi"));
    EXPECT_TRUE(answer.has_value());
    auto got = c.alice.Decrypt(*answer, rng);
    EXPECT_TRUE(got.has_value());
    if (got) {
      EXPECT_EQ(ToString(*got), "hi");
    }
  }
  return c;
}

}  // namespace sc::e2e::testing
