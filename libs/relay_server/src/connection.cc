#include "connection.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "securecomm/base/bytes.h"
#include "securecomm/base/log.h"
#include "securecomm/proto/pushes.h"
#include "securecomm/relay/requests.h"
#include "securecomm/store/errors.h"

namespace sc::relay_server {
namespace {

namespace pb = relay::pb;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

void Count(const ServerMetrics& metrics, pb::ErrorCode code) {
  metrics.rejected.Inc(pb::ErrorCode_Name(code));
}

// IsUrgent: a request in the priority lane (relay.md §7.4): a send with an urgent envelope.
bool IsUrgent(const pb::ClientFrame& frame) {
  if (!frame.has_send()) return false;
  const auto& envelopes = frame.send().envelopes();
  return std::any_of(envelopes.begin(), envelopes.end(), [](const pb::Envelope& e) { return e.urgent(); });
}

}  // namespace

struct RelayServer::Connection::Request {
  pb::ClientFrame frame;
  relay::Outcome outcome;
  bool urgent = false;  // in the priority lane (IsUrgent)
  // The stages of server.h's Stage, for /metrics.
  std::chrono::steady_clock::time_point decoded, started, committed;
};

RelayServer::Connection::Connection(RelayServer& server, net::ScpStream stream, std::string peer_address)
    : server_(&server),
      stream_(std::move(stream)),
      peer_address_(std::move(peer_address)),
      wake_(stream_.socket().get_executor()) {
  context_.peer_address = peer_address_;
}

// ---- Receive loop: kHandshake -> kServing -> (peer leaves) kClosed ----

asio::awaitable<void> RelayServer::Connection::Run() {
  auto self = shared_from_this();
  if (auto hs = co_await stream_.Handshake(); !hs) {
    server_->metrics_.handshakes_failed.Inc();
    SC_LOG_DEBUG("handshake from {} failed: {}", peer_address_, hs.error().name());
    CloseSocket();
    server_->Unregister(this, device_);
    co_return;
  }
  if (state_ == State::kHandshake) state_ = State::kServing;
  const auto& identity = *stream_.session().peer_identity();
  std::copy(identity.span().begin(), identity.span().end(), context_.peer_identity.begin());

  while (state_ != State::kClosed) {
    auto record = co_await stream_.ReceiveView();
    if (!record) break;
    const auto received = std::chrono::steady_clock::now();
    pb::ClientFrame frame;
    if (!frame.ParseFromArray(AsChars(*record).data(), static_cast<int>(record->size()))) {
      Count(server_->metrics_, pb::MALFORMED_FRAME);
      Reject(pb::MALFORMED_FRAME, 0);
      if (++bad_frames_ >= kMaxBadFrames) {
        End(pb::TOO_MANY_BAD_FRAMES);
        break;
      }
      continue;
    }
    if (!open()) continue;  // kEnding: nothing more is served
    const relay::RequestType* type = relay::FindRequestType(frame.body_case());
    const std::string_view name = type != nullptr ? type->name : "unknown";
    server_->metrics_.requests.Inc(name);
    SC_LOG_DEBUG("session {}: request {} ({})", peer_address_, frame.request_id(), name);
    Submit(std::move(frame), received);
    while (inflight_requests_ >= kMaxInflightRequests && state_ != State::kClosed) {
      wake_.expires_after(kInflightRecheck);
      (void)co_await wake_.async_wait(kNoThrow);
    }
  }
  if (state_ != State::kEnding) CloseSocket();  // an End in progress closes once its notice is out
  server_->Unregister(this, device_);
}

// ---- Requests ----

void RelayServer::Connection::Submit(pb::ClientFrame frame, std::chrono::steady_clock::time_point decoded) {
  auto request = std::make_shared<Request>();
  request->frame = std::move(frame);
  request->decoded = decoded;
  request->urgent = IsUrgent(request->frame);
  auto self = shared_from_this();
  relay::Service* service = server_->service_;
  asio::io_context* io = server_->io_;
  ++inflight_requests_;
  const bool queued = server_->worker_->Submit(
      [self, request, service](store::RelayStore&) {
        request->started = std::chrono::steady_clock::now();
        request->outcome = service->Handle(self->context_, request->frame);
        return request->outcome.ok() || request->outcome.keep_writes;
      },
      [self, request, io](Status committed) {
        request->committed = std::chrono::steady_clock::now();
        if (committed) relay::Service::ApplyCommitted(self->context_, request->outcome);
        asio::post(*io,
                   [self, request, ok = static_cast<bool>(committed)] { self->OnAnswered(request, ok); });
      },
      request->urgent ? relay::StoreWorker::Priority::kUrgent : relay::StoreWorker::Priority::kOrdinary);
  if (!queued) {  // the worker's queue is full: backpressure, nothing was written
    --inflight_requests_;
    Count(server_->metrics_, pb::RELAY_BUSY);
    Reject(pb::RELAY_BUSY, request->frame.request_id(), kBusyRetryAfter);
  }
}

void RelayServer::Connection::OnAnswered(const std::shared_ptr<Request>& request, bool committed) {
  --inflight_requests_;
  wake_.cancel();
  const ServerMetrics& metrics = server_->metrics_;
  metrics.Observe(Stage::kStoreQueue, request->started - request->decoded);
  metrics.Observe(Stage::kStoreBatch, request->committed - request->started);
  metrics.Observe(Stage::kAnswerQueue, std::chrono::steady_clock::now() - request->committed);
  auto& outcome = request->outcome;
  if (!committed) {  // the commit failed: nothing the request wrote exists, and nothing happens
    outcome.response.Clear();
    outcome.response.set_request_id(request->frame.request_id());
    outcome.response.set_error(pb::STORAGE_FAILURE);
    outcome.effects = {};
  }
  if (outcome.response.error() != pb::OK) Count(server_->metrics_, outcome.response.error());
  SC_LOG_DEBUG("session {}: answered {} with {}", peer_address_, outcome.response.request_id(),
               pb::ErrorCode_Name(outcome.response.error()));
  if (state_ != State::kClosed) {
    pb::ServerFrame frame;
    *frame.mutable_response() = std::move(outcome.response);
    Write(frame, request->urgent ? Lane::kUrgent : Lane::kOrdinary);
  }
  metrics.Observe(Stage::kRequest, std::chrono::steady_clock::now() - request->decoded);
  server_->metrics_.messages_in.Inc(outcome.effects.new_messages.size());
  relay::Publish(outcome.effects, server_->delivery_);
  ApplyOwnEffects(outcome.effects);
  if (outcome.response.error() == pb::DEVICE_REMOVED) End(pb::DEVICE_REMOVED);
}

// ApplyOwnEffects: the effects on this session itself (effects.h).
void RelayServer::Connection::ApplyOwnEffects(const relay::Effects& effects) {
  if (effects.logged_in && state_ != State::kClosed) {
    device_ = effects.logged_in;
    // Every logged-in session is registered, so that removing its device ends it; only those
    // that asked for deliveries get them.
    server_->metrics_.sessions_authenticated.Add(1);
    server_->Register(shared_from_this(), *device_);
    if (effects.wants_deliveries) StartDelivery();
  }
  if (!effects.acknowledged.empty()) {
    window_.Acknowledge(effects.acknowledged);
    server_->metrics_.acks.Inc(effects.acknowledged.size());
    if (delivery_ == Delivery::kCatchingUp) FetchMore();
  }
}

void RelayServer::Connection::Reject(pb::ErrorCode code, uint64_t request_id,
                                     std::chrono::milliseconds retry_after) {
  pb::ServerFrame frame;
  auto* response = frame.mutable_response();
  response->set_request_id(request_id);
  response->set_error(code);
  if (retry_after.count() > 0) response->set_retry_after_ms(static_cast<uint64_t>(retry_after.count()));
  Write(frame);
}

// ---- Writer: kIdle <-> kFlushing ----

void RelayServer::Connection::SendPush(const pb::Push& push) {
  const proto::PushType* type = proto::FindPushType(push.body_case());
  SC_LOG_DEBUG("session {}: push {}", peer_address_, type != nullptr ? type->name : "unknown");
  pb::ServerFrame frame;
  *frame.mutable_push() = push;
  Write(frame, push.has_delivery() && push.delivery().urgent() ? Lane::kUrgent : Lane::kOrdinary);
}

void RelayServer::Connection::Write(const pb::ServerFrame& frame, Lane lane) {
  if (state_ == State::kClosed) return;
  std::string bytes;
  frame.SerializeToString(&bytes);
  if (oldest_unwritten_ == std::chrono::steady_clock::time_point{}) {
    oldest_unwritten_ = std::chrono::steady_clock::now();
  }
  // The urgent lane is sealed at once, ahead of the ordinary lane's records still deferred.
  const Status queued =
      lane == Lane::kUrgent ? stream_.Queue(AsBytes(bytes)) : stream_.QueueDeferred(AsBytes(bytes));
  if (!queued) {
    End(pb::OK);
    return;
  }
  const size_t behind = stream_.pending() + stream_.deferred();
  if (behind > relay::kMaxSessionOutboundBytes && state_ != State::kEnding) {
    server_->metrics_.slow_readers.Inc();
    SC_LOG_INFO("session from {} fell behind by {} bytes: ended, its queue is kept", peer_address_, behind);
    End(pb::SLOW_READER);  // behind the backlog: read only by a peer that catches up in time
    return;
  }
  ScheduleFlush();
}

void RelayServer::Connection::ScheduleFlush() {
  if (writer_ == Writer::kFlushing) return;  // the running flush takes what was queued meanwhile
  writer_ = Writer::kFlushing;
  asio::co_spawn(
      stream_.socket().get_executor(),
      [self = shared_from_this()]() -> asio::awaitable<void> {
        const auto flushed = co_await self->stream_.Flush();
        self->writer_ = Writer::kIdle;
        if (flushed) {  // the flush took everything queued before it ended
          self->server_->metrics_.Observe(Stage::kWrite,
                                          std::chrono::steady_clock::now() - self->oldest_unwritten_);
          self->oldest_unwritten_ = {};
        }
        if (self->state_ == State::kEnding) {
          self->CloseSocket();  // the notice is out (or the write failed): End's work is done
          co_return;
        }
        if (!flushed) self->End(pb::OK);
      },
      asio::detached);
}

bool RelayServer::Connection::WriteStalled(Clock::TimePoint now) noexcept {
  if (state_ != State::kServing) return false;  // ending or closed already: its own deadline runs
  int unsent = 0;  // bytes in the kernel's send queue the peer has not acknowledged (tcp(7))
  if (::ioctl(stream_.socket().native_handle(), SIOCOUTQ, &unsent) != 0 || unsent < 0) unsent = 0;
  const uint64_t took = stream_.bytes_written() - static_cast<uint64_t>(unsent);
  const bool owed =
      unsent > 0 || writer_ == Writer::kFlushing || stream_.pending() > 0 || stream_.deferred() > 0;
  if (!owed || took != peer_took_ || peer_took_at_ == Clock::TimePoint{}) {
    peer_took_ = took;
    peer_took_at_ = now;
    return false;
  }
  return now - peer_took_at_ >= server_->options_.write_stall_timeout;
}

// ---- Ending: kServing -> kEnding -> kClosed ----

void RelayServer::Connection::End(pb::ErrorCode reason) {
  if (state_ == State::kClosed || state_ == State::kEnding) return;
  server_->Unregister(this, device_);
  if (reason == pb::OK || state_ == State::kHandshake) {
    CloseSocket();
    return;
  }
  state_ = State::kEnding;
  pb::Push push;
  push.mutable_session_ended()->set_reason(reason);
  SendPush(push);  // starts a flush, or joins the running one; it closes the socket when done
  // A peer that does not read gets kEndNoticeTimeout to take the notice, then is cut off.
  asio::co_spawn(
      stream_.socket().get_executor(),
      [self = shared_from_this()]() -> asio::awaitable<void> {
        asio::steady_timer limit(self->stream_.socket().get_executor(), kEndNoticeTimeout);
        (void)co_await limit.async_wait(kNoThrow);
        self->CloseSocket();
      },
      asio::detached);
}

void RelayServer::Connection::CloseSocket() {
  state_ = State::kClosed;
  asio::error_code ignored;
  stream_.socket().close(ignored);  // cancels a pending read or write: their coroutines end
  wake_.cancel();
}

// ---- Delivery: kOff -> kCatchingUp <-> kFetching -> kLive ----

void RelayServer::Connection::StartDelivery() {
  delivery_ = Delivery::kCatchingUp;
  FetchMore();
}

void RelayServer::Connection::FetchMore() {
  if (delivery_ != Delivery::kCatchingUp || state_ == State::kClosed || !device_) return;
  const uint32_t room = window_.FetchRoom();  // 0: wait for acks to free half the window
  if (room == 0) return;
  delivery_ = Delivery::kFetching;
  auto self = shared_from_this();
  using Messages = Result<std::vector<store::StoredMessage>>;
  struct Reads {
    Messages ordinary = Fail(store::Errc::kIoError);
    Messages urgent = std::vector<store::StoredMessage>{};  // read once, with the first fetch
  };
  auto reads = std::make_shared<Reads>();
  relay::Service* service = server_->service_;
  asio::io_context* io = server_->io_;
  const store::DeviceAddress device = *device_;
  const store::MessageId after = window_.last_pushed();
  const bool read_urgent = !urgent_read_;
  const bool queued = server_->worker_->Submit(
      [service, reads, device, after, room, read_urgent](store::RelayStore&) {
        if (read_urgent) reads->urgent = service->FetchUrgent(device, 0);
        reads->ordinary = service->Fetch(device, after, room);
        return true;
      },
      [self, reads, io, room](Status) {
        asio::post(*io, [self, reads, room] {
          self->OnFetched(std::move(reads->ordinary), room, std::move(reads->urgent));
        });
      },
      read_urgent ? relay::StoreWorker::Priority::kUrgent : relay::StoreWorker::Priority::kOrdinary);
  if (!queued) delivery_ = Delivery::kCatchingUp;  // tried again on the next ack
}

void RelayServer::Connection::OnFetched(Result<std::vector<store::StoredMessage>> fetched, uint32_t room,
                                        Result<std::vector<store::StoredMessage>> urgent) {
  delivery_ = Delivery::kCatchingUp;
  if (!fetched || !urgent) {  // the store failed: try again on the next ack or login
    SC_LOG_WARN("delivery fetch failed: {}", (!fetched ? fetched.error() : urgent.error()).name());
    return;
  }
  // The urgent messages queued at login first, in their own lane (relay.md §7.4).
  urgent_read_ = true;
  for (const auto& m : *urgent) {
    if (auto push = window_.PushUrgent(m)) {
      server_->metrics_.messages_out.Inc();
      SendPush(*push);
    }
  }
  auto got = window_.TakeFetched(*fetched, room);
  server_->metrics_.messages_out.Inc(got.pushes.size());
  for (const auto& push : got.pushes) SendPush(push);
  if (got.queue_drained) {
    pb::Push push;
    push.mutable_queue_drained();
    SendPush(push);
  }
  switch (got.next) {
    case relay::DeliveryWindow::Fetched::Next::kWaitForAcks:
      break;  // kCatchingUp: FetchMore runs again on the next ack
    case relay::DeliveryWindow::Fetched::Next::kFetchAgain:
      FetchMore();
      break;
    case relay::DeliveryWindow::Fetched::Next::kLive:
      delivery_ = Delivery::kLive;
      break;
  }
}

void RelayServer::Connection::OfferLive(const store::StoredMessage& message) {
  if (message.urgent) {  // pushed at once in any delivery state, whatever the window (relay.md §7.4)
    if (delivery_ == Delivery::kOff || state_ == State::kClosed) return;
    if (auto push = window_.PushUrgent(message)) {
      server_->metrics_.messages_out.Inc();
      SendPush(*push);
    }
    return;
  }
  if (delivery_ != Delivery::kLive || state_ == State::kClosed || message.id <= window_.last_pushed()) return;
  if (window_.Full()) {
    delivery_ = Delivery::kCatchingUp;  // back to reading the queue once acks make room; it waits there
    return;
  }
  Deliver(message);
}

void RelayServer::Connection::Deliver(const store::StoredMessage& m) {
  auto push = window_.Push(m);
  if (!push) return;  // pushed already (a queue read and a live push overlapped)
  server_->metrics_.messages_out.Inc();
  SendPush(*push);
}

}  // namespace sc::relay_server
