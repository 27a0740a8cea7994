// skipped_keys.h: MKSKIPPED of Double Ratchet §3.2, the message keys of messages not yet received,
// indexed by (ratchet public key, message number), with a bound on how many are kept.
//
// At most kMaxSkippedKeys keys are held; inserting one more evicts the oldest (the one inserted
// first), as DR §6.4 ("Deletion of skipped message keys") suggests: a message that old is
// presumed lost, and each stored key is a key an attacker who steals the state could use.
//
//   if (const MessageKey* mk = skipped.Find(dh, n)) { ... decrypt ...; skipped.Erase(dh, n); }
//
// Not thread safe. Move-only (it holds secrets).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>

#include "securecomm/crypto/keys.h"
#include "securecomm/e2e/keys.h"

namespace sc::e2e {

class SkippedKeys {
 public:
  // (dh, n) as 36 bytes: the 32-byte public key, then n big-endian; ordered bytewise.
  using Id = std::array<uint8_t, 36>;
  static Id MakeId(const crypto::X25519PublicKey& dh, uint32_t n) noexcept;

  SkippedKeys() = default;
  SkippedKeys(SkippedKeys&&) noexcept = default;
  SkippedKeys& operator=(SkippedKeys&&) noexcept = default;
  SkippedKeys(const SkippedKeys&) = delete;
  SkippedKeys& operator=(const SkippedKeys&) = delete;

  // Find returns the stored key of (dh, n), or nullptr. The pointer is valid until the next
  // Insert or Erase.
  [[nodiscard]] const MessageKey* Find(const crypto::X25519PublicKey& dh, uint32_t n) const noexcept;
  // Erase deletes the key of (dh, n), if stored (DR §3.5: a used key is deleted).
  void Erase(const crypto::X25519PublicKey& dh, uint32_t n) noexcept;
  // Insert stores `mk` as the newest key, evicting the oldest while more than kMaxSkippedKeys are
  // held. Returns false (and stores nothing) if (dh, n) is already present.
  bool Insert(const crypto::X25519PublicKey& dh, uint32_t n, MessageKey mk);

  size_t size() const noexcept { return order_.size(); }
  bool empty() const noexcept { return order_.empty(); }

  // ForEachOldestFirst calls f(const Id&, const MessageKey&) for every key, oldest first (the
  // order the state format keeps, so eviction order survives a round trip).
  template <typename F>
  void ForEachOldestFirst(F&& f) const {
    for (const Entry& e : order_) f(e.id, e.key);
  }

 private:
  struct Entry {
    Id id;
    MessageKey key;
  };
  std::list<Entry> order_;                          // oldest first
  std::map<Id, std::list<Entry>::iterator> index_;  // into order_
};

}  // namespace sc::e2e
