#include "securecomm/audit/hash.h"

#include <array>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/crypto/hash.h"

namespace sc::audit {
namespace {
// RFC 9162 §2.1.1: domain separation between leaves and interior nodes.
constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;
}  // namespace

Hash LeafHash(std::span<const uint8_t> data) noexcept {
  // Small leaves (every audit entry is) are hashed in one call from the stack, which costs what
  // one SHA-256 costs; larger ones go through the incremental hasher to avoid a heap copy.
  std::array<uint8_t, 1 + 512> small{};
  if (data.size() < small.size()) {
    small[0] = kLeafPrefix;
    for (size_t i = 0; i < data.size(); ++i) small[1 + i] = data[i];
    return crypto::Sha256(std::span<const uint8_t>(small.data(), 1 + data.size()));
  }
  crypto::Sha256Hasher hasher;
  const uint8_t prefix = kLeafPrefix;
  hasher.Update(std::span<const uint8_t>(&prefix, 1));
  hasher.Update(data);
  return hasher.Final();
}

Hash NodeHash(const Hash& left, const Hash& right) noexcept {
  std::array<uint8_t, 1 + 2 * kHashSize> buf{};
  buf[0] = kNodePrefix;
  for (size_t i = 0; i < kHashSize; ++i) {
    buf[1 + i] = left.span()[i];
    buf[1 + kHashSize + i] = right.span()[i];
  }
  return crypto::Sha256(buf);
}

Hash EmptyRootHash() noexcept {
  return crypto::Sha256(std::span<const uint8_t>());
}

Result<Hash> HashFromBytes(std::span<const uint8_t> bytes) noexcept {
  if (bytes.size() != kHashSize) return Fail(Errc::kBadHashSize);
  return Hash(bytes.first<kHashSize>());
}

}  // namespace sc::audit
