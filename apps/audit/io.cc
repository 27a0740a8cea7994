#include "io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sc::audit_cli {
namespace {

std::string Reason(const std::string& what, const std::string& path, int err) {
  return "cannot " + what + " " + path + ": " + std::strerror(err);
}

// ReadFd appends up to max_size + 1 bytes of `fd` to `out` (one more than allowed, to tell a
// file of exactly max_size from a larger one). Returns errno, or 0.
template <typename Buffer>
int ReadFd(int fd, size_t max_size, Buffer& out) {
  uint8_t chunk[4096];
  while (out.size() <= max_size) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      SecureWipe(chunk, sizeof chunk);
      return err;
    }
    if (n == 0) break;
    out.Append(std::span<const uint8_t>(chunk, static_cast<size_t>(n)));
  }
  SecureWipe(chunk, sizeof chunk);
  return 0;
}

// StringSink adapts std::string to ReadFd's Append.
struct StringSink {
  std::string& s;
  size_t size() const { return s.size(); }
  void Append(std::span<const uint8_t> b) { s.append(AsChars(b)); }
};

template <typename Buffer>
IoResult<void> ReadInto(const std::string& path, size_t max_size, Buffer& out) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(Reason("read", path, errno));
  struct stat st {};
  if (!is_stdin && ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return tl::unexpected("cannot read " + path + ": it is a directory");
  }
  const int err = ReadFd(fd, max_size, out);
  if (!is_stdin) ::close(fd);
  if (err != 0) return tl::unexpected(Reason("read", is_stdin ? "standard input" : path, err));
  if (out.size() > max_size) {
    return tl::unexpected((is_stdin ? std::string("standard input") : path) + " is larger than " +
                          std::to_string(max_size) + " bytes");
  }
  return {};
}

int WriteAll(int fd, std::span<const uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    data = data.subspan(static_cast<size_t>(n));
  }
  return ::fsync(fd) == 0 ? 0 : errno;
}

int SyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

}  // namespace

IoResult<std::string> ReadFile(const std::string& path, size_t max_size) {
  std::string out;
  StringSink sink{out};
  if (auto r = ReadInto(path, max_size, sink); !r) return tl::unexpected(r.error());
  return out;
}

IoResult<SecretBytes> ReadSecretFile(const std::string& path, size_t max_size) {
  SecretBytes out;
  if (auto r = ReadInto(path, max_size, out); !r) return tl::unexpected(r.error());
  return out;
}

IoResult<void> WriteFileAtomic(const std::string& path, std::span<const uint8_t> data) {
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return tl::unexpected(Reason("write", tmp, errno));
  int err = WriteAll(fd, data);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return tl::unexpected(Reason("write", path, err));
  }
  if (const int dir_err = SyncDirectoryOf(path); dir_err != 0) {
    return tl::unexpected(Reason("sync the directory of", path, dir_err));
  }
  return {};
}

IoResult<void> WriteNewSecretFile(const std::string& path, std::span<const uint8_t> data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected(Reason("create", path, errno));
  int err = WriteAll(fd, data);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0) err = SyncDirectoryOf(path);
  if (err != 0) {
    ::unlink(path.c_str());
    return tl::unexpected(Reason("write", path, err));
  }
  return {};
}

}  // namespace sc::audit_cli
