// RFC 9420 §5.3 (Credential).
#include "securecomm/mls/credential.h"

#include <algorithm>
#include <string_view>

#include "securecomm/mls/errors.h"

namespace sc::mls {

Credential Credential::Basic(std::span<const uint8_t> identity) {
  Credential c;
  c.credential_type = CredentialType::kBasic;
  c.identity.assign(identity.begin(), identity.end());
  return c;
}

Status Credential::Encode(Writer& w) const {
  w.WriteU16(static_cast<uint16_t>(credential_type));
  if (credential_type == CredentialType::kBasic) return w.WriteOpaque(identity);
  return w.WriteVector([&](Writer& v) -> Status {
    for (const auto& cert : certificates) {
      if (auto s = v.WriteOpaque(cert); !s) return s;
    }
    return OkStatus();
  });
}

Result<Credential> Credential::Decode(Reader& r) {
  Credential c;
  uint16_t type = 0;
  Status s = ReadField(r, type);
  if (s) {
    c.credential_type = static_cast<CredentialType>(type);
    switch (c.credential_type) {
      case CredentialType::kBasic:
        s = ReadField(r, c.identity);
        break;
      case CredentialType::kX509: {
        auto body = r.ReadVector();
        if (!body) {
          s = Fail(body.error());
          break;
        }
        while (s && !body->empty()) {
          std::vector<uint8_t> cert;
          s = ReadField(*body, cert);
          if (s) c.certificates.push_back(std::move(cert));
        }
        break;
      }
      default:
        s = Fail(Errc::kUnsupportedCredentialType);
    }
  }
  if (!s) return Fail(s.error());
  return c;
}

namespace {
constexpr std::string_view kIdentityPrefix = "securecomm/1";
constexpr size_t kIdentitySize = 12 + 8 + 4;
}  // namespace

std::vector<uint8_t> DeviceIdentity::Encode() const {
  Writer w;
  w.WriteFixed(std::span(reinterpret_cast<const uint8_t*>(kIdentityPrefix.data()), kIdentityPrefix.size()));
  w.WriteU64(account_id);
  w.WriteU32(device_id);
  return std::move(w).Take();
}

Result<DeviceIdentity> DeviceIdentity::Decode(std::span<const uint8_t> identity) {
  if (identity.size() != kIdentitySize ||
      !std::equal(kIdentityPrefix.begin(), kIdentityPrefix.end(), identity.begin(),
                  [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; }))
    return Fail(Errc::kInvalidIdentity);
  Reader r(identity.subspan(kIdentityPrefix.size()));
  DeviceIdentity id;
  Status s = ReadField(r, id.account_id);
  if (s) s = ReadField(r, id.device_id);
  if (!s) return Fail(s.error());
  return id;
}

}  // namespace sc::mls
