// connection.h (private): one client session of the RelayServer: its receive loop, its
// requests in flight at the store worker, and its delivery state (relay.md §8).
#pragma once

#include <memory>
#include <map>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include "securecomm/net/scp_stream.h"
#include "securecomm/relay/service.h"
#include "securecomm/relay_server/server.h"

namespace sc::relay_server {

class RelayServer::Connection : public std::enable_shared_from_this<RelayServer::Connection> {
 public:
  Connection(RelayServer& server, net::ScpStream stream, std::string peer_address);

  // Run: handshake, then requests until the peer leaves or the session is ended.
  asio::awaitable<void> Run();

  // Push helpers (io thread).
  void OfferLive(const store::StoredMessage& message);
  void SendPush(const relay::pb::Push& push);
  // End tells the peer why (if `reason` is not OK) and closes the socket.
  void End(relay::pb::ErrorCode reason);
  bool idle() const noexcept { return inflight_requests_ == 0 && !fetching_; }
  bool flushing() const noexcept { return flush_scheduled_; }

 private:
  struct Request;
  void Submit(relay::pb::ClientFrame frame);
  void OnAnswered(const std::shared_ptr<Request>& request, bool committed);
  void Reject(relay::pb::ErrorCode code, uint64_t request_id);
  void Write(const relay::pb::ServerFrame& frame);
  void ScheduleFlush();
  void StartDelivery();
  void FetchMore();
  void Deliver(const store::StoredMessage& message);

  RelayServer* server_;
  net::ScpStream stream_;
  std::string peer_address_;
  asio::steady_timer wake_;  // the receive loop waits here while kMaxInflightRequests are out
  bool closed_ = false;
  bool ending_ = false;  // End(reason) is writing its notice; it closes the socket after
  bool flush_scheduled_ = false;
  uint32_t inflight_requests_ = 0;
  uint32_t bad_frames_ = 0;

  // Touched only on the store worker's thread (through the jobs).
  relay::SessionContext context_;

  // Delivery (io thread).
  std::optional<store::DeviceAddress> device_;
  bool delivering_ = false;  // a delivery session (not send_only)
  bool live_ = false;        // caught up with the queue: new messages are pushed as they commit
  bool fetching_ = false;
  bool drained_told_ = false;
  store::MessageId last_pushed_ = 0;
  std::map<store::MessageId, size_t> unacked_;  // pushed, not yet acknowledged: id -> payload bytes
  size_t unacked_bytes_ = 0;
  bool WindowFull() const noexcept;
};

}  // namespace sc::relay_server
