#include "terminal.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace sc::cli {
namespace {

std::optional<SecretBytes> PromptOnce(int fd, const std::string& prompt) {
  if (::write(fd, prompt.data(), prompt.size()) < 0) return std::nullopt;
  termios old{};
  const bool tty = ::tcgetattr(fd, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  SecretBytes value;
  char c = 0;
  bool ok = false;
  while (::read(fd, &c, 1) == 1) {
    if (c == '\n') {
      ok = true;
      break;
    }
    const uint8_t b = static_cast<uint8_t>(c);
    value.Append(std::span<const uint8_t>(&b, 1));
  }
  c = 0;
  if (tty) ::tcsetattr(fd, TCSAFLUSH, &old);
  if (!ok) return std::nullopt;
  return value;
}

}  // namespace

std::optional<SecretBytes> ReadSecret(const char* env_var, const std::string& prompt, bool confirm) {
  if (const char* v = std::getenv(env_var); v != nullptr) {
    return SecretBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v), std::strlen(v)));
  }
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto first = PromptOnce(fd, prompt);
  if (first && confirm) {
    auto second = PromptOnce(fd, "again: ");
    if (!second || !(*second == *first)) first.reset();
  }
  ::close(fd);
  return first;
}

}  // namespace sc::cli
