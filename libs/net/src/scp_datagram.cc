#include "securecomm/net/scp_datagram.h"

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <variant>

#include "securecomm/base/log.h"
#include "securecomm/crypto/random.h"
#include "securecomm/net/errors.h"
#include "securecomm/net/limits.h"

namespace sc::net {
namespace {

using asio::experimental::awaitable_operators::operator||;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

// IsInit: whether a datagram's type byte is the handshake's first message (scp.md §3).
bool IsInit(std::span<const uint8_t> d) {
  if (d.size() <= 1) return false;
  const scp::FrameTypeInfo* row = scp::FindFrameType(d[1]);
  return row != nullptr && row->handshake == scp::HandshakeUse::kMessage1;
}

}  // namespace

// ---- client ----

ScpDatagramClient::ScpDatagramClient(asio::ip::udp::socket socket, scp::Session session, const Clock& clock)
    : socket_(std::move(socket)), session_(std::move(session)), clock_(&clock), buf_(kMaxDatagram) {}

asio::awaitable<Status> ScpDatagramClient::Flush() {
  for (auto& frame : session_.TakeFrames()) {
    auto [ec, n] = co_await socket_.async_send(asio::buffer(frame), kNoThrow);
    if (ec) co_return Fail(Errc::kIoError);
    if (!confirmed_) last_flight_.push_back(std::move(frame));
  }
  co_return OkStatus();
}

asio::awaitable<Result<scp::SessionEvent>> ScpDatagramClient::Step() {
  int resends = 0;
  while (true) {
    asio::steady_timer timer(socket_.get_executor());
    auto wait = session_.NextDeadline() - clock_->Now();
    if (!confirmed_) wait = std::min<Clock::Duration>(wait, kHandshakeResend);
    timer.expires_after(std::max(wait, Clock::Duration::zero()));
    auto result =
        co_await (socket_.async_receive(asio::buffer(buf_), kNoThrow) || timer.async_wait(kNoThrow));
    if (result.index() == 1) {
      if (!confirmed_) {  // the last flight may have been lost: send it again
        if (++resends > kMaxResends) co_return Fail(Errc::kTimeout);
        for (const auto& f : last_flight_) {
          co_await socket_.async_send(asio::buffer(f), kNoThrow);
        }
      }
      auto tick = session_.OnTick();
      if (auto s = co_await Flush(); !s) co_return Fail(s.error());
      if (!tick) co_return Fail(tick.error());
      continue;
    }
    auto [ec, n] = std::get<0>(result);
    if (ec) co_return Fail(Errc::kIoError);
    auto event = session_.HandleFrame(std::span<const uint8_t>(buf_.data(), n));
    if (auto s = co_await Flush(); !s) co_return Fail(s.error());
    if (!event) {
      if (session_.state() == scp::SessionState::kFailed) co_return Fail(event.error());
      ++dropped_;  // spoofed, damaged or replayed: drop and keep going
      continue;
    }
    if (session_.state() == scp::SessionState::kEstablished &&
        event->kind != scp::SessionEvent::kEstablished) {
      confirmed_ = true;  // the server holds our final handshake message: stop resending it
      last_flight_.clear();
    }
    co_return *event;
  }
}

asio::awaitable<Status> ScpDatagramClient::Handshake() {
  if (auto s = session_.Start(); !s) co_return s;
  if (auto s = co_await Flush(); !s) co_return s;
  while (session_.state() != scp::SessionState::kEstablished) {
    const size_t before = last_flight_.size();
    auto event = co_await Step();
    if (!event) co_return Fail(event.error());
    if (event->kind == scp::SessionEvent::kPeerError) co_return Fail(scp::Errc::kPeerError);
    if (event->kind == scp::SessionEvent::kEstablished) {
      // From now on resend only the final message, until a record from the server confirms it.
      last_flight_.erase(last_flight_.begin(), last_flight_.begin() + static_cast<std::ptrdiff_t>(before));
    }
  }
  co_return OkStatus();
}

asio::awaitable<Status> ScpDatagramClient::Send(std::span<const uint8_t> data) {
  if (auto s = session_.Send(data); !s) co_return s;
  // Records are never resent (datagrams are unreliable by contract); keep them out of the flight.
  const bool was_confirmed = confirmed_;
  confirmed_ = true;
  auto s = co_await Flush();
  confirmed_ = was_confirmed;
  co_return s;
}

asio::awaitable<Result<std::vector<uint8_t>>> ScpDatagramClient::Receive() {
  while (true) {
    auto event = co_await Step();
    if (!event) co_return Fail(event.error());
    switch (event->kind) {
      case scp::SessionEvent::kData: {
        const auto d = session_.received();
        co_return std::vector<uint8_t>(d.begin(), d.end());
      }
      case scp::SessionEvent::kClosed:
        co_return Fail(scp::Errc::kClosed);
      case scp::SessionEvent::kPeerError:
        co_return Fail(scp::Errc::kPeerError);
      default:
        break;
    }
  }
}

// ---- server ----

struct ScpDatagramServer::Peer {
  scp::Session session;
  std::vector<uint8_t> init;                   // the INIT that created the session
  std::vector<std::vector<uint8_t>> response;  // resent when the same INIT arrives again
};

ScpDatagramServer::ScpDatagramServer(asio::io_context& io, const Endpoint& bind, MakeConfig make_config,
                                     const Clock& clock, OnData on_data)
    : socket_(io, bind), make_config_(std::move(make_config)), clock_(&clock), on_data_(std::move(on_data)) {}

ScpDatagramServer::~ScpDatagramServer() = default;

ScpDatagramServer::Endpoint ScpDatagramServer::local_endpoint() const {
  asio::error_code ec;  // a closed socket has no endpoint: report the empty one, never throw
  return socket_.local_endpoint(ec);
}
size_t ScpDatagramServer::session_count() const noexcept {
  return peers_.size();
}

void ScpDatagramServer::Stop() {
  stopped_ = true;
  asio::error_code ignored;
  socket_.close(ignored);
}

void ScpDatagramServer::FlushPeer(const Endpoint& to, Peer& peer) {
  for (auto& frame : peer.session.TakeFrames()) {
    asio::error_code ec;  // UDP: the kernel takes the datagram or drops it; it never blocks long
    socket_.send_to(asio::buffer(frame), to, 0, ec);
    if (peer.session.state() == scp::SessionState::kAwaitFinish) peer.response.push_back(std::move(frame));
  }
}

Status ScpDatagramServer::Send(const Endpoint& to, std::span<const uint8_t> data) {
  auto it = peers_.find(to);
  if (it == peers_.end()) return Fail(scp::Errc::kClosed);
  if (auto s = it->second->session.Send(data); !s) return s;
  FlushPeer(to, *it->second);
  return OkStatus();
}

void ScpDatagramServer::Dispatch(const Endpoint& from, std::span<const uint8_t> datagram) {
  auto it = peers_.find(from);
  if (it == peers_.end()) {
    if (!IsInit(datagram) || peers_.size() >= kMaxDatagramSessions ||
        !limiter_.Allow(from.address().to_string(), clock_->Now())) {
      ++dropped_;
      return;
    }
    auto session = scp::Session::Create(make_config_(), *clock_, crypto::SystemCsprng());
    if (!session) return;
    auto peer = std::make_unique<Peer>(Peer{std::move(*session), {datagram.begin(), datagram.end()}, {}});
    auto event = peer->session.HandleFrame(datagram);
    FlushPeer(from, *peer);  // the RESPONSE, or an ERROR for an authenticated refusal
    if (!event || peer->session.state() != scp::SessionState::kAwaitFinish) {
      ++dropped_;
      return;
    }
    peers_.emplace(from, std::move(peer));
    return;
  }
  Peer& peer = *it->second;
  if (peer.session.state() == scp::SessionState::kAwaitFinish && IsInit(datagram) &&
      std::equal(datagram.begin(), datagram.end(), peer.init.begin(), peer.init.end())) {
    for (const auto& f : peer.response) {  // our RESPONSE was lost: send it again
      asio::error_code ec;
      socket_.send_to(asio::buffer(f), from, 0, ec);
    }
    return;
  }
  auto event = peer.session.HandleFrame(datagram);
  if (event && event->kind == scp::SessionEvent::kEstablished) {
    peer.response.clear();
    peer.init.clear();
    (void)peer.session.SendKeepalive();  // confirms the handshake to the client
  }
  FlushPeer(from, peer);
  if (!event) ++dropped_;
  if (event && event->kind == scp::SessionEvent::kData) on_data_(*this, from, peer.session.received());
  const auto state = peer.session.state();
  if (state == scp::SessionState::kFailed || state == scp::SessionState::kClosed) peers_.erase(from);
}

void ScpDatagramServer::Tick() {
  for (auto it = peers_.begin(); it != peers_.end();) {
    (void)it->second->session.OnTick();
    FlushPeer(it->first, *it->second);
    const auto state = it->second->session.state();
    if (state == scp::SessionState::kFailed || state == scp::SessionState::kClosed) {
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
}

asio::awaitable<void> ScpDatagramServer::Run() {
  std::vector<uint8_t> buf(kMaxDatagram);
  constexpr auto kTick = std::chrono::seconds(1);  // timers are coarse: keepalive 10 s, idle 30 s
  auto next_tick = std::chrono::steady_clock::now() + kTick;
  while (!stopped_) {
    asio::steady_timer timer(socket_.get_executor());
    timer.expires_at(next_tick);
    Endpoint from;
    auto result = co_await (socket_.async_receive_from(asio::buffer(buf), from, kNoThrow) ||
                            timer.async_wait(kNoThrow));
    if (result.index() == 1) {
      Tick();
      next_tick = std::chrono::steady_clock::now() + kTick;
      continue;
    }
    auto [ec, n] = std::get<0>(result);
    if (ec == asio::error::operation_aborted || stopped_) break;
    if (ec) continue;  // e.g. ICMP port unreachable reported on the socket: not fatal for a server
    Dispatch(from, std::span<const uint8_t>(buf.data(), n));
  }
}

}  // namespace sc::net
