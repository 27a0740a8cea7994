// service.h: the relay's request handlers (docs/protocol/relay.md §4-§8): accounts with SRP-6a,
// devices, prekeys and store-and-forward, over a store::RelayStore. Sans-I/O: no sockets, no
// threads; time and randomness are injected. The store worker (store_worker.h) runs Handle
// inside a transaction and a savepoint per request, and the server adapter moves frames.
//
//   Service service(store, clock, rng, ServiceOptions{});
//   SessionContext session{.peer_address = "127.0.0.1", .peer_identity = key_from_scp};
//   Outcome out = service.Handle(session, frame);   // inside the caller's savepoint
//   if (!out.keep_writes) store.RollbackToSavepoint();
//   ...commit...; then ApplyCommitted(session, out) and send out.response, push out.effects
//
// Nothing the service writes is acknowledged before the caller committed it: the caller sends
// the response only after the commit, and replaces it with STORAGE_FAILURE if the commit failed.
// Not thread safe: one thread (the store worker) calls it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/srp.h"
#include "securecomm/proto/relay.pb.h"
#include "securecomm/relay/limits.h"
#include "securecomm/relay/login_throttle.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay {

namespace pb = securecomm::relay::v1;

struct ServiceOptions {
  crypto::SrpGroup minimum_group = crypto::SrpGroup::k3072;
  std::chrono::milliseconds default_ttl = kDefaultMessageTtl;
  std::chrono::milliseconds max_ttl = kMaxMessageTtl;
  uint32_t max_queued_per_device = kMaxQueuedPerDevice;
  // Keys the decoy salt and verifier answered for unknown usernames, so that a login attempt
  // cannot tell an unknown username from a wrong password (relay.md §5.2). Random per relay.
  SecretArray<32> decoy_key;
};

// SessionContext: one SCP session's state as the service sees it. Owned by the connection,
// touched only on the store worker's thread.
struct SessionContext {
  std::string peer_address;          // the source address, for throttling (never logged with secrets)
  store::PublicKey32 peer_identity{};  // the SCP-authenticated Ed25519 key of the device
  std::optional<store::DeviceAddress> device;  // set once a login committed

  struct PendingLogin {
    std::string username;
    std::optional<store::AccountId> account;  // none: a decoy for an unknown username
    crypto::SrpServer server;
    std::vector<uint8_t> A;
  };
  std::optional<PendingLogin> login;
};

// Effects: what the adapter does after the commit, besides sending the response.
struct Effects {
  std::vector<store::StoredMessage> new_messages;  // push to their recipients if online
  std::vector<store::DeviceAddress> removed_devices;  // end these devices' sessions
  std::vector<std::pair<store::DeviceAddress, uint32_t>> prekeys_low;  // push PrekeysLow
  std::optional<store::DeviceAddress> logged_in;  // this session is now this device
};

struct Outcome {
  pb::Response response;
  Effects effects;
  // keep_writes: commit what the request wrote even though it failed (a failed login's count).
  // Successful requests always keep their writes.
  bool keep_writes = false;
  bool ok() const noexcept { return response.error() == pb::OK; }
};

class Service {
 public:
  Service(store::RelayStore& store, const Clock& clock, Random& rng, ServiceOptions options);

  // Handle answers one parsed frame. On a store error the response is STORAGE_FAILURE with
  // keep_writes false. Version, request_id and body presence are checked here too. A request
  // of a session whose device has been removed is refused with DEVICE_REMOVED, and the session
  // is logged out.
  Outcome Handle(SessionContext& session, const pb::ClientFrame& frame);

  // ApplyCommitted updates the session after the request's transaction committed.
  static void ApplyCommitted(SessionContext& session, const Outcome& outcome);

  // Fetch reads up to `limit` queued messages of `device` after `after`, for delivery.
  Result<std::vector<store::StoredMessage>> Fetch(store::DeviceAddress device, store::MessageId after, uint32_t limit);
  // QueueDepth: the device's queued messages (for the login response and metrics).
  Result<uint32_t> QueueDepth(store::DeviceAddress device);
  // PurgeExpired removes up to kPurgeBatch expired messages; returns how many.
  Result<uint32_t> PurgeExpired();

  // NormalizeUsername lowercases ASCII letters and checks relay.md §5.1; nullopt if invalid.
  static std::optional<std::string> NormalizeUsername(std::string_view username);
  // SignedPrekeyMessage: the bytes a device signs for its signed prekey (relay.md §6).
  static std::vector<uint8_t> SignedPrekeyMessage(uint32_t id, std::span<const uint8_t, 32> public_key);

 private:
  Outcome Register(const SessionContext& s, const pb::RegisterRequest& r);
  Outcome LoginStart(SessionContext& s, const pb::LoginStartRequest& r);
  Outcome LoginFinish(SessionContext& s, const pb::LoginFinishRequest& r);
  Outcome ListDevices(const SessionContext& s);
  Outcome RemoveDevice(const SessionContext& s, const pb::RemoveDeviceRequest& r);
  Outcome UploadPrekeys(const SessionContext& s, const pb::UploadPrekeysRequest& r);
  Outcome PrekeyCount(const SessionContext& s);
  Outcome FetchPrekeyBundle(const SessionContext& s, const pb::FetchPrekeyBundleRequest& r);
  Outcome LookupAccount(const SessionContext& s, const pb::LookupAccountRequest& r);
  Outcome Send(const SessionContext& s, const pb::SendRequest& r);
  Outcome Ack(const SessionContext& s, const pb::AckRequest& r);

  Result<crypto::SrpVerifier> DecoyVerifier(const std::string& username);
  // DeviceStillExists: false once the session's device was removed (by any session).
  bool DeviceStillExists(const SessionContext& s);

  store::RelayStore* store_;
  const Clock* clock_;
  Random* rng_;
  ServiceOptions options_;
  AddressThrottle address_throttle_;
};

}  // namespace sc::relay
