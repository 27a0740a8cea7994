#include "bench_common.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/signal_set.hpp>
#include <asio/this_coro.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/random.h"

#include "bench_limits.h"

namespace sc::bench {

// ---- Accounts ----

Expected<std::vector<Account>> ReadAccounts(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Failure(fmt::format("cannot read the accounts file {}", path));
  std::vector<Account> out;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    if (line.size() > kMaxCredentialLine) return Failure(fmt::format("{}:{}: line too long", path, number));
    std::istringstream fields(line);
    Account a;
    std::string extra;
    if (!(fields >> a.username >> a.password) || (fields >> extra)) {
      return Failure(fmt::format("{}:{}: expected \"username password\"", path, number));
    }
    out.push_back(std::move(a));
    if (out.size() > kMaxAccounts)
      return Failure(fmt::format("{}: more than {} accounts", path, kMaxAccounts));
  }
  return out;
}

Expected<void> WriteAccounts(const std::string& path, const std::vector<Account>& accounts) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Failure(fmt::format("cannot write {}", tmp));
    ::chmod(tmp.c_str(), 0600);
    out << "# securecomm-bench accounts v1: username password (the password is the hex text itself)\n";
    for (const auto& a : accounts) out << a.username << ' ' << a.password << '\n';
    if (!out.flush()) return Failure(fmt::format("cannot write {}", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Failure(fmt::format("cannot rename {} to {}: {}", tmp, path, ec.message()));
  return {};
}

std::string NewPassword() {
  uint8_t bytes[kPasswordBytes];
  crypto::SystemCsprng().Fill(bytes);
  std::string hex;
  for (uint8_t b : bytes) hex += fmt::format("{:02x}", b);
  return hex;
}

std::string RandomTag(size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::vector<uint8_t> bytes(n);
  crypto::SystemCsprng().Fill(bytes);
  std::string out;
  for (uint8_t b : bytes) out += kAlphabet[b % 36];  // a slight bias is irrelevant for a tag
  return out;
}

std::shared_ptr<const crypto::Ed25519KeyPair> DeviceKey(const Account& account, size_t slot) {
  const std::string label = fmt::format("securecomm-bench device {}", slot);
  const auto tag =
      crypto::HmacSha256({reinterpret_cast<const uint8_t*>(account.password.data()), account.password.size()},
                         {reinterpret_cast<const uint8_t*>(label.data()), label.size()});
  auto seed = crypto::Ed25519Seed::FromSpan(tag.span());
  return std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::FromSeed(*seed));
}

Expected<std::vector<std::string>> ParseSources(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    asio::error_code ec;
    (void)asio::ip::make_address(item, ec);
    if (ec) return Failure(fmt::format("--sources: '{}' is not an IP address", item));
    out.push_back(item);
  }
  return out;
}

// ---- Coroutine helpers ----

asio::awaitable<void> Event::Wait(SteadyTime deadline) {
  if (set_) co_return;
  asio::steady_timer t(co_await asio::this_coro::executor, deadline);
  waiters_.push_back(&t);
  (void)co_await t.async_wait(kNoThrow);
  std::erase(waiters_, &t);
}

asio::awaitable<void> Sleep(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  (void)co_await t.async_wait(kNoThrow);
}

asio::awaitable<void> SleepUntil(SteadyTime when) {
  asio::steady_timer t(co_await asio::this_coro::executor, when);
  (void)co_await t.async_wait(kNoThrow);
}

asio::awaitable<void> ParallelFor(size_t n, size_t parallel, const ParallelTask& fn) {
  struct State {
    ParallelTask fn;
    size_t n = 0;
    size_t next = 0;
    size_t running = 0;
    Event done;
  };
  auto ex = co_await asio::this_coro::executor;
  auto state = std::make_shared<State>();
  state->fn = fn;
  state->n = n;
  const size_t workers = std::min(n, std::max<size_t>(parallel, 1));
  if (workers == 0) co_return;
  for (size_t w = 0; w < workers; ++w) {
    ++state->running;
    asio::co_spawn(
        ex,
        [state]() -> asio::awaitable<void> {
          while (state->next < state->n) {
            co_await state->fn(state->next++);
          }
        },
        [state](std::exception_ptr) {  // nothing in fn throws but bad_alloc; the worker just ends
          if (--state->running == 0) state->done.Set();
        });
  }
  co_await state->done.Wait();
}

asio::awaitable<std::string> WaitForStop(bool watch_stdin, std::chrono::seconds max_hold) {
  auto ex = co_await asio::this_coro::executor;
  auto reason = std::make_shared<std::string>();
  auto event = std::make_shared<Event>();
  asio::signal_set signals(ex, SIGTERM, SIGINT);
  signals.async_wait([reason, event](const asio::error_code& ec, int) {
    if (ec) return;
    if (reason->empty()) *reason = "signal";
    event->Set();
  });
  std::unique_ptr<asio::posix::stream_descriptor> in;
  const int fd = watch_stdin ? ::dup(STDIN_FILENO) : -1;
  if (fd >= 0) {
    in = std::make_unique<asio::posix::stream_descriptor>(ex);
    asio::error_code aec;
    in->assign(fd, aec);  // the overload that reports instead of throwing
    if (aec) ::close(fd);
  }
  if (in && in->is_open()) {
    asio::co_spawn(
        ex,
        [reason, event, stream = in.get()]() -> asio::awaitable<void> {
          char buf[256];
          while (true) {
            auto [ec, n] = co_await stream->async_read_some(asio::buffer(buf), kNoThrow);
            if (ec) break;  // EOF, or the descriptor was closed because the wait ended
          }
          if (reason->empty()) *reason = "stdin";
          event->Set();
        },
        asio::detached);
  }
  const auto deadline =
      max_hold.count() > 0 ? std::chrono::steady_clock::now() + max_hold : SteadyTime::max();
  co_await event->Wait(deadline);
  if (reason->empty()) *reason = "timeout";
  asio::error_code ignored;
  signals.cancel(ignored);
  if (in && in->is_open()) {
    in->cancel(ignored);
    in->close(ignored);
    co_await asio::post(ex, asio::use_awaitable);  // the reader sees the cancel before `in` dies
  }
  co_return *reason;
}

// ---- /metrics ----

Expected<MetricsUrl> ParseMetricsUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return Failure("--metrics: must start with http://");
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  MetricsUrl out;
  out.path = slash == std::string::npos ? "/metrics" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return Failure("--metrics: needs HOST:PORT");
  out.host = authority.substr(0, colon);
  unsigned port = 0;
  const auto* b = authority.data() + colon + 1;
  const auto* e = authority.data() + authority.size();
  if (auto [p, ec] = std::from_chars(b, e, port); ec != std::errc() || p != e || port == 0 || port > 65535) {
    return Failure("--metrics: bad port");
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

asio::awaitable<Expected<std::string>> Scrape(const MetricsUrl& url) {
  auto ex = co_await asio::this_coro::executor;
  asio::error_code ec;
  const auto address = asio::ip::make_address(url.host, ec);
  if (ec) co_return Failure("metrics host must be an IP address");
  auto socket = std::make_shared<asio::ip::tcp::socket>(ex);
  asio::steady_timer deadline(ex, kMetricsTimeout);
  deadline.async_wait([socket](const asio::error_code& e) {
    if (!e) {
      asio::error_code ignored;
      socket->close(ignored);
    }
  });
  auto [cec] = co_await socket->async_connect({address, url.port}, kNoThrow);
  if (cec) co_return Failure("metrics: cannot connect: " + cec.message());
  const std::string request = fmt::format("GET {} HTTP/1.0\r\nHost: {}\r\n\r\n", url.path, url.host);
  auto [wec, w] = co_await asio::async_write(*socket, asio::buffer(request), kNoThrow);
  if (wec) co_return Failure("metrics: write failed: " + wec.message());
  std::string response;
  char buf[16384];
  while (true) {
    auto [rec, n] = co_await socket->async_read_some(asio::buffer(buf), kNoThrow);
    response.append(buf, n);
    if (response.size() > kMaxMetricsResponse) co_return Failure("metrics: answer too large");
    if (rec) break;  // EOF ends an HTTP/1.0 answer; a timeout closes the socket
  }
  deadline.cancel();
  const auto body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || response.find(" 200 ") > 12 || body == std::string::npos) {
    co_return Failure("metrics: not an HTTP 200 answer");
  }
  co_return response.substr(body + 4);
}

std::optional<double> MetricValue(const std::string& body, const std::string& name) {
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ' ') {
      try {  // std::stod throws on garbage; the relay is ours, but a scrape is still input
        return std::stod(line.substr(name.size() + 1));
      } catch (...) {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

// ---- /proc ----

std::optional<uint64_t> ResidentBytes(int pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status") : fmt::format("/proc/{}/status", pid));
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      uint64_t kb = 0;
      if (in >> kb) return kb * 1024;
      return std::nullopt;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return std::nullopt;
}

std::optional<uint64_t> WrittenBytes(int pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/io") : fmt::format("/proc/{}/io", pid));
  std::string key;
  uint64_t value = 0;
  while (in >> key >> value) {
    if (key == "write_bytes:") return value;
  }
  return std::nullopt;
}

std::map<int, ThreadTime> ThreadTimes(int pid) {
  std::map<int, ThreadTime> out;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::ifstream stat(entry.path() / "stat");
    std::string text;
    std::getline(stat, text);
    // pid (comm) state ... : comm may hold spaces, so split after the last ')'.
    const auto open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::vector<std::string> f;
    std::string s;
    while (fields >> s) f.push_back(s);
    if (f.size() < 13) continue;  // utime and stime are fields 14 and 15 of stat(5): f[11], f[12]
    ThreadTime t;
    t.name = text.substr(open + 1, close - open - 1);
    uint64_t utime = 0, stime = 0;
    std::from_chars(f[11].data(), f[11].data() + f[11].size(), utime);
    std::from_chars(f[12].data(), f[12].data() + f[12].size(), stime);
    t.cpu_seconds = static_cast<double>(utime + stime) / ticks;
    std::ifstream schedstat(entry.path() / "schedstat");
    uint64_t on_cpu_ns = 0, waiting_ns = 0;
    if (schedstat >> on_cpu_ns >> waiting_ns) t.runqueue_seconds = static_cast<double>(waiting_ns) / 1e9;
    int tid = 0;
    const std::string name = entry.path().filename().string();
    std::from_chars(name.data(), name.data() + name.size(), tid);
    out[tid] = t;
  }
  return out;
}

double ProcessCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace sc::bench
