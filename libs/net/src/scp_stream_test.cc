// ScpStream's frames in progress (scp.md §10): the shared budget for read buffers beyond the
// allowance, and the deadline for a started frame, over real loopback sockets and real timers
// (shortened through ScpStreamOptions).
#include "securecomm/net/scp_stream.h"

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/crypto/random.h"
#include "securecomm/net/limits.h"
#include "securecomm/net/partial_frame_budget.h"
#include "securecomm/scp/errors.h"
#include "securecomm/scp/frame.h"
#include "securecomm/scp/frame_types.h"

namespace sc::net {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;
using Clk = std::chrono::steady_clock;

// A DATA header announcing the largest payload: what a stalling peer sends.
std::array<uint8_t, scp::kHeaderSize> MaxFrameHeader() {
  return scp::FrameHeader{scp::FrameType::kData, 5, static_cast<uint32_t>(scp::kMaxFramePayload)}.Encode();
}

class ScpStreamFramesTest : public ::testing::Test {
 protected:
  // Pair: a relay-side stream (responder, with the options under test) and its peer.
  struct Pair {
    std::unique_ptr<ScpStream> server, peer;
  };

  Pair Connect(ScpStreamOptions options) {
    auto& rng = crypto::SystemCsprng();
    const auto server_static = crypto::X25519KeyPair::Generate(rng);
    const auto server_id =
        std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(rng));
    scp::SessionConfig sc;
    sc.role = scp::Role::kResponder;
    sc.noise_static = server_static.Clone();
    sc.identity = server_id;
    scp::SessionConfig cc;
    cc.role = scp::Role::kInitiator;
    cc.noise_static = crypto::X25519KeyPair::Generate(rng);
    cc.identity = std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(rng));
    cc.responder_static = server_static.public_key;
    cc.responder_identity = server_id->public_key();

    tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    tcp::socket client(io_);
    client.connect(acceptor.local_endpoint());
    Pair p;
    p.server = std::make_unique<ScpStream>(
        acceptor.accept(), *scp::Session::Create(std::move(sc), clock_, rng), clock_, options);
    p.peer = std::make_unique<ScpStream>(std::move(client), *scp::Session::Create(std::move(cc), clock_, rng),
                                         clock_);
    auto s = Spawn(p.server->Handshake());
    auto c = Spawn(p.peer->Handshake());
    Run([&] { return s->has_value() && c->has_value(); }, 5s);
    EXPECT_TRUE(s->has_value() && **s);
    EXPECT_TRUE(c->has_value() && **c);
    return p;
  }

  // Spawn starts `a` on io_; its result appears in the returned slot.
  template <typename T>
  std::shared_ptr<std::optional<T>> Spawn(asio::awaitable<T> a) {
    auto slot = std::make_shared<std::optional<T>>();
    asio::co_spawn(io_, Into(std::move(a), slot), asio::detached);
    return slot;
  }
  template <typename T>
  static asio::awaitable<void> Into(asio::awaitable<T> a, std::shared_ptr<std::optional<T>> slot) {
    slot->emplace(co_await std::move(a));
  }
  std::shared_ptr<std::optional<Result<std::vector<uint8_t>>>> Receive(ScpStream& s) {
    return Spawn(s.Receive());
  }

  // Run drives io_ until `done` or `limit` passes.
  template <typename F>
  void Run(F done, Clk::duration limit) {
    const auto end = Clk::now() + limit;
    io_.restart();
    while (!done() && Clk::now() < end) io_.run_one_for(10ms);
  }

  static void WriteRaw(ScpStream& s, std::span<const uint8_t> bytes) {
    asio::error_code ec;
    asio::write(s.socket(), asio::buffer(bytes.data(), bytes.size()), ec);
    ASSERT_FALSE(ec);
  }

  // StartMaxFrame: the peer announces the largest frame and sends some of it in two writes, the
  // second once the server read the first (a buffer grows only when more of a frame arrives);
  // then it stalls. `done`: the server's Receive, which may end meanwhile.
  template <typename Slot>
  void StartMaxFrame(Pair& p, const Slot& done) {
    WriteRaw(*p.peer, MaxFrameHeader());
    WriteRaw(*p.peer, std::vector<uint8_t>(1000, 0x55));
    Run([&] { return p.server->read_buffer_capacity() > 0 || done->has_value(); }, 1s);
    WriteRaw(*p.peer, std::vector<uint8_t>(1000, 0x56));
    Run([&] { return p.server->read_buffer_capacity() > kInitialReadBuffer || done->has_value(); }, 1s);
  }

  asio::io_context io_;
  SystemClock clock_;
};

TEST_F(ScpStreamFramesTest, AStartedFrameNotCompletedInTimeEndsTheSessionWithTimeout) {
  auto shared = std::make_shared<PartialFrameBudget>(size_t{1} << 20);
  const PartialFrameBudget& budget = *shared;
  auto p = Connect({.budget = shared, .frame_completion_timeout = 300ms});
  auto got = Receive(*p.server);
  auto peer_got = Receive(*p.peer);
  const auto start = Clk::now();
  StartMaxFrame(p, got);
  // The stalled frame's buffer beyond the allowance is drawn from the budget.
  ASSERT_FALSE(got->has_value());
  EXPECT_GT(p.server->read_buffer_capacity(), kInitialReadBuffer);
  EXPECT_EQ(budget.used(), p.server->read_buffer_capacity() - kPartialFrameAllowance);
  Run([&] { return got->has_value() && peer_got->has_value(); }, 5s);
  const auto took = Clk::now() - start;
  ASSERT_TRUE(got->has_value());
  ASSERT_FALSE(**got);
  EXPECT_EQ((*got)->error(), scp::Errc::kTimeout);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s) << "cut at the frame deadline, long before the 30 s idle timeout";
  EXPECT_EQ(p.server->read_buffer_capacity(), 0u) << "a failed stream keeps no read buffer";
  EXPECT_EQ(budget.used(), 0u);
  // The peer was told: its session received ERROR (kPeerError), not a bare end of stream.
  ASSERT_TRUE(peer_got->has_value());
  EXPECT_EQ((*peer_got)->error(), scp::Errc::kPeerError);
}

TEST_F(ScpStreamFramesTest, TricklingAFrameDoesNotExtendItsDeadline) {
  auto p = Connect({.budget = nullptr, .frame_completion_timeout = 400ms});
  auto got = Receive(*p.server);
  const auto start = Clk::now();
  WriteRaw(*p.peer, MaxFrameHeader());
  // One byte every 20 ms: progress, but the frame would take 20 minutes.
  for (int i = 0; i < 200 && !got->has_value(); ++i) {
    const uint8_t byte = 0x55;
    asio::error_code ec;
    asio::write(p.peer->socket(), asio::buffer(&byte, 1), ec);
    if (ec) break;
    Run([&] { return got->has_value(); }, 20ms);
  }
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->error(), scp::Errc::kTimeout);
  EXPECT_LT(Clk::now() - start, 2s);
}

TEST_F(ScpStreamFramesTest, HealthyLargeAndSmallRecordsPassAndTheBudgetComesBack) {
  auto shared = std::make_shared<PartialFrameBudget>(size_t{1} << 20);
  const PartialFrameBudget& budget = *shared;
  auto p = Connect({.budget = shared, .frame_completion_timeout = 2s});
  for (size_t size : {size_t{100}, scp::kMaxRecordPlaintext, size_t{5000}, scp::kMaxRecordPlaintext}) {
    const std::vector<uint8_t> data(size, static_cast<uint8_t>(size));
    auto sent = Spawn(p.peer->Send(data));
    auto got = Receive(*p.server);
    Run([&] { return sent->has_value() && got->has_value(); }, 5s);
    ASSERT_TRUE(got->has_value() && **got) << size;
    EXPECT_EQ(***got, data);
  }
  // Idle again: nothing buffered, so the next Receive's wait frees the buffer and its budget.
  auto idle = Receive(*p.server);
  Run([&] { return p.server->read_buffer_capacity() == 0; }, 1s);
  EXPECT_EQ(p.server->read_buffer_capacity(), 0u);
  EXPECT_EQ(budget.used(), 0u);
}

TEST_F(ScpStreamFramesTest, ASpentBudgetRefusesLargeFramesButNotSmallOnes) {
  // Room for exactly one maximum frame in its least buffer, and less than a roomy small buffer more.
  const size_t one_frame = scp::kMaxFrameSize - kPartialFrameAllowance;
  auto shared =
      std::make_shared<PartialFrameBudget>(one_frame + (kInitialReadBuffer - kPartialFrameAllowance) / 2);
  const PartialFrameBudget& budget = *shared;
  const ScpStreamOptions options{.budget = shared, .frame_completion_timeout = 2s};
  auto staller = Connect(options);
  auto second = Connect(options);
  auto healthy = Connect(options);

  auto stalled = Receive(*staller.server);
  StartMaxFrame(staller, stalled);
  ASSERT_FALSE(stalled->has_value()) << (*stalled)->error().name();
  EXPECT_EQ(budget.used(), one_frame) << "the staller holds the least buffer for its frame";
  EXPECT_EQ(staller.server->read_buffer_capacity(), scp::kMaxFrameSize);
  EXPECT_LE(budget.used(), budget.limit());

  // A second large frame finds the budget spent: that session ends kOverloaded, and its peer is told.
  auto refused = Receive(*second.server);
  auto told = Receive(*second.peer);
  StartMaxFrame(second, refused);
  Run([&] { return refused->has_value() && told->has_value(); }, 2s);
  ASSERT_TRUE(refused->has_value());
  EXPECT_EQ((*refused)->error(), scp::Errc::kOverloaded);
  ASSERT_TRUE(told->has_value());
  EXPECT_EQ((*told)->error(), scp::Errc::kPeerError);

  // Small records still pass, in buffers within the allowance.
  for (int i = 0; i < 20; ++i) {
    const std::vector<uint8_t> data(300, static_cast<uint8_t>(i));
    auto sent = Spawn(healthy.peer->Send(data));
    auto got = Receive(*healthy.server);
    Run([&] { return sent->has_value() && got->has_value(); }, 2s);
    ASSERT_TRUE(got->has_value() && **got) << i;
    EXPECT_EQ(***got, data);
  }
  EXPECT_LE(budget.used(), budget.limit());
  EXPECT_FALSE(stalled->has_value()) << "the staller is cut by its deadline, not by others' frames";
  Run([&] { return stalled->has_value(); }, 3s);
  ASSERT_TRUE(stalled->has_value());
  EXPECT_EQ((*stalled)->error(), scp::Errc::kTimeout);
  EXPECT_EQ(budget.used(), 0u) << "every buffer given back";
}

}  // namespace
}  // namespace sc::net
