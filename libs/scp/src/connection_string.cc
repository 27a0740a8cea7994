#include "securecomm/scp/connection_string.h"

#include <charconv>

#include "securecomm/base/encoding.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/scp/errors.h"

namespace sc::scp {
namespace {

constexpr std::string_view kScheme = "scp://";

bool TakePrefix(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

template <typename Key>
Result<Key> DecodeKey(std::string_view b64) {
  auto bytes = Base64Decode(b64);
  if (!bytes) return Fail(Errc::kMalformedFrame);
  auto key = Key::FromSpan(*bytes);
  if (!key) return Fail(Errc::kMalformedFrame);
  return *key;
}

}  // namespace

Result<ConnectionString> ParseConnectionString(std::string_view text) {
  if (text.size() > kMaxConnectionString || !TakePrefix(text, kScheme)) return Fail(Errc::kMalformedFrame);
  const size_t slash = text.find("/#");
  if (slash == std::string_view::npos) return Fail(Errc::kMalformedFrame);
  std::string_view authority = text.substr(0, slash);
  std::string_view fragment = text.substr(slash + 2);
  ConnectionString cs;
  // Host: "[v6]:port" or "name:port".
  size_t colon = 0;
  if (TakePrefix(authority, "[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || authority.substr(close + 1, 1) != ":")
      return Fail(Errc::kMalformedFrame);
    cs.host = std::string(authority.substr(0, close));
    colon = close + 1;
  } else {
    colon = authority.rfind(':');
    if (colon == std::string_view::npos) return Fail(Errc::kMalformedFrame);
    cs.host = std::string(authority.substr(0, colon));
  }
  const std::string_view port = authority.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (cs.host.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    return Fail(Errc::kMalformedFrame);
  }
  cs.port = static_cast<uint16_t>(value);
  const size_t amp = fragment.find('&');
  if (amp == std::string_view::npos) return Fail(Errc::kMalformedFrame);
  std::string_view k = fragment.substr(0, amp), id = fragment.substr(amp + 1);
  if (!TakePrefix(k, "k=") || !TakePrefix(id, "id=")) return Fail(Errc::kMalformedFrame);
  auto static_key = DecodeKey<crypto::X25519PublicKey>(k);
  auto identity = DecodeKey<crypto::Ed25519PublicKey>(id);
  if (!static_key || !identity) return Fail(Errc::kMalformedFrame);
  cs.noise_static = *static_key;
  cs.identity = *identity;
  return cs;
}

std::string FormatConnectionString(const ConnectionString& cs) {
  const bool v6 = cs.host.find(':') != std::string::npos;
  return std::string(kScheme) + (v6 ? "[" + cs.host + "]" : cs.host) + ":" + std::to_string(cs.port) +
         "/#k=" + Base64Encode(cs.noise_static.span()) + "&id=" + Base64Encode(cs.identity.span());
}

std::string IdentityFingerprint(const crypto::Ed25519PublicKey& identity) {
  const auto digest = crypto::Sha256(identity.span());
  const std::string hex = HexEncode(digest.span().first(16));
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out += ' ';
    out += hex.substr(i, 4);
  }
  return out;
}

}  // namespace sc::scp
