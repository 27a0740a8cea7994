#include "relay_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "securecomm/crypto/random.h"

namespace sc::relay_app {
namespace {

// File layout: "SCRK" || version (1 byte, 1) || identity seed (32) || X25519 private (32) ||
// decoy key (32).
constexpr uint8_t kMagic[4] = {'S', 'C', 'R', 'K'};
constexpr uint8_t kVersion = 1;
constexpr size_t kFileSize = 4 + 1 + 32 * 3;

std::string Errno(std::string_view what, const std::filesystem::path& path) {
  return fmt::format("{} {}: {}", what, path.string(), std::strerror(errno));
}

bool WriteAll(int fd, std::span<const uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data = data.subspan(static_cast<size_t>(n));
  }
  return true;
}

std::string Create(const std::filesystem::path& path) {
  auto& rng = crypto::SystemCsprng();
  SecretArray<kFileSize> file;
  auto bytes = file.MutableExpose();
  std::memcpy(bytes.data(), kMagic, 4);
  bytes[4] = kVersion;
  rng.Fill(bytes.subspan(5, 96));
  const auto tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", tmp);
  const bool ok = WriteAll(fd, file.Expose()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string e = Errno("cannot write", path);
    ::unlink(tmp.c_str());
    return e;
  }
  const int dir =
      ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return "";
}

}  // namespace

std::string LoadOrCreateKeys(const std::filesystem::path& path, RelayKeys& keys, bool& created) {
  created = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Errno("cannot read", path);
    if (auto e = Create(path); !e.empty()) return e;
    created = true;
    if (::stat(path.c_str(), &st) != 0) return Errno("cannot read", path);
  }
  if ((st.st_mode & 077) != 0) {
    return fmt::format("{} is readable by others (mode {:o}): chmod 600 it, and consider the key exposed",
                       path.string(), st.st_mode & 0777);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  SecretArray<kFileSize + 1> file;  // one byte more, to tell a longer file
  size_t have = 0;
  auto bytes = file.MutableExpose();
  while (have < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + have, bytes.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  if (have != kFileSize || std::memcmp(bytes.data(), kMagic, 4) != 0 || bytes[4] != kVersion) {
    return fmt::format("{} is not a securecomm relay key file (version {})", path.string(), kVersion);
  }
  const auto view = file.Expose();
  auto seed = crypto::Ed25519Seed::FromSpan(view.subspan(5, 32));
  auto noise = crypto::X25519PrivateKey::FromSpan(view.subspan(37, 32));
  keys.identity = std::make_shared<const crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::FromSeed(*seed));
  keys.noise = crypto::X25519KeyPair::FromPrivate(std::move(*noise));
  keys.decoy_key = SecretArray<32>::FromSpan(view.subspan<69, 32>());
  return "";
}

}  // namespace sc::relay_app
