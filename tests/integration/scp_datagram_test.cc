// SCP over UDP on loopback, in one process: a real ScpDatagramServer and ScpDatagramClient, with
// a proxy between them that loses chosen datagrams, to prove the handshake survives loss.
#include "securecomm/net/scp_datagram.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <functional>

#include <gtest/gtest.h>

#include "securecomm/crypto/random.h"

namespace sc::net {
namespace {

using asio::ip::udp;
using asio::experimental::awaitable_operators::operator||;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
using Bytes = std::vector<uint8_t>;

// LossyProxy forwards datagrams between one client and the server, dropping those `drop` picks:
// drop(from_client, index_in_that_direction).
class LossyProxy {
 public:
  LossyProxy(asio::io_context& io, udp::endpoint server, std::function<bool(bool, int)> drop)
      : socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        server_(server),
        drop_(std::move(drop)) {}
  udp::endpoint endpoint() const { return socket_.local_endpoint(); }
  int dropped = 0;

  asio::awaitable<void> Run() {
    Bytes buf(65536);
    int from_client = 0, from_server = 0;
    while (true) {
      udp::endpoint from;
      auto [ec, n] = co_await socket_.async_receive_from(asio::buffer(buf), from, kNoThrow);
      if (ec) co_return;
      const bool is_client = from != server_;
      if (is_client) client_ = from;
      const int index = is_client ? from_client++ : from_server++;
      if (drop_(is_client, index)) {
        ++dropped;
        continue;
      }
      co_await socket_.async_send_to(asio::buffer(buf.data(), n), is_client ? server_ : client_, kNoThrow);
    }
  }
  void Stop() { socket_.close(); }

 private:
  udp::socket socket_;
  udp::endpoint server_, client_;
  std::function<bool(bool, int)> drop_;
};

class ScpDatagramTest : public ::testing::Test {
 protected:
  ScpDatagramTest() {
    auto& rng = crypto::SystemCsprng();
    server_static_ = crypto::X25519KeyPair::Generate(rng);
    server_id_ = std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(rng));
    client_id_ = std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(rng));
  }

  std::unique_ptr<ScpDatagramServer> MakeServer() {
    return std::make_unique<ScpDatagramServer>(
        io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
        [this] {
          scp::SessionConfig c;
          c.role = scp::Role::kResponder;
          c.transport = scp::Transport::kDatagram;
          c.noise_static = server_static_.Clone();
          c.identity = server_id_;
          return c;
        },
        clock_,
        [](ScpDatagramServer& s, const udp::endpoint& from, std::span<const uint8_t> d) {
          (void)s.Send(from, d);
        });
  }

  ScpDatagramClient MakeClient(udp::endpoint to, std::optional<crypto::Ed25519PublicKey> pin = std::nullopt) {
    udp::socket socket(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    socket.connect(to);
    scp::SessionConfig c;
    c.role = scp::Role::kInitiator;
    c.transport = scp::Transport::kDatagram;
    c.noise_static = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
    c.identity = client_id_;
    c.responder_static = server_static_.public_key;
    c.responder_identity = pin.value_or(server_id_->public_key());
    return ScpDatagramClient(std::move(socket),
                             *scp::Session::Create(std::move(c), clock_, crypto::SystemCsprng()), clock_);
  }

  // EchoWithRetry sends `msg` until its echo comes back (datagrams may be lost), at most 10 tries.
  asio::awaitable<bool> EchoWithRetry(ScpDatagramClient& client, const Bytes& msg) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      if (!co_await client.Send(msg)) co_return false;
      asio::steady_timer timer(io_);
      timer.expires_after(std::chrono::milliseconds(1200));
      auto r = co_await (client.Receive() || timer.async_wait(kNoThrow));
      if (r.index() == 0 && std::get<0>(r) && *std::get<0>(r) == msg) co_return true;
    }
    co_return false;
  }

  void RunFor(std::chrono::seconds limit) { io_.run_for(limit); }

  asio::io_context io_;
  SystemClock clock_;
  crypto::X25519KeyPair server_static_;
  std::shared_ptr<const crypto::Ed25519KeyPair> server_id_, client_id_;
};

TEST_F(ScpDatagramTest, EchoesManyMessages) {
  auto server = MakeServer();
  asio::co_spawn(io_, server->Run(), asio::detached);
  auto client = MakeClient(server->local_endpoint());
  int echoed = 0;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        const bool handshake = (co_await client.Handshake()).has_value();
        EXPECT_TRUE(handshake);
        for (int i = 0; handshake && i < 200; ++i) {
          Bytes msg(1 + i * 7 % 1200, static_cast<uint8_t>(i));
          if (co_await EchoWithRetry(client, msg)) ++echoed;
        }
        server->Stop();
      },
      asio::detached);
  RunFor(std::chrono::seconds(60));
  EXPECT_EQ(echoed, 200);
  EXPECT_TRUE(client.confirmed());
}

TEST_F(ScpDatagramTest, HandshakeSurvivesLostInitResponseAndFinish) {
  auto server = MakeServer();
  asio::co_spawn(io_, server->Run(), asio::detached);
  // Client->server: lose INIT #0 and the first final message (#2 after the resent INIT #1).
  // Server->client: lose the first RESPONSE.
  LossyProxy proxy(io_, server->local_endpoint(),
                   [](bool from_client, int i) { return from_client ? (i == 0 || i == 2) : i == 0; });
  asio::co_spawn(io_, proxy.Run(), asio::detached);
  auto client = MakeClient(proxy.endpoint());
  bool ok = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto hs = co_await client.Handshake();
        EXPECT_TRUE(hs.has_value()) << std::string(hs ? "" : hs.error().name());
        const Bytes msg = {1, 2, 3};
        ok = hs && co_await EchoWithRetry(client, msg);
        server->Stop();
        proxy.Stop();
      },
      asio::detached);
  RunFor(std::chrono::seconds(60));
  EXPECT_TRUE(ok);
  EXPECT_GE(proxy.dropped, 3);
}

TEST_F(ScpDatagramTest, ForgedAndGarbageDatagramsAreDroppedWithoutSessions) {
  auto server = MakeServer();
  asio::co_spawn(io_, server->Run(), asio::detached);
  udp::socket attacker(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  Bytes forged_init(14 + 33 + 32, 0);
  forged_init[0] = 1;
  forged_init[1] = 1;
  forged_init[13] = 33;
  attacker.send_to(asio::buffer(forged_init), server->local_endpoint());
  attacker.send_to(asio::buffer(Bytes{0xde, 0xad}), server->local_endpoint());
  auto client = MakeClient(server->local_endpoint());
  bool ok = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        const Bytes msg = {9};
        ok = (co_await client.Handshake()).has_value() && co_await EchoWithRetry(client, msg);
        EXPECT_EQ(server->session_count(), 1u);  // only the real client holds a session
        EXPECT_GE(server->dropped(), 2u);
        server->Stop();
      },
      asio::detached);
  RunFor(std::chrono::seconds(60));
  EXPECT_TRUE(ok);
}

TEST_F(ScpDatagramTest, WrongPinnedIdentityFailsTheHandshake) {
  auto server = MakeServer();
  asio::co_spawn(io_, server->Run(), asio::detached);
  const auto other = crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng());
  auto client = MakeClient(server->local_endpoint(), other.public_key());  // pins a wrong identity
  std::optional<Error> error;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto hs = co_await client.Handshake();
        if (!hs) error = hs.error();
        server->Stop();
      },
      asio::detached);
  RunFor(std::chrono::seconds(60));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, scp::Errc::kUntrustedIdentity);
}

}  // namespace
}  // namespace sc::net
