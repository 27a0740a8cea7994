// connection_string.h: the string a client pins to reach a responder (docs/protocol/scp.md §11):
//
//   scp://HOST:PORT/#k=<base64 S_r_pub>&id=<base64 I_r_pub>
//
//   auto cs = ParseConnectionString(text);          // kBadConnectionString on any deviation
//   std::string s = FormatConnectionString(*cs);
//   std::string fp = IdentityFingerprint(cs->identity);   // "a1b2 c3d4 ..." for people
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "securecomm/base/error.h"
#include "securecomm/crypto/keys.h"

namespace sc::scp {

struct ConnectionString {
  std::string host;  // a DNS name, an IPv4 address, or an IPv6 address without brackets
  uint16_t port = 0;
  crypto::X25519PublicKey noise_static;
  crypto::Ed25519PublicKey identity;
};

// A connection string longer than this is refused: a host name is at most 253 bytes (RFC 1035),
// and the two keys take 100 bytes of base64.
inline constexpr size_t kMaxConnectionString = 512;

// ParseConnectionString returns kMalformedFrame for anything but the exact form above
// (scheme, host, port 1-65535, both keys of 32 bytes, nothing else).
[[nodiscard]] Result<ConnectionString> ParseConnectionString(std::string_view text);
std::string FormatConnectionString(const ConnectionString& cs);

// IdentityFingerprint returns the first 16 bytes of SHA-256(identity) as hex in groups of four.
std::string IdentityFingerprint(const crypto::Ed25519PublicKey& identity);

}  // namespace sc::scp
