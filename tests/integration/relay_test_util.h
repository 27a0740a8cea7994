// relay_test_util.h: the fixture of the relay integration tests: a real relay process and real
// client sessions (RelayClient over SCP), run synchronously.
#pragma once

#include <asio/detached.hpp>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/clock.h"
#include "securecomm/client/relay_client.h"
#include "securecomm/crypto/random.h"

#include "relay_harness.h"

namespace sc::testing {

namespace pb = securecomm::relay::v1;
using client::RelayClient;

inline std::span<const uint8_t> Pw(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Refusal: what a test reads of a relay's refusal (RelayClient returns it as a kRelay Error).
struct Refusal {
  pb::ErrorCode code = pb::OK;
  uint64_t retry_after_ms = 0;
};

struct TestDevice {
  std::shared_ptr<const crypto::Ed25519KeyPair> key;
  std::shared_ptr<RelayClient> client;
  client::LoginInfo info;
};

class RelayFixture : public ::testing::Test {
 protected:
  void StartRelay(std::vector<std::string> extra = {}) {
    relay_ = std::make_unique<RelayProcess>(SC_RELAY_BIN, std::move(extra));
    ASSERT_TRUE(relay_->Start()) << relay_->log();
  }
  void TearDown() override {
    for (auto& c : open_) {
      if (c) {
        RunSync(io_, c->Close());
      }
    }
    open_.clear();
    if (relay_ && relay_->process()) {
      EXPECT_EQ(relay_->Stop(), 0) << "SIGTERM must stop the relay cleanly";
    }
  }

  static std::shared_ptr<const crypto::Ed25519KeyPair> NewKey() {
    return std::make_shared<const crypto::Ed25519KeyPair>(
        crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
  }

  std::shared_ptr<RelayClient> Connect(std::shared_ptr<const crypto::Ed25519KeyPair> key = NewKey()) {
    auto c = RunSync(io_, RelayClient::Connect(io_, relay_->connection(), std::move(key), clock_));
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().name());
    if (!c) return nullptr;
    open_.push_back(*c);
    return *c;
  }

  // Register returns OK or the relay's refusal code (a transport error fails the test).
  pb::ErrorCode Register(RelayClient& c, const std::string& user, const std::string& password) {
    auto r = RunSync(io_, c.Register(user, Pw(password)));
    if (r) return pb::OK;
    EXPECT_EQ(r.error().domain(), ErrorDomain::kRelay) << r.error().name();
    return r.error().domain() == ErrorDomain::kRelay ? static_cast<pb::ErrorCode>(r.error().code())
                                                     : pb::STORAGE_FAILURE;
  }

  // Login logs in; `refusal` (if given) receives OK or the relay's refusal and its retry hint.
  // A refusal leaves an empty LoginInfo; a transport error fails the test.
  client::LoginInfo Login(RelayClient& c, const std::string& user, const std::string& password,
                          Refusal* refusal = nullptr, bool send_only = false) {
    Refusal local;
    Refusal& out = refusal ? *refusal : local;
    out = Refusal{};
    auto r = RunSync(io_, c.Login(user, Pw(password), send_only));
    if (r) return *r;
    EXPECT_EQ(r.error().domain(), ErrorDomain::kRelay) << r.error().name();
    out.code = r.error().domain() == ErrorDomain::kRelay ? static_cast<pb::ErrorCode>(r.error().code())
                                                         : pb::STORAGE_FAILURE;
    out.retry_after_ms = static_cast<uint64_t>(r.error().retry_after().count());
    return client::LoginInfo{};
  }

  // NewUser registers `user` and logs a fresh device in.
  TestDevice NewUser(const std::string& user, const std::string& password = "correct horse battery staple") {
    TestDevice d;
    d.key = NewKey();
    d.client = Connect(d.key);
    EXPECT_EQ(Register(*d.client, user, password), pb::OK);
    d.info = Login(*d.client, user, password);
    EXPECT_NE(d.info.device_id, 0u);
    return d;
  }

  pb::Response Call(RelayClient& c, pb::ClientFrame frame) {
    auto r = RunSync(io_, c.Call(std::move(frame)));
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().name());
    return r ? *r : pb::Response{};
  }

  std::optional<pb::Push> NextPush(RelayClient& c,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto r = RunSync(io_, c.NextPush(timeout));
    if (!r) return std::nullopt;
    return *r;
  }

  static pb::ClientFrame SendTo(const client::LoginInfo& to, const std::string& payload,
                                uint64_t ttl_ms = 0) {
    pb::ClientFrame f;
    auto* e = f.mutable_send()->add_envelopes();
    e->set_recipient_account(to.account_id);
    e->set_recipient_device(to.device_id);
    e->set_payload(payload);
    f.mutable_send()->set_ttl_ms(ttl_ms);
    return f;
  }

  static pb::ClientFrame AckOf(const std::vector<uint64_t>& ids) {
    pb::ClientFrame f;
    for (auto id : ids) f.mutable_ack()->add_message_ids(id);
    return f;
  }

  asio::io_context io_;
  SystemClock clock_;
  std::unique_ptr<RelayProcess> relay_;
  std::vector<std::shared_ptr<RelayClient>> open_;
};

}  // namespace sc::testing
