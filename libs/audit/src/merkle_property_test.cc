// Property tests of MerkleLog and the proof verifiers:
//  - the log's roots and proofs equal the recursive definitions of RFC 6962 §2.1 (MTH, PATH,
//    SUBPROOF), written out independently below, for every size, index and pair up to 72;
//  - in random logs of up to 10,000 entries every inclusion and consistency proof verifies, and
//    any flipped bit, swapped node, wrong size, wrong index, wrong leaf, or a proof one hash
//    too short or too long, fails with the specific error.
#include <chrono>
#include <cstdio>
#include <span>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/merkle_log.h"
#include "securecomm/audit/proof.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/hash.h"

namespace sc::audit {
namespace {

using Leaves = std::span<const Hash>;

// ---- RFC 6962 §2.1, literally (recursive, O(n) per call; for cross-checking only) ----------

uint64_t K(uint64_t n) {  // the largest power of two smaller than n
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash Mth(Leaves d) {
  if (d.empty()) return EmptyRootHash();
  if (d.size() == 1) return d[0];
  const uint64_t k = K(d.size());
  return NodeHash(Mth(d.first(k)), Mth(d.subspan(k)));
}

std::vector<Hash> Path(uint64_t m, Leaves d) {
  if (d.size() == 1) return {};
  const uint64_t k = K(d.size());
  std::vector<Hash> out;
  if (m < k) {
    out = Path(m, d.first(k));
    out.push_back(Mth(d.subspan(k)));
  } else {
    out = Path(m - k, d.subspan(k));
    out.push_back(Mth(d.first(k)));
  }
  return out;
}

std::vector<Hash> Subproof(uint64_t m, Leaves d, bool b) {
  if (m == d.size()) return b ? std::vector<Hash>{} : std::vector<Hash>{Mth(d)};
  const uint64_t k = K(d.size());
  std::vector<Hash> out;
  if (m <= k) {
    out = Subproof(m, d.first(k), b);
    out.push_back(Mth(d.subspan(k)));
  } else {
    out = Subproof(m - k, d.subspan(k), false);
    out.push_back(Mth(d.first(k)));
  }
  return out;
}

// ---- helpers ---------------------------------------------------------------------------------

struct TestLog {
  std::vector<Hash> leaves;
  std::vector<Hash> roots;  // roots[s] = root of the first s leaves
  MerkleLog log;
};

TestLog MakeLog(uint64_t n, uint64_t seed) {
  TestLog t;
  DeterministicRandom rng(seed);
  t.roots.push_back(EmptyRootHash());
  for (uint64_t i = 0; i < n; ++i) {
    uint8_t data[24];
    rng.Fill(data);
    t.leaves.push_back(LeafHash(data));
    t.log.Append(t.leaves.back());
    t.roots.push_back(t.log.Root());
  }
  return t;
}

uint64_t Uniform(DeterministicRandom& rng, uint64_t n) {  // in [0, n); REQUIRES n > 0
  uint8_t b[8];
  rng.Fill(b);
  return LoadBe64(b) % n;
}

Hash FlipBit(Hash h, size_t bit) {
  h.mutable_span()[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

// How thoroughly a proof is mutated: every bit of every hash and every adjacent swap; one random
// bit of every hash and every swap; or one random bit of one random hash and one random swap.
enum class Depth { kEveryBit, kEveryHash, kSampled };

// Bits returns every bit position of a hash, or one random position.
std::vector<size_t> Bits(DeterministicRandom& rng, Depth depth) {
  if (depth != Depth::kEveryBit) return {static_cast<size_t>(Uniform(rng, 256))};
  std::vector<size_t> all(256);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

// Positions returns the hash (or adjacent pair) indices to mutate among `n`.
std::vector<size_t> Positions(DeterministicRandom& rng, Depth depth, size_t n) {
  if (n == 0) return {};
  if (depth == Depth::kSampled) return {static_cast<size_t>(Uniform(rng, n))};
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

bool IsError(const Status& s, Errc e) {
  return !s.has_value() && s.error() == e;
}

// Counters printed at the end of each test, so the log shows how much was checked.
struct Counts {
  size_t proofs = 0;
  size_t mutations = 0;
};

// Checks one inclusion proof and a set of mutations of it (see Depth).
void CheckInclusion(const TestLog& t, uint64_t index, uint64_t size, DeterministicRandom& rng, Depth depth,
                    Counts& counts) {
  const Hash& leaf = t.leaves[index];
  const Hash& root = t.roots[size];
  const std::vector<Hash> path = t.log.ProveInclusion(index, size).value();
  ASSERT_EQ(path.size(), InclusionProofLength(index, size).value());
  ASSERT_TRUE(VerifyInclusion(index, size, leaf, path, root).has_value()) << index << "/" << size;
  ++counts.proofs;
  auto expect_fail = [&](const Status& s, Errc e, const char* what) {
    ++counts.mutations;
    EXPECT_TRUE(IsError(s, e)) << what << " at " << index << "/" << size << ": "
                               << (s ? "ok" : std::string(s.error().name()));
  };
  // Flipped bits in the path, the leaf and the root.
  for (size_t j : Positions(rng, depth, path.size())) {
    for (size_t bit : Bits(rng, depth)) {
      std::vector<Hash> p = path;
      p[j] = FlipBit(p[j], bit);
      expect_fail(VerifyInclusion(index, size, leaf, p, root), Errc::kRootMismatch, "flipped path bit");
    }
  }
  const size_t bit = static_cast<size_t>(Uniform(rng, 256));
  expect_fail(VerifyInclusion(index, size, FlipBit(leaf, bit), path, root), Errc::kRootMismatch,
              "flipped leaf");
  expect_fail(VerifyInclusion(index, size, leaf, path, FlipBit(root, bit)), Errc::kRootMismatch,
              "flipped root");
  // Swapped neighbours.
  for (size_t j : Positions(rng, depth, path.empty() ? 0 : path.size() - 1)) {
    if (path[j] == path[j + 1]) continue;
    std::vector<Hash> p = path;
    std::swap(p[j], p[j + 1]);
    expect_fail(VerifyInclusion(index, size, leaf, p, root), Errc::kRootMismatch, "swapped nodes");
  }
  // One hash too few or too many.
  if (!path.empty()) {
    std::vector<Hash> p(path.begin(), path.end() - 1);
    expect_fail(VerifyInclusion(index, size, leaf, p, root), Errc::kBadProofLength, "truncated");
  }
  std::vector<Hash> longer = path;
  longer.push_back(root);
  expect_fail(VerifyInclusion(index, size, leaf, longer, root), Errc::kBadProofLength, "extended");
  // A wrong index (same leaf, same tree): a different index must not verify.
  if (size > 1) {
    uint64_t other = Uniform(rng, size - 1);
    if (other >= index) ++other;
    const Status s = VerifyInclusion(other, size, leaf, path, root);
    ++counts.mutations;
    EXPECT_FALSE(s.has_value()) << "wrong index " << other << " for " << index << "/" << size;
  }
  // Another leaf at this index.
  if (size > 1) {
    const Hash& other_leaf = t.leaves[index == 0 ? 1 : index - 1];
    expect_fail(VerifyInclusion(index, size, other_leaf, path, root), Errc::kRootMismatch, "wrong leaf");
  }
  // A wrong size with that size's genuine root (a size lie the signature would not cover).
  const uint64_t max = t.log.size();
  if (max > index + 1) {
    uint64_t other = index + 1 + Uniform(rng, max - index - 1);
    if (other >= size) ++other;
    if (other <= max) {
      const Status s = VerifyInclusion(index, other, leaf, path, t.roots[other]);
      ++counts.mutations;
      EXPECT_FALSE(s.has_value()) << "wrong size " << other << " for " << index << "/" << size;
    }
  }
  // Out of range.
  expect_fail(VerifyInclusion(size, size, leaf, path, root), Errc::kIndexOutOfRange, "index == size");
}

void CheckConsistency(const TestLog& t, uint64_t size1, uint64_t size2, DeterministicRandom& rng, Depth depth,
                      Counts& counts) {
  const Hash& root1 = t.roots[size1];
  const Hash& root2 = t.roots[size2];
  const std::vector<Hash> proof = t.log.ProveConsistency(size1, size2).value();
  ASSERT_EQ(proof.size(), ConsistencyProofLength(size1, size2).value());
  ASSERT_TRUE(VerifyConsistency(size1, size2, proof, root1, root2).has_value()) << size1 << "->" << size2;
  ++counts.proofs;
  auto expect_fail = [&](const Status& s, Errc e, const char* what) {
    ++counts.mutations;
    EXPECT_TRUE(IsError(s, e)) << what << " at " << size1 << "->" << size2 << ": "
                               << (s ? "ok" : std::string(s.error().name()));
  };
  for (size_t j : Positions(rng, depth, proof.size())) {
    for (size_t bit : Bits(rng, depth)) {
      std::vector<Hash> p = proof;
      p[j] = FlipBit(p[j], bit);
      expect_fail(VerifyConsistency(size1, size2, p, root1, root2), Errc::kRootMismatch, "flipped proof bit");
    }
  }
  const size_t bit = static_cast<size_t>(Uniform(rng, 256));
  expect_fail(VerifyConsistency(size1, size2, proof, FlipBit(root1, bit), root2), Errc::kRootMismatch,
              "flipped root1");
  expect_fail(VerifyConsistency(size1, size2, proof, root1, FlipBit(root2, bit)), Errc::kRootMismatch,
              "flipped root2");
  for (size_t j : Positions(rng, depth, proof.empty() ? 0 : proof.size() - 1)) {
    if (proof[j] == proof[j + 1]) continue;
    std::vector<Hash> p = proof;
    std::swap(p[j], p[j + 1]);
    expect_fail(VerifyConsistency(size1, size2, p, root1, root2), Errc::kRootMismatch, "swapped nodes");
  }
  if (!proof.empty()) {
    std::vector<Hash> p(proof.begin(), proof.end() - 1);
    expect_fail(VerifyConsistency(size1, size2, p, root1, root2), Errc::kBadProofLength, "truncated");
  }
  std::vector<Hash> longer = proof;
  longer.push_back(root2);
  expect_fail(VerifyConsistency(size1, size2, longer, root1, root2), Errc::kBadProofLength, "extended");
  // Wrong sizes, each with the genuine root of that size.
  const uint64_t max = t.log.size();
  if (size2 > 1) {
    uint64_t other1 = 1 + Uniform(rng, size2 - 1);  // in [1, size2), != size1
    if (other1 >= size1) ++other1;
    if (other1 <= size2) {
      const Status s = VerifyConsistency(other1, size2, proof, t.roots[other1], root2);
      ++counts.mutations;
      EXPECT_FALSE(s.has_value()) << "wrong size1 " << other1 << " for " << size1 << "->" << size2;
    }
  }
  if (max > size1) {
    uint64_t other2 = size1 + Uniform(rng, max - size1);  // in [size1, max], != size2
    if (other2 >= size2) ++other2;
    if (other2 <= max) {
      const Status s = VerifyConsistency(size1, other2, proof, root1, t.roots[other2]);
      ++counts.mutations;
      EXPECT_FALSE(s.has_value()) << "wrong size2 " << other2 << " for " << size1 << "->" << size2;
    }
  }
  // A swapped pair of checkpoints (rollback) and the size-0 rule.
  if (size1 != size2) {
    expect_fail(VerifyConsistency(size2, size1, proof, root2, root1), Errc::kSizeMismatch, "rollback");
  }
  expect_fail(VerifyConsistency(0, size2, proof, EmptyRootHash(), root2), Errc::kSizeMismatch, "from size 0");
}

// ---- tests -------------------------------------------------------------------------------------

TEST(MerkleLogProperty, MatchesRecursiveDefinitionForEverySizeUpTo72) {
  constexpr uint64_t kMax = 72;
  const TestLog t = MakeLog(kMax, 7);
  size_t checked = 0;
  for (uint64_t n = 0; n <= kMax; ++n) {
    const Leaves d(t.leaves.data(), n);
    ASSERT_EQ(t.log.RootAt(n).value(), Mth(d)) << n;
    // A log built to exactly n leaves gives the same root as the prefix of a larger one.
    ASSERT_EQ(t.roots[n], Mth(d)) << n;
    for (uint64_t m = 0; m < n; ++m) {
      ASSERT_EQ(t.log.ProveInclusion(m, n).value(), Path(m, d)) << m << "/" << n;
      ++checked;
    }
    for (uint64_t m = 1; m <= n; ++m) {
      ASSERT_EQ(t.log.ProveConsistency(m, n).value(), Subproof(m, d, true)) << m << "->" << n;
      ++checked;
    }
  }
  std::printf("recursive RFC 6962 definitions: %zu proofs equal for sizes 0..%llu\n", checked,
              static_cast<unsigned long long>(kMax));
}

TEST(MerkleLogProperty, EveryBitOfEveryProofMattersUpTo16) {
  const TestLog t = MakeLog(16, 11);
  DeterministicRandom rng(12);
  Counts inc, con;
  for (uint64_t size = 1; size <= 16; ++size) {
    for (uint64_t i = 0; i < size; ++i) CheckInclusion(t, i, size, rng, Depth::kEveryBit, inc);
    for (uint64_t s1 = 1; s1 <= size; ++s1) CheckConsistency(t, s1, size, rng, Depth::kEveryBit, con);
  }
  std::printf(
      "sizes 1..16, every bit: %zu inclusion proofs (%zu mutations), %zu consistency proofs "
      "(%zu mutations)\n",
      inc.proofs, inc.mutations, con.proofs, con.mutations);
}

TEST(MerkleLogProperty, RandomLogsUpTo10000) {
  DeterministicRandom rng(2024);
  const uint64_t sizes[] = {
      1, 2, 3, 5, 17, 100, 255, 256, 257, 1000, 1023, 1024, 1025, 4097, 1 + Uniform(rng, 10000), 10000};
  Counts inc, con;
  size_t verified_only = 0;
  for (uint64_t n : sizes) {
    const TestLog t = MakeLog(n, n);
    // Every inclusion proof of the whole tree and every consistency proof into it verifies;
    // one in three (every one up to 1025 leaves) also gets the sampled mutations.
    for (uint64_t i = 0; i < n; ++i) {
      if (n <= 1025 || i % 3 == 0) {
        CheckInclusion(t, i, n, rng, Depth::kSampled, inc);
      } else {
        ASSERT_TRUE(VerifyInclusion(i, n, t.leaves[i], t.log.ProveInclusion(i, n).value(), t.roots[n]));
        ++verified_only;
      }
    }
    for (uint64_t s1 = 1; s1 <= n; ++s1) {
      if (n <= 1025 || s1 % 3 == 0) {
        CheckConsistency(t, s1, n, rng, Depth::kSampled, con);
      } else {
        ASSERT_TRUE(VerifyConsistency(s1, n, t.log.ProveConsistency(s1, n).value(), t.roots[s1], t.roots[n]));
        ++verified_only;
      }
    }
    // Random older trees and pairs, one random bit flipped in every hash.
    for (int k = 0; k < 100; ++k) {
      const uint64_t size = 1 + Uniform(rng, n);
      CheckInclusion(t, Uniform(rng, size), size, rng, Depth::kEveryHash, inc);
      const uint64_t s1 = 1 + Uniform(rng, size);
      CheckConsistency(t, s1, size, rng, Depth::kEveryHash, con);
    }
    if (::testing::Test::HasFailure()) break;
  }
  std::printf(
      "random logs of %zu sizes up to 10000: %zu inclusion proofs (%zu mutations), %zu "
      "consistency proofs (%zu mutations), %zu more proofs verified without mutations\n",
      std::size(sizes), inc.proofs, inc.mutations, con.proofs, con.mutations, verified_only);
}

TEST(MerkleLogProperty, EdgeRules) {
  const TestLog t = MakeLog(5, 3);
  const Hash r = t.roots[5];
  // Equal sizes need an empty proof and equal roots.
  EXPECT_TRUE(VerifyConsistency(5, 5, {}, r, r).has_value());
  EXPECT_TRUE(IsError(VerifyConsistency(5, 5, {}, r, t.roots[4]), Errc::kRootMismatch));
  const std::vector<Hash> one = {r};
  EXPECT_TRUE(IsError(VerifyConsistency(5, 5, one, r, r), Errc::kBadProofLength));
  // A consistency proof from size 0 is an error, even to size 0.
  const Hash empty = EmptyRootHash();
  EXPECT_TRUE(IsError(VerifyConsistency(0, 0, {}, empty, empty), Errc::kSizeMismatch));
  EXPECT_TRUE(IsError(VerifyConsistency(0, 5, {}, empty, r), Errc::kSizeMismatch));
  EXPECT_EQ(t.log.ProveConsistency(0, 5).error(), Errc::kSizeMismatch);
  EXPECT_TRUE(IsError(VerifyConsistency(4, 3, {}, r, r), Errc::kSizeMismatch));
  // Ranges of the log.
  EXPECT_EQ(t.log.ProveConsistency(4, 3).error(), Errc::kSizeMismatch);
  EXPECT_EQ(t.log.ProveConsistency(4, 6).error(), Errc::kIndexOutOfRange);
  EXPECT_EQ(t.log.ProveInclusion(5, 5).error(), Errc::kIndexOutOfRange);
  EXPECT_EQ(t.log.ProveInclusion(0, 6).error(), Errc::kIndexOutOfRange);
  EXPECT_EQ(t.log.RootAt(6).error(), Errc::kIndexOutOfRange);
  EXPECT_EQ(t.log.LeafHashAt(5).error(), Errc::kIndexOutOfRange);
  EXPECT_TRUE(t.log.ProveConsistency(5, 5).value().empty());
  EXPECT_TRUE(IsError(VerifyInclusion(0, 0, t.leaves[0], {}, empty), Errc::kIndexOutOfRange));
  // The empty log.
  MerkleLog log;
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.Root(), EmptyRootHash());
  EXPECT_EQ(EmptyRootHash(), crypto::Sha256(std::span<const uint8_t>()));
  // Lengths at the extremes of uint64 (no overflow, within kMaxProofHashes).
  EXPECT_EQ(InclusionProofLength(0, UINT64_MAX).value(), 64u);
  EXPECT_EQ(InclusionProofLength(UINT64_MAX - 1, UINT64_MAX).value(), 63u);
  EXPECT_EQ(ConsistencyProofLength(3, UINT64_MAX).value(), 65u);
  EXPECT_EQ(ConsistencyProofLength(1, UINT64_MAX).value(), 64u);
  // A power-of-two old tree is the new tree's left subtree: one hash, the right subtree, suffices.
  EXPECT_EQ(ConsistencyProofLength(uint64_t{1} << 63, UINT64_MAX).value(), 1u);
  EXPECT_EQ(InclusionProofLength(UINT64_MAX, UINT64_MAX).error(), Errc::kIndexOutOfRange);
}

// Informational: a million-entry log answers proofs from its stored levels. Timing is printed as
// a ratio to raw SHA-256 of 64 bytes on the same machine (CONTRIBUTING.md), never asserted.
TEST(MerkleLogProperty, MillionEntryLog) {
  constexpr uint64_t kSize = 1'000'000;
  MerkleLog log;
  std::vector<uint8_t> data(8);
  for (uint64_t i = 0; i < kSize; ++i) {
    for (int b = 0; b < 8; ++b) data[b] = static_cast<uint8_t>(i >> (8 * b));
    log.Append(LeafHash(data));
  }
  const Hash root = log.Root();
  DeterministicRandom rng(5);
  using Clock = std::chrono::steady_clock;
  constexpr int kRounds = 2000;
  const auto t0 = Clock::now();
  for (int k = 0; k < kRounds; ++k) {
    const uint64_t index = Uniform(rng, kSize);
    auto path = log.ProveInclusion(index, kSize);
    ASSERT_TRUE(VerifyInclusion(index, kSize, log.LeafHashAt(index).value(), path.value(), root).has_value());
  }
  const auto t1 = Clock::now();
  for (int k = 0; k < kRounds; ++k) {
    const uint64_t size1 = 1 + Uniform(rng, kSize);
    auto proof = log.ProveConsistency(size1, kSize);
    ASSERT_TRUE(VerifyConsistency(size1, kSize, proof.value(), log.RootAt(size1).value(), root).has_value());
  }
  const auto t2 = Clock::now();
  uint8_t block[64] = {};
  Hash sink;
  for (int k = 0; k < kRounds * 10; ++k) {
    block[0] = static_cast<uint8_t>(k);
    sink = crypto::Sha256(block);
  }
  const auto t3 = Clock::now();
  const double sha = std::chrono::duration<double, std::micro>(t3 - t2).count() / (kRounds * 10);
  const double inc = std::chrono::duration<double, std::micro>(t1 - t0).count() / kRounds;
  const double con = std::chrono::duration<double, std::micro>(t2 - t1).count() / kRounds;
  std::printf(
      "1,000,000 entries: prove+verify inclusion = %.0f x SHA-256(64 B), consistency (incl. "
      "RootAt) = %.0f x (this build: %.2f us, %.2f us, SHA-256 %.3f us)\n",
      inc / sha, con / sha, inc, con, sha);
  EXPECT_NE(sink, root);
}

}  // namespace
}  // namespace sc::audit
