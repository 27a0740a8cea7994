// modes.h: the subcommands of securecomm-bench. Each Run* is a whole run: it prints human-readable
// progress and results to stdout, ends with one line of JSON (starting with {"bench":) that
// scripts parse, and returns the process exit status (0: the run completed, whatever its
// figures; 1: it could not run; goals are judged by bench/relay/run_relay_bench.sh).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <cstdint>
#include <string>

namespace sc::bench {

struct RegisterOptions {
  std::string relay;  // connection string
  std::string sources;
  std::string prefix = "bench";
  size_t count = 0;
  std::string out;  // accounts file to write
  size_t parallel = 32;
};

struct IdleOptions {
  std::string relay;
  std::string sources;
  std::string accounts;  // file written by `register`
  size_t first = 0;      // index of this process's first connection (device slots are per index)
  size_t connections = 0;
  size_t parallel = 32;
  bool watch_stdin = true;
  uint32_t hold_seconds = 0;  // 0: until SIGTERM / SIGINT / end of stdin
};

struct MessagesOptions {
  std::string relay;
  std::string sources;
  std::string metrics;  // http://127.0.0.1:PORT/metrics of the relay, optional
  int relay_pid = 0;    // for per-thread CPU of the relay, optional
  std::string prefix;   // account prefix; empty: a random one (fresh accounts every run)
  size_t pairs = 1000;
  double rate = 0;     // aggregate messages/s; 0: as fast as answers come
  size_t window = 32;  // rate 0: sends outstanding per sender (fills the relay's 512-job batches)
  uint32_t seconds = 20;
  uint32_t warmup = 3;
  size_t size = 256;
  size_t ack_batch = 32;
  uint32_t ack_delay_ms = 10;
  size_t parallel = 32;
};

struct MqttIdleOptions {
  std::string broker = "127.0.0.1:1883";
  std::string sources;
  std::string username, password;  // empty: anonymous
  int broker_pid = 0;
  size_t first = 0;
  size_t connections = 0;
  size_t parallel = 64;
  bool subscribe = true;  // each connection subscribes to its own topic (as a messaging client would)
  bool watch_stdin = true;
  uint32_t hold_seconds = 0;
};

struct MqttMessagesOptions {
  std::string broker = "127.0.0.1:1883";
  std::string sources;
  std::string username, password;
  int broker_pid = 0;
  size_t pairs = 1000;
  double rate = 0;
  size_t window = 32;
  uint32_t seconds = 20;
  uint32_t warmup = 3;
  size_t size = 256;
  size_t parallel = 64;
};

struct SqliteAnchorOptions {
  uint64_t rows = 200000;
  uint64_t batch = 50;
  std::string dir;  // where the temporary database goes; empty: $TMPDIR or /tmp
  size_t recipients = 1000;
  size_t size = 256;
};

asio::awaitable<int> RunRegister(asio::io_context& io, RegisterOptions o);
asio::awaitable<int> RunIdle(asio::io_context& io, IdleOptions o);
asio::awaitable<int> RunMessages(asio::io_context& io, MessagesOptions o);
asio::awaitable<int> RunMqttIdle(asio::io_context& io, MqttIdleOptions o);
asio::awaitable<int> RunMqttMessages(asio::io_context& io, MqttMessagesOptions o);
int RunSqliteAnchor(const SqliteAnchorOptions& o);  // synchronous: no network

}  // namespace sc::bench
