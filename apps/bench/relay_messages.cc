// The `messages` mode: 1:1 messages between online pairs through the relay, paced (open loop) or
// as fast as answers come (closed loop). Senders log in send_only; receivers are delivery
// sessions that acknowledge in batches. Reports throughput, latency percentiles, and the
// relay's memory, store batching and per-thread CPU (message_run.h).

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "securecomm/crypto/random.h"

#include "bench_limits.h"
#include "message_run.h"
#include "modes.h"
#include "relay_sessions.h"

namespace sc::bench {
namespace {

namespace pb = securecomm::relay::v1;

void Print(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

struct Pair {
  std::shared_ptr<client::RelayClient> sender, receiver;
  client::LoginInfo to;  // the receiver's device
  std::vector<uint64_t> pending_acks;
  bool ack_timer_armed = false;
};

// State shared by every coroutine of the run (each holds a reference, so none outlives it).
struct RunState {
  asio::io_context* io = nullptr;
  MessagesOptions o;
  std::vector<Pair> pairs;
  std::unique_ptr<LoadSchedule> load;
  std::string payload;  // template; the first 16 bytes are stamped per message
  bool stopping = false;
  size_t receivers_running = 0;
  MessageRun run;
};

asio::awaitable<void> SendAcks(std::shared_ptr<RunState> st, size_t p, std::vector<uint64_t> ids) {
  pb::ClientFrame f;
  for (auto id : ids) f.mutable_ack()->add_message_ids(id);
  ++st->run.c.ack_requests;
  auto r = co_await st->pairs[p].receiver->Call(std::move(f));
  if (!r || r->error() != pb::OK) {
    ++st->run.c.ack_failures;
  } else {
    st->run.c.acked_ids += ids.size();
  }
}

void FlushAcks(const std::shared_ptr<RunState>& st, size_t p) {
  auto& pair = st->pairs[p];
  if (pair.pending_acks.empty()) return;
  std::vector<uint64_t> ids;
  ids.swap(pair.pending_acks);
  asio::co_spawn(*st->io, SendAcks(st, p, ids), asio::detached);  // a named argument (bench_common.h)
}

asio::awaitable<void> AckLater(std::shared_ptr<RunState> st, size_t p) {
  co_await Sleep(std::chrono::milliseconds(st->o.ack_delay_ms));
  st->pairs[p].ack_timer_armed = false;
  FlushAcks(st, p);
}

asio::awaitable<void> ReceiveLoop(std::shared_ptr<RunState> st, size_t p) {
  ++st->receivers_running;
  auto client = st->pairs[p].receiver;
  while (!st->stopping) {
    auto push = co_await client->NextPush(std::chrono::milliseconds(500));
    if (!push) {
      if (!client->connected()) {
        ++st->run.c.sessions_lost;
        break;
      }
      continue;  // a timeout: check `stopping` again
    }
    if (!push->has_delivery()) continue;
    const auto& d = push->delivery();
    st->run.OnDelivered(d.payload());
    auto& pair = st->pairs[p];
    pair.pending_acks.push_back(d.message_id());
    if (pair.pending_acks.size() >= st->o.ack_batch) {
      FlushAcks(st, p);
    } else if (!pair.ack_timer_armed) {
      pair.ack_timer_armed = true;
      asio::co_spawn(*st->io, AckLater(st, p), asio::detached);
    }
  }
  --st->receivers_running;
}

asio::awaitable<void> SendOne(std::shared_ptr<RunState> st, size_t s, uint64_t sequence,
                              SteadyTime scheduled) {
  auto& pair = st->pairs[s];
  pb::ClientFrame f;
  auto* e = f.mutable_send()->add_envelopes();
  e->set_recipient_account(pair.to.account_id);
  e->set_recipient_device(pair.to.device_id);
  std::string payload = st->payload;
  st->run.StampPayload(payload, sequence, scheduled);
  e->set_payload(std::move(payload));
  st->run.OnIssued(scheduled);
  auto r = co_await pair.sender->Call(std::move(f));
  if (!r) {
    st->run.OnAnswered(scheduled, false, std::string(r.error().name()));
  } else {
    st->run.OnAnswered(scheduled, r->error() == pb::OK, pb::ErrorCode_Name(r->error()));
  }
  st->load->Done(s);
}

std::string Check(const MessagesOptions& o) {
  if (o.pairs == 0 || o.pairs > kMaxPairs) return fmt::format("--pairs must be 1..{}", kMaxPairs);
  if (o.rate < 0 || o.rate > kMaxRate) return fmt::format("--rate must be 0..{}", kMaxRate);
  if (o.rate == 0 && (o.window == 0 || o.window > kMaxInflightPerSender)) {
    return fmt::format("--window must be 1..{}", kMaxInflightPerSender);
  }
  if (o.seconds == 0 || o.seconds > kMaxSeconds || o.warmup > kMaxSeconds) {
    return fmt::format("--seconds must be 1..{}, --warmup at most that", kMaxSeconds);
  }
  if (o.size < kMinPayload || o.size > kMaxPayload)
    return fmt::format("--size must be {}..{}", kMinPayload, kMaxPayload);
  if (o.ack_batch == 0 || o.ack_batch > kMaxAckBatch)
    return fmt::format("--ack-batch must be 1..{}", kMaxAckBatch);
  return "";
}

}  // namespace

asio::awaitable<int> RunMessages(asio::io_context& io, MessagesOptions o) {
  if (auto e = Check(o); !e.empty()) {
    Print("error: " + e);
    co_return 1;
  }
  SystemClock clock;
  auto cs = scp::ParseConnectionString(o.relay);
  auto sources = ParseSources(o.sources);
  if (!cs || !sources) {
    Print(!cs ? "error: --relay: not a connection string" : "error: " + sources.error());
    co_return 1;
  }
  std::optional<MetricsUrl> metrics;
  if (!o.metrics.empty()) {
    auto m = ParseMetricsUrl(o.metrics);
    if (!m) {
      Print("error: " + m.error());
      co_return 1;
    }
    metrics = *m;
  }
  const RelayTarget target{*cs, *sources, &clock};
  auto st = std::make_shared<RunState>();
  st->io = &io;
  st->o = o;
  st->pairs.resize(o.pairs);
  st->payload.resize(o.size);
  crypto::SystemCsprng().Fill({reinterpret_cast<uint8_t*>(st->payload.data()), st->payload.size()});

  // Setup: 2 x pairs fresh accounts, then the sessions (receivers deliver, senders are send_only).
  const std::string prefix = o.prefix.empty() ? "m" + RandomTag(6) + "-" : o.prefix;
  auto names = AccountNames(prefix + "r", o.pairs);
  for (auto& n : AccountNames(prefix + "s", o.pairs)) names.push_back(std::move(n));
  const auto t0 = std::chrono::steady_clock::now();
  auto accounts = co_await RegisterAccounts(io, target, names, std::min(o.parallel, kMaxSetupParallelism));
  const double register_seconds = Seconds(std::chrono::steady_clock::now() - t0);
  if (!accounts) {
    Print("error: " + accounts.error());
    co_return 1;
  }
  std::string first_error;
  size_t failed = 0;
  const auto t1 = std::chrono::steady_clock::now();
  const ParallelTask open_one = [&](size_t i) -> asio::awaitable<void> {
    const bool receiver = i < o.pairs;
    auto s = co_await OpenSession(io, target, (*accounts)[i], 0, i, /*send_only=*/!receiver);
    if (!s) {
      ++failed;
      if (first_error.empty()) first_error = s.error();
      co_return;
    }
    auto& pair = st->pairs[receiver ? i : i - o.pairs];
    if (receiver) {
      pair.receiver = std::move(s->client);
      pair.to = s->login;
    } else {
      pair.sender = std::move(s->client);
    }
  };
  co_await ParallelFor(2 * o.pairs, std::min(o.parallel, kMaxSetupParallelism), open_one);
  const double login_seconds = Seconds(std::chrono::steady_clock::now() - t1);
  if (failed > 0) {
    Print(
        fmt::format("error: {} of {} sessions failed to open; first: {}", failed, 2 * o.pairs, first_error));
    for (auto& p : st->pairs) {
      if (p.sender) {
        co_await p.sender->Close();
      }
      if (p.receiver) {
        co_await p.receiver->Close();
      }
    }
    co_return 1;
  }
  Print(fmt::format("setup: {} accounts registered in {:.1f} s, {} sessions logged in in {:.1f} s",
                    2 * o.pairs, register_seconds, 2 * o.pairs, login_seconds));
  Print(o.rate > 0
            ? fmt::format(
                  "load: {} pairs, open loop at {:.0f} messages/s, {} B payloads, warm-up {} s, window {} s",
                  o.pairs, o.rate, o.size, o.warmup, o.seconds)
            : fmt::format("load: {} pairs, closed loop ({} sends outstanding per sender), {} B payloads, "
                          "warm-up {} s, window {} s",
                          o.pairs, o.window, o.size, o.warmup, o.seconds));

  for (size_t p = 0; p < o.pairs; ++p) asio::co_spawn(io, ReceiveLoop(st, p), asio::detached);
  st->load = std::make_unique<LoadSchedule>(
      io, o.pairs, o.rate, o.window,
      [weak = std::weak_ptr<RunState>(st)](size_t s, uint64_t k, SteadyTime t) {
        if (auto locked = weak.lock()) {
          asio::co_spawn(*locked->io, SendOne(locked, s, k, t), asio::detached);
        }
      });
  ServerProbe probe(metrics, o.relay_pid);
  const std::function<bool()> drained = [st] {
    for (size_t p = 0; p < st->pairs.size(); ++p) FlushAcks(st, p);  // no straggler waits for a timer
    return st->load->inflight() == 0 && st->run.c.delivered >= st->run.c.answered_ok;
  };
  co_await st->run.Drive(*st->load, probe, o.warmup, o.seconds, drained);
  for (size_t p = 0; p < o.pairs; ++p) FlushAcks(st, p);
  co_await Sleep(std::chrono::milliseconds(200));  // the last acks are answered

  auto summary = st->run.Report(o.rate > 0 ? fmt::format("relay messages at {:.0f}/s", o.rate)
                                           : std::string("relay messages, closed loop"),
                                *st->load, static_cast<double>(o.seconds));
  st->stopping = true;
  for (auto& p : st->pairs) {
    co_await p.sender->Close();
    co_await p.receiver->Close();
  }
  while (st->receivers_running > 0) {
    co_await Sleep(std::chrono::milliseconds(10));
  }
  summary["bench"] = "messages";
  summary["pairs"] = o.pairs;
  summary["rate"] = o.rate;
  summary["window"] = o.window;
  summary["size"] = o.size;
  summary["ack_batch"] = o.ack_batch;
  summary["ack_delay_ms"] = o.ack_delay_ms;
  summary["setup"] = {
      {"accounts", 2 * o.pairs}, {"register_seconds", register_seconds}, {"login_seconds", login_seconds}};
  Print(summary.dump());
  co_return 0;
}

}  // namespace sc::bench
