#include "connection.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "securecomm/base/log.h"
#include "securecomm/store/errors.h"

namespace sc::relay_server {
namespace {

namespace pb = relay::pb;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
using asio::experimental::awaitable_operators::operator||;

void Count(const ServerMetrics& metrics, pb::ErrorCode code) {
  metrics.rejected.Inc(pb::ErrorCode_Name(code));
}

}  // namespace

struct RelayServer::Connection::Request {
  pb::ClientFrame frame;
  relay::Outcome outcome;
};

RelayServer::Connection::Connection(RelayServer& server, net::ScpStream stream, std::string peer_address)
    : server_(&server),
      stream_(std::move(stream)),
      peer_address_(std::move(peer_address)),
      wake_(stream_.socket().get_executor()) {
  context_.peer_address = peer_address_;
}

asio::awaitable<void> RelayServer::Connection::Run() {
  auto self = shared_from_this();
  if (auto hs = co_await stream_.Handshake(); !hs) {
    server_->metrics_.handshakes_failed.Inc();
    SC_LOG_DEBUG("handshake from {} failed: {}", peer_address_, hs.error().name());
    co_return;
  }
  const auto& identity = *stream_.session().peer_identity();
  std::copy(identity.span().begin(), identity.span().end(), context_.peer_identity.begin());

  while (!closed_) {
    auto record = co_await stream_.ReceiveView();
    if (!record) break;
    pb::ClientFrame frame;
    if (!frame.ParseFromArray(record->data(), static_cast<int>(record->size()))) {
      Count(server_->metrics_, pb::MALFORMED_FRAME);
      Reject(pb::MALFORMED_FRAME, 0);
      if (++bad_frames_ >= kMaxBadFrames) {
        End(pb::TOO_MANY_BAD_FRAMES);
        break;
      }
      continue;
    }
    if (ending_) continue;  // the session is being closed: nothing more is served
    server_->metrics_.requests.Inc();
    SC_LOG_DEBUG("session {}: request {} (kind {})", peer_address_, frame.request_id(),
                 static_cast<int>(frame.body_case()));
    Submit(std::move(frame));
    while (inflight_requests_ >= kMaxInflightRequests && !closed_) {
      wake_.expires_after(std::chrono::seconds(5));
      (void)co_await wake_.async_wait(kNoThrow);
    }
  }
  if (!ending_) {  // an End in progress closes the socket once its notice is written
    closed_ = true;
    asio::error_code ignored;
    stream_.socket().close(ignored);
  }
  server_->Unregister(this, device_);
}

void RelayServer::Connection::Submit(pb::ClientFrame frame) {
  auto request = std::make_shared<Request>();
  request->frame = std::move(frame);
  auto self = shared_from_this();
  relay::Service* service = server_->service_;
  asio::io_context* io = server_->io_;
  ++inflight_requests_;
  const bool queued = server_->worker_->Submit(
      [self, request, service](store::RelayStore&) {
        request->outcome = service->Handle(self->context_, request->frame);
        return request->outcome.ok() || request->outcome.keep_writes;
      },
      [self, request, io](Status committed) {
        if (committed) relay::Service::ApplyCommitted(self->context_, request->outcome);
        asio::post(*io, [self, request, ok = static_cast<bool>(committed)] { self->OnAnswered(request, ok); });
      });
  if (!queued) {
    --inflight_requests_;
    Count(server_->metrics_, pb::STORAGE_FAILURE);
    Reject(pb::STORAGE_FAILURE, request->frame.request_id());
  }
}

void RelayServer::Connection::OnAnswered(const std::shared_ptr<Request>& request, bool committed) {
  --inflight_requests_;
  wake_.cancel();
  auto& outcome = request->outcome;
  if (!committed) {
    outcome.response.Clear();
    outcome.response.set_request_id(request->frame.request_id());
    outcome.response.set_error(pb::STORAGE_FAILURE);
    outcome.effects = {};
  }
  if (outcome.response.error() != pb::OK) Count(server_->metrics_, outcome.response.error());
  SC_LOG_DEBUG("session {}: answered {} with {}", peer_address_, outcome.response.request_id(),
               pb::ErrorCode_Name(outcome.response.error()));
  if (!closed_) {
    pb::ServerFrame frame;
    *frame.mutable_response() = std::move(outcome.response);
    Write(frame);
  }
  auto& stats = server_->metrics_;
  const auto& effects = outcome.effects;
  if (committed && request->frame.body_case() == pb::ClientFrame::kSend && !effects.new_messages.empty()) {
    stats.messages_in.Inc(effects.new_messages.size());
  }
  for (const auto& message : effects.new_messages) {
    server_->ForEachSession(message.recipient, [&](Connection& c) { c.OfferLive(message); });
  }
  for (const auto& [device, remaining] : effects.prekeys_low) {
    pb::Push push;
    push.mutable_prekeys_low()->set_one_time_remaining(remaining);
    server_->ForEachSession(device, [&](Connection& c) { c.SendPush(push); });
  }
  for (const auto& device : effects.removed_devices) {
    server_->ForEachSession(device, [&](Connection& c) { c.End(pb::DEVICE_REMOVED); });
  }
  if (effects.logged_in && !closed_) {
    device_ = effects.logged_in;
    // Every logged-in session is registered, so that removing its device ends it; only those
    // that asked for deliveries get them.
    stats.sessions_authenticated.Add(1);
    server_->Register(shared_from_this(), *device_);
    if (!request->frame.login_finish().send_only()) StartDelivery();
  }
  if (outcome.response.error() == pb::DEVICE_REMOVED) End(pb::DEVICE_REMOVED);
  if (committed && outcome.ok() && request->frame.body_case() == pb::ClientFrame::kAck) {
    for (auto id : request->frame.ack().message_ids()) {
      if (auto it = unacked_.find(id); it != unacked_.end()) {
        unacked_bytes_ -= it->second;
        unacked_.erase(it);
      }
    }
    stats.acks.Inc(static_cast<uint64_t>(request->frame.ack().message_ids_size()));
    if (delivering_ && !live_) FetchMore();
  }
}

void RelayServer::Connection::Reject(pb::ErrorCode code, uint64_t request_id) {
  pb::ServerFrame frame;
  frame.mutable_response()->set_request_id(request_id);
  frame.mutable_response()->set_error(code);
  Write(frame);
}

void RelayServer::Connection::SendPush(const pb::Push& push) {
  pb::ServerFrame frame;
  *frame.mutable_push() = push;
  Write(frame);
}

void RelayServer::Connection::Write(const pb::ServerFrame& frame) {
  if (closed_) return;
  std::string bytes;
  frame.SerializeToString(&bytes);
  if (!stream_.Queue({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()})) {
    End(pb::OK);
    return;
  }
  if (stream_.pending() > relay::kMaxSessionOutboundBytes) {
    server_->metrics_.slow_readers.Inc();
    SC_LOG_INFO("session from {} fell behind by {} bytes: closed, its queue is kept", peer_address_,
                stream_.pending());
    End(pb::OK);  // no room left to say why
    return;
  }
  ScheduleFlush();
}

void RelayServer::Connection::ScheduleFlush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  asio::co_spawn(
      stream_.socket().get_executor(),
      [self = shared_from_this()]() -> asio::awaitable<void> {
        const auto flushed = co_await self->stream_.Flush();
        self->flush_scheduled_ = false;
        if (!flushed) self->End(pb::OK);
      },
      asio::detached);
}

void RelayServer::Connection::End(pb::ErrorCode reason) {
  if (closed_ || ending_) return;
  if (reason != pb::OK) {
    ending_ = true;
    pb::Push push;
    push.mutable_session_ended()->set_reason(reason);
    SendPush(push);
    // Let the flush write the notice, then close: the flush coroutine holds a reference.
    asio::co_spawn(
        stream_.socket().get_executor(),
        [self = shared_from_this()]() -> asio::awaitable<void> {
          // A peer that does not read gets kEndNoticeTimeout to take the notice, then is cut off.
          asio::steady_timer limit(self->stream_.socket().get_executor(), kEndNoticeTimeout);
          (void)co_await (self->stream_.Flush() || limit.async_wait(kNoThrow));
          self->closed_ = true;
          asio::error_code ignored;
          self->stream_.socket().close(ignored);
        },
        asio::detached);
    server_->Unregister(this, device_);
    return;
  }
  closed_ = true;
  asio::error_code ignored;
  stream_.socket().close(ignored);
  server_->Unregister(this, device_);
}

// ---- Delivery ----

void RelayServer::Connection::StartDelivery() {
  delivering_ = true;
  live_ = false;
  FetchMore();
}

void RelayServer::Connection::FetchMore() {
  if (fetching_ || closed_ || !device_) return;
  const uint32_t room = relay::kDeliveryWindow - static_cast<uint32_t>(unacked_.size());
  // Wait for acks to free half the window (in count and in bytes) before reading more.
  if (!unacked_.empty() && (room < relay::kDeliveryWindow / 2 || unacked_bytes_ > relay::kDeliveryWindowBytes / 2)) {
    return;
  }
  fetching_ = true;
  auto self = shared_from_this();
  auto result = std::make_shared<Result<std::vector<store::StoredMessage>>>(Fail(store::Errc::kIoError));
  relay::Service* service = server_->service_;
  asio::io_context* io = server_->io_;
  const store::DeviceAddress device = *device_;
  const store::MessageId after = last_pushed_;
  const bool queued = server_->worker_->Submit(
      [service, result, device, after, room](store::RelayStore&) {
        *result = service->Fetch(device, after, room);
        return true;
      },
      [self, result, io, room](Status) {
        asio::post(*io, [self, result, room] {
          self->fetching_ = false;
          if (!*result) {  // the store failed: try again on the next ack or login
            SC_LOG_WARN("delivery fetch failed: {}", result->error().name());
            return;
          }
          for (const auto& m : **result) {
            if (self->WindowFull()) return;  // the rest is read again once acks make room
            self->Deliver(m);
          }
          if ((*result)->size() < room) {
            self->live_ = true;
            if (!self->drained_told_) {
              self->drained_told_ = true;
              pb::Push push;
              push.mutable_queue_drained();
              self->SendPush(push);
            }
          } else {
            self->FetchMore();
          }
        });
      });
  if (!queued) fetching_ = false;
}

void RelayServer::Connection::OfferLive(const store::StoredMessage& message) {
  if (!delivering_ || !live_ || closed_ || message.id <= last_pushed_) return;
  if (WindowFull()) {
    live_ = false;  // back to reading the queue once acks make room; the message waits there
    return;
  }
  Deliver(message);
}

bool RelayServer::Connection::WindowFull() const noexcept {
  return unacked_.size() >= relay::kDeliveryWindow || unacked_bytes_ >= relay::kDeliveryWindowBytes;
}

void RelayServer::Connection::Deliver(const store::StoredMessage& m) {
  if (m.id <= last_pushed_) return;
  pb::Push push;
  auto* d = push.mutable_delivery();
  d->set_message_id(m.id);
  d->set_sender_account(m.sender.account);
  d->set_sender_device(m.sender.device);
  d->set_server_time_ms(m.server_time_ms);
  d->set_payload(m.payload.data(), m.payload.size());
  last_pushed_ = m.id;
  unacked_.emplace(m.id, m.payload.size());
  unacked_bytes_ += m.payload.size();
  server_->metrics_.messages_out.Inc();
  SendPush(push);
}

}  // namespace sc::relay_server
