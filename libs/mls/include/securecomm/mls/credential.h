// credential.h: Credential (RFC 9420 §5.3), what binds a member's identity to its signature key.
//
//   struct { opaque cert_data<V>; } Certificate;
//
//   struct {
//       CredentialType credential_type;
//       select (Credential.credential_type) {
//           case basic: opaque identity<V>;
//           case x509:  Certificate certificates<V>;
//       };
//   } Credential;
//
// This core issues basic credentials (the identity bytes are the application's: account and
// device, docs/protocol/mls.md); x509 credentials are decoded and re-encoded byte for byte so a
// tree that holds one round-trips, but nothing here validates a certificate chain.
//
//   Credential c = Credential::Basic(identity);
//   Status s = c.Encode(w);
//   Result<Credential> back = Credential::Decode(r);
//
// Decode refuses a credential type other than basic and x509 (kUnsupportedCredentialType: its
// body is not self-delimiting) and every codec error. Value type, no shared state.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/mls/codec.h"

namespace sc::mls {

// CredentialType (§17.7). Append only; never renumber.
enum class CredentialType : uint16_t {
  kBasic = 0x0001,
  kX509 = 0x0002,
};

struct Credential {
  CredentialType credential_type = CredentialType::kBasic;
  std::vector<uint8_t> identity;                   // basic
  std::vector<std::vector<uint8_t>> certificates;  // x509: cert_data of each Certificate

  // Basic returns a basic credential carrying `identity`.
  static Credential Basic(std::span<const uint8_t> identity);

  // Encode appends the Credential; kValueTooLarge if a field is over kMaxVectorLength.
  [[nodiscard]] Status Encode(Writer& w) const;
  // Decode reads one Credential from `r`.
  [[nodiscard]] static Result<Credential> Decode(Reader& r);

  friend bool operator==(const Credential&, const Credential&) = default;
};

// DeviceIdentity: the identity bytes of a SecureComm basic credential (docs/protocol/mls.md
// "Credentials"): the ASCII prefix "securecomm/1", the account id as a big-endian uint64, the
// device id as a big-endian uint32: 24 bytes. The leaf's signature_key is that device's Ed25519
// identity key; the application checks the pair against its directory.
struct DeviceIdentity {
  uint64_t account_id = 0;
  uint32_t device_id = 0;

  std::vector<uint8_t> Encode() const;
  // Decode refuses any other length or prefix (kInvalidIdentity).
  [[nodiscard]] static Result<DeviceIdentity> Decode(std::span<const uint8_t> identity);
  friend bool operator==(const DeviceIdentity&, const DeviceIdentity&) = default;
};

}  // namespace sc::mls
