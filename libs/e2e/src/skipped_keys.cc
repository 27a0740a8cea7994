#include "securecomm/e2e/skipped_keys.h"

#include <algorithm>
#include <utility>

#include "securecomm/base/bytes.h"
#include "securecomm/e2e/limits.h"

namespace sc::e2e {

SkippedKeys::Id SkippedKeys::MakeId(const crypto::X25519PublicKey& dh, uint32_t n) noexcept {
  Id id{};
  std::copy(dh.span().begin(), dh.span().end(), id.begin());
  StoreBe32(std::span(id).subspan<32, 4>(), n);
  return id;
}

const MessageKey* SkippedKeys::Find(const crypto::X25519PublicKey& dh, uint32_t n) const noexcept {
  auto it = index_.find(MakeId(dh, n));
  return it == index_.end() ? nullptr : &it->second->key;
}

void SkippedKeys::Erase(const crypto::X25519PublicKey& dh, uint32_t n) noexcept {
  auto it = index_.find(MakeId(dh, n));
  if (it == index_.end()) return;
  order_.erase(it->second);  // the MessageKey's destructor wipes it
  index_.erase(it);
}

bool SkippedKeys::Insert(const crypto::X25519PublicKey& dh, uint32_t n, MessageKey mk) {
  const Id id = MakeId(dh, n);
  if (index_.contains(id)) return false;
  order_.push_back(Entry{id, std::move(mk)});
  index_.emplace(id, std::prev(order_.end()));
  while (order_.size() > kMaxSkippedKeys) {
    index_.erase(order_.front().id);
    order_.pop_front();
  }
  return true;
}

}  // namespace sc::e2e
