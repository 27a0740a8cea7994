#include "securecomm/e2e/safety_number.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/hash.h"

namespace sc::e2e {
namespace {

constexpr uint64_t kChunkModulus = 100000;  // 10^kSafetyNumberChunkDigits
static_assert(kSafetyNumberChunks * kSafetyNumberChunkBytes <= crypto::Sha512Digest::kSize);

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Combine orders the two parties' digit strings, smaller first, so both sides print the same.
std::string Combine(std::string local, std::string remote) {
  return local < remote ? local + remote : remote + local;
}

}  // namespace

crypto::Sha512Digest PartyFingerprint(std::string_view stable_id, std::span<const uint8_t> key_bytes,
                                      uint32_t iterations) {
  SC_CHECK(iterations >= 1 && iterations <= kMaxSafetyNumberIterations);
  // docs/protocol/e2e.md §11.1: hash_0 = version (u16 BE) || key_bytes || stable_id, unhashed.
  std::vector<uint8_t> buf;
  buf.reserve(2 + key_bytes.size() + stable_id.size() + key_bytes.size());
  AppendBe16(buf, kSafetyNumberVersion);
  buf.insert(buf.end(), key_bytes.begin(), key_bytes.end());
  buf.insert(buf.end(), stable_id.begin(), stable_id.end());
  buf.insert(buf.end(), key_bytes.begin(), key_bytes.end());
  // hash_i = SHA-512(hash_{i-1} || key_bytes). The first round hashes the whole hash_0; from then
  // on the buffer is the previous 64-byte digest followed by the key bytes.
  crypto::Sha512Digest hash = crypto::Sha512(buf);
  buf.resize(hash.size() + key_bytes.size());
  std::copy(key_bytes.begin(), key_bytes.end(), buf.begin() + hash.size());
  for (uint32_t i = 1; i < iterations; ++i) {
    std::memcpy(buf.data(), hash.data(), hash.size());
    hash = crypto::Sha512(buf);
  }
  return hash;
}

std::string PartyDigits(const crypto::Sha512Digest& fingerprint) {
  std::string out;
  out.reserve(kPartyDigits);
  const auto bytes = fingerprint.span();
  for (size_t c = 0; c < kSafetyNumberChunks; ++c) {
    uint64_t v = LoadBeN(bytes.subspan(c * kSafetyNumberChunkBytes, kSafetyNumberChunkBytes)) % kChunkModulus;
    char digits[kSafetyNumberChunkDigits];
    for (size_t i = kSafetyNumberChunkDigits; i > 0; --i) {
      digits[i - 1] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out.append(digits, kSafetyNumberChunkDigits);
  }
  return out;
}

std::vector<uint8_t> LogicalKeyBytes(std::span<const std::span<const uint8_t>> keys) {
  std::vector<std::span<const uint8_t>> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end(), [](std::span<const uint8_t> a, std::span<const uint8_t> b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());  // unsigned bytes
  });
  std::vector<uint8_t> out;
  for (const auto& k : sorted) out.insert(out.end(), k.begin(), k.end());
  return out;
}

std::string SafetyNumberFromKeyBytes(std::string_view local_id,
                                     std::span<const std::span<const uint8_t>> local_keys,
                                     std::string_view remote_id,
                                     std::span<const std::span<const uint8_t>> remote_keys,
                                     uint32_t iterations) {
  SC_CHECK(!local_keys.empty() && !remote_keys.empty());
  std::string local = PartyDigits(PartyFingerprint(local_id, LogicalKeyBytes(local_keys), iterations));
  std::string remote = PartyDigits(PartyFingerprint(remote_id, LogicalKeyBytes(remote_keys), iterations));
  return Combine(std::move(local), std::move(remote));
}

std::string SafetyNumber(std::string_view local_id, std::span<const crypto::Ed25519PublicKey> local_keys,
                         std::string_view remote_id, std::span<const crypto::Ed25519PublicKey> remote_keys,
                         uint32_t iterations) {
  auto as_bytes = [](std::span<const crypto::Ed25519PublicKey> keys) {
    std::vector<std::span<const uint8_t>> out;
    out.reserve(keys.size());
    for (const auto& k : keys) out.emplace_back(k.span());
    return out;
  };
  return SafetyNumberFromKeyBytes(local_id, as_bytes(local_keys), remote_id, as_bytes(remote_keys),
                                  iterations);
}

std::string FormatSafetyNumber(std::string_view digits) {
  SC_CHECK(digits.size() == kSafetyNumberDigits && AllDigits(digits));
  std::string out;
  out.reserve(kFormattedSafetyNumberSize);
  for (size_t g = 0; g < kSafetyNumberGroups; ++g) {
    if (g != 0) out.push_back(' ');
    out.append(digits.substr(g * kSafetyNumberChunkDigits, kSafetyNumberChunkDigits));
  }
  return out;
}

}  // namespace sc::e2e
