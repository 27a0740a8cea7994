#include "securecomm/client/relay_client.h"

// GCC 12 at -O2 reports the coroutine frame of Connect as freed by a mismatched operator delete
// after inlining asio's frame allocator (a false positive of -Wmismatched-new-delete on coroutine
// frames; clang and GCC 13 do not report it).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/random.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/net/errors.h"
#include "securecomm/scp/errors.h"

namespace sc::client {
namespace {

using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);


// SrpIdentity: the SRP identity I of relay.md §5.1, the username with ASCII letters lowercased
// (the relay checks the rest of the username rules).
std::string SrpIdentity(std::string_view username) {
  std::string out(username);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

RelayClient::RelayClient(asio::io_context& io, net::ScpStream stream) : io_(&io), stream_(std::move(stream)) {}

RelayClient::~RelayClient() = default;

// Make is not a coroutine: GCC 12 mistakes a `new` inside a coroutine for the frame's allocation
// (-Wmismatched-new-delete).
std::shared_ptr<RelayClient> RelayClient::Make(asio::io_context& io, net::ScpStream stream) {
  return std::shared_ptr<RelayClient>(new RelayClient(io, std::move(stream)));
}

asio::awaitable<Result<std::shared_ptr<RelayClient>>> RelayClient::Connect(
    asio::io_context& io, const scp::ConnectionString& relay, std::shared_ptr<const crypto::Ed25519KeyPair> identity,
    const Clock& clock, ConnectOptions options) {
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
  asio::co_spawn(io, [client]() { return client->ReadLoop(); }, asio::detached);
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
      if (frame.push().has_session_ended()) end_error_ = proto::RefusalError(frame.push().session_ended().reason());
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
  while (!waiting_[id] && !ended_ && std::chrono::steady_clock::now() < deadline) co_await Wait(deadline);
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
  while (pushes_.empty() && !ended_ && std::chrono::steady_clock::now() < deadline) co_await Wait(deadline);
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
  while (unmatched_.empty() && !ended_ && std::chrono::steady_clock::now() < deadline) co_await Wait(deadline);
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

asio::awaitable<Status> RelayClient::Register(const std::string& given_username, std::span<const uint8_t> password,
                                              crypto::SrpGroup group) {
  const std::string username = SrpIdentity(given_username);
  std::vector<uint8_t> salt(crypto::kSrpSaltSize);
  crypto::SystemCsprng().Fill(salt);
  auto verifier = crypto::SrpMakeVerifier(username, password, salt, group);
  if (!verifier) co_return Fail(verifier.error());
  pb::ClientFrame frame;
  auto* r = frame.mutable_register_();
  r->set_username(username);
  r->set_srp_group(static_cast<uint32_t>(group));
  r->set_srp_salt(verifier->salt.data(), verifier->salt.size());
  r->set_srp_verifier(verifier->verifier.data(), verifier->verifier.size());
  auto answer = co_await Request(std::move(frame));
  if (!answer) co_return Fail(answer.error());
  co_return OkStatus();
}

asio::awaitable<Result<LoginInfo>> RelayClient::Login(const std::string& given_username,
                                                      std::span<const uint8_t> password, bool send_only) {
  const std::string username = SrpIdentity(given_username);
  // The group is not known before the relay answers; A is computed for the default group and
  // the login restarts once if the account uses another.
  crypto::SrpGroup group = crypto::SrpGroup::k3072;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto srp = crypto::SrpClient::Start(group, crypto::SystemCsprng());
    if (!srp) co_return Fail(srp.error());
    pb::ClientFrame start;
    start.mutable_login_start()->set_username(username);
    start.mutable_login_start()->set_srp_a(srp->A().data(), srp->A().size());
    auto challenge = co_await Request(std::move(start));
    if (!challenge) co_return Fail(challenge.error());
    const auto& c = challenge->login_start();
    if (c.srp_group() != static_cast<uint32_t>(group)) {
      if (c.srp_group() != static_cast<uint32_t>(crypto::SrpGroup::k3072) &&
          c.srp_group() != static_cast<uint32_t>(crypto::SrpGroup::k4096) &&
          c.srp_group() != static_cast<uint32_t>(crypto::SrpGroup::k1024)) {
        co_return Fail(crypto::Errc::kInvalidArgument);
      }
      group = static_cast<crypto::SrpGroup>(c.srp_group());
      continue;
    }
    auto m1 = srp->Respond(username, password, AsBytes(c.srp_salt()), AsBytes(c.srp_b()));
    if (!m1) co_return Fail(m1.error());
    pb::ClientFrame finish;
    finish.mutable_login_finish()->set_srp_m1(m1->data(), m1->size());
    finish.mutable_login_finish()->set_send_only(send_only);
    auto done = co_await Request(std::move(finish));
    if (!done) co_return Fail(done.error());
    const auto& f = done->login_finish();
    if (auto ok = srp->VerifyServer(AsBytes(f.srp_m2())); !ok) co_return Fail(ok.error());
    co_return LoginInfo{f.account_id(), f.device_id(), f.new_device(), f.queued_messages()};
  }
  co_return Fail(crypto::Errc::kInvalidArgument);
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

void RelayClient::Abort() { End(Error(scp::Errc::kClosed)); }

}  // namespace sc::client
