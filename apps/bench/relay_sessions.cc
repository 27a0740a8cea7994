#include "relay_sessions.h"

#include <fmt/format.h>

#include "securecomm/crypto/random.h"

#include "bench_limits.h"

namespace sc::bench {
namespace {

namespace pb = securecomm::relay::v1;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

const std::string& SourceFor(const RelayTarget& target, size_t index) {
  static const std::string kAny;
  return target.sources.empty() ? kAny : target.sources[index % target.sources.size()];
}

asio::awaitable<Expected<std::shared_ptr<client::RelayClient>>> ConnectFrom(
    asio::io_context& io, const RelayTarget& target, const std::shared_ptr<const crypto::Ed25519KeyPair>& key,
    const std::string& source) {
  // A named options object, not a temporary in the co_await expression: GCC 12 gave the
  // coroutine's parameter copy a dangling string buffer when it was a braced temporary here.
  client::ConnectOptions options;
  options.local_address = source;
  auto c = co_await client::RelayClient::Connect(io, target.relay, key, *target.clock, options);
  if (!c) {
    // A relay over its connection limit or its handshake rate (per address and overall) closes
    // the new connection before answering: the client sees the stream end during the handshake.
    const bool refused = c.error().name() == "kEndOfStream";
    co_return Failure(fmt::format(
        "connect from {}: {}{}", source.empty() ? "any" : source, c.error().name(),
        refused ? " (refused by the relay: --max-connections or --handshakes-per-* limits?)" : ""));
  }
  co_return std::move(*c);
}

// TryOpen is one attempt of OpenSession.
asio::awaitable<Expected<OpenedSession>> TryOpen(asio::io_context& io, const RelayTarget& target,
                                                 const Account& account, size_t slot, size_t index,
                                                 bool send_only) {
  auto key = DeviceKey(account, slot);
  auto c = co_await ConnectFrom(io, target, key, SourceFor(target, index));
  if (!c) co_return Failure(c.error());
  auto login = co_await (*c)->Login(account.username, Bytes(account.password), send_only);
  if (!login) {
    (*c)->Abort();
    co_return Failure(fmt::format("login of {}: {}", account.username, login.error().name()));
  }
  if (!send_only) {
    const auto deadline = std::chrono::steady_clock::now() + kQueueDrainedWait;
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        (*c)->Abort();
        co_return Failure("no QueueDrained within the wait");
      }
      auto push = co_await (*c)->NextPush(left);
      if (!push) {
        (*c)->Abort();
        co_return Failure(fmt::format("waiting for QueueDrained: {}", push.error().name()));
      }
      if (push->has_queue_drained()) break;  // deliveries of an earlier run are left queued: idle
    }
  }
  co_return OpenedSession{std::move(*c), *login};
}

}  // namespace

asio::awaitable<Expected<OpenedSession>> OpenSession(asio::io_context& io, const RelayTarget& target,
                                                     const Account& account, size_t slot, size_t index,
                                                     bool send_only) {
  std::string last;
  for (int attempt = 0; attempt < kSetupAttempts; ++attempt) {
    if (attempt > 0) {
      co_await Sleep(kSetupRetryDelay * attempt);
    }
    auto s = co_await TryOpen(io, target, account, slot, index, send_only);
    if (s) co_return s;
    last = s.error();
  }
  co_return Failure(last);
}

asio::awaitable<Expected<std::vector<Account>>> RegisterAccounts(asio::io_context& io,
                                                                 const RelayTarget& target,
                                                                 const std::vector<std::string>& names,
                                                                 size_t parallel) {
  std::vector<Account> accounts(names.size());
  std::string error;
  const size_t workers = std::max<size_t>(1, std::min(parallel, names.size()));
  const ParallelTask register_some = [&](size_t w) -> asio::awaitable<void> {
    std::shared_ptr<client::RelayClient> c;
    for (size_t i = w; i < names.size() && error.empty(); i += workers) {
      bool done = false;
      for (int attempt = 0; attempt < kSetupAttempts && !done && error.empty(); ++attempt) {
        if (!c || !c->connected()) {
          auto key = std::make_shared<const crypto::Ed25519KeyPair>(
              crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
          auto opened = co_await ConnectFrom(io, target, key, SourceFor(target, w));
          if (!opened) {
            co_await Sleep(kSetupRetryDelay);
            continue;
          }
          c = std::move(*opened);
        }
        Account a{names[i], NewPassword()};
        auto r = co_await c->Register(a.username, Bytes(a.password));
        if (!r && r.error().domain() == ErrorDomain::kRelay) {
          error = fmt::format("register {}: {}", a.username, r.error().name());
          break;
        }
        if (!r) continue;  // the session failed: reconnect and try again
        accounts[i] = std::move(a);
        done = true;
      }
      if (!done && error.empty())
        error = fmt::format("register {}: no connection after {} attempts", names[i], kSetupAttempts);
    }
    if (c) {
      co_await c->Close();
    }
  };
  co_await ParallelFor(workers, workers, register_some);
  if (!error.empty()) co_return Failure(error);
  co_return accounts;
}

std::vector<std::string> AccountNames(const std::string& prefix, size_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  const size_t width = std::to_string(n > 0 ? n - 1 : 0).size();
  for (size_t i = 0; i < n; ++i) out.push_back(fmt::format("{}{:0{}}", prefix, i, width));
  return out;
}

}  // namespace sc::bench
