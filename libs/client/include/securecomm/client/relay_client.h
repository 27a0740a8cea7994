// relay_client.h: a client session with a relay (docs/protocol/relay.md) over SCP on TCP, with
// asio coroutines: connect and pin the relay's identity, register and log in with SRP-6a, make
// requests (answers matched by request id, so several coroutines may call at once), and read
// pushes (deliveries, prekey warnings, session end).
//
//   auto client = co_await RelayClient::Connect(   // a shared_ptr: the reader holds one too
//       io, relay_connection_string, device_identity, clock);
//   co_await (*client)->Register("alice", password);
//   auto login = co_await (*client)->Login("alice", password);
//   auto answer = co_await (*client)->Request(frame_with_send_request);
//   if (!answer && answer.error() == proto::RelayErrc::kQueueFull) ...   // a refusal, as an Error
//   auto push = co_await (*client)->NextPush();   // a Delivery: acknowledge it with an AckRequest
//
// One shape for refusals: Request, Register and Login return a relay refusal as an Error of the
// kRelay domain (proto/relay_error.h) carrying the relay's retry hint (Error::retry_after());
// transport errors are net, scp or kTimeout errors. Call is the raw form, for tests of the
// relay's answers: a Response with any ErrorCode is a successful Call.
// Thread safety: one io_context thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/client/relay_link.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/srp.h"
#include "securecomm/net/scp_stream.h"
#include "securecomm/proto/relay.pb.h"
#include "securecomm/proto/relay_error.h"
#include "securecomm/scp/connection_string.h"

namespace sc::client {

// How long a Call waits for its answer before kTimeout: well past a loaded relay's group commit.
inline constexpr std::chrono::seconds kCallTimeout{30};
// Pushes buffered while nobody reads them; beyond it the session is ended (the relay keeps
// undelivered messages queued, so nothing is lost).
inline constexpr size_t kMaxBufferedPushes = 4096;

struct ConnectOptions {
  std::string local_address;  // bind the socket to this source address first (load generator)
  std::vector<scp::NoiseSuite> suites = scp::DefaultSuites();
};

class RelayClient final : public RelayLink, public std::enable_shared_from_this<RelayClient> {
 public:
  // Connect opens TCP to the relay, runs the SCP handshake pinned to the connection string's
  // keys, and starts reading. Errors: net kBadAddress, kIoError, scp errors (kUntrustedIdentity).
  static asio::awaitable<Result<std::shared_ptr<RelayClient>>> Connect(
      asio::io_context& io, const scp::ConnectionString& relay,
      std::shared_ptr<const crypto::Ed25519KeyPair> identity, const Clock& clock,
      ConnectOptions options = {});
  ~RelayClient() override;

  // Request sends `frame` (version and request_id are filled in) and returns its Response if
  // the relay accepted it; a refusal is the Error proto::RefusalError(response) (kRelay domain,
  // with the retry hint); transport errors as Call.
  asio::awaitable<Result<pb::Response>> Request(pb::ClientFrame frame) override;
  // Call sends `frame` (version and request_id are filled in) and returns its Response, whatever
  // its ErrorCode. Errors: the session ended (its end_error()), net kTimeout after kCallTimeout.
  asio::awaitable<Result<pb::Response>> Call(pb::ClientFrame frame);
  // NextPush returns the next push, waiting up to `timeout`. kTimeout when none came.
  asio::awaitable<Result<pb::Push>> NextPush(
      std::chrono::milliseconds timeout = std::chrono::seconds(30)) override;
  // SendRaw sends arbitrary bytes as one DATA record (tests of the relay's input checks).
  asio::awaitable<Status> SendRaw(std::span<const uint8_t> bytes);
  // NextRawResponse: the next Response that matched no call (answers to SendRaw), or kTimeout.
  asio::awaitable<Result<pb::Response>> NextUnmatched(
      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Register creates the account with a fresh salt and verifier. Errors: the relay's refusal
  // (kUsernameTaken, kInvalidUsername, ...), transport errors.
  asio::awaitable<Status> Register(const std::string& username, std::span<const uint8_t> password,
                                   crypto::SrpGroup group = crypto::SrpGroup::k3072);
  // Login runs SRP-6a and checks the relay's proof M2. Errors: the relay's refusal
  // (kBadCredentials, kAccountThrottled with its retry hint, ...), transport errors, crypto
  // kAuthFailed if M2 is wrong (a relay that does not know the verifier).
  asio::awaitable<Result<LoginInfo>> Login(const std::string& username, std::span<const uint8_t> password,
                                           bool send_only = false);

  // Close ends the session: shuts the socket down and closes it. The reader stops, and with it
  // the reference it holds on this client.
  asio::awaitable<void> Close() override;
  // Abort closes the socket at once (no CLOSE): a client that vanishes.
  void Abort() override;
  bool connected() const noexcept override { return !ended_; }
  // end_error: why the session ended: the relay's SessionEnded reason as a kRelay error
  // (kDeviceRemoved, kRelayShuttingDown, kSlowReader, ...), or the stream's error.
  std::optional<Error> end_error() const noexcept override { return end_error_; }
  const scp::Session& session() const noexcept { return stream_.session(); }
  // socket_for_testing: the TCP socket under the session, for tests that inject bytes below SCP.
  asio::ip::tcp::socket& socket_for_testing() noexcept { return stream_.socket(); }

 private:
  RelayClient(asio::io_context& io, net::ScpStream stream);
  static std::shared_ptr<RelayClient> Make(asio::io_context& io, net::ScpStream stream);
  asio::awaitable<void> ReadLoop();
  void Wake();
  // Wait returns when something arrives or at `deadline`.
  asio::awaitable<void> Wait(std::chrono::steady_clock::time_point deadline);
  void End(Error why);

  asio::io_context* io_;
  net::ScpStream stream_;
  std::vector<asio::steady_timer*> sleepers_;  // waiting callers; woken when anything arrives
  uint64_t next_request_id_ = 1;
  std::map<uint64_t, std::optional<pb::Response>> waiting_;
  std::deque<pb::Response> unmatched_;
  std::deque<pb::Push> pushes_;
  bool ended_ = false;
  std::optional<Error> end_error_;
};

// RelayClientConnector: the RelayConnector of a real relay, over TCP and SCP (Connect).
RelayConnector RelayClientConnector(const Clock& clock);

}  // namespace sc::client
