// proof_codec.h: the binary form of inclusion and consistency proofs, as a relay sends them to
// clients (docs/protocol/audit.md §6). The decoders take attacker bytes: they check the syntax
// (lengths, hash sizes, the kMaxProofHashes bound, no trailing bytes) and nothing else; the
// verifiers in proof.h then check the proof against a signed checkpoint.
//
//   std::vector<uint8_t> wire = EncodeInclusionProof({index, size, path}).value();
//   Result<InclusionProof> p = DecodeInclusionProof(wire);
//   if (p) s = VerifyInclusion(p->leaf_index, p->tree_size, leaf, p->path, checkpoint.root);
//
// Thread safety: every function here is pure and thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/audit/hash.h"
#include "securecomm/base/error.h"

namespace sc::audit {

// struct {
//   uint64 leaf_index;
//   uint64 tree_size;
//   NodeHash inclusion_path<0..2^16-1>;   // opaque NodeHash[32]; at most kMaxProofHashes
// } InclusionProof;
struct InclusionProof {
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  std::vector<Hash> path;
  friend bool operator==(const InclusionProof&, const InclusionProof&) = default;
};

// struct {
//   uint64 size1;
//   uint64 size2;
//   NodeHash consistency_path<0..2^16-1>;   // at most kMaxProofHashes
// } ConsistencyProof;
struct ConsistencyProof {
  uint64_t size1 = 0;
  uint64_t size2 = 0;
  std::vector<Hash> path;
  friend bool operator==(const ConsistencyProof&, const ConsistencyProof&) = default;
};

// EncodeInclusionProof / EncodeConsistencyProof return the wire bytes, or kMalformedProof if the
// path holds more than kMaxProofHashes hashes (no valid proof does).
[[nodiscard]] Result<std::vector<uint8_t>> EncodeInclusionProof(const InclusionProof& proof);
[[nodiscard]] Result<std::vector<uint8_t>> EncodeConsistencyProof(const ConsistencyProof& proof);

// DecodeInclusionProof / DecodeConsistencyProof parse exactly `bytes`. kMalformedProof if the
// input is truncated, has bytes left over, a path length that is not a multiple of 32 or is
// above kMaxProofHashes hashes. No partial output on failure.
[[nodiscard]] Result<InclusionProof> DecodeInclusionProof(std::span<const uint8_t> bytes);
[[nodiscard]] Result<ConsistencyProof> DecodeConsistencyProof(std::span<const uint8_t> bytes);

}  // namespace sc::audit
