#include "securecomm/client/relay_client.h"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/random.h"
#include "securecomm/net/errors.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/proto/pushes.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/scp/errors.h"

namespace sc::client {
namespace {

using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace

RelayClient::RelayClient(asio::io_context& io, net::ScpStream stream)
    : io_(&io), stream_(std::move(stream)) {}

RelayClient::~RelayClient() = default;

// Make is not a coroutine: GCC 12 mistakes a `new` inside a coroutine for the frame's allocation
// (-Wmismatched-new-delete).
std::shared_ptr<RelayClient> RelayClient::Make(asio::io_context& io, net::ScpStream stream) {
  return std::shared_ptr<RelayClient>(new RelayClient(io, std::move(stream)));
}

asio::awaitable<Result<std::shared_ptr<RelayClient>>> RelayClient::Connect(
    asio::io_context& io, const scp::ConnectionString& relay,
    std::shared_ptr<const crypto::Ed25519KeyPair> identity, const Clock& clock, ConnectOptions options) {
  asio::error_code ec;
  const auto address = asio::ip::make_address(relay.host, ec);
  tcp::socket socket(io);
  if (ec) {  // a name: resolve it
    tcp::resolver resolver(io);
    auto [rec, endpoints] = co_await resolver.async_resolve(relay.host, std::to_string(relay.port), kNoThrow);
    if (rec) co_return Fail(net::Errc::kBadAddress);
    auto [cec, ep] = co_await asio::async_connect(socket, endpoints, kNoThrow);
    if (cec) co_return Fail(net::Errc::kIoError);
  } else {
    const tcp::endpoint endpoint(address, relay.port);
    socket.open(endpoint.protocol(), ec);
    if (!ec && !options.local_address.empty()) {
      const auto local = asio::ip::make_address(options.local_address, ec);
      if (!ec) socket.bind(tcp::endpoint(local, 0), ec);
    }
    if (ec) co_return Fail(net::Errc::kIoError);
    auto [cec] = co_await socket.async_connect(endpoint, kNoThrow);
    if (cec) co_return Fail(net::Errc::kIoError);
  }
  scp::SessionConfig config;
  config.role = scp::Role::kInitiator;
  config.suites = options.suites;
  config.noise_static = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
  config.identity = std::move(identity);
  config.responder_static = relay.noise_static;
  config.responder_identity = relay.identity;
  auto session = scp::Session::Create(std::move(config), clock, crypto::SystemCsprng());
  if (!session) co_return Fail(session.error());
  auto client = Make(io, net::ScpStream(std::move(socket), std::move(*session), clock));
  if (auto hs = co_await client->stream_.Handshake(); !hs) co_return Fail(hs.error());
  asio::co_spawn(
      io, [client]() { return client->ReadLoop(); }, asio::detached);
  co_return client;
}

asio::awaitable<void> RelayClient::ReadLoop() {
  auto self = shared_from_this();
  while (!ended_) {
    auto record = co_await stream_.ReceiveView();
    if (!record) {
      End(record.error());
      break;
    }
    pb::ServerFrame frame;
    if (!frame.ParseFromArray(record->data(), static_cast<int>(record->size()))) {
      End(Error(net::Errc::kIoError));  // a relay that speaks garbage is not one to trust further
      break;
    }
    if (frame.has_response()) {
      auto it = waiting_.find(frame.response().request_id());
      if (it != waiting_.end() && !it->second) {
        it->second = std::move(*frame.mutable_response());
      } else if (unmatched_.size() < kMaxBufferedPushes) {
        unmatched_.push_back(std::move(*frame.mutable_response()));
      }
    } else if (frame.has_push()) {
      if (pushes_.size() >= kMaxBufferedPushes) {
        End(Error(net::Errc::kIoError));
        break;
      }
      const proto::PushType* type = proto::FindPushType(frame.push().body_case());
      if (type == nullptr) continue;  // a push this client does not know: ignored (relay.md §8)
      if (type->ends_session) end_error_ = proto::RefusalError(frame.push().session_ended().reason());
      pushes_.push_back(std::move(*frame.mutable_push()));
    }
    Wake();
  }
}

void RelayClient::End(Error why) {
  if (ended_) return;
  ended_ = true;
  if (!end_error_) end_error_ = why;
  asio::error_code ignored;
  stream_.socket().close(ignored);
  Wake();
}

void RelayClient::Wake() {
  for (auto* t : sleepers_) t->cancel();
}

asio::awaitable<void> RelayClient::Wait(std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(*io_, deadline);
  sleepers_.push_back(&timer);
  (void)co_await timer.async_wait(kNoThrow);
  std::erase(sleepers_, &timer);
}

asio::awaitable<Result<pb::Response>> RelayClient::Call(pb::ClientFrame frame) {
  auto self = shared_from_this();
  if (ended_) co_return Fail(end_error_.value_or(Error(scp::Errc::kClosed)));
  const uint64_t id = next_request_id_++;
  frame.set_version(proto::kProtocolVersion);
  frame.set_request_id(id);
  std::string bytes;
  frame.SerializeToString(&bytes);
  waiting_.emplace(id, std::nullopt);
  if (auto s = co_await stream_.Send(AsBytes(bytes)); !s) {
    waiting_.erase(id);
    End(s.error());
    co_return Fail(s.error());
  }
  const auto deadline = std::chrono::steady_clock::now() + kCallTimeout;
  while (!waiting_[id] && !ended_ && std::chrono::steady_clock::now() < deadline) {
    co_await Wait(deadline);
  }
  auto answer = std::move(waiting_[id]);
  waiting_.erase(id);
  if (answer) co_return std::move(*answer);
  if (ended_) co_return Fail(end_error_.value_or(Error(scp::Errc::kClosed)));
  co_return Fail(net::Errc::kTimeout);
}

asio::awaitable<Result<pb::Response>> RelayClient::Request(pb::ClientFrame frame) {
  auto answer = co_await Call(std::move(frame));
  if (answer && answer->error() != pb::OK) co_return Fail(proto::RefusalError(*answer));
  co_return answer;
}

asio::awaitable<Result<pb::Push>> RelayClient::NextPush(std::chrono::milliseconds timeout) {
  auto self = shared_from_this();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pushes_.empty() && !ended_ && std::chrono::steady_clock::now() < deadline) {
    co_await Wait(deadline);
  }
  if (!pushes_.empty()) {
    pb::Push p = std::move(pushes_.front());
    pushes_.pop_front();
    co_return p;
  }
  if (ended_) co_return Fail(end_error_.value_or(Error(scp::Errc::kClosed)));
  co_return Fail(net::Errc::kTimeout);
}

asio::awaitable<Result<pb::Response>> RelayClient::NextUnmatched(std::chrono::milliseconds timeout) {
  auto self = shared_from_this();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (unmatched_.empty() && !ended_ && std::chrono::steady_clock::now() < deadline) {
    co_await Wait(deadline);
  }
  if (!unmatched_.empty()) {
    pb::Response r = std::move(unmatched_.front());
    unmatched_.pop_front();
    co_return r;
  }
  if (ended_) co_return Fail(end_error_.value_or(Error(scp::Errc::kClosed)));
  co_return Fail(net::Errc::kTimeout);
}

asio::awaitable<Status> RelayClient::SendRaw(std::span<const uint8_t> bytes) {
  auto self = shared_from_this();
  co_return co_await stream_.Send(bytes);
}

asio::awaitable<Status> RelayClient::Register(const std::string& username, std::span<const uint8_t> password,
                                              crypto::SrpGroup group) {
  auto self = shared_from_this();
  co_return co_await RegisterAccount(*this, username, password, group);
}

asio::awaitable<Result<LoginInfo>> RelayClient::Login(const std::string& username,
                                                      std::span<const uint8_t> password, bool send_only) {
  auto self = shared_from_this();
  co_return co_await LogIn(*this, username, password, send_only);
}

asio::awaitable<void> RelayClient::Close() {
  auto self = shared_from_this();
  if (ended_) co_return;
  ended_ = true;
  asio::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  Wake();
}

void RelayClient::Abort() {
  End(Error(scp::Errc::kClosed));
}

RelayConnector RelayClientConnector(const Clock& clock) {
  return [&clock](asio::io_context& io, const std::string& relay,
                  std::shared_ptr<const crypto::Ed25519KeyPair> identity)
             -> asio::awaitable<Result<std::shared_ptr<RelayLink>>> {
    auto cs = scp::ParseConnectionString(relay);
    if (!cs) co_return Fail(cs.error());
    ConnectOptions options;  // named: GCC 12 destroys a defaulted temporary argument of a coroutine twice
    auto c = co_await RelayClient::Connect(io, *cs, std::move(identity), clock, options);
    if (!c) co_return Fail(c.error());
    co_return std::shared_ptr<RelayLink>(std::move(*c));
  };
}

}  // namespace sc::client
