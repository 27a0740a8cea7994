// Fuzz target: the audit proof decoders and verifiers (docs/protocol/audit.md §5-6) on attacker
// bytes, against a fixed 300-leaf log.
// Invariants: no crash; a decoded proof re-encodes to the same bytes; a proof that verifies
// against the log's genuine root is exactly the proof the log generates (anything else would be
// a second preimage); a genuine proof with one bit flipped, or checked at another index or size,
// never verifies.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "securecomm/audit/merkle_log.h"
#include "securecomm/audit/proof.h"
#include "securecomm/audit/proof_codec.h"
#include "securecomm/base/byte_reader.h"

namespace {

using namespace sc::audit;

constexpr uint64_t kLeaves = 300;

// Require aborts with the failed invariant's line, so a crash report names it.
void RequireAt(bool ok, int line) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed at %s:%d\n", __FILE__, line);
    std::abort();
  }
}
#define Require(ok) RequireAt((ok), __LINE__)

struct Fixture {
  MerkleLog log;
  std::vector<Hash> roots;  // roots[s] = root of the first s leaves
  Fixture() {
    roots.push_back(EmptyRootHash());
    for (uint64_t i = 0; i < kLeaves; ++i) {
      log.Append(LeafHash(std::vector<uint8_t>{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)}));
      roots.push_back(log.Root());
    }
  }
  // The genuine root for `size`, or an unrelated hash beyond the log.
  Hash Root(uint64_t size) const { return size <= kLeaves ? roots[size] : LeafHash({}); }
  Hash Leaf(uint64_t index) const { return index < kLeaves ? log.LeafHashAt(index).value() : LeafHash({}); }
};

const Fixture& TheLog() {
  static const Fixture f;
  return f;
}

// Decoded attacker proofs, verified against the genuine roots.
void DecodeAndVerify(std::span<const uint8_t> in) {
  const Fixture& f = TheLog();
  if (auto p = DecodeInclusionProof(in)) {
    Require(EncodeInclusionProof(*p).value() == std::vector<uint8_t>(in.begin(), in.end()));
    if (VerifyInclusion(p->leaf_index, p->tree_size, f.Leaf(p->leaf_index), p->path, f.Root(p->tree_size))) {
      Require(p->tree_size <= kLeaves &&
              p->path == f.log.ProveInclusion(p->leaf_index, p->tree_size).value());
    }
  }
  if (auto p = DecodeConsistencyProof(in)) {
    Require(EncodeConsistencyProof(*p).value() == std::vector<uint8_t>(in.begin(), in.end()));
    if (VerifyConsistency(p->size1, p->size2, p->path, f.Root(p->size1), f.Root(p->size2))) {
      // Equal sizes prove nothing but equal roots (also beyond the log, where Root() is a
      // placeholder); otherwise only the genuine proof verifies.
      Require(p->size1 == p->size2
                  ? p->path.empty()
                  : p->size2 <= kLeaves && p->path == f.log.ProveConsistency(p->size1, p->size2).value());
    }
  }
}

// The input steers a mutation of a genuine proof: it must never verify.
void MutateGenuine(std::span<const uint8_t> in) {
  const Fixture& f = TheLog();
  sc::ByteReader r(in);
  auto a = r.ReadU16();
  auto b = r.ReadU16();
  auto what = r.ReadU8();
  auto where = r.ReadU16();
  if (!a || !b || !what || !where) return;
  const uint64_t size = 1 + *b % kLeaves;
  const uint64_t x = *a % size;  // a leaf index, or size1 - 1
  const bool inclusion = (*what & 1) == 0;
  std::vector<Hash> proof =
      inclusion ? f.log.ProveInclusion(x, size).value() : f.log.ProveConsistency(x + 1, size).value();
  uint64_t index = x, tree = size;
  Hash root1 = f.Root(x + 1);
  switch ((*what >> 1) % 3) {
    case 0:  // flip one bit of one hash
      if (proof.empty()) return;
      proof[*where / 256 % proof.size()].mutable_span()[*where % 256 / 8] ^=
          static_cast<uint8_t>(1u << (*where % 8));
      break;
    case 1:  // another index (inclusion) or old size (consistency)
      index = (x + 1 + *where % (size - 1 ? size - 1 : 1)) % size;
      if (index == x) return;
      root1 = f.Root(index + 1);
      break;
    case 2:  // another tree size, with its genuine root
      tree = 1 + *where % kLeaves;
      if (tree == size) return;
      break;
  }
  const bool ok = inclusion ? VerifyInclusion(index, tree, f.Leaf(x), proof, f.Root(tree)).has_value()
                            : VerifyConsistency(index + 1, tree, proof, root1, f.Root(tree)).has_value();
  Require(!ok);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  DecodeAndVerify(in);
  MutateGenuine(in);
  return 0;
}
