// relay_sessions.h: opening many authenticated relay sessions for the load generator: register
// accounts in parallel, and connect + SRP login + (for delivery sessions) wait until the relay
// has read the device's queue, with retries.
//
//   RelayTarget target{*cs, {"127.0.0.2", "127.0.0.3"}};
//   auto accounts = co_await RegisterAccounts(io, target, names, 32, stats);
//   auto session = co_await OpenSession(io, target, accounts[i], slot, i, /*send_only=*/false);
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/client/relay_client.h"
#include "securecomm/scp/connection_string.h"

#include "bench_common.h"

namespace sc::bench {

struct RelayTarget {
  scp::ConnectionString relay;
  std::vector<std::string> sources;  // source addresses, used round robin by connection index
  const Clock* clock = nullptr;
};

struct OpenedSession {
  std::shared_ptr<client::RelayClient> client;
  client::LoginInfo login;
};

// OpenSession connects from sources[index % n], logs `account` in as device `slot` (its key from
// DeviceKey) and, unless send_only, waits for QueueDrained. Retries kSetupAttempts times.
asio::awaitable<Expected<OpenedSession>> OpenSession(asio::io_context& io, const RelayTarget& target,
                                                     const Account& account, size_t slot, size_t index,
                                                     bool send_only);

// RegisterAccounts creates one account per name with a fresh password, over `parallel`
// connections, and returns them in the order of `names`. Fails if any name is refused.
asio::awaitable<Expected<std::vector<Account>>> RegisterAccounts(asio::io_context& io,
                                                                 const RelayTarget& target,
                                                                 const std::vector<std::string>& names,
                                                                 size_t parallel);

// AccountNames returns "<prefix><i>" for i in [0, n), zero-padded to a fixed width.
std::vector<std::string> AccountNames(const std::string& prefix, size_t n);

}  // namespace sc::bench
