#include "data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace sc::relay_app {

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::string DataDirLock::Acquire(const std::filesystem::path& data_dir) {
  const std::filesystem::path path = data_dir / kLockFileName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fmt::format("cannot open the lock file {}: {}", path.string(), std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string holder;
    if (err == EWOULDBLOCK) {
      char buf[32] = {};
      const ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
      std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      const bool numeric = !pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos;
      holder = numeric ? fmt::format(" (pid {})", pid) : "";
    }
    ::close(fd);
    if (err != EWOULDBLOCK) return fmt::format("cannot lock {}: {}", path.string(), std::strerror(err));
    return fmt::format(
        "data_dir {} is in use: another securecomm-relay{} holds {}; stop it, or give this relay another "
        "data_dir",
        data_dir.string(), holder, path.string());
  }
  // The pid is for the message above only: the lock is what counts, so a failed write (a full
  // disk) does not stop the relay.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  return "";
}

}  // namespace sc::relay_app
