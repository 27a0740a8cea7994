// relay_harness.h: the real securecomm-relay process for integration tests: a temporary data
// directory, port 0, restart and kill, plus a synchronous way to run client coroutines.
//
//   RelayProcess relay(SC_RELAY_BIN, {"--max-queued-per-device", "5"});
//   ASSERT_TRUE(relay.Start());
//   auto client = RunSync(io, RelayClient::Connect(io, relay.connection(), identity, clock));
#pragma once

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "securecomm/scp/connection_string.h"

#include "process.h"

namespace sc::testing {

class RelayProcess {
 public:
  // `extra` flags are appended to every start; the data directory is kept across restarts.
  explicit RelayProcess(std::string binary, std::vector<std::string> extra = {});
  ~RelayProcess();  // kills a running relay and removes the data directory

  // Start spawns the relay and reads its connection string; false (with the output so far in
  // `log()`) if it did not come up within 20 s.
  bool Start();
  // Stop sends SIGTERM and returns the exit code.
  int Stop();
  // Kill sends SIGKILL (no drain, no flush) and reaps it.
  void Kill();

  const scp::ConnectionString& connection() const { return *connection_; }
  uint16_t port() const { return connection_->port; }
  uint16_t http_port() const { return http_port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::string& log() const { return log_; }
  // capture_stderr: from the next Start on, the relay's stderr (its log) is appended to
  // stderr_path() instead of the test's own stderr.
  void capture_stderr() {
    stderr_path_ = (data_dir_.parent_path() / (data_dir_.filename().string() + ".log")).string();
  }
  const std::string& stderr_path() const { return stderr_path_; }
  // keep_port: later Starts listen on the port of the current run (clients keep their
  // connection string across a restart). Call after a successful Start.
  void keep_port() { fixed_port_ = port(); }
  Process* process() { return process_ ? &*process_ : nullptr; }

 private:
  std::string binary_;
  std::vector<std::string> extra_;
  std::filesystem::path data_dir_;
  std::optional<Process> process_;
  std::optional<scp::ConnectionString> connection_;
  uint16_t http_port_ = 0;
  std::string log_;
  std::string stderr_path_;
  uint16_t fixed_port_ = 0;
};

// RunSync runs `awaitable` on `io` until it completes and returns its value.
template <typename T>
T RunSync(asio::io_context& io, asio::awaitable<T> awaitable) {
  auto future = asio::co_spawn(io, std::move(awaitable), asio::use_future);
  io.restart();
  // Bounded waits: the future becomes ready in the completion of co_spawn, which may run without
  // another handler following it, so an unbounded run_one could sleep until the next timer.
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return future.get();
}

// HttpGet fetches http://127.0.0.1:port/path with a plain socket; returns the whole response
// (status line, headers and body), or "" on failure.
std::string HttpGet(uint16_t port, const std::string& path);

}  // namespace sc::testing
