// messenger.h: one device's end-to-end messaging (docs/protocol/client.md): its encrypted local
// store (store/client_vault.h), its relay session (relay_client.h) and the e2e sessions
// (e2e/session.h) with every device of every contact and of its own account.
//
//   auto m = Messenger::Init(home, passphrase, relay_connection_string);    // once per device
//   co_await (*m)->Register(io, "alice", password);      // or Login: join an existing account
//   co_await (*m)->Connect(io);                           // later runs: log in from the store
//   co_await (*m)->Send("bob", "hello");                  // kIdentityChanged until `Trust`
//   while (auto ev = co_await (*m)->Pump(1s)) ...         // deliveries -> inbox, acked
//   for (auto& e : (*m)->TakeInbox().value()) show(e);
//
// Guarantees: a message is acknowledged to the relay only after its plaintext, the session
// update and its id are committed together to the store, so a crash loses nothing and shows
// nothing twice (the relay redelivers; the id is known; the message is acked again). Session
// state changes only for messages that authenticate. A contact's new or changed device key is
// never trusted silently: a message from it is shown with a warning, and sending to that contact
// fails with kIdentityChanged until Trust. Several processes may use one store (a listener and a
// sender): every read-modify-write of a session is one store transaction.
// Thread safety: one io_context thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/client/records.h"
#include "securecomm/client/relay_link.h"
#include "securecomm/crypto/argon2.h"
#include "securecomm/crypto/ed25519.h"

namespace sc::client {

// One-time prekeys uploaded at a time: a contact's first messages from up to this many new
// peers are protected by a one-time key before the next refill.
inline constexpr uint32_t kPrekeyBatch = 100;
// Below this many one-time prekeys on the relay, the device uploads another batch (also when
// the relay says PrekeysLow).
inline constexpr uint32_t kPrekeyLowWater = 25;
// Message ids remembered for deduplication: far more than any relay queue (10,000 per device)
// can redeliver, and bounded so the store does not grow without end.
inline constexpr int64_t kReceivedIdsKept = 100'000;
// Reconnect backoff: full jitter over an exponentially growing window, from the base to the cap.
inline constexpr std::chrono::milliseconds kReconnectBase{500};
inline constexpr std::chrono::milliseconds kReconnectCap{30'000};
// The file name of the store inside a client's home directory.
inline constexpr std::string_view kStoreFileName = "client.db";

struct DeviceInfo {
  uint32_t device_id = 0;
  crypto::Ed25519PublicKey identity_key;
  int64_t created_ms = 0;
  bool this_device = false;
};

struct SendReport {
  MessageId message_id{};
  size_t recipient_devices = 0;    // envelopes for the contact's devices
  size_t own_devices = 0;          // copies for this account's other devices
  size_t skipped_own_devices = 0;  // own devices not yet trusted (see Trust)
  int64_t server_time_ms = 0;
};

// What one Pump saw: a burst of pushes (everything already waiting after the first).
struct PumpEvent {
  enum class Kind { kTimeout, kDelivered, kQueueDrained, kPrekeysRefilled, kEnded };
  Kind kind = Kind::kTimeout;  // the most telling thing seen: kEnded > kDelivered > the others
  size_t delivered = 0;        // kDelivered: new inbox entries (duplicates are acked, not counted)
  bool queue_drained = false;  // the relay said QueueDrained (also with kDelivered)
  std::optional<Error> ended;  // kEnded: why; with kDelivered: why the burst stopped unacknowledged
};

class Messenger {
 public:
  // Init creates `home` (mode 0700) if needed, the store in it, and this device's identity.
  // Errors: store kAlreadyExists (already initialised), scp kMalformedFrame (`relay` is not a
  // connection string: scp/connection_string.h), store and crypto errors.
  [[nodiscard]] static Result<std::unique_ptr<Messenger>> Init(const std::string& home,
                                                               std::span<const uint8_t> passphrase,
                                                               const std::string& relay,
                                                               const crypto::Argon2Params& kdf,
                                                               const Clock& clock);
  // Open opens an initialised home. Errors: store kCannotOpen, kWrongPassphrase, kTampered.
  [[nodiscard]] static Result<std::unique_ptr<Messenger>> Open(const std::string& home,
                                                               std::span<const uint8_t> passphrase,
                                                               const Clock& clock);
  ~Messenger();
  Messenger(const Messenger&) = delete;
  Messenger& operator=(const Messenger&) = delete;

  const crypto::Ed25519PublicKey& identity() const noexcept;
  // account: who this device is, once registered or logged in.
  [[nodiscard]] std::optional<Account> account() const;
  const std::string& relay() const noexcept;

  // Register creates `username` on the relay, logs this device in, uploads its prekeys and
  // remembers the account. Errors: the relay's refusal (proto::RelayErrc::kUsernameTaken, ...)
  // with nothing stored; kAlreadyRegistered if this device has an account; transport errors.
  asio::awaitable<Status> Register(asio::io_context& io, const std::string& username,
                                   std::span<const uint8_t> password);
  // Login adds this device to an existing account (SRP login with the account password), uploads
  // its prekeys and trusts the account's devices as they are now (the password holder vouches).
  // Errors: the relay's refusal (kBadCredentials, kAccountThrottled with its retry hint, ...).
  asio::awaitable<Status> Login(asio::io_context& io, const std::string& username,
                                std::span<const uint8_t> password);
  // Connect opens the relay session of a registered device (send_only: no deliveries; for a
  // sender beside a listener) and refills one-time prekeys when low. kNotRegistered, the
  // relay's refusal (a kRelay error), transport errors.
  asio::awaitable<Status> Connect(asio::io_context& io, bool send_only = false);
  // ConnectWithRetry: Connect, retrying transport failures with backoff and jitter
  // (kReconnectBase..kReconnectCap) until `give_up_after`; of the relay's refusals only the
  // retryable ones (proto::IsRetryable) are retried, never sooner than their retry hint.
  asio::awaitable<Status> ConnectWithRetry(asio::io_context& io, bool send_only,
                                           std::chrono::milliseconds give_up_after);
  [[nodiscard]] bool connected() const noexcept;
  // UseRelayConnector replaces how this device reaches its relay (default: TCP and SCP to the
  // stored connection string, RelayClientConnector). Tests put an in-process relay behind it.
  void UseRelayConnector(RelayConnector connector);
  asio::awaitable<void> Close();

  asio::awaitable<Result<std::vector<DeviceInfo>>> Devices();
  asio::awaitable<Status> RemoveDevice(uint32_t device_id);

  // Send encrypts `text` for every trusted device of `to` and copies it to this account's other
  // trusted devices, in one all-or-nothing relay request. Errors: kUnknownUser, kIdentityChanged
  // (nothing sent; the new keys wait in the contact's pending list), kNoPrekeys,
  // kMessageTooLarge, the relay's refusal (a kRelay error, e.g. kQueueFull), transport errors.
  asio::awaitable<Result<SendReport>> Send(const std::string& to, std::string_view text);

  // Pump waits up to `timeout` for a push, then handles every push already waiting: deliveries
  // are recorded in the inbox and acknowledged together in one request (at most
  // proto::kMaxAcksPerRequest); PrekeysLow refills. kEnded when the session ends.
  asio::awaitable<PumpEvent> Pump(std::chrono::milliseconds timeout);
  // TakeInbox returns the inbox in arrival order and empties it.
  [[nodiscard]] Result<std::vector<InboxEntry>> TakeInbox();

  [[nodiscard]] Result<std::vector<Contact>> Contacts();
  [[nodiscard]] Result<Contact> GetContact(const std::string& username);
  // RefreshContact looks `username` up on the relay and records new or changed device keys as
  // pending (never trusted); creates the contact on first use (trust on first use).
  asio::awaitable<Result<Contact>> RefreshContact(const std::string& username);
  // SafetyNumber: the 60 digits for this account's trusted devices and the contact's
  // (e2e/safety_number.h). kNotAContact; kIdentityChanged when one side has no trusted key left.
  [[nodiscard]] Result<std::string> SafetyNumber(const std::string& username);
  // MarkVerified records that the user compared safety numbers. kIdentityChanged if keys are pending.
  [[nodiscard]] Status MarkVerified(const std::string& username);
  // Trust accepts the contact's pending keys (their sessions start afresh); verified is cleared.
  [[nodiscard]] Status Trust(const std::string& username);

 private:
  struct Impl;
  explicit Messenger(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sc::client
