// The real relay against bad input: undecodable and oversized frames, unknown request types, a
// wrong version, garbage inside and outside SCP. Each gets its error or loses its session, and
// everybody else keeps being served.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/write.hpp>

#include "securecomm/relay/limits.h"
#include "securecomm/relay_server/limits.h"

#include "relay_test_util.h"

namespace sc::testing {
namespace {

using namespace std::chrono_literals;

class RelayBadInputTest : public RelayFixture {
 protected:
  void SetUp() override { StartRelay(); }

  pb::Response SendRawAndWait(RelayClient& c, const std::string& bytes) {
    auto sent = RunSync(io_, c.SendRaw({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
    EXPECT_TRUE(sent.has_value());
    auto r = RunSync(io_, c.NextUnmatched(10s));
    EXPECT_TRUE(r.has_value());
    return r ? *r : pb::Response{};
  }

  // Healthy checks that an unrelated user can still message through the relay.
  void ExpectOthersServed() {
    static int n = 0;
    auto a = NewUser("healthy-a" + std::to_string(n));
    auto b = NewUser("healthy-b" + std::to_string(n++));
    ASSERT_EQ(Call(*a.client, SendTo(b.info, "still here")).error(), pb::OK);
    bool delivered = false;
    while (auto p = NextPush(*b.client, 5s)) {
      if (p->has_delivery()) {
        delivered = p->delivery().payload() == "still here";
        break;
      }
    }
    EXPECT_TRUE(delivered);
  }
};

TEST_F(RelayBadInputTest, UndecodableFrameGetsMalformed) {
  auto c = Connect();
  EXPECT_EQ(SendRawAndWait(*c, std::string("\xff\xff\xff\xff\x0f garbage", 13)).error(), pb::MALFORMED_FRAME);
  // The session survives one bad frame.
  pb::ClientFrame list;
  list.mutable_list_devices();
  EXPECT_EQ(Call(*c, list).error(), pb::NOT_AUTHENTICATED);
  ExpectOthersServed();
}

TEST_F(RelayBadInputTest, UnknownRequestTypeAndWrongVersion) {
  auto c = Connect();
  // Field 99 (length-delimited) is no request this relay knows: the body is empty.
  std::string unknown = "\x08\x01\x10\x07";     // version 1, request_id 7
  unknown += std::string("\x9a\x06\x02hi", 5);  // field 99, wire type 2, "hi"
  auto r = SendRawAndWait(*c, unknown);
  EXPECT_EQ(r.error(), pb::UNKNOWN_REQUEST);
  EXPECT_EQ(r.request_id(), 7u);

  pb::ClientFrame v2;
  v2.set_version(2);
  v2.set_request_id(9);
  v2.mutable_list_devices();
  std::string bytes;
  v2.SerializeToString(&bytes);
  auto r2 = SendRawAndWait(*c, bytes);
  EXPECT_EQ(r2.error(), pb::UNSUPPORTED_VERSION);
  EXPECT_EQ(r2.request_id(), 9u);
}

TEST_F(RelayBadInputTest, OversizedFieldsAreRefused) {
  auto c = Connect();
  pb::ClientFrame reg;
  reg.mutable_register_()->set_username(std::string(1000, 'a'));
  reg.mutable_register_()->set_srp_group(2);
  reg.mutable_register_()->set_srp_salt(std::string(16, 's'));
  reg.mutable_register_()->set_srp_verifier(std::string(60000, 'v'));
  EXPECT_EQ(Call(*c, reg).error(), pb::INVALID_USERNAME);
  reg.mutable_register_()->set_username("valid-name");
  EXPECT_EQ(Call(*c, reg).error(), pb::INVALID_SRP_PARAMETERS);
  pb::ClientFrame start;
  start.mutable_login_start()->set_username("valid-name");
  start.mutable_login_start()->set_srp_a(std::string(60000, 'a'));
  EXPECT_EQ(Call(*c, start).error(), pb::INVALID_SRP_PARAMETERS);
}

TEST_F(RelayBadInputTest, TooManyBadFramesEndTheSession) {
  auto c = Connect();
  for (uint32_t i = 0; i < relay_server::kMaxBadFrames; ++i) {
    const std::string junk = "\xff\xff\xff\xff\x0f";
    (void)RunSync(io_, c->SendRaw({reinterpret_cast<const uint8_t*>(junk.data()), junk.size()}));
  }
  bool ended = false;
  while (auto p = NextPush(*c, 5s)) {
    if (p->has_session_ended()) {
      ended = p->session_ended().reason() == pb::TOO_MANY_BAD_FRAMES;
      break;
    }
  }
  EXPECT_TRUE(ended);
  ExpectOthersServed();
}

TEST_F(RelayBadInputTest, GarbageOutsideScpClosesOnlyThatConnection) {
  auto ok = NewUser("steady");
  for (int i = 0; i < 4; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(relay_->port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    // A half header, whole junk, and a header of version 0 announcing an absurd length.
    std::string junk(i == 0 ? 3 : 4096, static_cast<char>(0x41 + i));
    if (i == 3) junk.replace(0, 8, std::string("\x00\x01\xff\xff\xff\xff\xff\xff", 8));
    ASSERT_GT(write(fd, junk.data(), junk.size()), 0);
    if (i == 0) shutdown(fd, SHUT_WR);
    char buf[256];
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t answered = 0;
    for (ssize_t n = 0; (n = read(fd, buf, sizeof buf)) > 0;) answered += static_cast<size_t>(n);
    close(fd);
    EXPECT_EQ(answered, 0u) << "closed without any frame: no key exists to authenticate one (scp.md §8)";
  }
  // Garbage inside an established SCP session: a record that does not authenticate ends it.
  auto victim = Connect();
  asio::error_code ec;
  const std::string junk(64, '\x02');
  asio::write(victim->socket_for_testing(), asio::buffer(junk), ec);
  EXPECT_FALSE(ec);
  bool victim_ended = false;
  for (int i = 0; i < 100 && !victim_ended; ++i) {
    io_.restart();
    io_.run_one_for(std::chrono::milliseconds(50));
    victim_ended = !victim->connected();
  }
  EXPECT_TRUE(victim_ended) << "a record that does not authenticate ends the session";
  pb::ClientFrame list;
  list.mutable_list_devices();
  EXPECT_EQ(Call(*ok.client, list).error(), pb::OK);
  ExpectOthersServed();
}

TEST_F(RelayBadInputTest, VanishedPeerMidRequestLosesNothing) {
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  RunSync(io_, bob.client->Close());
  // Alice sends and vanishes without reading the answer.
  asio::co_spawn(io_, alice.client->Call(SendTo(bob.info, "sent then gone")), asio::detached);
  io_.restart();
  for (int i = 0; i < 20; ++i) io_.run_one_for(10ms);
  alice.client->Abort();
  auto again = Connect(bob.key);
  Login(*again, "bob", "pw-bob");
  bool got = false;
  while (auto p = NextPush(*again, 5s)) {
    if (p->has_delivery()) {
      got = p->delivery().payload() == "sent then gone";
      break;
    }
  }
  EXPECT_TRUE(got);
}

// A relay with room for only a few connections: failed handshakes must give their slots back,
// or a handful of junk connections would lock every client out for good.
class RelayConnectionSlotsTest : public RelayFixture {
 protected:
  static constexpr int kSlots = 3;
  void SetUp() override {
    StartRelay({"--max-connections", std::to_string(kSlots)});  // the harness lifts the handshake rates
  }
};

TEST_F(RelayConnectionSlotsTest, FailedHandshakesGiveTheirSlotsBack) {
  for (int i = 0; i < 4 * kSlots; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(relay_->port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);  // NOLINT: the sockets API
    const std::string junk(4096, static_cast<char>(0x41 + i));             // not an SCP INIT
    ASSERT_GT(write(fd, junk.data(), junk.size()), 0);
    char buf[256];
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (read(fd, buf, sizeof buf) > 0) {
    }
    close(fd);  // the relay ended the handshake (read returned 0) before this close
  }
  // Every slot is free again: a real client gets in and is served.
  auto alice = NewUser("alice");
  auto bob = NewUser("bob");
  EXPECT_EQ(Call(*alice.client, SendTo(bob.info, "after the junk")).error(), pb::OK);
  const std::string metrics = HttpGet(relay_->http_port(), "/metrics");
  EXPECT_NE(metrics.find("securecomm_relay_connections_open 2"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace sc::testing
