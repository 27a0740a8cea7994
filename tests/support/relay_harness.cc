#include "relay_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

// The tests start coroutines from outside the io_context (RunSync). asio 1.22 allocates such a
// frame with operator new but, when its recycling cache is full, frees it inside the io thread
// with free(): the same allocator underneath (glibc), but ASan reports the mismatch. The relay
// itself spawns only from inside its io_context, and its binary keeps the check.
extern "C" const char* __asan_default_options() {  // NOLINT(readability-identifier-naming): ASan's name
  return "alloc_dealloc_mismatch=0";
}

namespace sc::testing {

using namespace std::chrono_literals;

RelayProcess::RelayProcess(std::string binary, std::vector<std::string> extra)
    : binary_(std::move(binary)), extra_(std::move(extra)) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sc_relay_test.XXXXXX").string();
  if (mkdtemp(tmpl.data()) != nullptr) data_dir_ = tmpl;
}

RelayProcess::~RelayProcess() {
  if (process_) Kill();
  std::error_code ec;
  if (!data_dir_.empty()) std::filesystem::remove_all(data_dir_, ec);
  if (!stderr_path_.empty()) std::filesystem::remove(stderr_path_, ec);
}

bool RelayProcess::Start() {
  std::vector<std::string> argv = {binary_,
                                   "--data-dir",
                                   data_dir_.string(),
                                   "--port",
                                   std::to_string(fixed_port_),
                                   "--http-port",
                                   "0",
                                   "--handshakes-per-address-per-second",
                                   "10000",
                                   "--handshake-burst-per-address",
                                   "10000",
                                   "--handshakes-per-second",
                                   "100000",
                                   "--log-level",
                                   std::getenv("SC_TEST_RELAY_DEBUG") ? "debug" : "warn"};
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  auto p = Process::Spawn(argv, stderr_path_);
  if (!p) return false;
  process_.emplace(std::move(*p));
  connection_.reset();
  http_port_ = 0;
  log_.clear();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool next_is_connection = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto line = process_->ReadLine(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!line) break;
    log_ += *line + "\n";
    if (line->rfind("health and metrics: http://", 0) == 0) {
      const auto colon = line->find(':', std::string("health and metrics: http://").size());
      http_port_ = static_cast<uint16_t>(std::atoi(line->c_str() + colon + 1));
    }
    if (next_is_connection) {
      auto cs = scp::ParseConnectionString(line->substr(line->find_first_not_of(' ')));
      if (!cs) return false;
      connection_ = *cs;
      return true;
    }
    next_is_connection = line->rfind("connection string", 0) == 0;
  }
  return false;
}

int RelayProcess::Stop() {
  if (!process_) return -1;
  process_->Signal(SIGTERM);
  const int code = process_->Wait();
  process_.reset();
  return code;
}

void RelayProcess::Kill() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait();
  process_.reset();
}

std::string HttpGet(uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      ssize_t n = 0;
      while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

}  // namespace sc::testing
