// RFC 9420 §5.3 (Credential).
#include "securecomm/mls/credential.h"

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

}  // namespace sc::mls
