// process.h: run a real program from a test: spawn it with its stdout on a pipe, read lines with a
// deadline, signal it, and collect its exit status. Test support only (POSIX).
//
//   auto p = Process::Spawn({"/path/to/server", "server"});
//   auto line = p->ReadLine(std::chrono::seconds(10));
//   p->Signal(SIGTERM); int status = p->Wait();
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sc::testing {

class Process {
 public:
  // Spawn starts argv[0] with the arguments; stdout is captured, stderr passes through (or is
  // appended to `stderr_path` when given). Returns nullopt if the program cannot be started.
  static std::optional<Process> Spawn(const std::vector<std::string>& argv,
                                      const std::string& stderr_path = "");
  Process(Process&& other) noexcept;
  Process& operator=(Process&&) = delete;
  ~Process();  // kills (SIGKILL) and reaps a process still running

  // ReadLine returns the next line of stdout without its newline, or nullopt at EOF or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // ReadAll returns everything left on stdout until EOF (or the timeout).
  std::string ReadAll(std::chrono::milliseconds timeout);
  void Signal(int sig);
  // Wait reaps the process and returns its exit code, or 128 + signal if a signal ended it.
  int Wait();
  pid_t pid() const { return pid_; }

 private:
  Process(pid_t pid, int out_fd) : pid_(pid), out_fd_(out_fd) {}
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool reaped_ = false;
};

}  // namespace sc::testing
