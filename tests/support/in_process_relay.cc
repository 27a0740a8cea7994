#include "in_process_relay.h"

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <optional>
#include <utility>

#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/random.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/net/errors.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/proto/relay_error.h"
#include "securecomm/relay/delivery_window.h"
#include "securecomm/relay/requests.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/scp/errors.h"
#include "securecomm/store/errors.h"

namespace sc::testing {
namespace {

namespace pb = relay::pb;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
// The source address of every in-process session (RFC 5737 TEST-NET-1): the service throttles
// failed logins per address.
constexpr std::string_view kPeerAddress = "192.0.2.1";

using LinkResult = Result<std::shared_ptr<client::RelayLink>>;

// Ready: an awaitable of a value that is already there (connecting takes no I/O here).
asio::awaitable<LinkResult> Ready(LinkResult r) {
  co_return r;
}

}  // namespace

// ---- Link: one session, as relay_server/src/connection.cc serves it ----

class InProcessRelay::Link final : public client::RelayLink, public std::enable_shared_from_this<Link> {
 public:
  Link(InProcessRelay& relay, asio::io_context& io, const crypto::Ed25519PublicKey& identity)
      : relay_(&relay), io_(&io) {
    session_.peer_address = kPeerAddress;
    std::copy(identity.span().begin(), identity.span().end(), session_.peer_identity.begin());
  }

  asio::awaitable<Result<pb::Response>> Request(pb::ClientFrame frame) override;  // after Sink
  asio::awaitable<Result<pb::Push>> NextPush(std::chrono::milliseconds timeout) override {
    auto self = shared_from_this();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pushes_.empty() && state_ == State::kOpen && std::chrono::steady_clock::now() < deadline) {
      asio::steady_timer timer(*io_, deadline);
      sleepers_.push_back(&timer);
      (void)co_await timer.async_wait(kNoThrow);
      std::erase(sleepers_, &timer);
    }
    if (!pushes_.empty()) {  // pushes that arrived before the end are still read, as over TCP
      pb::Push push = std::move(pushes_.front());
      pushes_.pop_front();
      co_return push;
    }
    if (state_ != State::kOpen) co_return Fail(EndError());
    co_return Fail(net::Errc::kTimeout);
  }

  asio::awaitable<void> Close() override {
    state_ = State::kEnded;  // as RelayClient::Close: no end error of its own
    Wake();
    co_return;
  }

  void Abort() override { EndWith(Error(scp::Errc::kClosed)); }
  bool connected() const noexcept override { return state_ == State::kOpen; }
  std::optional<Error> end_error() const noexcept override { return end_error_; }

  // ---- What the relay's effects do to this session ----

  bool Serves(store::DeviceAddress device) const noexcept { return connected() && session_.device == device; }

  // OfferLive: a message committed for this session's device (connection.cc OfferLive).
  void OfferLive(const store::StoredMessage& m) {
    if (m.urgent) {  // the priority lane: at once, in any delivery state, whatever the window
      if (delivery_ == Delivery::kOff || !connected()) return;
      if (auto push = window_.PushUrgent(m)) Push(std::move(*push));
      return;
    }
    if (delivery_ != Delivery::kLive || !connected() || m.id <= window_.last_pushed()) return;
    if (window_.Full()) {
      delivery_ = Delivery::kCatchingUp;  // read from the queue again once acks make room
      return;
    }
    Deliver(m);
  }

  void Push(pb::Push push) {
    if (!connected()) return;
    pushes_.push_back(std::move(push));
    Wake();
  }

  // End: the relay ends the session on purpose, with SessionEnded{reason} (relay.md §8).
  void End(pb::ErrorCode reason) {
    if (!connected()) return;
    pb::Push push;
    push.mutable_session_ended()->set_reason(reason);
    Push(std::move(push));
    EndWith(proto::RefusalError(reason));
  }

  // Detach: the relay is going away. A NextPush waiting meanwhile sees the end at its timeout
  // (nothing here may throw: it runs in the relay's destructor).
  void Detach() noexcept {
    if (connected()) end_error_ = Error(scp::Errc::kClosed);
    state_ = State::kEnded;
    relay_ = nullptr;
  }

 private:
  enum class State { kOpen, kEnded };
  // Delivery: kOff -> kCatchingUp (reading the queue) -> kLive (pushing commits as they happen),
  // back to kCatchingUp when the window fills while live.
  enum class Delivery { kOff, kCatchingUp, kLive };

  void EndWith(Error why) {
    if (!connected()) return;
    state_ = State::kEnded;
    end_error_ = why;
    Wake();
  }
  Error EndError() const { return end_error_.value_or(Error(scp::Errc::kClosed)); }
  void Wake() {
    for (auto* t : sleepers_) t->cancel();
  }

  // ApplyOwnEffects: the effects on this session itself (effects.h).
  void ApplyOwnEffects(const relay::Effects& effects) {
    if (effects.logged_in && effects.wants_deliveries && connected()) {
      delivery_ = Delivery::kCatchingUp;
      FetchMore();
    }
    if (!effects.acknowledged.empty()) {
      window_.Acknowledge(effects.acknowledged);
      FetchMore();
    }
  }

  // FetchMore reads the queue after the last pushed id into the window's room (relay.md §7.2),
  // once acks freed half of it (DeliveryWindow::FetchRoom), as the adapter does.
  void FetchMore() {
    if (delivery_ != Delivery::kCatchingUp || !connected() || !session_.device) return;
    const uint32_t room = window_.FetchRoom();
    if (room == 0) return;
    if (!urgent_read_) {  // the urgent messages queued at login first, in their own lane
      auto urgent = relay_->FetchUrgent(*session_.device);
      if (!urgent) return;
      urgent_read_ = true;
      for (const auto& m : *urgent) {
        if (auto push = window_.PushUrgent(m)) Push(std::move(*push));
      }
    }
    auto fetched = relay_->Fetch(*session_.device, window_.last_pushed(), room);
    if (!fetched) return;  // tried again on the next ack, as the adapter does
    auto got = window_.TakeFetched(*fetched, room);
    for (auto& push : got.pushes) Push(std::move(push));
    if (got.queue_drained) {
      pb::Push push;
      push.mutable_queue_drained();
      Push(std::move(push));
    }
    switch (got.next) {
      case relay::DeliveryWindow::Fetched::Next::kWaitForAcks:
        break;
      case relay::DeliveryWindow::Fetched::Next::kFetchAgain:
        FetchMore();
        break;
      case relay::DeliveryWindow::Fetched::Next::kLive:
        delivery_ = Delivery::kLive;
        break;
    }
  }

  void Deliver(const store::StoredMessage& m) {
    if (auto push = window_.Push(m)) Push(std::move(*push));  // nullopt: pushed already
  }

  InProcessRelay* relay_;
  asio::io_context* io_;
  relay::SessionContext session_;
  State state_ = State::kOpen;
  Delivery delivery_ = Delivery::kOff;
  relay::DeliveryWindow window_;
  bool urgent_read_ = false;  // pushed and not yet acknowledged, shared with the real adapter
  std::deque<pb::Push> pushes_;
  std::vector<asio::steady_timer*> sleepers_;  // NextPush callers; woken when anything arrives
  std::optional<Error> end_error_;
  uint64_t next_request_id_ = 1;
};

// ---- Sink: committed effects for other sessions, delivered in-process ----

class InProcessRelay::Sink final : public relay::EffectSink {
 public:
  explicit Sink(InProcessRelay& relay) : relay_(&relay) {}

  void Deliver(const store::StoredMessage& message) override {
    for (auto& link : relay_->LinksOf(message.recipient)) link->OfferLive(message);
  }
  void PrekeysLow(store::DeviceAddress device, uint32_t remaining) override {
    pb::Push push;
    push.mutable_prekeys_low()->set_one_time_remaining(remaining);
    for (auto& link : relay_->LinksOf(device)) link->Push(push);
  }
  void EndSessions(store::DeviceAddress device, pb::ErrorCode reason) override {
    for (auto& link : relay_->LinksOf(device)) link->End(reason);
  }

 private:
  InProcessRelay* relay_;
};

// Request runs the frame as the adapter does (connection.cc Submit and OnAnswered): the service
// in a transaction, then the effects for other sessions, then this session's own.
asio::awaitable<Result<pb::Response>> InProcessRelay::Link::Request(pb::ClientFrame frame) {
  auto self = shared_from_this();
  if (state_ != State::kOpen) co_return Fail(EndError());
  frame.set_version(proto::kProtocolVersion);  // as RelayClient::Call fills them in
  frame.set_request_id(next_request_id_++);
  relay::Outcome out = relay_->Run(session_, frame);
  relay::Publish(out.effects, *relay_->sink_);
  ApplyOwnEffects(out.effects);
  if (out.response.error() == pb::DEVICE_REMOVED) End(pb::DEVICE_REMOVED);
  if (!out.ok()) co_return Fail(proto::RefusalError(out.response));
  co_return std::move(out.response);
}

// ---- InProcessRelay ----

relay::ServiceOptions InProcessRelay::DefaultOptions() {
  relay::ServiceOptions options;
  crypto::SystemCsprng().Fill(options.decoy_key.MutableExpose());
  return options;
}

InProcessRelay::InProcessRelay(relay::ServiceOptions options)
    : service_(store_, clock_, rng_, std::move(options)), sink_(std::make_unique<Sink>(*this)) {
  scp::ConnectionString cs;
  cs.host = "127.0.0.1";
  cs.port = 1;  // never dialled
  cs.noise_static = crypto::X25519KeyPair::Generate(rng_).public_key;
  cs.identity = crypto::Ed25519KeyPair::Generate(rng_).public_key();
  connection_string_ = scp::FormatConnectionString(cs);
}

InProcessRelay::~InProcessRelay() {
  for (auto& weak : links_) {
    if (auto link = weak.lock()) link->Detach();
  }
}

client::RelayConnector InProcessRelay::Connector() {
  return
      [this](asio::io_context& io, const std::string& relay,
             const std::shared_ptr<const crypto::Ed25519KeyPair>& identity) -> asio::awaitable<LinkResult> {
        if (relay != connection_string_ || identity == nullptr) return Ready(Fail(net::Errc::kBadAddress));
        std::erase_if(links_, [](const std::weak_ptr<Link>& l) { return l.expired(); });
        auto link = std::make_shared<Link>(*this, io, identity->public_key());
        links_.push_back(link);
        return Ready(std::shared_ptr<client::RelayLink>(std::move(link)));
      };
}

relay::Outcome InProcessRelay::Run(relay::SessionContext& session, const pb::ClientFrame& frame) {
  const relay::RequestType* type = relay::FindRequestType(frame.body_case());
  const std::string_view name = type != nullptr ? type->name : "unknown";
  if (auto it = requests_.find(name); it != requests_.end()) {
    ++it->second;
  } else {
    requests_.emplace(std::string(name), 1);
  }
  bool fail_commit = failures_left_ > 0 && (failing_type_.empty() || failing_type_ == name);
  if (fail_commit) --failures_left_;

  relay::Outcome out;
  Status committed = store_.Begin();
  if (committed) committed = store_.Savepoint();
  if (committed) {
    out = service_.Handle(session, frame);
    if (out.ok() || out.keep_writes) {
      committed = store_.ReleaseSavepoint();
    } else {
      store_.RollbackToSavepoint();
    }
  }
  if (committed && fail_commit) committed = Fail(store::Errc::kIoError);
  if (committed) committed = store_.Commit();
  if (!committed) {  // as the adapter answers a failed commit: nothing written, nothing happens
    store_.Rollback();
    out.response.Clear();
    out.response.set_request_id(frame.request_id());
    out.response.set_error(pb::STORAGE_FAILURE);
    out.effects = {};
    return out;
  }
  relay::Service::ApplyCommitted(session, out);
  return out;
}

Result<std::vector<store::StoredMessage>> InProcessRelay::Fetch(store::DeviceAddress device,
                                                                store::MessageId after, uint32_t limit) {
  if (auto s = store_.Begin(); !s) return Fail(s.error());
  auto fetched = service_.Fetch(device, after, limit);
  if (auto s = store_.Commit(); !s) return Fail(s.error());
  return fetched;
}

Result<std::vector<store::StoredMessage>> InProcessRelay::FetchUrgent(store::DeviceAddress device) {
  if (auto s = store_.Begin(); !s) return Fail(s.error());
  auto fetched = service_.FetchUrgent(device, 0);
  if (auto s = store_.Commit(); !s) return Fail(s.error());
  return fetched;
}

std::vector<std::shared_ptr<InProcessRelay::Link>> InProcessRelay::LinksOf(
    store::DeviceAddress device) const {
  std::vector<std::shared_ptr<Link>> out;  // a copy: ending a link may open or drop others
  for (const auto& weak : links_) {
    if (auto link = weak.lock(); link && link->Serves(device)) out.push_back(std::move(link));
  }
  return out;
}

size_t InProcessRelay::requests(std::string_view name) const {
  auto it = requests_.find(name);
  return it == requests_.end() ? 0 : it->second;
}

void InProcessRelay::FailNextCommits(size_t n, std::string_view name) {
  failures_left_ = n;
  failing_type_ = std::string(name);
}

Result<uint32_t> InProcessRelay::QueueDepth(store::DeviceAddress device) {
  if (auto s = store_.Begin(); !s) return Fail(s.error());
  auto depth = service_.QueueDepth(device);
  if (auto s = store_.Commit(); !s) return Fail(s.error());
  return depth;
}

Result<uint32_t> InProcessRelay::OneTimePrekeys(store::DeviceAddress device) {
  if (auto s = store_.Begin(); !s) return Fail(s.error());
  auto count = store_.CountOneTimePrekeys(device);
  if (auto s = store_.Commit(); !s) return Fail(s.error());
  return count;
}

size_t InProcessRelay::live_sessions(store::DeviceAddress device) const {
  return LinksOf(device).size();
}

}  // namespace sc::testing
