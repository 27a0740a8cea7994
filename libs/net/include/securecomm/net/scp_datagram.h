// scp_datagram.h: SCP over UDP with asio C++20 coroutines (docs/protocol/scp.md §8.1): one frame
// per datagram, a sliding replay window, forged or damaged datagrams dropped without ending the
// session, and handshake flights resent until answered.
//
//   // server: one socket, many sessions keyed by the peer's address
//   ScpDatagramServer server(io, endpoint, make_config, clock,
//       [](ScpDatagramServer& s, const udp::endpoint& from, std::span<const uint8_t> data) {
//         (void)s.Send(from, data);                 // echo
//       });
//   asio::co_spawn(io, server.Run(), asio::detached);
//
//   // client: a connected socket, one session
//   ScpDatagramClient client(std::move(socket), std::move(session), clock);
//   co_await client.Handshake();  co_await client.Send(msg);  auto reply = co_await client.Receive();
//
// Bounded: a datagram is at most kMaxDatagram bytes, a server holds at most kMaxDatagramSessions
// sessions (new INITs past it are dropped), new handshakes per source address are rate limited
// (HandshakeLimiter), and output is written before the next datagram is read.
// One coroutine at a time may use a client; a server runs on one io_context thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/net/rate_limiter.h"
#include "securecomm/scp/session.h"

namespace sc::net {

class ScpDatagramClient {
 public:
  // REQUIRES: `socket` is connected to the server; the session's transport is kDatagram.
  ScpDatagramClient(asio::ip::udp::socket socket, scp::Session session, const Clock& clock);

  // Handshake sends INIT (resent every kHandshakeResend, at most kMaxResends times) and completes
  // the handshake. Until the server's first record arrives, the final handshake message is resent
  // with each timer tick (it may have been lost). Errors: the session's, net kTimeout, kIoError.
  [[nodiscard]] asio::awaitable<Status> Handshake();
  // Send seals one DATA record into one datagram.
  [[nodiscard]] asio::awaitable<Status> Send(std::span<const uint8_t> data);
  // Receive returns the next DATA payload; bad datagrams are dropped and counted.
  [[nodiscard]] asio::awaitable<Result<std::vector<uint8_t>>> Receive();

  const scp::Session& session() const noexcept { return session_; }
  uint64_t dropped() const noexcept { return dropped_; }
  // confirmed: whether a record from the server showed it completed the handshake.
  bool confirmed() const noexcept { return confirmed_; }

 private:
  asio::awaitable<Status> Flush();
  asio::awaitable<Result<scp::SessionEvent>> Step();

  asio::ip::udp::socket socket_;
  scp::Session session_;
  const Clock* clock_;
  std::vector<uint8_t> buf_;
  std::vector<std::vector<uint8_t>> last_flight_;  // resent until the peer answers
  bool confirmed_ = false;                         // a record from the server has arrived
  uint64_t dropped_ = 0;
};

class ScpDatagramServer {
 public:
  using Endpoint = asio::ip::udp::endpoint;
  // MakeConfig returns a fresh responder configuration (keys shared, kDatagram transport).
  using MakeConfig = std::function<scp::SessionConfig()>;
  using OnData = std::function<void(ScpDatagramServer&, const Endpoint&, std::span<const uint8_t>)>;

  ScpDatagramServer(asio::io_context& io, const Endpoint& bind, MakeConfig make_config, const Clock& clock,
                    OnData on_data);
  ~ScpDatagramServer();

  // Run receives and dispatches datagrams until Stop(); also runs every session's timers.
  asio::awaitable<void> Run();
  void Stop();

  // Send queues one DATA record to an established peer and writes it. kClosed if there is none.
  [[nodiscard]] Status Send(const Endpoint& to, std::span<const uint8_t> data);

  Endpoint local_endpoint() const;
  size_t session_count() const noexcept;
  uint64_t dropped() const noexcept { return dropped_; }

 private:
  struct Peer;
  void Dispatch(const Endpoint& from, std::span<const uint8_t> datagram);
  void FlushPeer(const Endpoint& to, Peer& peer);
  void Tick();

  asio::ip::udp::socket socket_;
  MakeConfig make_config_;
  const Clock* clock_;
  OnData on_data_;
  std::map<Endpoint, std::unique_ptr<Peer>> peers_;
  HandshakeLimiter limiter_{HandshakeLimiter::Options{}};  // new INITs per source address
  uint64_t dropped_ = 0;
  bool stopped_ = false;
};

}  // namespace sc::net
