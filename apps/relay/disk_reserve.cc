#include "disk_reserve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace sc::relay_app {
namespace {

// SyncDirectory makes the file's creation or removal durable.
void SyncDirectory(const std::filesystem::path& dir) noexcept {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string ReserveFile::Create() {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return fmt::format("cannot create the disk reserve {}: {}", path_.string(), std::strerror(errno));
  struct stat st {};
  int err = ::fstat(fd, &st) == 0 ? 0 : errno;
  if (err == 0 && static_cast<uint64_t>(st.st_size) > bytes_ &&
      ::ftruncate(fd, static_cast<off_t>(bytes_)) != 0)
    err = errno;
  if (err == 0) err = ::posix_fallocate(fd, 0, static_cast<off_t>(bytes_));  // returns the error
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  ::close(fd);
  if (err != 0) {
    ::unlink(path_.c_str());  // a partial allocation would hold space for nothing
    held_ = false;
    return fmt::format("cannot allocate the disk reserve {} ({} bytes): {}", path_.string(), bytes_,
                       std::strerror(err));
  }
  SyncDirectory(path_.parent_path());
  held_ = true;
  return "";
}

void ReserveFile::Release() noexcept {
  ::unlink(path_.c_str());  // the space is free once no descriptor holds the file: none does
  held_ = false;
}

bool ReserveFile::Restore() {
  if (held_) return true;
  if (FreeBytes(path_.parent_path()) < 2 * bytes_) return false;
  return Create().empty();
}

uint64_t ReserveFile::FreeBytes(const std::filesystem::path& dir) noexcept {
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) != 0) return 0;
  return static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

}  // namespace sc::relay_app
