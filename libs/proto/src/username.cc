#include "securecomm/proto/username.h"

#include "securecomm/proto/protocol.h"

namespace sc::proto {

std::optional<std::string> NormalizeUsername(std::string_view username) {
  if (username.size() < kMinUsernameLength || username.size() > kMaxUsernameLength) return std::nullopt;
  std::string out(username);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return std::nullopt;
  }
  const char first = out.front();
  if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9'))) return std::nullopt;
  return out;
}

}  // namespace sc::proto
