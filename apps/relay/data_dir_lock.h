// data_dir_lock.h: one relay per data directory. Two relays on one store would each believe they
// are its single writer (DESIGN.md: the store has one writer), so the relay holds an exclusive
// flock on <data_dir>/relay.lock for its whole life and writes its pid into the file; a second
// relay on the same directory is refused with a message naming the directory and that pid.
// The kernel releases the lock when the process ends, however it ends (SIGKILL included), so
// a stale file never blocks a restart.
//
//   DataDirLock lock;
//   if (auto e = lock.Acquire(cfg.data_dir); !e.empty()) { print e; exit 1; }
//
// Thread safety: none needed (taken once at startup).
#pragma once

#include <filesystem>
#include <string>

namespace sc::relay_app {

inline constexpr const char* kLockFileName = "relay.lock";

class DataDirLock {
 public:
  DataDirLock() = default;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();  // releases the lock (the file stays, holding the last holder's pid)

  // Acquire opens (creating, mode 0600, close-on-exec) <data_dir>/relay.lock, takes an exclusive
  // non-blocking flock and writes this process's pid into it (best effort: a full disk does not
  // stop the relay). Returns "" on success, or a
  // one-line error: another relay holds the directory (with its pid when the file names one),
  // or the file cannot be opened or locked.
  std::string Acquire(const std::filesystem::path& data_dir);

 private:
  int fd_ = -1;
};

}  // namespace sc::relay_app
