// vault_keys.h (private): the lookup keys of the client's records in its vault
// (docs/protocol/client-store.md §5). The vault stores only HMACs of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/byte_writer.h"
#include "securecomm/client/records.h"

namespace sc::client::keys {

inline std::vector<uint8_t> Tagged(std::string_view tag, std::string_view rest = {}) {
  std::vector<uint8_t> k(tag.begin(), tag.end());
  k.push_back(0);
  k.insert(k.end(), rest.begin(), rest.end());
  return k;
}
inline std::vector<uint8_t> Numbered(std::string_view tag, uint64_t a,
                                     std::optional<uint32_t> b = std::nullopt) {
  ByteWriter w;
  (void)w.WriteBytes({reinterpret_cast<const uint8_t*>(tag.data()), tag.size()});
  (void)w.WriteU8(0);
  (void)w.WriteU64(a);
  if (b) (void)w.WriteU32(*b);
  return std::move(w).Take();
}

inline std::vector<uint8_t> Setting(std::string_view name) {
  return Tagged("setting", name);
}
inline std::vector<uint8_t> Contact(std::string_view username) {
  return Tagged("contact", username);
}
inline std::vector<uint8_t> Session(uint64_t account, uint32_t device) {
  return Numbered("session", account, device);
}
inline std::vector<uint8_t> SignedPrekey(uint32_t id) {
  return Numbered("spk", id);
}
inline std::vector<uint8_t> OneTimePrekey(uint32_t id) {
  return Numbered("opk", id);
}
inline std::vector<uint8_t> ReceivedRelay(uint64_t relay_message_id) {
  return Numbered("relay-id", relay_message_id);
}
inline std::vector<uint8_t> ReceivedMessage(const MessageId& id) {
  return Tagged("message-id", std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}
inline std::vector<uint8_t> Inbox(uint64_t relay_message_id) {
  return Numbered("inbox", relay_message_id);
}

}  // namespace sc::client::keys
