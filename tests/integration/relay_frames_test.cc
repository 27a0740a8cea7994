// The real relay against peers that announce the largest frame and stall (issue #11): the memory
// their frames in progress take stays within the relay's budget, each is cut at the frame deadline
// (ERROR kTimeout) or refused once the budget is spent (ERROR kOverloaded), and a healthy client
// logs in and exchanges messages meanwhile (docs/protocol/scp.md §10).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "securecomm/net/limits.h"
#include "securecomm/relay_server/limits.h"
#include "securecomm/scp/errors.h"
#include "securecomm/scp/frame.h"
#include "securecomm/scp/frame_types.h"
#include "securecomm/scp/session.h"

#include "relay_test_util.h"

namespace sc::testing {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// RawPeer: a TCP connection that completes the SCP handshake as a client (a sans-I/O
// scp::Session over a blocking socket) and then writes whatever bytes a test wants.
class RawPeer {
 public:
  RawPeer() = default;
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;
  ~RawPeer() {
    if (fd_ >= 0) close(fd_);
  }

  // Connect opens the connection and runs the handshake; false on any failure.
  bool Connect(const scp::ConnectionString& relay, const Clock& clock) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(relay.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;  // NOLINT: sockets API
    timeval tv{30, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto& rng = crypto::SystemCsprng();
    scp::SessionConfig config;
    config.role = scp::Role::kInitiator;
    config.noise_static = crypto::X25519KeyPair::Generate(rng);
    config.identity = std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(rng));
    config.responder_static = relay.noise_static;
    config.responder_identity = relay.identity;
    auto session = scp::Session::Create(std::move(config), clock, rng);
    if (!session || !session->Start()) return false;
    session_.emplace(std::move(*session));
    while (session_->state() != scp::SessionState::kEstablished) {
      if (!Flush() || !NextEvent()) return false;
    }
    return Flush();
  }

  bool Write(std::span<const uint8_t> bytes) const {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }

  // End reads until the relay ends the connection: the code of its ERROR, 0 for an end of the
  // connection without one, -1 if nothing ended it within the socket's 30 s receive timeout.
  int End() {
    while (true) {
      auto event = NextEvent();
      if (!event) return event.error() == kEof ? 0 : -1;
      if (event->kind == scp::SessionEvent::kPeerError) return event->peer_error_code;
    }
  }

 private:
  static constexpr int kEof = 1;
  static constexpr int kFailed = 2;

  bool Flush() {
    auto out = session_->TakeOutput();
    return out.empty() || Write(out);
  }

  // NextEvent reads one frame and hands it to the session (keepalive ACKs included).
  tl::expected<scp::SessionEvent, int> NextEvent() {
    while (true) {
      auto size = scp::PeekFrameSize(in_);
      if (!size) return tl::unexpected(kFailed);
      if (size->has_value() && in_.size() >= **size) {
        auto event = session_->HandleFrame(std::span(in_).first(**size));
        in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(**size));
        if (!event) return tl::unexpected(kFailed);
        return *event;
      }
      std::array<uint8_t, 4096> buf{};
      const ssize_t n = read(fd_, buf.data(), buf.size());
      if (n == 0) return tl::unexpected(kEof);
      if (n < 0) return tl::unexpected(kFailed);
      in_.insert(in_.end(), buf.begin(), buf.begin() + n);
    }
  }

  int fd_ = -1;
  std::optional<scp::Session> session_;
  std::vector<uint8_t> in_;
};

// A DATA header announcing the largest payload.
std::array<uint8_t, scp::kHeaderSize> MaxFrameHeader() {
  return scp::FrameHeader{scp::FrameType::kData, 2, static_cast<uint32_t>(scp::kMaxFramePayload)}.Encode();
}

// MetricValue reads one sample of the relay's /metrics, or -1.
double MetricValue(uint16_t http_port, const std::string& name) {
  const std::string text = HttpGet(http_port, "/metrics");
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

class RelayPartialFramesTest : public RelayFixture {
 protected:
  void SetUp() override { StartRelay(); }
};

TEST_F(RelayPartialFramesTest, StalledLargeFramesStayWithinTheBudgetAndEndAtTheDeadline) {
  // Registration uploads prekeys (frames beyond the allowance): done before the stall.
  auto alice = NewUser("alice");
  auto bob = NewUser("bob", "pw-bob");
  const double rss_before = MetricValue(relay_->http_port(), "securecomm_relay_resident_bytes");

  // Enough stalled peers that their frames would take ~1.25 times the budget in roomy buffers.
  const size_t per_frame = net::kReadBufferSize - net::kPartialFrameAllowance;
  const size_t n = relay_server::kDefaultPartialFrameBudget / per_frame * 5 / 4;
  std::vector<std::unique_ptr<RawPeer>> peers;
  for (size_t i = 0; i < n; ++i) {
    peers.push_back(std::make_unique<RawPeer>());
    ASSERT_TRUE(peers.back()->Connect(relay_->connection(), clock_)) << i;
  }
  // Each announces the largest frame with some of its payload, and after the relay has read
  // that (its deadline runs from then), some more: the relay's buffer for it grows, then nothing.
  const std::vector<uint8_t> some(1000, 0x55);
  for (auto& p : peers) ASSERT_TRUE(p->Write(MaxFrameHeader()) && p->Write(some));
  const auto started = Steady::now();
  std::this_thread::sleep_for(200ms);
  for (auto& p : peers) ASSERT_TRUE(p->Write(some) && p->Write(some));

  // The frames in progress hold at most the budget, and nearly all of it.
  double most = 0;
  for (int i = 0; i < 10; ++i) {
    const double held = MetricValue(relay_->http_port(), "securecomm_relay_partial_frame_bytes");
    EXPECT_LE(held, static_cast<double>(relay_server::kDefaultPartialFrameBudget));
    most = std::max(most, held);
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GT(most, 0.9 * static_cast<double>(relay_server::kDefaultPartialFrameBudget));
  const double rss_stalled = MetricValue(relay_->http_port(), "securecomm_relay_resident_bytes");

  // Meanwhile a healthy client logs in and messages are exchanged both ways.
  auto bob2 = Connect(bob.key);
  ASSERT_NE(bob2, nullptr);
  EXPECT_NE(Login(*bob2, "bob", "pw-bob").device_id, 0u);
  EXPECT_EQ(Call(*alice.client, SendTo(bob.info, "during the stall")).error(), pb::OK);
  EXPECT_EQ(Call(*bob2, SendTo(alice.info, "and back")).error(), pb::OK);
  auto delivered = [&](RelayClient& c, const std::string& payload) {
    while (auto p = NextPush(c, 5s)) {
      if (p->has_delivery() && p->delivery().payload() == payload) return true;
    }
    return false;
  };
  EXPECT_TRUE(delivered(*bob2, "during the stall"));
  EXPECT_TRUE(delivered(*alice.client, "and back"));
  EXPECT_LT(Steady::now() - started, net::kFrameCompletionTimeout) << "served while the stallers were open";

  // Every stalled peer is told and cut: refused kOverloaded once the budget was spent, the
  // others at the deadline with kTimeout, not at the 30 s idle timeout.
  size_t overloaded = 0, timed_out = 0;
  for (auto& p : peers) {
    const int code = p->End();
    if (code == static_cast<int>(scp::Errc::kOverloaded)) {
      ++overloaded;
    } else if (code == static_cast<int>(scp::Errc::kTimeout)) {
      ++timed_out;
    } else {
      ADD_FAILURE() << "a stalled peer ended with " << code;
    }
  }
  const auto all_ended = Steady::now() - started;
  EXPECT_GT(overloaded, 0u);
  EXPECT_GT(timed_out, n / 2);
  EXPECT_GE(all_ended, net::kFrameCompletionTimeout);
  EXPECT_LT(all_ended, net::kFrameCompletionTimeout + 8s);
  EXPECT_EQ(MetricValue(relay_->http_port(), "securecomm_relay_partial_frame_bytes"), 0);
  std::fprintf(
      stderr,
      "%zu stalled peers: %zu kOverloaded, %zu kTimeout; relay RSS %.1f MiB before, %.1f MiB stalled\n", n,
      overloaded, timed_out, rss_before / 1048576, rss_stalled / 1048576);
}

}  // namespace
}  // namespace sc::testing
