// records.h: the client's own formats, sans-I/O: the content inside every end-to-end message
// (docs/protocol/client.md §2) and the records of the local store (docs/protocol/client-store.md
// §5). Each Decode parses exactly one record: kMalformedRecord for truncation, trailing bytes, an
// unknown version or kind, or a field over its limit.
//
//   Content c{Content::Kind::kText, id, now_ms, "alice", "", "hello"};
//   SecretBytes plain = c.Encode();                 // then Session::Encrypt
//   Result<Content> back = Content::Decode(plain.Expose());
//
// Thread safety: value types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/proto/protocol.h"

namespace sc::client {

inline constexpr uint8_t kContentVersion = 1;
inline constexpr uint8_t kRecordVersion = 1;
// A username on the wire and in records: the relay's own bound (relay.md §4).
inline constexpr size_t kMaxUsernameBytes = proto::kMaxUsernameLength;  // the relay's rule, one constant
// The longest text message: well inside e2e::kMaxPlaintextSize with the content's header, and
// about ten pages of text; files come with their own transfer later.
inline constexpr size_t kMaxTextBytes = 32 * 1024;
// The most devices a contact record keeps (the relay's per-account device limit, 16, twice over
// for pending keys).
inline constexpr size_t kMaxContactDevices = 32;
inline constexpr size_t kMessageIdSize = 16;
// A stored error name (an Errc identifier) of an undecryptable message.
inline constexpr size_t kMaxErrorNameBytes = 256;
using MessageId = std::array<uint8_t, kMessageIdSize>;

// Content: the plaintext of an end-to-end message.
struct Content {
  // Values appear on the wire: append only.
  enum class Kind : uint8_t {
    kText = 1,      // a text message to the recipient
    kSentCopy = 2,  // a copy of a text this account sent, for the sender's other devices
  };
  Kind kind = Kind::kText;
  MessageId message_id{};  // random, chosen by the sender; equal in the message and its copies
  int64_t sent_at_ms = 0;  // the sender's clock
  std::string sender;      // the sender's username: checked against the relay's directory
  std::string peer;        // kSentCopy: to whom it was sent; kText: empty
  std::string body;        // UTF-8 text, at most kMaxTextBytes

  [[nodiscard]] SecretBytes Encode() const;
  // Decode accepts only a kind with a row in ContentKinds() and that row's rules.
  [[nodiscard]] static Result<Content> Decode(std::span<const uint8_t> bytes);
};

// ContentKindInfo: one row per content kind (client.md §3), read by the decoder and the inbox.
// Adding a kind: the enumerator, its row in records.cc, what the inbox does with it, its tests.
struct ContentKindInfo {
  Content::Kind kind;
  std::string_view name;  // for logs: "text"
  bool names_peer;        // `peer` is required (and otherwise must be empty)
  bool own_account_only;  // accepted only from a device of the recipient's own account
};
// ContentKinds: every row, in wire order. FindContentKind: the row of a wire value, or nullptr.
std::span<const ContentKindInfo> ContentKinds() noexcept;
const ContentKindInfo* FindContentKind(uint8_t wire_value) noexcept;

struct ContactDevice {
  uint32_t device_id = 0;
  crypto::Ed25519PublicKey identity_key;
  friend bool operator==(const ContactDevice&, const ContactDevice&) = default;
};

// Contact: a peer account and the device keys this device trusts for it. Keys seen on the relay
// or in a message but not yet accepted wait in `pending` until `trust`.
struct Contact {
  std::string username;
  uint64_t account_id = 0;
  std::vector<ContactDevice> devices;  // trusted
  std::vector<ContactDevice> pending;  // changed or new keys, not trusted
  uint64_t pending_account_id = 0;     // the username now names another account (0: no)
  bool verified = false;               // the user compared safety numbers for `devices`
  int64_t added_ms = 0;

  // Trusts returns true iff (device_id, key) is a trusted device of this contact.
  [[nodiscard]] bool Trusts(uint32_t device_id, const crypto::Ed25519PublicKey& key) const noexcept;
  [[nodiscard]] std::vector<uint8_t> Encode() const;
  [[nodiscard]] static Result<Contact> Decode(std::span<const uint8_t> bytes);
};

// Account: who this device is on which relay. Secret (the account password, for re-login).
struct Account {
  std::string relay;  // the connection string (scp/connection_string.h)
  std::string username;
  SecretBytes password;
  uint64_t account_id = 0;
  uint32_t device_id = 0;

  [[nodiscard]] SecretBytes Encode() const;
  [[nodiscard]] static Result<Account> Decode(std::span<const uint8_t> bytes);
};

// InboxEntry: a received message, decrypted and checked, not yet shown.
struct InboxEntry {
  enum Flags : uint8_t {
    kSentCopy = 1,         // sent by this account from another device, to `peer`
    kIdentityWarning = 2,  // the sender's key is not trusted (changed or new device)
    kUndecryptable = 4,    // could not be decrypted: `body` is empty, `error` says why
  };
  uint8_t flags = 0;
  MessageId message_id{};
  uint64_t relay_message_id = 0;
  std::string sender;  // username (or empty when undecryptable)
  uint64_t sender_account = 0;
  uint32_t sender_device = 0;
  std::string peer;
  std::string body;
  std::string error;  // kUndecryptable: the error's name
  int64_t sent_at_ms = 0;
  int64_t server_time_ms = 0;

  [[nodiscard]] SecretBytes Encode() const;
  [[nodiscard]] static Result<InboxEntry> Decode(std::span<const uint8_t> bytes);
};

}  // namespace sc::client
