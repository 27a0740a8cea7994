#include "securecomm/relay_server/server.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "securecomm/base/log.h"
#include "securecomm/crypto/random.h"
#include "securecomm/net/errors.h"

#include "connection.h"

namespace sc::relay_server {
namespace {

using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace

ServerMetrics::ServerMetrics(Metrics& m)
    : connections_open(m.AddGauge("securecomm_relay_connections_open", "Client connections open now")),
      connections_total(m.AddCounter("securecomm_relay_connections_total", "Client connections accepted")),
      connections_refused(m.AddCounter("securecomm_relay_connections_refused_total",
                                       "Connections refused: over max_connections or the handshake rate")),
      handshakes_failed(
          m.AddCounter("securecomm_relay_handshakes_failed_total", "SCP handshakes that failed")),
      sessions_authenticated(m.AddGauge("securecomm_relay_sessions_authenticated", "Logged-in sessions now")),
      requests(m.AddLabeledCounter("securecomm_relay_requests_total", "Requests decoded, by type", "type")),
      messages_in(m.AddCounter("securecomm_relay_messages_in_total", "Envelopes accepted and committed")),
      messages_out(m.AddCounter("securecomm_relay_messages_out_total", "Deliveries pushed to devices")),
      acks(m.AddCounter("securecomm_relay_acks_total", "Message ids acknowledged by devices")),
      slow_readers(m.AddCounter("securecomm_relay_slow_readers_total",
                                "Sessions ended SLOW_READER: too far behind, or no byte taken for a while")),
      rejected(m.AddLabeledCounter("securecomm_relay_rejected_total",
                                   "Refused requests and undecodable frames, by error code", "reason")),
      stages(m.AddLabeledHistogram(
          "securecomm_relay_stage_seconds", "Time requests and writes spend in each stage of the relay",
          "stage", {kStageNames.begin(), kStageNames.end()},
          {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0})) {
}

RelayServer::RelayServer(asio::io_context& io, relay::Service& service, relay::StoreWorker& worker,
                         const Clock& clock, Metrics& metrics, ServerOptions options)
    : io_(&io),
      service_(&service),
      worker_(&worker),
      clock_(&clock),
      options_(std::move(options)),
      acceptor_(io),
      limiter_(options_.handshake_limits),
      metrics_(metrics),
      partial_frames_(std::make_shared<net::PartialFrameBudget>(options_.partial_frame_budget)) {
  metrics.AddGaugeCallback("securecomm_relay_partial_frame_bytes",
                           "Read-buffer bytes of frames in progress drawn from the shared budget",
                           [budget = partial_frames_] { return static_cast<double>(budget->used()); });
}

RelayServer::~RelayServer() = default;

Status RelayServer::Start() {
  asio::error_code ec;
  const auto address = asio::ip::make_address(options_.listen_address, ec);
  if (ec) return Fail(net::Errc::kIoError);
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    SC_LOG_ERROR("cannot listen on {}:{}: {}", options_.listen_address, options_.port, ec.message());
    return Fail(net::Errc::kIoError);
  }
  port_ = acceptor_.local_endpoint(ec).port();
  // Spawned from inside the io_context: asio 1.22 allocates a coroutine frame created outside
  // its thread with operator new but may free it with free() inside (its frame recycling).
  asio::post(*io_, [this] {
    asio::co_spawn(*io_, AcceptLoop(), asio::detached);
    asio::co_spawn(*io_, StallSweep(), asio::detached);
    asio::co_spawn(*io_, LoopLagProbe(), asio::detached);
  });
  return OkStatus();
}

asio::awaitable<void> RelayServer::StallSweep() {
  asio::steady_timer timer(*io_);
  while (!draining_) {
    timer.expires_after(kStallSweepInterval);
    (void)co_await timer.async_wait(kNoThrow);
    const auto now = clock_->Now();
    std::vector<std::shared_ptr<Connection>> stalled;  // End edits connections_
    for (auto& [raw, weak] : connections_) {
      if (auto c = weak.lock(); c && c->WriteStalled(now)) stalled.push_back(std::move(c));
    }
    for (auto& c : stalled) {
      metrics_.slow_readers.Inc();
      SC_LOG_INFO("a session took no bytes for {} ms: ended SLOW_READER, its queue is kept",
                  options_.write_stall_timeout.count());
      c->End(relay::pb::SLOW_READER);
    }
  }
}

asio::awaitable<void> RelayServer::LoopLagProbe() {
  asio::steady_timer timer(*io_);
  while (!draining_) {
    timer.expires_after(kLoopLagProbeInterval);
    (void)co_await timer.async_wait(kNoThrow);
    metrics_.Observe(Stage::kLoopLag, std::chrono::steady_clock::now() - timer.expiry());
  }
}

void RelayServer::InProcessDelivery::Deliver(const store::StoredMessage& message) {
  server_->ForEachSession(message.recipient, [&](Connection& c) { c.OfferLive(message); });
}

void RelayServer::InProcessDelivery::PrekeysLow(store::DeviceAddress device, uint32_t remaining) {
  relay::pb::Push push;
  push.mutable_prekeys_low()->set_one_time_remaining(remaining);
  server_->ForEachSession(device, [&](Connection& c) { c.SendPush(push); });
}

void RelayServer::InProcessDelivery::EndSessions(store::DeviceAddress device, relay::pb::ErrorCode reason) {
  server_->ForEachSession(device, [&](Connection& c) { c.End(reason); });
}

asio::awaitable<void> RelayServer::AcceptLoop() {
  asio::steady_timer backoff(*io_);
  while (!draining_) {
    auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
    if (ec == asio::error::operation_aborted || draining_) break;
    if (ec) {  // EMFILE and the like: wait instead of spinning
      SC_LOG_WARN("accept failed: {}", ec.message());
      backoff.expires_after(kAcceptBackoff);
      (void)co_await backoff.async_wait(kNoThrow);
      continue;
    }
    asio::error_code pec;
    const auto peer = socket.remote_endpoint(pec);
    if (pec) continue;  // gone already
    const auto peer_address = peer.address().to_string();
    if (connections_.size() >= options_.max_connections || !limiter_.Allow(peer_address, clock_->Now())) {
      metrics_.connections_refused.Inc();
      continue;  // the socket closes as it goes out of scope
    }
    scp::SessionConfig config;
    config.role = scp::Role::kResponder;
    config.noise_static = options_.noise_static.Clone();
    config.identity = options_.identity;
    auto session = scp::Session::Create(std::move(config), *clock_, crypto::SystemCsprng());
    if (!session) continue;
    auto connection = std::make_shared<Connection>(
        *this,
        net::ScpStream(
            std::move(socket), std::move(*session), *clock_,
            {.budget = partial_frames_, .frame_completion_timeout = options_.frame_completion_timeout}),
        peer_address);
    connections_.emplace(connection.get(), connection);
    metrics_.connections_open.Set(static_cast<int64_t>(connections_.size()));
    metrics_.connections_total.Inc();
    asio::co_spawn(*io_, connection->Run(), asio::detached);
  }
}

void RelayServer::Register(const std::shared_ptr<Connection>& c, store::DeviceAddress device) {
  sessions_.emplace(device, c);
}

void RelayServer::Unregister(Connection* c, std::optional<store::DeviceAddress> device) {
  if (connections_.erase(c) == 0) return;
  metrics_.connections_open.Set(static_cast<int64_t>(connections_.size()));
  if (!device) return;  // never logged in: it has no entry in sessions_
  // Only this device's sessions: a scan of every session per close made tearing down 19,000
  // connections take 50 s (bench/README.md), longer than a SIGTERM drain may.
  auto [begin, end] = sessions_.equal_range(*device);
  for (auto it = begin; it != end;) {
    auto locked = it->second.lock();
    if (!locked || locked.get() == c) {
      if (locked) metrics_.sessions_authenticated.Add(-1);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

void RelayServer::ForEachSession(store::DeviceAddress device, const std::function<void(Connection&)>& f) {
  auto [begin, end] = sessions_.equal_range(device);
  std::vector<std::shared_ptr<Connection>> targets;  // f may end a session, which edits the map
  for (auto it = begin; it != end; ++it) {
    if (auto c = it->second.lock()) targets.push_back(std::move(c));
  }
  for (auto& c : targets) f(*c);
}

void RelayServer::Drain(std::function<void()> drained) {
  if (draining_) return;
  draining_ = true;
  asio::error_code ignored;
  acceptor_.close(ignored);
  asio::co_spawn(*io_, DrainLoop(std::move(drained)), asio::detached);
}

asio::awaitable<void> RelayServer::DrainLoop(std::function<void()> drained) {
  asio::steady_timer timer(*io_);
  const auto deadline = clock_->Now() + options_.drain_timeout;
  auto busy = [&] {
    for (auto& [raw, weak] : connections_) {
      if (auto c = weak.lock(); c && (!c->idle() || c->flushing())) return true;
    }
    return false;
  };
  while (busy() && clock_->Now() < deadline) {
    timer.expires_after(kDrainPoll);
    (void)co_await timer.async_wait(kNoThrow);
  }
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [raw, weak] : connections_) {
    if (auto c = weak.lock()) all.push_back(std::move(c));
  }
  for (auto& c : all) c->End(relay::pb::RELAY_SHUTTING_DOWN);
  // Give the notices a moment to be written (bounded), then report.
  const auto notice_deadline = clock_->Now() + kDrainNoticeTimeout;
  while (clock_->Now() < notice_deadline) {
    bool writing = false;
    for (auto& c : all) writing = writing || c->flushing();
    if (!writing) break;
    timer.expires_after(kDrainPoll);
    (void)co_await timer.async_wait(kNoThrow);
  }
  SC_LOG_INFO("relay drained: {} sessions ended", all.size());
  drained();
}

}  // namespace sc::relay_server
