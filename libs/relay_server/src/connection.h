// connection.h (private): one client session of the RelayServer, as a state machine: its
// receive loop, its requests in flight at the store worker, its writer, and its delivery state
// (relay.md §8). Every transition is a named method; every timer is in limits.h.
//
//   State:     kHandshake -> kServing -> kEnding -> kClosed     (or straight to kClosed)
//   Writer:    kIdle <-> kFlushing                              (one flush coroutine at a time)
//   Delivery:  kOff -> kCatchingUp <-> kFetching -> kLive -> kCatchingUp (window full) ...
#pragma once

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "securecomm/net/scp_stream.h"
#include "securecomm/relay/delivery_window.h"
#include "securecomm/relay/service.h"
#include "securecomm/relay_server/server.h"

namespace sc::relay_server {

class RelayServer::Connection : public std::enable_shared_from_this<RelayServer::Connection> {
 public:
  enum class State {
    kHandshake,  // SCP handshake running; nothing served
    kServing,    // requests are read, answered, and pushes written
    kEnding,     // End(reason) is writing its SessionEnded notice; nothing more is served
    kClosed,     // the socket is closed; the connection only waits for its coroutines to finish
  };
  enum class Writer {
    kIdle,      // nothing being written
    kFlushing,  // a flush coroutine writes the queued output (it picks up what is queued meanwhile)
  };
  // Lane: the priority lane (relay.md §7.4) is written before any ordinary output still queued.
  enum class Lane { kOrdinary, kUrgent };
  enum class Delivery {
    kOff,         // not logged in, or a send-only session: no deliveries
    kCatchingUp,  // reading the queue; waits for acks while the window is full
    kFetching,    // a queue read is at the store worker
    kLive,        // caught up: new messages are pushed as they commit
  };

  Connection(RelayServer& server, net::ScpStream stream, std::string peer_address);

  // Run: handshake, then requests until the peer leaves or the session is ended.
  asio::awaitable<void> Run();

  // OfferLive pushes a committed message if this session is live and its window has room.
  void OfferLive(const store::StoredMessage& message);
  void SendPush(const relay::pb::Push& push);
  // End tells the peer why (if `reason` is not OK) and closes the socket.
  void End(relay::pb::ErrorCode reason);
  bool idle() const noexcept { return inflight_requests_ == 0 && delivery_ != Delivery::kFetching; }
  bool flushing() const noexcept { return writer_ == Writer::kFlushing; }
  // WriteStalled: output has been waiting for the peer (in the relay or in the kernel's send
  // queue) and the peer has taken no byte of it for write_stall_timeout. Called by the server's
  // sweep every kStallSweepInterval, which then ends the session with SLOW_READER.
  bool WriteStalled(Clock::TimePoint now) noexcept;

 private:
  struct Request;
  bool open() const noexcept { return state_ == State::kServing; }
  void Submit(relay::pb::ClientFrame frame, std::chrono::steady_clock::time_point decoded);
  void OnAnswered(const std::shared_ptr<Request>& request, bool committed);
  void ApplyOwnEffects(const relay::Effects& effects);
  void Reject(relay::pb::ErrorCode code, uint64_t request_id, std::chrono::milliseconds retry_after = {});
  void Write(const relay::pb::ServerFrame& frame, Lane lane = Lane::kOrdinary);
  void ScheduleFlush();
  void CloseSocket();
  void StartDelivery();
  void FetchMore();
  void OnFetched(Result<std::vector<store::StoredMessage>> fetched, uint32_t room,
                 Result<std::vector<store::StoredMessage>> urgent);
  void Deliver(const store::StoredMessage& message);

  RelayServer* server_;
  net::ScpStream stream_;
  std::string peer_address_;
  asio::steady_timer wake_;  // the receive loop waits here while kMaxInflightRequests are out
  State state_ = State::kHandshake;
  Writer writer_ = Writer::kIdle;
  uint32_t inflight_requests_ = 0;
  uint32_t bad_frames_ = 0;
  std::chrono::steady_clock::time_point oldest_unwritten_{};  // first frame queued on an idle writer
  uint64_t peer_took_ = 0;           // bytes the peer had taken at the last sweep that saw progress
  Clock::TimePoint peer_took_at_{};  // when that was

  // Touched only on the store worker's thread (through the jobs).
  relay::SessionContext context_;

  // Delivery (io thread).
  std::optional<store::DeviceAddress> device_;
  Delivery delivery_ = Delivery::kOff;
  relay::DeliveryWindow window_;
  bool urgent_read_ = false;  // the urgent messages queued at login were read (the first fetch does)
};

}  // namespace sc::relay_server
