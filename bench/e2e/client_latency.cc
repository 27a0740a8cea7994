// securecomm-e2e-latency: client-to-client latency through a real local relay (bench/README.md,
// "e2e latency").
//
//   securecomm-e2e-latency [--seconds=10] [--rate=100] [--size=100] [--relay=PATH]
//
// Starts securecomm-relay (--data-dir <tmp> --port 0 --http-port 0), then measures two things on it, one
// after the other, at the same rate and message size:
//   raw  two RelayClient sessions: A sends the text as one envelope (SendRequest) to B; time from
//        just before Call(send) to B's NextPush returning the delivery (B then acks it).
//   e2e  two sc::client::Messenger (Init in temp dirs with kArgon2TestOnly, Register "alice" and
//        "bob"): alice's Send("bob", text); time from just before Send to bob's TakeInbox
//        returning the message (after Pump decrypted, stored and acked it).
// Each client runs on its own io_context and thread (a Messenger and a RelayClient are
// single-threaded per instance; two devices are two processes in real use, so their work
// overlaps). Sends follow a fixed schedule (i / rate seconds after the start); a send that starts
// late is counted, and the achieved rate is reported. Exit status: 0, or 1 if a phase failed or
// lost messages.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/client/messenger.h"
#include "securecomm/client/relay_client.h"
#include "securecomm/crypto/argon2.h"
#include "securecomm/crypto/random.h"
#include "securecomm/net/errors.h"
#include "securecomm/scp/connection_string.h"

#ifndef SC_RELAY_BIN
#error "SC_RELAY_BIN: the path of securecomm-relay, set by bench/e2e/CMakeLists.txt"
#endif

namespace {

namespace fs = std::filesystem;
namespace pb = securecomm::relay::v1;
using sc::client::Messenger;
using sc::client::RelayClient;
using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
  double seconds = 10;
  double rate = 100;
  size_t size = 100;
  std::string relay = SC_RELAY_BIN;
};

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch()).count();
}

// Text(i): "#<i> " then 'x' up to `size` bytes; the receiver reads the sequence number back.
std::string Text(size_t i, size_t size) {
  std::string t = "#" + std::to_string(i) + " ";
  t.resize(std::max(size, t.size()), 'x');
  return t;
}
std::optional<size_t> SequenceOf(std::string_view text) {
  if (text.size() < 2 || text[0] != '#') return std::nullopt;
  size_t n = 0;
  size_t i = 1;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
    n = n * 10 + static_cast<size_t>(text[i] - '0');
  if (i == 1 || i == text.size() || text[i] != ' ') return std::nullopt;
  return n;
}

// A temporary directory, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sc_e2e_latency.XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// The relay process: stdout and stderr to <dir>/relay.log; the connection string from
// <data-dir>/connection.txt (written before it prints "listening").
class Relay {
 public:
  ~Relay() { Stop(); }
  bool Start(const std::string& binary, const fs::path& dir) {
    const fs::path data = dir / "relay";
    const std::string log = (dir / "relay.log").string();
    std::vector<std::string> args = {binary,        "--data-dir", data.string(), "--port", "0",
                                     "--http-port", "0",          "--log-level", "warn"};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    const int rc = posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      return false;
    }
    const auto deadline = Steady::now() + 20s;
    while (Steady::now() < deadline) {
      std::ifstream in(data / "connection.txt");
      std::string line;
      if (in && std::getline(in, line) && !in.eof()) {  // a whole line: the file is complete
        if (auto cs = sc::scp::ParseConnectionString(line)) {
          connection_ = line;
          parsed_ = *cs;
          return true;
        }
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  const std::string& connection() const { return connection_; }
  const sc::scp::ConnectionString& parsed() const { return parsed_; }

 private:
  pid_t pid_ = -1;
  std::string connection_;
  sc::scp::ConnectionString parsed_;
};

// One client's thread: an io_context kept running until the Side is destroyed.
class Side {
 public:
  Side() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~Side() {
    work_.reset();
    thread_.join();
  }
  asio::io_context& io() { return io_; }
  // Run runs `a` on this side's thread and waits for its value.
  template <typename T>
  T Run(asio::awaitable<T> a) {
    return asio::co_spawn(io_, std::move(a), asio::use_future).get();
  }
  template <typename T>
  std::future<T> Spawn(asio::awaitable<T> a) {
    return asio::co_spawn(io_, std::move(a), asio::use_future);
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Per message: send start and arrival (steady ns); 0 = not (yet) happened.
struct Timeline {
  std::vector<int64_t> sent, send_returned, received;
  size_t late_starts = 0;  // sends that began more than 1 ms after their slot
  std::string failure;
  explicit Timeline(size_t n) : sent(n, 0), send_returned(n, 0), received(n, 0) {}
};

// Sends on the schedule: message i at start + i / rate. `send(i)` performs one send.
asio::awaitable<void> Sender(Timeline& t, Steady::time_point start, double rate,
                             std::function<asio::awaitable<bool>(size_t)> send) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (size_t i = 0; i < t.sent.size(); ++i) {
    const auto slot =
        start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(i) / rate));
    timer.expires_at(slot);
    co_await timer.async_wait(asio::use_awaitable);
    if (Steady::now() - slot > 1ms) t.late_starts += 1;
    t.sent[i] = NowNs();
    const bool ok = co_await send(i);
    t.send_returned[i] = NowNs();
    if (!ok) {
      t.failure = "send " + std::to_string(i) + " failed";
      co_return;
    }
  }
}

struct Stats {
  size_t delivered = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;  // microseconds
  double send_p50 = 0, send_p99 = 0;                    // the sender's call alone, microseconds
  double achieved_rate = 0;                             // sends per second
};

Stats Summarize(const Timeline& t) {
  std::vector<double> us, call;
  for (size_t i = 0; i < t.sent.size(); ++i) {
    if (t.sent[i] != 0 && t.received[i] != 0)
      us.push_back(static_cast<double>(t.received[i] - t.sent[i]) / 1e3);
    if (t.sent[i] != 0 && t.send_returned[i] != 0) {
      call.push_back(static_cast<double>(t.send_returned[i] - t.sent[i]) / 1e3);
    }
  }
  Stats s;
  s.delivered = us.size();
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  std::sort(call.begin(), call.end());
  auto rank_of = [](const std::vector<double>& v, double q) {  // nearest rank
    size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(k, 1, v.size()) - 1];
  };
  auto rank = [&](double q) { return rank_of(us, q); };
  if (!call.empty()) {
    s.send_p50 = rank_of(call, 0.50);
    s.send_p99 = rank_of(call, 0.99);
  }
  s.p50 = rank(0.50);
  s.p90 = rank(0.90);
  s.p99 = rank(0.99);
  s.max = us.back();
  double sum = 0;
  for (double v : us) sum += v;
  s.mean = sum / static_cast<double>(us.size());
  const size_t n = t.sent.size();
  if (n > 1 && t.sent[n - 1] > t.sent[0]) {
    s.achieved_rate = static_cast<double>(n - 1) * 1e9 / static_cast<double>(t.sent[n - 1] - t.sent[0]);
  }
  return s;
}

// ---- raw: RelayClient to RelayClient ------------------------------------------------------------

struct RawDevice {
  std::shared_ptr<RelayClient> client;
  sc::client::LoginInfo info;
};

asio::awaitable<std::optional<RawDevice>> RawConnect(asio::io_context& io,
                                                     const sc::scp::ConnectionString& cs,
                                                     const std::string& user, const sc::Clock& clock) {
  auto key = std::make_shared<const sc::crypto::Ed25519KeyPair>(
      sc::crypto::Ed25519KeyPair::Generate(sc::crypto::SystemCsprng()));
  // A named ConnectOptions: GCC 12 destroys a defaulted class-type argument of a coroutine twice
  // when the call is itself inside a coroutine.
  sc::client::ConnectOptions options;
  auto c = co_await RelayClient::Connect(io, cs, key, clock, options);
  if (!c) co_return std::nullopt;
  const std::string password = "raw anchor password";
  auto reg = co_await (*c)->Register(user, Bytes(password));
  if (!reg) co_return std::nullopt;
  auto info = co_await (*c)->Login(user, Bytes(password));
  if (!info) co_return std::nullopt;
  co_return RawDevice{*c, *info};
}

// RawReceiver takes pushes until every message arrived (or `give_up`), acking each delivery.
asio::awaitable<void> RawReceiver(RawDevice& bob, Timeline& t, Steady::time_point give_up) {
  size_t got = 0;
  while (got < t.received.size() && Steady::now() < give_up) {
    auto push = co_await bob.client->NextPush(200ms);
    const int64_t now = NowNs();
    if (!push) {
      if (push.error() == sc::net::Errc::kTimeout) continue;
      t.failure = "receiver: " + std::string(push.error().name());
      co_return;
    }
    if (!push->has_delivery()) continue;
    const auto seq = SequenceOf(push->delivery().payload());
    if (seq && *seq < t.received.size() && t.received[*seq] == 0) {
      t.received[*seq] = now;
      got += 1;
    }
    pb::ClientFrame ack;
    ack.mutable_ack()->add_message_ids(push->delivery().message_id());
    auto r = co_await bob.client->Call(std::move(ack));
    if (!r) {
      t.failure = "ack: " + std::string(r.error().name());
      co_return;
    }
  }
}

// ---- e2e: Messenger to Messenger ----------------------------------------------------------------

asio::awaitable<bool> MessengerRegister(asio::io_context& io, Messenger& m, const std::string& user) {
  const std::string password = "e2e latency password";
  auto r = co_await m.Register(io, user, Bytes(password));
  co_return r.has_value();
}

// E2eReceiver pumps until every message arrived (or `give_up`), recording when TakeInbox returned each.
asio::awaitable<void> E2eReceiver(Messenger& bob, Timeline& t, Steady::time_point give_up) {
  size_t got = 0;
  while (got < t.received.size() && Steady::now() < give_up) {
    auto ev = co_await bob.Pump(200ms);
    if (ev.kind == sc::client::PumpEvent::Kind::kEnded) {
      t.failure = "bob's session ended: " + (ev.ended ? std::string(ev.ended->name()) : std::string("?"));
      co_return;
    }
    if (ev.delivered == 0) continue;
    auto inbox = bob.TakeInbox();
    const int64_t now = NowNs();
    if (!inbox) {
      t.failure = "TakeInbox: " + std::string(inbox.error().name());
      co_return;
    }
    for (const auto& e : *inbox) {
      const auto seq = SequenceOf(e.body);
      if (seq && *seq < t.received.size() && t.received[*seq] == 0) {
        t.received[*seq] = now;
        got += 1;
      }
    }
  }
}

// Waits until `m` has taken `n` inbox entries (warm-up).
asio::awaitable<bool> PumpUntil(Messenger& m, size_t n, std::chrono::seconds patience) {
  const auto deadline = Steady::now() + patience;
  size_t got = 0;
  while (got < n && Steady::now() < deadline) {
    auto ev = co_await m.Pump(200ms);
    if (ev.kind == sc::client::PumpEvent::Kind::kEnded) co_return false;
    if (ev.delivered == 0) continue;
    auto inbox = m.TakeInbox();
    if (!inbox) co_return false;
    got += inbox->size();
  }
  co_return got >= n;
}

void Print(const char* name, const Stats& s, const Timeline& t) {
  std::printf(
      "%-4s latency us: p50 %6.0f  p90 %6.0f  p99 %6.0f  max %6.0f  mean %6.0f | delivered %zu/%zu, "
      "achieved %.1f msg/s, %zu late starts, send call p50 %.0f p99 %.0f us%s%s\n",
      name, s.p50, s.p90, s.p99, s.max, s.mean, s.delivered, t.sent.size(), s.achieved_rate, t.late_starts,
      s.send_p50, s.send_p99, t.failure.empty() ? "" : "  FAILED: ", t.failure.c_str());
}

bool ParseFlag(const char* arg, const char* name, std::string& value) {
  const size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) try {  // an exception (bad_alloc, a library's) ends with 1
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string v;
    if (ParseFlag(argv[i], "--seconds", v)) {
      o.seconds = std::stod(v);
    } else if (ParseFlag(argv[i], "--rate", v)) {
      o.rate = std::stod(v);
    } else if (ParseFlag(argv[i], "--size", v)) {
      o.size = std::stoul(v);
    } else if (ParseFlag(argv[i], "--relay", v)) {
      o.relay = v;
    } else {
      std::fprintf(stderr, "usage: %s [--seconds=10] [--rate=100] [--size=100] [--relay=PATH]\n", argv[0]);
      return 64;
    }
  }
  const size_t n = static_cast<size_t>(o.seconds * o.rate);
  if (n < 2 || o.rate <= 0 || o.size < 16 || o.size > 60000) {
    std::fprintf(stderr,
                 "securecomm-e2e-latency: need --seconds * --rate >= 2, --rate > 0, 16 <= --size <= 60000\n");
    return 64;
  }

  TempDir tmp;
  Relay relay;
  if (tmp.path.empty() || !relay.Start(o.relay, tmp.path)) {
    std::fprintf(stderr, "securecomm-e2e-latency: the relay (%s) did not start\n", o.relay.c_str());
    return 1;
  }
  std::printf("securecomm-e2e-latency: %zu messages of %zu B at %.0f/s (%.1f s) per phase, relay %s\n", n,
              o.size, o.rate, o.seconds, o.relay.c_str());
  sc::SystemClock clock;
  Timeline raw(n), e2e(n);
  const auto drain = 10s;  // how long after the last send a receiver keeps waiting

  {  // raw: the relay alone
    Side a, b;
    auto ra = a.Run(RawConnect(a.io(), relay.parsed(), "raw_a", clock));
    auto rb = b.Run(RawConnect(b.io(), relay.parsed(), "raw_b", clock));
    if (!ra || !rb) {
      std::fprintf(stderr, "securecomm-e2e-latency: raw clients could not register\n");
      return 1;
    }
    const auto start = Steady::now() + 200ms;
    const auto give_up = start + std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000)) + drain;
    auto receiving = b.Spawn(RawReceiver(*rb, raw, give_up));
    const size_t size = o.size;
    auto sending = a.Spawn(Sender(raw, start, o.rate, [&, size](size_t i) -> asio::awaitable<bool> {
      pb::ClientFrame f;
      auto* e = f.mutable_send()->add_envelopes();
      e->set_recipient_account(rb->info.account_id);
      e->set_recipient_device(rb->info.device_id);
      e->set_payload(Text(i, size));
      auto r = co_await ra->client->Call(std::move(f));
      co_return r.has_value() && r->error() == pb::OK;
    }));
    sending.get();
    receiving.get();
    a.Run(ra->client->Close());
    b.Run(rb->client->Close());
  }

  {  // e2e: Messenger to Messenger
    const std::string pass = "e2e latency passphrase";
    auto alice = Messenger::Init((tmp.path / "alice").string(), Bytes(pass), relay.connection(),
                                 sc::crypto::kArgon2TestOnly, clock);
    auto bob = Messenger::Init((tmp.path / "bob").string(), Bytes(pass), relay.connection(),
                               sc::crypto::kArgon2TestOnly, clock);
    if (!alice || !bob) {
      std::fprintf(stderr, "securecomm-e2e-latency: Messenger::Init failed\n");
      return 1;
    }
    Messenger& am = **alice;
    Messenger& bm = **bob;
    Side a, b;
    if (!a.Run(MessengerRegister(a.io(), am, "alice")) || !b.Run(MessengerRegister(b.io(), bm, "bob"))) {
      std::fprintf(stderr, "securecomm-e2e-latency: Register failed\n");
      return 1;
    }
    // Warm-up: X3DH both ways and one reply, so the timed messages run in an established session
    // (alice's first timed message is a DH ratchet step, the rest are chain steps).
    auto send_one = [](Messenger& m, std::string to, std::string text) -> asio::awaitable<bool> {
      auto r = co_await m.Send(to, text);
      co_return r.has_value();
    };
    auto bob_gets = b.Spawn(PumpUntil(bm, 1, 20s));
    const bool warm_a = a.Run(send_one(am, "bob", "warm-up from alice"));
    const bool warm_b = bob_gets.get() && b.Run(send_one(bm, "alice", "warm-up reply from bob"));
    const bool warm_c = warm_a && warm_b && a.Run(PumpUntil(am, 1, 20s));
    if (!warm_c) {
      std::fprintf(stderr, "securecomm-e2e-latency: the warm-up exchange failed\n");
      return 1;
    }
    const auto start = Steady::now() + 200ms;
    const auto give_up = start + std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000)) + drain;
    auto receiving = b.Spawn(E2eReceiver(bm, e2e, give_up));
    const size_t size = o.size;
    auto sending = a.Spawn(Sender(e2e, start, o.rate, [&am, size](size_t i) -> asio::awaitable<bool> {
      auto r = co_await am.Send("bob", Text(i, size));
      co_return r.has_value();
    }));
    sending.get();
    receiving.get();
    a.Run(am.Close());
    b.Run(bm.Close());
  }
  relay.Stop();

  const Stats rs = Summarize(raw);
  const Stats es = Summarize(e2e);
  Print("raw", rs, raw);
  Print("e2e", es, e2e);
  if (rs.delivered > 0 && es.delivered > 0) {
    std::printf("e2e/raw: p50 %.2fx  p90 %.2fx  p99 %.2fx  max %.2fx  (e2e minus raw at p50: %.0f us)\n",
                es.p50 / rs.p50, es.p90 / rs.p90, es.p99 / rs.p99, es.max / rs.max, es.p50 - rs.p50);
  }
  const bool ok = raw.failure.empty() && e2e.failure.empty() && rs.delivered == n && es.delivered == n;
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fatal: %s\n", e.what());
  return 1;
} catch (...) {
  return 1;
}
