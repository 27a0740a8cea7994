// The SRP values on the wire of login_start (relay.md §5.3 step 1, srp.md §2): A is exactly
// len(N) bytes of a group the relay allows, refused INVALID_SRP_PARAMETERS at the start
// otherwise, for accounts and decoys alike; a client that computed A in another group than the
// account's is answered with the account's group and logs in after starting again; and a salt
// with leading zero bytes logs in through the relay (issue #11).
#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/relay/service.h"
#include "securecomm/store/memory_relay_store.h"

namespace sc::relay {
namespace {

std::string Str(std::span<const uint8_t> b) {
  return {b.begin(), b.end()};
}

class SrpWireTest : public ::testing::Test {
 protected:
  SrpWireTest() : service_(store_, clock_, rng_, Options()) {
    const auto key = crypto::Ed25519KeyPair::Generate(rng_);
    const auto pub = key.public_key().span();
    std::copy(pub.begin(), pub.end(), session_.peer_identity.begin());
    session_.peer_address = "198.51.100.7";
  }
  static ServiceOptions Options() {
    ServiceOptions o;
    o.decoy_key = SecretArray<32>::FromSpan(std::span<const uint8_t, 32>(std::array<uint8_t, 32>{9}));
    return o;
  }

  // Handle runs one request in its own transaction, keeping writes as the store worker does.
  Outcome Handle(pb::ClientFrame f) {
    f.set_version(kProtocolVersion);
    EXPECT_TRUE(store_.Begin());
    Outcome out = service_.Handle(session_, f);
    if (out.ok() || out.keep_writes) {
      EXPECT_TRUE(store_.Commit());
    } else {
      store_.Rollback();
    }
    Service::ApplyCommitted(session_, out);
    return out;
  }

  pb::ErrorCode Register(const std::string& user, std::vector<uint8_t> salt, crypto::SrpGroup group) {
    auto v = crypto::SrpMakeVerifier(user, AsBytes(kPassword), salt, group);
    EXPECT_TRUE(v.has_value());
    pb::ClientFrame f;
    auto* r = f.mutable_register_();
    r->set_username(user);
    r->set_srp_group(static_cast<uint32_t>(group));
    r->set_srp_salt(Str(salt));
    r->set_srp_verifier(Str(v->verifier));
    return Handle(f).response.error();
  }

  Outcome Start(const std::string& user, const std::string& a) {
    pb::ClientFrame f;
    f.mutable_login_start()->set_username(user);
    f.mutable_login_start()->set_srp_a(a);
    return Handle(f);
  }

  // LogIn computes A in `first_group`, starts again in the group the relay names if it differs
  // (relay.md §5.3 step 1), and finishes; returns the finish's code.
  pb::ErrorCode LogIn(const std::string& user, crypto::SrpGroup first_group) {
    auto client = crypto::SrpClient::Start(first_group, rng_);
    auto challenge = Start(user, Str(client->A()));
    if (!challenge.ok()) return challenge.response.error();
    const auto group = static_cast<crypto::SrpGroup>(challenge.response.login_start().srp_group());
    if (group != first_group) {
      client = crypto::SrpClient::Start(group, rng_);
      challenge = Start(user, Str(client->A()));
      if (!challenge.ok()) return challenge.response.error();
    }
    const auto& c = challenge.response.login_start();
    auto m1 = client->Respond(user, AsBytes(kPassword), AsBytes(c.srp_salt()), AsBytes(c.srp_b()));
    EXPECT_TRUE(m1.has_value());
    pb::ClientFrame f;
    f.mutable_login_finish()->set_srp_m1(Str(*m1));
    auto done = Handle(f);
    if (done.ok()) {
      EXPECT_TRUE(client->VerifyServer(AsBytes(done.response.login_finish().srp_m2())));
    }
    return done.response.error();
  }

  static constexpr std::string_view kPassword = "correct horse battery staple";
  store::MemoryRelayStore store_;
  ManualClock clock_;
  DeterministicRandom rng_{77};
  Service service_;
  SessionContext session_;
};

TEST_F(SrpWireTest, LoginStartRefusesAnAThatIsNotExactlyLenN) {
  ASSERT_EQ(Register("alice", std::vector<uint8_t>(16, 0x33), crypto::SrpGroup::k3072), pb::OK);
  const size_t len = crypto::SrpGroupBytes(crypto::SrpGroup::k3072);
  // 128: the 1024-bit group's length, below the relay's minimum group.
  for (const std::string user : {"alice", "nobody"}) {  // an account and a decoy alike
    for (size_t size : {size_t{0}, size_t{1}, size_t{32}, size_t{128}, len - 1, len + 1, size_t{600}}) {
      EXPECT_EQ(Start(user, std::string(size, '\x07')).response.error(), pb::INVALID_SRP_PARAMETERS)
          << user << ": " << size << " bytes";
    }
    const auto ok = Start(user, std::string(len, '\x07'));
    EXPECT_EQ(ok.response.error(), pb::OK) << user;
    EXPECT_EQ(ok.response.login_start().srp_group(), static_cast<uint32_t>(crypto::SrpGroup::k3072));
  }
}

TEST_F(SrpWireTest, AnAInAnotherAllowedGroupIsAnsweredWithTheAccountsGroup) {
  // New accounts are all in the relay's one account group (relay.md §5.2); "big" is an account
  // an older relay registered in the 4096-bit group, written to the store directly.
  auto legacy = crypto::SrpMakeVerifier("big", AsBytes(kPassword), std::vector<uint8_t>(16, 0x44),
                                        crypto::SrpGroup::k4096);
  ASSERT_TRUE(legacy.has_value());
  ASSERT_TRUE(store_.CreateAccount({"big", legacy->salt, legacy->verifier, 4096, 0}).has_value());
  ASSERT_EQ(Register("small", std::vector<uint8_t>(16, 0x55), crypto::SrpGroup::k3072), pb::OK);
  // A client computes A in 3072 bits before it knows the group (libs/client does).
  EXPECT_EQ(LogIn("big", crypto::SrpGroup::k3072), pb::OK);
  session_.device.reset();
  EXPECT_EQ(LogIn("small", crypto::SrpGroup::k4096), pb::OK);
}

TEST_F(SrpWireTest, ASaltWithLeadingZeroBytesLogsIn) {
  for (const std::string user : {"zero1", "zero2"}) {
    std::vector<uint8_t> salt(16, 0x9c);
    salt[0] = 0;
    if (user == "zero2") salt[1] = 0;
    ASSERT_EQ(Register(user, salt, crypto::SrpGroup::k3072), pb::OK);
    session_.device.reset();
    EXPECT_EQ(LogIn(user, crypto::SrpGroup::k3072), pb::OK) << user;
    session_.device.reset();
    const auto c = Start(user, std::string(384, '\x07'));
    EXPECT_EQ(Str(AsBytes(c.response.login_start().srp_salt())), Str(salt)) << "all 16 bytes on the wire";
  }
}

}  // namespace
}  // namespace sc::relay
