// bench_common.h: what every securecomm-bench mode shares: the accounts file, per-device keys,
// source addresses, running coroutines in parallel with a bound, waiting for a stop request,
// scraping the relay's /metrics, and reading a process's memory and per-thread CPU from /proc.
//
//   auto accounts = ReadAccounts("accounts.txt");          // written by `securecomm-bench register`
//   auto key = DeviceKey(accounts->at(7), 3);             // the same key on every run
//   const ParallelTask task = [&](size_t i) -> asio::awaitable<void> { ... };
//   co_await ParallelFor(n, 32, task);
//
// Errors are one-line strings for the operator: the bench is a program's main, not a library.
//
// Coroutines here take class-type arguments by const reference, and callers pass named objects,
// never a temporary inside a co_await expression: GCC 12.2 destroys such a temporary (or the
// by-value parameter made from it) twice, which freed a shared state early and corrupted a
// string here before this rule.
// Thread safety: everything runs on the bench's one io_context thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "securecomm/crypto/ed25519.h"

namespace sc::bench {

template <typename T>
using Expected = tl::expected<T, std::string>;
inline tl::unexpected<std::string> Failure(std::string why) {
  return tl::unexpected<std::string>(std::move(why));
}

// Every asio wait in the bench reports errors as values: no exception crosses into asio.
inline constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

using SteadyTime = std::chrono::steady_clock::time_point;
inline double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// ---- Accounts ----

struct Account {
  std::string username;
  std::string password;  // hex; the bytes of this string are the SRP password
};

// ReadAccounts parses a file of "username password" lines ('#' starts a comment line).
Expected<std::vector<Account>> ReadAccounts(const std::string& path);
// WriteAccounts writes them (mode 0600: they are passwords, if only of bench accounts).
Expected<void> WriteAccounts(const std::string& path, const std::vector<Account>& accounts);
// NewPassword returns kPasswordBytes random bytes in hex.
std::string NewPassword();
// RandomTag returns `n` random characters of [a-z0-9], for unique account prefixes.
std::string RandomTag(size_t n);

// DeviceKey derives device `slot`'s Ed25519 identity from the account's password, so that every
// run logs the same connection in as the same device (an account holds at most 16).
std::shared_ptr<const crypto::Ed25519KeyPair> DeviceKey(const Account& account, size_t slot);

// ParseSources splits "127.0.0.2,127.0.0.3" and checks each is an IP address. An empty string
// gives no sources (the kernel picks the source address).
Expected<std::vector<std::string>> ParseSources(const std::string& list);

// ---- Coroutine helpers ----

// Event: a one-shot wake-up for one or more waiting coroutines.
class Event {
 public:
  void Set() {
    set_ = true;
    for (auto* t : waiters_) t->cancel();
  }
  void Reset() noexcept { set_ = false; }
  bool is_set() const noexcept { return set_; }
  // Wait returns once Set was called or at `deadline`.
  asio::awaitable<void> Wait(SteadyTime deadline = SteadyTime::max());

 private:
  std::vector<asio::steady_timer*> waiters_;
  bool set_ = false;
};

// Sleep waits `d` (no error: a cancelled sleep just ends early).
asio::awaitable<void> Sleep(std::chrono::steady_clock::duration d);
asio::awaitable<void> SleepUntil(SteadyTime t);

// ParallelFor runs fn(0) .. fn(n-1), at most `parallel` at once, and returns when all are done.
// `fn` is copied; what its captures refer to must outlive the call.
using ParallelTask = std::function<asio::awaitable<void>(size_t)>;
asio::awaitable<void> ParallelFor(size_t n, size_t parallel, const ParallelTask& fn);

// WaitForStop returns on SIGTERM or SIGINT, when stdin reaches end of file (if `watch_stdin`),
// or after `max_hold` (zero: no limit). Returns what ended the wait ("signal", "stdin", "timeout").
asio::awaitable<std::string> WaitForStop(bool watch_stdin, std::chrono::seconds max_hold);

// ---- The relay's /metrics ----

struct MetricsUrl {
  std::string host;
  uint16_t port = 0;
  std::string path;
};
// ParseMetricsUrl accepts "http://HOST:PORT/PATH" (what the relay prints, with /metrics).
Expected<MetricsUrl> ParseMetricsUrl(const std::string& url);
// Scrape GETs the URL (HTTP/1.0) and returns the body. Bounded in size and time.
asio::awaitable<Expected<std::string>> Scrape(const MetricsUrl& url);
// MetricValue returns the value of the first unlabelled sample `name` in a Prometheus text body.
std::optional<double> MetricValue(const std::string& body, const std::string& name);

// ---- /proc ----

// ResidentBytes returns VmRSS of `pid` (0: this process), or nullopt if it cannot be read.
std::optional<uint64_t> ResidentBytes(int pid);

// WrittenBytes returns write_bytes of /proc/PID/io (0: this process): bytes the process caused
// to be sent to the storage layer (proc(5)), or nullopt if it cannot be read (another user's).
std::optional<uint64_t> WrittenBytes(int pid);

// ThreadTimes: CPU seconds (user + system) of each thread of `pid`, by thread id, with its name.
struct ThreadTime {
  std::string name;
  double cpu_seconds = 0;
  // Seconds spent runnable but waiting for a CPU (/proc/PID/task/TID/schedstat, field 2): how
  // much other processes (or the other threads) held this thread back.
  double runqueue_seconds = 0;
};
std::map<int, ThreadTime> ThreadTimes(int pid);
// ProcessCpuSeconds: this process's user + system CPU time so far.
double ProcessCpuSeconds();

}  // namespace sc::bench
