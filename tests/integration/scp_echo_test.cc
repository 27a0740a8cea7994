// The real securecomm-scp-echo server process on loopback, driven by the real client process and
// by raw sockets: echo over both suites, pinning, garbage, a vanished peer, and SIGTERM.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/scp/connection_string.h"

#include "process.h"

namespace sc {
namespace {

using testing::Process;
using namespace std::chrono_literals;

class ScpEchoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = Process::Spawn({SC_ECHO_BIN, "server", "--port", "0"});
    ASSERT_TRUE(p.has_value());
    server_.emplace(std::move(*p));
    auto line = server_->ReadLine(10s);
    ASSERT_TRUE(line.has_value()) << "the server printed no connection string";
    connection_ = *line;
    auto cs = scp::ParseConnectionString(connection_);
    ASSERT_TRUE(cs.has_value()) << connection_;
    port_ = cs->port;
  }
  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      EXPECT_EQ(server_->Wait(), 0) << "SIGTERM must stop the server cleanly";
    }
  }

  int RunClient(std::vector<std::string> args, std::string* out = nullptr) {
    args.insert(args.begin(), {SC_ECHO_BIN, "client"});
    auto p = Process::Spawn(args);
    if (!p) return -1;
    std::string text = p->ReadAll(30s);
    if (out) *out = text;
    return p->Wait();
  }

  // RawConnect opens a plain TCP connection to the server.
  int RawConnect() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd);
      return -1;
    }
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
  }

  std::optional<Process> server_;
  std::string connection_;
  uint16_t port_ = 0;
};

TEST_F(ScpEchoTest, EchoesOverBothSuites) {
  std::string out;
  EXPECT_EQ(RunClient({connection_, "--count", "300", "--size", "1000"}, &out), 0) << out;
  EXPECT_NE(out.find("echoed 300 messages"), std::string::npos) << out;
  EXPECT_EQ(RunClient({connection_, "--count", "20", "--size", "65535", "--suite", "chachapoly"}, &out), 0)
      << out;
}

TEST_F(ScpEchoTest, ClientRefusesAServerWithAnotherIdentity) {
  auto cs = *scp::ParseConnectionString(connection_);
  cs.identity.mutable_span()[0] ^= 1;
  std::string out;
  EXPECT_EQ(RunClient({scp::FormatConnectionString(cs), "--count", "1"}, &out), 1);
}

TEST_F(ScpEchoTest, GarbageIsDisconnectedAndOthersAreStillServed) {
  const int fd = RawConnect();
  ASSERT_GE(fd, 0);
  const std::string junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  char buf[64];
  EXPECT_LE(read(fd, buf, sizeof buf), 0) << "the server must close the connection";  // no answer, closed
  close(fd);
  EXPECT_EQ(RunClient({connection_, "--count", "5"}), 0);
}

TEST_F(ScpEchoTest, AVanishedPeerDoesNotDisturbTheServer) {
  // Half a header, then the peer disappears; and a peer that connects and says nothing.
  const int fd1 = RawConnect();
  ASSERT_GE(fd1, 0);
  ASSERT_EQ(write(fd1, "\x01\x01\x00", 3), 3);
  close(fd1);
  const int fd2 = RawConnect();
  ASSERT_GE(fd2, 0);
  EXPECT_EQ(RunClient({connection_, "--count", "5"}), 0);
  close(fd2);
}

TEST_F(ScpEchoTest, OversizedLengthIsRefusedBeforeBuffering) {
  const int fd = RawConnect();
  ASSERT_GE(fd, 0);
  const unsigned char header[14] = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
  ASSERT_EQ(write(fd, header, sizeof header), 14);
  char buf[64];
  EXPECT_LE(read(fd, buf, sizeof buf), 0);
  close(fd);
}

}  // namespace
}  // namespace sc
