// service.h: the relay's requests (docs/protocol/relay.md §4-§8): accounts with SRP-6a,
// devices, prekeys and store-and-forward, over a store::RelayStore. Handle checks what every
// request shares (version, login) and dispatches by the request table (requests.h); the
// handlers return the answer and the effects (effects.h). Sans-I/O: no sockets, no threads;
// time and randomness are injected. The store worker (store_worker.h) runs Handle inside a
// transaction and a savepoint per request, and the server adapter moves frames.
//
//   Service service(store, clock, rng, ServiceOptions{});
//   SessionContext session{.peer_address = "127.0.0.1", .peer_identity = key_from_scp};
//   Outcome out = service.Handle(session, frame);   // inside the caller's savepoint
//   if (!out.keep_writes) store.RollbackToSavepoint();
//   ...commit...; then ApplyCommitted(session, out), send out.response, Publish(out.effects, sink)
//
// Nothing the service writes is acknowledged before the caller committed it: the caller sends
// the response only after the commit, and replaces it with STORAGE_FAILURE if the commit failed.
// Not thread safe: one thread (the store worker) calls it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/srp.h"
#include "securecomm/proto/relay.pb.h"
#include "securecomm/relay/disk_full.h"
#include "securecomm/relay/effects.h"
#include "securecomm/relay/limits.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay {

struct ServiceOptions {
  // The one SRP group of new accounts and of decoys (relay.md §5.2, §5.3): an unknown name and
  // an account answer the same group, so the group tells nothing. Accounts registered in
  // another group by an older relay keep theirs.
  crypto::SrpGroup account_group = crypto::SrpGroup::k3072;
  std::chrono::milliseconds default_ttl = kDefaultMessageTtl;
  std::chrono::milliseconds max_ttl = kMaxMessageTtl;
  uint32_t max_queued_per_device = kMaxQueuedPerDevice;
  // Keys the decoy salt and verifier answered for unknown usernames, so that a login attempt
  // cannot tell an unknown username from a wrong password (relay.md §5.2). Random per relay.
  SecretArray<32> decoy_key;
  // The relay's disk-full mode (disk_full.h), shared with the store worker; null: none (a full
  // disk is then only STORAGE_FAILURE per request). Must outlive the service.
  DiskFullMode* disk_full = nullptr;
};

// SessionContext: one SCP session's state as the service sees it. Owned by the connection,
// touched only on the store worker's thread.
struct SessionContext {
  std::string peer_address;            // the source address, for throttling (never logged with secrets)
  store::PublicKey32 peer_identity{};  // the SCP-authenticated Ed25519 key of the device
  std::optional<store::DeviceAddress> device;  // set once a login committed

  struct PendingLogin {
    std::string username;
    std::optional<store::AccountId> account;  // none: a decoy for an unknown username
    std::optional<store::DecoyTag> decoy;     // the decoy's failure record (relay.md §5.4)
    bool enrolled_device = false;  // the session's key is a device of the account: no account lockout
    crypto::SrpServer server;
    std::vector<uint8_t> A;
  };
  std::optional<PendingLogin> login;
};

struct Outcome {
  pb::Response response;
  Effects effects;
  // keep_writes: commit what the request wrote even though it failed (a failed login's count).
  // Successful requests always keep their writes.
  bool keep_writes = false;
  // disk_full: the request failed because a store write found no space (store::Errc::kDiskFull).
  bool disk_full = false;
  bool ok() const noexcept { return response.error() == pb::OK; }
};

class HandlerContext;

class Service {
 public:
  Service(store::RelayStore& store, const Clock& clock, Random& rng, ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Handle answers one parsed frame: UNSUPPORTED_VERSION for another version, UNKNOWN_REQUEST
  // for a body without a row in the request table, NOT_AUTHENTICATED for a request that needs
  // a login on a session without one, DEVICE_REMOVED (and the session logged out) for a
  // session whose device was removed meanwhile; STORAGE_FAILURE with kDiskFullRetryAfter for a
  // grows_store request while the disk-full mode is active; otherwise the row's handler
  // answers. A store error is STORAGE_FAILURE with keep_writes false (kDiskFull also enters the
  // disk-full mode). The response echoes request_id.
  Outcome Handle(SessionContext& session, const pb::ClientFrame& frame);

  // ApplyCommitted updates the session after the request's transaction committed.
  static void ApplyCommitted(SessionContext& session, const Outcome& outcome);

  // FetchUrgent reads the device's queued urgent messages after `after` (at most
  // kMaxUrgentQueuedPerDevice exist), for the priority lane (relay.md §7.4).
  Result<std::vector<store::StoredMessage>> FetchUrgent(store::DeviceAddress device, store::MessageId after);
  // Fetch reads up to `limit` queued messages of `device` after `after`, for delivery.
  Result<std::vector<store::StoredMessage>> Fetch(store::DeviceAddress device, store::MessageId after,
                                                  uint32_t limit);
  // QueueDepth: the device's queued messages (for the login response and metrics).
  Result<uint32_t> QueueDepth(store::DeviceAddress device);
  // PurgeExpired removes up to kPurgeBatch expired messages; returns how many.
  Result<uint32_t> PurgeExpired();

 private:
  // DeviceStillExists: false once the session's device was removed (by any session).
  bool DeviceStillExists(const SessionContext& s);

  ServiceOptions options_;
  std::unique_ptr<HandlerContext> ctx_;
};

}  // namespace sc::relay
