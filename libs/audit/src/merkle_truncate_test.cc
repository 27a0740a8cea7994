// MerkleLog::Truncate: after cutting a log back, its roots and proofs are those of a log that
// never had the dropped leaves, and appending again gives the roots of the longer log.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/merkle_log.h"

namespace sc::audit {
namespace {

Hash Leaf(uint64_t i) {
  const uint8_t b[2] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
  return LeafHash(b);
}

TEST(MerkleLogTruncate, EqualsTheShorterLogAndGrowsBackTheSame) {
  constexpr uint64_t kMax = 70;
  MerkleLog reference;
  std::vector<Hash> roots{EmptyRootHash()};
  for (uint64_t i = 0; i < kMax; ++i) {
    reference.Append(Leaf(i));
    roots.push_back(reference.Root());
  }
  for (uint64_t full = 0; full <= kMax; full += 7) {
    for (uint64_t cut = 0; cut <= full; ++cut) {
      MerkleLog log;
      for (uint64_t i = 0; i < full; ++i) log.Append(Leaf(i));
      log.Truncate(cut);
      ASSERT_EQ(log.size(), cut);
      ASSERT_EQ(log.Root(), roots[cut]) << full << " -> " << cut;
      if (cut > 0) {
        EXPECT_EQ(log.ProveInclusion(cut - 1, cut).value(), reference.ProveInclusion(cut - 1, cut).value());
        EXPECT_FALSE(log.RootAt(cut + 1).has_value());
      }
      for (uint64_t i = cut; i < kMax; ++i) log.Append(Leaf(i));
      ASSERT_EQ(log.Root(), roots[kMax]) << full << " -> " << cut << " -> " << kMax;
      if (cut > 0) {
        EXPECT_EQ(log.ProveConsistency(cut, kMax).value(), reference.ProveConsistency(cut, kMax).value());
      }
    }
  }
}

}  // namespace
}  // namespace sc::audit
