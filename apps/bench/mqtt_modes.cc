// The `mqtt-idle` and `mqtt-messages` modes: the relay's two loads against an MQTT broker
// (mosquitto), with the same schedule, counters and report (message_run.h), for comparison.

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <charconv>
#include <cstdio>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_limits.h"
#include "message_run.h"
#include "modes.h"
#include "mqtt_client.h"

namespace sc::bench {
namespace {

void Print(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

Expected<asio::ip::tcp::endpoint> ParseBroker(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return Failure("--broker: expected HOST:PORT");
  asio::error_code ec;
  const auto address = asio::ip::make_address(text.substr(0, colon), ec);
  unsigned port = 0;
  const char* b = text.data() + colon + 1;
  const char* e = text.data() + text.size();
  if (ec || std::from_chars(b, e, port).ptr != e || port == 0 || port > 65535) {
    return Failure("--broker: expected IP:PORT");
  }
  return asio::ip::tcp::endpoint(address, static_cast<uint16_t>(port));
}

const std::string& SourceFor(const std::vector<std::string>& sources, size_t i) {
  static const std::string kAny;
  return sources.empty() ? kAny : sources[i % sources.size()];
}

// OpenMqtt connects (and subscribes to `topic` unless empty), with retries.
asio::awaitable<Expected<std::shared_ptr<MqttClient>>> OpenMqtt(asio::io_context& io,
                                                                const asio::ip::tcp::endpoint& broker,
                                                                const MqttConnectOptions& options,
                                                                const std::string& topic) {
  std::string last;
  for (int attempt = 0; attempt < kSetupAttempts; ++attempt) {
    if (attempt > 0) {
      co_await Sleep(kSetupRetryDelay * attempt);
    }
    auto c = co_await MqttClient::Connect(io, broker, options);
    if (!c) {
      last = c.error();
      continue;
    }
    if (!topic.empty()) {
      if (auto s = co_await (*c)->Subscribe(topic); !s) {
        last = s.error();
        (*c)->Close();
        continue;
      }
    }
    co_return std::move(*c);
  }
  co_return Failure(last);
}

// PingSweep keeps every connection alive: each second, 1/kSlices of them send PINGREQ, so each
// pings every kSlices seconds (half the keep alive), spread out instead of in one burst.
asio::awaitable<void> PingSweep(std::shared_ptr<std::vector<std::shared_ptr<MqttClient>>> clients,
                                std::shared_ptr<bool> stop) {
  constexpr size_t kSlices = kMqttKeepAliveSeconds / 2;
  for (size_t round = 0; !*stop; ++round) {
    co_await Sleep(std::chrono::seconds(1));
    for (size_t i = round % kSlices; i < clients->size() && !*stop; i += kSlices) {
      auto& c = (*clients)[i];
      if (c && c->connected()) c->Ping();
    }
  }
}

}  // namespace

asio::awaitable<int> RunMqttIdle(asio::io_context& io, MqttIdleOptions o) {
  auto broker = ParseBroker(o.broker);
  auto sources = ParseSources(o.sources);
  if (!broker || !sources) {
    Print("error: " + (!broker ? broker.error() : sources.error()));
    co_return 1;
  }
  if (o.connections == 0 || o.connections > kMaxConnectionsPerProcess) {
    Print(fmt::format("error: --connections must be 1..{} per process", kMaxConnectionsPerProcess));
    co_return 1;
  }
  auto clients = std::make_shared<std::vector<std::shared_ptr<MqttClient>>>(o.connections);
  size_t up = 0, failed = 0;
  std::string first_error;
  const auto t0 = std::chrono::steady_clock::now();
  const ParallelTask open_one = [&](size_t j) -> asio::awaitable<void> {
    const size_t i = o.first + j;
    MqttConnectOptions options{fmt::format("idle-{}", i), o.username, o.password, kMqttKeepAliveSeconds,
                               SourceFor(*sources, i)};
    const std::string topic = o.subscribe ? fmt::format("idle/{}", i) : "";
    auto c = co_await OpenMqtt(io, *broker, options, topic);
    if (c) {
      (*clients)[j] = std::move(*c);
      ++up;
    } else {
      ++failed;
      if (first_error.empty()) first_error = c.error();
    }
  };
  co_await ParallelFor(o.connections, std::min(o.parallel, kMaxSetupParallelism), open_one);
  const double setup = Seconds(std::chrono::steady_clock::now() - t0);
  Print(fmt::format("ready: {} of {} MQTT connections up ({}), {} failed, in {:.1f} s{}", up, o.connections,
                    o.subscribe ? "CONNACK + SUBACK" : "CONNACK", failed, setup,
                    first_error.empty() ? "" : "; first error: " + first_error));
  auto stop = std::make_shared<bool>(false);
  asio::co_spawn(io, PingSweep(clients, stop), asio::detached);
  const auto held_from = std::chrono::steady_clock::now();
  const std::string why = co_await WaitForStop(o.watch_stdin, std::chrono::seconds(o.hold_seconds));
  const double held = Seconds(std::chrono::steady_clock::now() - held_from);
  *stop = true;
  size_t still = 0;
  for (auto& c : *clients) {
    if (c && c->connected()) ++still;
  }
  for (auto& c : *clients) {
    if (c) c->Close();
  }
  co_await Sleep(std::chrono::milliseconds(1100));  // the sweep sees `stop`
  Print(fmt::format("stopped ({}): {} of {} MQTT connections were still up after {:.0f} s", why, still, up,
                    held));
  nlohmann::json j{{"bench", "mqtt-idle"},
                   {"first", o.first},
                   {"connections", o.connections},
                   {"up", up},
                   {"failed", failed},
                   {"setup_seconds", setup},
                   {"held_seconds", held},
                   {"still_up_at_end", still},
                   {"stop", why},
                   {"subscribe", o.subscribe},
                   {"first_error", first_error}};
  Print(j.dump());
  co_return failed == 0 ? 0 : 1;
}

namespace {

struct MqttPair {
  std::shared_ptr<MqttClient> publisher, subscriber;
  std::string topic;
  std::unordered_map<uint16_t, SteadyTime> inflight;  // packet id -> scheduled time
};

struct MqttRunState {
  std::vector<MqttPair> pairs;
  std::unique_ptr<LoadSchedule> load;
  std::string payload;
  MessageRun run;
};

}  // namespace

asio::awaitable<int> RunMqttMessages(asio::io_context& io, MqttMessagesOptions o) {
  auto broker = ParseBroker(o.broker);
  auto sources = ParseSources(o.sources);
  if (!broker || !sources) {
    Print("error: " + (!broker ? broker.error() : sources.error()));
    co_return 1;
  }
  if (o.pairs == 0 || o.pairs > kMaxPairs || o.rate < 0 || o.rate > kMaxRate || o.seconds == 0 ||
      o.seconds > kMaxSeconds || o.warmup > kMaxSeconds || o.size < kMinPayload || o.size > kMaxPayload ||
      (o.rate == 0 && (o.window == 0 || o.window > kMaxInflightPerSender))) {
    Print("error: --pairs, --rate, --window, --seconds, --warmup or --size out of range");
    co_return 1;
  }
  auto st = std::make_shared<MqttRunState>();
  st->pairs.resize(o.pairs);
  st->payload.assign(o.size, 'x');
  const std::string tag = RandomTag(6);
  size_t failed = 0;
  std::string first_error;
  const auto t0 = std::chrono::steady_clock::now();
  const ParallelTask open_one = [&](size_t i) -> asio::awaitable<void> {
    const bool subscriber = i < o.pairs;
    const size_t p = subscriber ? i : i - o.pairs;
    auto& pair = st->pairs[p];
    pair.topic = fmt::format("bench/{}/{}", tag, p);
    MqttConnectOptions options{fmt::format("{}-{}-{}", subscriber ? "sub" : "pub", tag, p), o.username,
                               o.password, kMqttKeepAliveSeconds, SourceFor(*sources, i)};
    const std::string topic = subscriber ? pair.topic : "";
    auto c = co_await OpenMqtt(io, *broker, options, topic);
    if (!c) {
      ++failed;
      if (first_error.empty()) first_error = c.error();
      co_return;
    }
    (subscriber ? pair.subscriber : pair.publisher) = std::move(*c);
  };
  co_await ParallelFor(2 * o.pairs, std::min(o.parallel, kMaxSetupParallelism), open_one);
  const double setup = Seconds(std::chrono::steady_clock::now() - t0);
  if (failed > 0) {
    Print(
        fmt::format("error: {} of {} MQTT connections failed; first: {}", failed, 2 * o.pairs, first_error));
    for (auto& p : st->pairs) {
      if (p.publisher) p.publisher->Close();
      if (p.subscriber) p.subscriber->Close();
    }
    co_return 1;
  }
  Print(fmt::format("setup: {} MQTT connections (half subscribed, QoS 1) in {:.1f} s", 2 * o.pairs, setup));

  MessageRun* run = &st->run;
  for (size_t p = 0; p < o.pairs; ++p) {
    auto& pair = st->pairs[p];
    pair.subscriber->on_publish = [run](std::string_view, std::string_view payload) {
      run->OnDelivered(payload);
    };
    pair.publisher->on_puback = [run, &pair, st = st.get(), p](uint16_t id) {
      auto it = pair.inflight.find(id);
      if (it == pair.inflight.end()) return;
      run->OnAnswered(it->second, true, "");
      pair.inflight.erase(it);
      st->load->Done(p);
    };
    pair.publisher->on_closed = [run, &pair, st = st.get(), p] {
      ++run->c.sessions_lost;
      for (auto& [id, scheduled] : pair.inflight) {
        run->OnAnswered(scheduled, false, "connection lost");
        st->load->Done(p);
      }
      pair.inflight.clear();
    };
  }
  st->load = std::make_unique<LoadSchedule>(io, o.pairs, o.rate, o.window,
                                            [st = st.get()](size_t s, uint64_t k, SteadyTime t) {
                                              auto& pair = st->pairs[s];
                                              std::string payload = st->payload;
                                              st->run.StampPayload(payload, k, t);
                                              st->run.OnIssued(t);
                                              if (!pair.publisher->connected()) {
                                                st->run.OnAnswered(t, false, "connection lost");
                                                st->load->Done(s);
                                                return;
                                              }
                                              pair.inflight[pair.publisher->Publish(pair.topic, payload)] = t;
                                            });
  Print(
      o.rate > 0
          ? fmt::format("load: {} pairs, open loop at {:.0f} messages/s, QoS 1, {} B payloads, warm-up {} s, "
                        "window {} s",
                        o.pairs, o.rate, o.size, o.warmup, o.seconds)
          : fmt::format("load: {} pairs, closed loop ({} publishes outstanding per publisher), QoS 1, {} B, "
                        "warm-up {} s, window {} s",
                        o.pairs, o.window, o.size, o.warmup, o.seconds));
  ServerProbe probe(std::nullopt, o.broker_pid);
  const std::function<bool()> drained = [st] {
    return st->load->inflight() == 0 && st->run.c.delivered >= st->run.c.answered_ok;
  };
  co_await st->run.Drive(*st->load, probe, o.warmup, o.seconds, drained);
  auto summary = st->run.Report(o.rate > 0 ? fmt::format("mosquitto QoS 1 at {:.0f}/s", o.rate)
                                           : std::string("mosquitto QoS 1, closed loop"),
                                *st->load, static_cast<double>(o.seconds));
  for (auto& p : st->pairs) {
    p.publisher->on_closed = nullptr;
    p.publisher->on_puback = nullptr;
    p.subscriber->on_publish = nullptr;
    p.publisher->Close();
    p.subscriber->Close();
  }
  co_await Sleep(std::chrono::milliseconds(100));
  summary["bench"] = "mqtt-messages";
  summary["pairs"] = o.pairs;
  summary["rate"] = o.rate;
  summary["window"] = o.window;
  summary["size"] = o.size;
  summary["qos"] = 1;
  summary["setup"] = {{"connections", 2 * o.pairs}, {"seconds", setup}};
  Print(summary.dump());
  co_return 0;
}

}  // namespace sc::bench
