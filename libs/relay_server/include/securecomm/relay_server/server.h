// server.h: RelayServer, the asio adapter of the relay: it accepts SCP sessions over TCP, turns
// their DATA records into ClientFrames for relay::Service (run by the StoreWorker), writes the
// answers back, and pushes messages to the devices that are online (docs/protocol/relay.md §8).
//
//   RelayServer server(io, service, worker, clock, metrics, std::move(options));
//   if (auto s = server.Start(); !s) { fail(s.error()); }      // binds; port() is then known
//   io.run();                                                  // one thread runs every session
//   // SIGTERM: server.Drain(on_drained) stops accepting, lets in-flight requests finish and
//   // their answers be written, tells every session RELAY_SHUTTING_DOWN, and closes them.
//
// Delivery (at least once): after a login a session is sent its queue in id order, at most
// kDeliveryWindow unacknowledged at a time; then new messages are pushed as they commit. A
// message leaves the queue only when the device acknowledges it.
// Thread safety: everything runs on the io_context's single thread, except the service and the
// store, which run on the worker's thread.
#pragma once

#include <array>
#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/base/metrics.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/net/limits.h"
#include "securecomm/net/partial_frame_budget.h"
#include "securecomm/net/rate_limiter.h"
#include "securecomm/relay/service.h"
#include "securecomm/relay/store_worker.h"
#include "securecomm/relay_server/limits.h"

namespace sc::relay_server {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  uint16_t port = 4433;  // 0: any free port (tests); port() tells which
  crypto::X25519KeyPair noise_static;
  std::shared_ptr<const crypto::Ed25519KeyPair> identity;
  net::HandshakeLimiter::Options handshake_limits;
  size_t max_connections = kDefaultMaxConnections;
  std::chrono::seconds drain_timeout = kDefaultDrainTimeout;
  std::chrono::milliseconds write_stall_timeout = kDefaultWriteStallTimeout;  // tests shorten it
  // Frames in progress (scp.md §10): the budget all connections share, and each frame's deadline.
  size_t partial_frame_budget = kDefaultPartialFrameBudget;
  std::chrono::milliseconds frame_completion_timeout = net::kFrameCompletionTimeout;  // tests shorten it
};

// Stage: where a request's time goes inside the relay (securecomm_relay_stage_seconds{stage}),
// so that latency under load can be read off /metrics (docs/relay.md, "Metrics"):
//   store_queue   decoded -> its job starts on the store worker (waits for earlier batches)
//   store_batch   its job starts -> its batch committed (the rest of the batch and the fsync)
//   answer_queue  committed -> the io thread takes the answer (the io thread's backlog)
//   request       decoded -> answer queued for writing (the sum of the three, and the handler)
//   write         a frame queued on an idle writer -> the flush that sent it is done
//   loop_lag      how late a kLoopLagProbeInterval timer fires on the io thread
enum class Stage : size_t { kStoreQueue, kStoreBatch, kAnswerQueue, kRequest, kWrite, kLoopLag, kCount };
inline constexpr std::array<std::string_view, static_cast<size_t>(Stage::kCount)> kStageNames = {
    "store_queue", "store_batch", "answer_queue", "request", "write", "loop_lag"};

// ServerMetrics: the relay's network counters, registered in the process's Metrics registry
// (served at /metrics; docs/relay.md lists them). Readable from any thread.
struct ServerMetrics {
  explicit ServerMetrics(Metrics& registry);
  Gauge& connections_open;
  Counter& connections_total;
  Counter& connections_refused;  // over max_connections or the handshake rate
  Counter& handshakes_failed;
  Gauge& sessions_authenticated;
  LabeledCounter& requests;  // decoded requests, by the request table's name
  Counter& messages_in;      // envelopes accepted (committed)
  Counter& messages_out;     // deliveries pushed
  Counter& acks;             // message ids acknowledged
  Counter& slow_readers;     // sessions ended SLOW_READER: too far behind, or no byte taken for a while
  LabeledCounter& rejected;  // refused requests and undecodable frames, by ErrorCode name
  LabeledHistogram& stages;  // by Stage

  void Observe(Stage stage, std::chrono::steady_clock::duration d) const noexcept {
    stages.Observe(static_cast<size_t>(stage), std::chrono::duration_cast<std::chrono::nanoseconds>(d));
  }
};

class RelayServer {
 public:
  RelayServer(asio::io_context& io, relay::Service& service, relay::StoreWorker& worker, const Clock& clock,
              Metrics& metrics, ServerOptions options);
  ~RelayServer();
  RelayServer(const RelayServer&) = delete;
  RelayServer& operator=(const RelayServer&) = delete;

  // Start binds and listens, and starts accepting on the io_context. Errors: net kIoError
  // (address in use, permission).
  [[nodiscard]] Status Start();
  uint16_t port() const noexcept { return port_; }

  // Drain stops accepting, waits (up to drain_timeout) for in-flight requests to be answered,
  // ends every session with RELAY_SHUTTING_DOWN, and then calls `drained` on the io thread.
  void Drain(std::function<void()> drained);

  const ServerMetrics& metrics() const noexcept { return metrics_; }

  class Connection;  // one session (src/connection.h)

 private:
  friend class Connection;

  // InProcessDelivery: the relay core's effects (relay/effects.h) carried out on this process's
  // own sessions. Cluster mode will put a message bus behind the same interface.
  class InProcessDelivery final : public relay::EffectSink {
   public:
    explicit InProcessDelivery(RelayServer& server) : server_(&server) {}
    void Deliver(const store::StoredMessage& message) override;
    void PrekeysLow(store::DeviceAddress device, uint32_t remaining) override;
    void EndSessions(store::DeviceAddress device, relay::pb::ErrorCode reason) override;

   private:
    RelayServer* server_;
  };

  asio::awaitable<void> AcceptLoop();
  // StallSweep ends, every kStallSweepInterval, the sessions whose peer took no byte for
  // write_stall_timeout while output waited (SLOW_READER).
  asio::awaitable<void> StallSweep();
  asio::awaitable<void> LoopLagProbe();
  asio::awaitable<void> DrainLoop(std::function<void()> drained);
  void Register(const std::shared_ptr<Connection>& c, store::DeviceAddress device);
  // Unregister forgets a closing connection; `device` is the one it logged in as, if any.
  void Unregister(Connection* c, std::optional<store::DeviceAddress> device);
  // ForEachSession calls `f` for each logged-in session of `device` (f may end sessions).
  void ForEachSession(store::DeviceAddress device, const std::function<void(Connection&)>& f);

  asio::io_context* io_;
  relay::Service* service_;
  relay::StoreWorker* worker_;
  const Clock* clock_;
  ServerOptions options_;
  asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  net::HandshakeLimiter limiter_;
  ServerMetrics metrics_;
  std::shared_ptr<net::PartialFrameBudget> partial_frames_;  // every connection's stream draws on it
  InProcessDelivery delivery_{*this};
  bool draining_ = false;
  std::map<Connection*, std::weak_ptr<Connection>> connections_;
  std::multimap<store::DeviceAddress, std::weak_ptr<Connection>> sessions_;  // logged-in sessions by device
};

}  // namespace sc::relay_server
