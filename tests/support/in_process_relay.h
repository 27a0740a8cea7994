// in_process_relay.h: the real relay::Service over a store::MemoryRelayStore behind in-process
// client::RelayLinks, for tests of client logic in milliseconds: no sockets, no processes, no
// threads. It is a test double of the relay's asio adapter (relay_server/src/connection.cc), not
// of the service: every request runs the real Service::Handle in a transaction of its own, and
// pushes follow docs/protocol/relay.md §7.2 and §8 (the queue in id order within the delivery
// window, QueueDrained once, then live messages; an ack frees the window; a removed device's
// sessions end with SessionEnded{DEVICE_REMOVED}).
//
//   InProcessRelay relay;                             // options: a random decoy key
//   auto m = Messenger::Init(home, pass, relay.connection_string(), kdf, relay.clock());
//   (*m)->UseRelayConnector(relay.Connector());
//   RunSync(io, (*m)->Register(io, "alice", password));
//   EXPECT_EQ(relay.requests("ack"), 1u);              // requests per relay::RequestType name
//   relay.FailNextCommits(1, "ack");                   // the next ack's commit fails
//
// Thread safety: one io_context thread (the test's). The relay must outlive the io_context's
// run; links that outlive the relay are ended (scp kClosed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/client/relay_link.h"
#include "securecomm/relay/service.h"
#include "securecomm/store/memory_relay_store.h"

namespace sc::testing {

class InProcessRelay {
 public:
  // DefaultOptions: the relay's defaults with a random decoy key.
  static relay::ServiceOptions DefaultOptions();

  explicit InProcessRelay(relay::ServiceOptions options = DefaultOptions());
  ~InProcessRelay();  // ends every link still open
  InProcessRelay(const InProcessRelay&) = delete;
  InProcessRelay& operator=(const InProcessRelay&) = delete;

  // Connector returns a RelayConnector whose links are sessions with this relay, authenticated
  // as the identity the connector is given (as SCP would). A relay string other than
  // connection_string() is net kBadAddress. The connector refers to this relay: it must not be
  // used after the relay is gone.
  client::RelayConnector Connector();
  // connection_string: a well-formed connection string (scp/connection_string.h) naming this
  // relay; nothing dials it.
  const std::string& connection_string() const noexcept { return connection_string_; }

  // clock: the service's time (and, if the test likes, the clients'); Advance moves it.
  ManualClock& clock() noexcept { return clock_; }
  relay::Service& service() noexcept { return service_; }
  store::MemoryRelayStore& store() noexcept { return store_; }

  // requests returns how many requests of the type named `name` (relay::RequestType::name,
  // "unknown" for a body without a row) the links made, refused ones included.
  size_t requests(std::string_view name) const;
  // FailNextCommits makes the next `n` requests (of type `name`, or of any type if empty) fail
  // as a failed commit does in the real adapter: the service runs, nothing it wrote is kept,
  // no effect happens, and the answer is STORAGE_FAILURE.
  void FailNextCommits(size_t n, std::string_view name = {});

  // QueueDepth and OneTimePrekeys read the store in a transaction of their own. Store errors.
  Result<uint32_t> QueueDepth(store::DeviceAddress device);
  Result<uint32_t> OneTimePrekeys(store::DeviceAddress device);
  // live_sessions: links of `device` that are logged in and not ended.
  size_t live_sessions(store::DeviceAddress device) const;

 private:
  class Link;
  class Sink;

  // Run handles one frame of `session` as the store worker and the adapter do: a transaction
  // and a savepoint, writes kept iff ok() or keep_writes, the commit (or an injected failure,
  // answered STORAGE_FAILURE with no effects), then ApplyCommitted.
  relay::Outcome Run(relay::SessionContext& session, const relay::pb::ClientFrame& frame);
  // Fetch reads `device`'s queue after `after` in a transaction of its own.
  Result<std::vector<store::StoredMessage>> Fetch(store::DeviceAddress device, store::MessageId after,
                                                  uint32_t limit);
  // FetchUrgent: the device's queued urgent messages, in one transaction (the priority lane).
  Result<std::vector<store::StoredMessage>> FetchUrgent(store::DeviceAddress device);
  // LinksOf: the open, logged-in links of `device`.
  std::vector<std::shared_ptr<Link>> LinksOf(store::DeviceAddress device) const;

  ManualClock clock_;
  SystemRandom rng_;
  store::MemoryRelayStore store_;
  relay::Service service_;
  std::unique_ptr<Sink> sink_;
  std::vector<std::weak_ptr<Link>> links_;
  std::map<std::string, size_t, std::less<>> requests_;
  size_t failures_left_ = 0;
  std::string failing_type_;
  std::string connection_string_;
};

}  // namespace sc::testing
