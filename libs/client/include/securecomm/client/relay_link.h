// relay_link.h: what the client's units need of a relay session, as an interface: requests
// with refusals as errors, pushes, and the session's end. RelayClient (relay_client.h) is the
// real one, over SCP and TCP; tests put the real relay::Service behind it in-process
// (tests/support/in_process_relay.h), so client logic is tested without sockets or processes.
//
//   RelayConnector connect = RelayClientConnector(clock);        // the default: TCP + SCP
//   auto link = co_await connect(io, relay_connection_string, identity);
//   co_await LogIn(**link, "alice", password, /*send_only=*/false);
//   auto answer = co_await (*link)->Request(frame);                // refusals as kRelay errors
//
// Thread safety: one io_context thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "securecomm/base/error.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/srp.h"
#include "securecomm/proto/relay.pb.h"
#include "securecomm/proto/relay_error.h"

namespace sc::client {

namespace pb = securecomm::relay::v1;

struct LoginInfo {
  uint64_t account_id = 0;
  uint32_t device_id = 0;
  bool new_device = false;
  uint32_t queued_messages = 0;
};

class RelayLink {
 public:
  virtual ~RelayLink() = default;
  // Request sends `frame` (version and request_id are filled in) and returns the relay's
  // Response if it accepted the request. A refusal is proto::RefusalError(response): a kRelay
  // error with the relay's retry hint. Errors of the session: its end_error(), net kTimeout.
  virtual asio::awaitable<Result<pb::Response>> Request(pb::ClientFrame frame) = 0;
  // NextPush returns the next push, waiting up to `timeout`; net kTimeout when none came.
  virtual asio::awaitable<Result<pb::Push>> NextPush(std::chrono::milliseconds timeout) = 0;
  // Close ends the session; a closed link answers every call with its end error.
  virtual asio::awaitable<void> Close() = 0;
  // Abort ends the session at once, without telling the relay (a client that vanishes).
  virtual void Abort() = 0;
  virtual bool connected() const noexcept = 0;
  // end_error: why the session ended: the relay's SessionEnded reason as a kRelay error, or the
  // transport's error. nullopt while connected.
  virtual std::optional<Error> end_error() const noexcept = 0;
};

// RelayConnector opens a session to the relay named by `relay` (a connection string,
// scp/connection_string.h) as the device `identity`.
using RelayConnector = std::function<asio::awaitable<Result<std::shared_ptr<RelayLink>>>(
    asio::io_context& io, const std::string& relay, std::shared_ptr<const crypto::Ed25519KeyPair> identity)>;

// RegisterAccount creates `username` with a fresh SRP salt and verifier. Errors: the relay's
// refusal (kUsernameTaken, kInvalidUsername, ...), the session's errors.
asio::awaitable<Status> RegisterAccount(RelayLink& link, const std::string& username,
                                        std::span<const uint8_t> password,
                                        crypto::SrpGroup group = crypto::SrpGroup::k3072);
// LogIn runs SRP-6a (relay.md §5.2) and checks the relay's proof M2. Errors: the relay's
// refusal (kBadCredentials, kAccountThrottled with its retry hint, ...), the session's errors,
// crypto kAuthFailed if M2 is wrong (a relay that does not hold the verifier).
asio::awaitable<Result<LoginInfo>> LogIn(RelayLink& link, const std::string& username,
                                         std::span<const uint8_t> password, bool send_only);

}  // namespace sc::client
