// securecomm-scp-echo: an SCP server that echoes every message, and a client that checks the
// echo. The README's first look at the transport; the integration tests drive both.
//
//   securecomm-scp-echo server [--listen ADDR] [--port N] [--suite aesgcm|chachapoly]
//   securecomm-scp-echo client CONNECTION_STRING [--count N] [--size BYTES] [--suite ...]
//
// Exit codes: 0 success, 1 a session failed (the error is printed), 2 usage error.
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/use_awaitable.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "securecomm/base/log.h"
#include "securecomm/crypto/random.h"
#include "securecomm/net/rate_limiter.h"
#include "securecomm/net/scp_stream.h"
#include "securecomm/scp/connection_string.h"

namespace {

using namespace sc;
using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

struct Options {
  std::string mode, target, listen = "127.0.0.1";
  unsigned port = 0, count = 100, size = 1024;
  scp::NoiseSuite suite = scp::NoiseSuite::kAesGcm;
};

int Usage() {
  std::fprintf(
      stderr,
      "usage: securecomm-scp-echo server [--listen ADDR] [--port N] [--suite aesgcm|chachapoly]\n"
      "       securecomm-scp-echo client CONNECTION_STRING [--count N] [--size BYTES] [--suite ...]\n");
  return 2;
}

bool ParseOptions(int argc, char** argv, Options& o) {
  if (argc < 2) return false;
  o.mode = argv[1];
  int i = 2;
  if (o.mode == "client") {
    if (argc < 3) return false;
    o.target = argv[i++];
  } else if (o.mode != "server") {
    return false;
  }
  for (; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return false;
    const char* v = argv[++i];
    if (flag == "--listen") {
      o.listen = v;
    } else if (flag == "--port") {
      o.port = static_cast<unsigned>(std::strtoul(v, nullptr, 10));
    } else if (flag == "--count") {
      o.count = static_cast<unsigned>(std::strtoul(v, nullptr, 10));
    } else if (flag == "--size") {
      o.size = static_cast<unsigned>(std::strtoul(v, nullptr, 10));
    } else if (flag == "--suite" && std::string_view(v) == "aesgcm") {
      o.suite = scp::NoiseSuite::kAesGcm;
    } else if (flag == "--suite" && std::string_view(v) == "chachapoly") {
      o.suite = scp::NoiseSuite::kChaChaPoly;
    } else {
      return false;
    }
  }
  return o.port <= 65535 && o.size <= scp::kMaxRecordPlaintext;
}

struct Keys {
  crypto::X25519KeyPair noise = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
  std::shared_ptr<const crypto::Ed25519KeyPair> identity = std::make_shared<const crypto::Ed25519KeyPair>(
      crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
};

asio::awaitable<void> ServeOne(tcp::socket socket, scp::Session session, const Clock& clock) {
  asio::error_code ec;  // the peer may already be gone: then there is nobody to serve
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) co_return;
  const auto peer = endpoint.address().to_string();
  net::ScpStream stream(std::move(socket), std::move(session), clock);
  if (auto hs = co_await stream.Handshake(); !hs) {
    SC_LOG_WARN("session from {} refused: {}", peer, hs.error().name());
    co_return;
  }
  uint64_t messages = 0;
  while (true) {
    auto msg = co_await stream.Receive();
    if (!msg) {
      SC_LOG_INFO("session from {} ended after {} messages: {}", peer, messages, msg.error().name());
      co_return;
    }
    ++messages;
    if (!co_await stream.Send(*msg)) co_return;
  }
}

int RunServer(const Options& o) {
  asio::io_context io(1);
  SystemClock clock;
  Keys keys;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address(o.listen), static_cast<uint16_t>(o.port)));
  scp::ConnectionString cs{o.listen, acceptor.local_endpoint().port(), keys.noise.public_key,
                           keys.identity->public_key()};
  std::printf("%s\n", scp::FormatConnectionString(cs).c_str());
  std::printf("identity fingerprint: %s\n", scp::IdentityFingerprint(cs.identity).c_str());
  std::fflush(stdout);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code&, int) {
    SC_LOG_INFO("signal received: stopping");
    io.stop();
  });
  net::HandshakeLimiter limiter(net::HandshakeLimiter::Options{});
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (true) {
          auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
          if (ec) continue;
          asio::error_code pec;
          const auto peer = socket.remote_endpoint(pec);
          if (pec || !limiter.Allow(peer.address().to_string(), clock.Now())) {
            SC_LOG_WARN("handshake rate limit: refused a connection");
            continue;  // the socket closes as it goes out of scope
          }
          scp::SessionConfig cfg;
          cfg.role = scp::Role::kResponder;
          cfg.noise_static = keys.noise.Clone();
          cfg.identity = keys.identity;
          auto session = scp::Session::Create(std::move(cfg), clock, crypto::SystemCsprng());
          if (!session) continue;
          asio::co_spawn(io, ServeOne(std::move(socket), std::move(*session), clock), asio::detached);
        }
      },
      asio::detached);
  io.run();
  return 0;
}

int RunClient(const Options& o) {
  auto cs = scp::ParseConnectionString(o.target);
  if (!cs) {
    std::fprintf(stderr, "error: not a connection string: %s\n", cs.error().name().data());
    return 2;
  }
  asio::io_context io(1);
  SystemClock clock;
  Keys keys;
  int exit_code = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        tcp::socket socket(io);
        tcp::resolver resolver(io);
        auto [rec, endpoints] = co_await resolver.async_resolve(cs->host, std::to_string(cs->port), kNoThrow);
        if (rec) {
          std::fprintf(stderr, "error: cannot resolve %s\n", cs->host.c_str());
          co_return;
        }
        auto [cec, ep] = co_await asio::async_connect(socket, endpoints, kNoThrow);
        if (cec) {
          std::fprintf(stderr, "error: cannot connect: %s\n", cec.message().c_str());
          co_return;
        }
        scp::SessionConfig cfg;
        cfg.role = scp::Role::kInitiator;
        cfg.suites = {o.suite};
        cfg.noise_static = keys.noise.Clone();
        cfg.identity = keys.identity;
        cfg.responder_static = cs->noise_static;
        cfg.responder_identity = cs->identity;
        auto session = scp::Session::Create(std::move(cfg), clock, crypto::SystemCsprng());
        net::ScpStream stream(std::move(socket), std::move(*session), clock);
        if (auto hs = co_await stream.Handshake(); !hs) {
          std::fprintf(stderr, "error: handshake failed: %s\n", hs.error().name().data());
          co_return;
        }
        std::printf("connected; relay identity %s\n", scp::IdentityFingerprint(cs->identity).c_str());
        std::vector<uint8_t> msg(o.size);
        for (unsigned i = 0; i < o.count; ++i) {
          for (size_t j = 0; j < msg.size(); ++j) msg[j] = static_cast<uint8_t>(i + j);
          if (auto s = co_await stream.Send(msg); !s) {
            std::fprintf(stderr, "error: send failed: %s\n", s.error().name().data());
            co_return;
          }
          auto echo = co_await stream.Receive();
          if (!echo || *echo != msg) {
            std::fprintf(stderr, "error: echo %u: %s\n", i,
                         echo ? "wrong bytes" : echo.error().name().data());
            co_return;
          }
        }
        if (auto s = co_await stream.Close(); !s) {
          std::fprintf(stderr, "error: close: %s\n", s.error().name().data());
          co_return;
        }
        std::printf("echoed %u messages of %u bytes\n", o.count, o.size);
        exit_code = 0;
      },
      asio::detached);
  io.run();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseOptions(argc, argv, o)) return Usage();
  try {
    return o.mode == "server" ? RunServer(o) : RunClient(o);
  } catch (const std::exception& e) {  // asio setup (bind, listen) reports through exceptions
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
