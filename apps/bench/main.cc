// securecomm-bench: the load generator and side-by-side comparisons (DESIGN.md §2). A thin main:
// flags, then one mode (modes.h) run on one io_context thread.
//
//   securecomm-bench register --relay CONNSTR --accounts-prefix idle --count 1200 --out accounts.txt
//   securecomm-bench idle --relay CONNSTR --accounts accounts.txt --first 0 --connections 4750
//       --sources 127.0.0.2,127.0.0.3
//   securecomm-bench messages --relay CONNSTR --pairs 1000 --rate 10000 --seconds 20 --size 256
//   securecomm-bench mqtt-idle --broker 127.0.0.1:1883 --connections 4750
//   securecomm-bench mqtt-messages --broker 127.0.0.1:1883 --pairs 1000 --rate 10000
//   securecomm-bench sqlite-anchor --rows 200000 --batch 50
//
// bench/relay/run_relay_bench.sh runs them all against a fresh relay and mosquitto. Exit codes:
// 0 the run completed (its figures are printed, goals are judged by the script), 1 it could not
// run, 2 bad flags.
#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <csignal>
#include <cstdio>
#include <exception>

#include "securecomm/base/log.h"

#include "bench_limits.h"
#include "modes.h"

namespace {

using namespace sc::bench;

// RunMode runs one coroutine mode to completion and returns its exit status.
template <typename Options>
int RunMode(asio::awaitable<int> (*mode)(asio::io_context&, Options), Options options) {
  asio::io_context io(1);
  int status = 1;
  asio::co_spawn(io, mode(io, options), [&](std::exception_ptr e, int rc) {
    status = e ? 1 : rc;  // an exception here can only be bad_alloc: the run failed
    io.stop();            // the clients' read loops would keep run() going forever
  });
  io.run();
  return status;
}

}  // namespace

int main(int argc, char** argv) try {  // an exception (bad_alloc, a library's) ends with 1
  std::signal(SIGPIPE, SIG_IGN);
  sc::log::Configure(sc::log::Level::kWarn, sc::log::Format::kText);
  CLI::App app{"securecomm-bench: load generator and side-by-side benchmarks for the relay"};
  app.require_subcommand(1);

  RegisterOptions reg;
  auto* r = app.add_subcommand("register", "register accounts for the idle test and write their credentials");
  r->add_option("--relay", reg.relay, "connection string")->required();
  r->add_option("--accounts-prefix", reg.prefix, "username prefix ([a-z0-9._-])");
  r->add_option("--count", reg.count, "accounts to create (16 devices each)")->required();
  r->add_option("--out", reg.out, "accounts file to write")->required();
  r->add_option("--parallel", reg.parallel, "connections registering at once");
  r->add_option("--sources", reg.sources, "source addresses, comma separated");

  IdleOptions idle;
  auto* i = app.add_subcommand("idle", "hold many authenticated idle sessions until SIGTERM or end of stdin");
  i->add_option("--relay", idle.relay, "connection string")->required();
  i->add_option("--accounts", idle.accounts, "accounts file (from `register`)")->required();
  i->add_option("--connections", idle.connections, "sessions to open in this process")->required();
  i->add_option("--first", idle.first,
                "global index of this process's first session (device i%16 of account i/16)");
  i->add_option("--sources", idle.sources, "source addresses, comma separated (127.0.0.x)");
  i->add_option("--parallel", idle.parallel, "sessions set up at once");
  i->add_option("--hold-seconds", idle.hold_seconds, "stop after this long at most (0: no limit)");
  bool idle_no_stdin = false;
  i->add_flag("--no-stdin", idle_no_stdin, "do not stop at end of stdin");

  MessagesOptions msg;
  auto* m = app.add_subcommand("messages", "1:1 messages between online pairs: throughput and latency");
  m->add_option("--relay", msg.relay, "connection string")->required();
  m->add_option("--pairs", msg.pairs, "sender/receiver pairs");
  m->add_option("--rate", msg.rate, "aggregate messages/s, paced open loop; 0: as fast as possible");
  m->add_option("--window", msg.window, "with --rate 0: sends outstanding per sender");
  m->add_option("--seconds", msg.seconds, "measured window");
  m->add_option("--warmup", msg.warmup, "seconds of load before the window");
  m->add_option("--size", msg.size, "payload bytes");
  m->add_option("--ack-batch", msg.ack_batch, "receivers acknowledge this many ids per request at most");
  m->add_option("--ack-delay-ms", msg.ack_delay_ms, "or this long after the first unacknowledged delivery");
  m->add_option("--sources", msg.sources, "source addresses, comma separated");
  m->add_option("--metrics", msg.metrics, "the relay's http://HOST:PORT/metrics");
  m->add_option("--relay-pid", msg.relay_pid, "the relay's process id (memory, per-thread CPU)");
  m->add_option("--accounts-prefix", msg.prefix, "username prefix (default: random, fresh accounts)");
  m->add_option("--parallel", msg.parallel, "sessions set up at once");

  MqttIdleOptions midle;
  auto* mi =
      app.add_subcommand("mqtt-idle", "hold many idle MQTT connections (the idle test against a broker)");
  mi->add_option("--broker", midle.broker, "IP:PORT");
  mi->add_option("--connections", midle.connections, "connections in this process")->required();
  mi->add_option("--first", midle.first, "global index of the first connection (client ids)");
  mi->add_option("--sources", midle.sources, "source addresses, comma separated");
  mi->add_option("--username", midle.username, "MQTT username");
  mi->add_option("--password", midle.password, "MQTT password");
  mi->add_option("--parallel", midle.parallel, "connections set up at once");
  mi->add_option("--hold-seconds", midle.hold_seconds, "stop after this long at most (0: no limit)");
  bool midle_no_subscribe = false, midle_no_stdin = false;
  mi->add_flag("--no-subscribe", midle_no_subscribe,
               "connect only (by default each subscribes to its own topic)");
  mi->add_flag("--no-stdin", midle_no_stdin, "do not stop at end of stdin");

  MqttMessagesOptions mmsg;
  auto* mm = app.add_subcommand("mqtt-messages", "the messages test against an MQTT broker, QoS 1");
  mm->add_option("--broker", mmsg.broker, "IP:PORT");
  mm->add_option("--pairs", mmsg.pairs, "publisher/subscriber pairs");
  mm->add_option("--rate", mmsg.rate, "aggregate messages/s; 0: as fast as possible");
  mm->add_option("--window", mmsg.window, "with --rate 0: publishes outstanding per publisher");
  mm->add_option("--seconds", mmsg.seconds, "measured window");
  mm->add_option("--warmup", mmsg.warmup, "seconds of load before the window");
  mm->add_option("--size", mmsg.size, "payload bytes");
  mm->add_option("--sources", mmsg.sources, "source addresses, comma separated");
  mm->add_option("--username", mmsg.username, "MQTT username");
  mm->add_option("--password", mmsg.password, "MQTT password");
  mm->add_option("--broker-pid", mmsg.broker_pid, "the broker's process id (memory, CPU)");
  mm->add_option("--parallel", mmsg.parallel, "connections set up at once");

  SqliteAnchorOptions anchor;
  auto* sa = app.add_subcommand("sqlite-anchor", "raw SQLite batched inserts of the relay's message rows");
  sa->add_option("--rows", anchor.rows, "rows to insert");
  sa->add_option("--batch", anchor.batch, "rows per transaction");
  sa->add_option("--dir", anchor.dir, "directory for the temporary database (same disk as the relay's data)");
  sa->add_option("--recipients", anchor.recipients, "distinct recipients");
  sa->add_option("--size", anchor.size, "payload bytes");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {  // CLI11 reports by exception; it stops here
    return app.exit(e) == 0 ? 0 : 2;
  }
  idle.watch_stdin = !idle_no_stdin;
  midle.subscribe = !midle_no_subscribe;
  midle.watch_stdin = !midle_no_stdin;

  if (*r) return RunMode(&RunRegister, reg);
  if (*i) return RunMode(&RunIdle, idle);
  if (*m) return RunMode(&RunMessages, msg);
  if (*mi) return RunMode(&RunMqttIdle, midle);
  if (*mm) return RunMode(&RunMqttMessages, mmsg);
  if (*sa) return RunSqliteAnchor(anchor);
  return 2;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fatal: %s\n", e.what());
  return 1;
} catch (...) {
  return 1;
}
