#include "securecomm/client/records.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/client/errors.h"
#include "securecomm/scp/connection_string.h"

namespace sc::client {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Writer helpers: the records are built from checked fields, so a failure here is a bug that
// the decoder would catch; the writer's limit is not used.
void PutString16(ByteWriter& w, std::string_view s) {
  (void)w.WritePrefixed16([&](ByteWriter& c) { return c.WriteBytes(Bytes(s)); });
}
void PutString32(ByteWriter& w, std::string_view s) {
  (void)w.WritePrefixed32([&](ByteWriter& c) { return c.WriteBytes(Bytes(s)); });
}

// GetString reads a string with a 2-byte (or, `wide`, 4-byte) length prefix, at most `max` bytes.
Result<std::string> GetString(ByteReader& r, size_t max, bool wide = false) {
  auto c = wide ? r.ReadPrefixed32() : r.ReadPrefixed16();
  if (!c || c->remaining() > max) return Fail(Errc::kMalformedRecord);
  auto rest = c->ReadRest();
  return std::string(rest.begin(), rest.end());
}
template <typename T>
Result<T> Get(Result<T> r) {
  if (!r) return Fail(Errc::kMalformedRecord);
  return r;
}

void PutDevices(ByteWriter& w, const std::vector<ContactDevice>& devices) {
  (void)w.WriteU8(static_cast<uint8_t>(devices.size()));
  for (const auto& d : devices) {
    (void)w.WriteU32(d.device_id);
    (void)w.WriteBytes(d.identity_key.span());
  }
}
Result<std::vector<ContactDevice>> GetDevices(ByteReader& r) {
  auto n = Get(r.ReadU8());
  if (!n || *n > kMaxContactDevices) return Fail(Errc::kMalformedRecord);
  std::vector<ContactDevice> out;
  for (uint8_t i = 0; i < *n; ++i) {
    auto id = Get(r.ReadU32());
    auto key = Get(r.ReadBytes(32));
    if (!id || !key) return Fail(Errc::kMalformedRecord);
    auto pub = crypto::Ed25519PublicKey::FromSpan(*key);
    if (!pub) return Fail(Errc::kMalformedRecord);
    out.push_back({*id, *pub});
  }
  return out;
}

SecretBytes Seal(ByteWriter&& w) {
  auto bytes = std::move(w).Take();
  SecretBytes out(bytes);
  SecureWipe(bytes);
  return out;
}

}  // namespace

namespace {
constexpr std::array<ContentKindInfo, 2> kContentKinds = {{
    {Content::Kind::kText, "text", /*names_peer=*/false, /*own_account_only=*/false},
    {Content::Kind::kSentCopy, "sent_copy", /*names_peer=*/true, /*own_account_only=*/true},
}};
}  // namespace

std::span<const ContentKindInfo> ContentKinds() noexcept {
  return kContentKinds;
}

const ContentKindInfo* FindContentKind(uint8_t wire_value) noexcept {
  for (const auto& row : kContentKinds) {
    if (static_cast<uint8_t>(row.kind) == wire_value) return &row;
  }
  return nullptr;
}

SecretBytes Content::Encode() const {
  ByteWriter w;
  (void)w.WriteU8(kContentVersion);
  (void)w.WriteU8(static_cast<uint8_t>(kind));
  (void)w.WriteBytes(message_id);
  (void)w.WriteU64(static_cast<uint64_t>(sent_at_ms));
  PutString16(w, sender);
  PutString16(w, peer);
  PutString32(w, body);
  return Seal(std::move(w));
}

Result<Content> Content::Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  Content c;
  auto version = Get(r.ReadU8());
  auto kind = Get(r.ReadU8());
  if (!version || *version != kContentVersion || !kind) return Fail(Errc::kMalformedRecord);
  const ContentKindInfo* info = FindContentKind(*kind);
  if (info == nullptr) return Fail(Errc::kMalformedRecord);
  c.kind = info->kind;
  auto id = Get(r.ReadBytes(kMessageIdSize));
  auto sent = Get(r.ReadU64());
  if (!id || !sent) return Fail(Errc::kMalformedRecord);
  std::copy(id->begin(), id->end(), c.message_id.begin());
  c.sent_at_ms = static_cast<int64_t>(*sent);
  auto sender = GetString(r, kMaxUsernameBytes);
  auto peer = GetString(r, kMaxUsernameBytes);
  auto body = GetString(r, kMaxTextBytes, /*wide=*/true);
  if (!sender || !peer || !body || !r.Finish()) return Fail(Errc::kMalformedRecord);
  if (sender->empty() || info->names_peer == peer->empty()) return Fail(Errc::kMalformedRecord);
  c.sender = std::move(*sender);
  c.peer = std::move(*peer);
  c.body = std::move(*body);
  return c;
}

bool Contact::Trusts(uint32_t device_id, const crypto::Ed25519PublicKey& key) const noexcept {
  return std::any_of(devices.begin(), devices.end(), [&](const ContactDevice& d) {
    return d.device_id == device_id && d.identity_key == key;
  });
}

std::vector<uint8_t> Contact::Encode() const {
  ByteWriter w;
  (void)w.WriteU8(kRecordVersion);
  PutString16(w, username);
  (void)w.WriteU64(account_id);
  PutDevices(w, devices);
  PutDevices(w, pending);
  (void)w.WriteU64(pending_account_id);
  (void)w.WriteU8(verified ? 1 : 0);
  (void)w.WriteU64(static_cast<uint64_t>(added_ms));
  return std::move(w).Take();
}

Result<Contact> Contact::Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  Contact c;
  auto version = Get(r.ReadU8());
  if (!version || *version != kRecordVersion) return Fail(Errc::kMalformedRecord);
  auto name = GetString(r, kMaxUsernameBytes);
  auto account = Get(r.ReadU64());
  if (!name || !account) return Fail(Errc::kMalformedRecord);
  auto devices = GetDevices(r);
  auto pending = GetDevices(r);
  auto pending_account = Get(r.ReadU64());
  auto verified = Get(r.ReadU8());
  auto added = Get(r.ReadU64());
  if (!devices || !pending || !pending_account || !verified || *verified > 1 || !added || !r.Finish()) {
    return Fail(Errc::kMalformedRecord);
  }
  c.username = std::move(*name);
  c.account_id = *account;
  c.devices = std::move(*devices);
  c.pending = std::move(*pending);
  c.pending_account_id = *pending_account;
  c.verified = *verified == 1;
  c.added_ms = static_cast<int64_t>(*added);
  return c;
}

SecretBytes Account::Encode() const {
  ByteWriter w;
  (void)w.WriteU8(kRecordVersion);
  PutString16(w, relay);
  PutString16(w, username);
  (void)w.WritePrefixed16([&](ByteWriter& c) { return c.WriteBytes(password.Expose()); });
  (void)w.WriteU64(account_id);
  (void)w.WriteU32(device_id);
  return Seal(std::move(w));
}

Result<Account> Account::Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  Account a;
  auto version = Get(r.ReadU8());
  if (!version || *version != kRecordVersion) return Fail(Errc::kMalformedRecord);
  auto relay = GetString(r, scp::kMaxConnectionString);
  auto name = GetString(r, kMaxUsernameBytes);
  auto password = Get(r.ReadPrefixed16());
  auto account = Get(r.ReadU64());
  auto device = Get(r.ReadU32());
  if (!relay || !name || !password || !account || !device || !r.Finish()) return Fail(Errc::kMalformedRecord);
  a.relay = std::move(*relay);
  a.username = std::move(*name);
  a.password = SecretBytes(password->ReadRest());
  a.account_id = *account;
  a.device_id = *device;
  return a;
}

SecretBytes InboxEntry::Encode() const {
  ByteWriter w;
  (void)w.WriteU8(kRecordVersion);
  (void)w.WriteU8(flags);
  (void)w.WriteBytes(message_id);
  (void)w.WriteU64(relay_message_id);
  PutString16(w, sender);
  (void)w.WriteU64(sender_account);
  (void)w.WriteU32(sender_device);
  PutString16(w, peer);
  PutString32(w, body);
  PutString16(w, error);
  (void)w.WriteU64(static_cast<uint64_t>(sent_at_ms));
  (void)w.WriteU64(static_cast<uint64_t>(server_time_ms));
  return Seal(std::move(w));
}

Result<InboxEntry> InboxEntry::Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  InboxEntry e;
  auto version = Get(r.ReadU8());
  auto flags = Get(r.ReadU8());
  auto id = Get(r.ReadBytes(kMessageIdSize));
  auto relay_id = Get(r.ReadU64());
  if (!version || *version != kRecordVersion || !flags || !id || !relay_id)
    return Fail(Errc::kMalformedRecord);
  auto sender = GetString(r, kMaxUsernameBytes);
  auto account = Get(r.ReadU64());
  auto device = Get(r.ReadU32());
  auto peer = GetString(r, kMaxUsernameBytes);
  auto body = GetString(r, kMaxTextBytes, /*wide=*/true);
  auto error = GetString(r, kMaxErrorNameBytes);
  auto sent = Get(r.ReadU64());
  auto server = Get(r.ReadU64());
  if (!sender || !account || !device || !peer || !body || !error || !sent || !server || !r.Finish()) {
    return Fail(Errc::kMalformedRecord);
  }
  e.flags = *flags;
  std::copy(id->begin(), id->end(), e.message_id.begin());
  e.relay_message_id = *relay_id;
  e.sender = std::move(*sender);
  e.sender_account = *account;
  e.sender_device = *device;
  e.peer = std::move(*peer);
  e.body = std::move(*body);
  e.error = std::move(*error);
  e.sent_at_ms = static_cast<int64_t>(*sent);
  e.server_time_ms = static_cast<int64_t>(*server);
  return e;
}

}  // namespace sc::client
