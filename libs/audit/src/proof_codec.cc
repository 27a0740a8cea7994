#include "securecomm/audit/proof_codec.h"

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"

namespace sc::audit {
namespace {

// Both proofs are two uint64 then a NodeHash list: audit.md §6.
constexpr size_t kMaxProofWireSize = 8 + 8 + 2 + kMaxProofHashes * kHashSize;

Result<std::vector<uint8_t>> Encode(uint64_t a, uint64_t b, const std::vector<Hash>& path) {
  if (path.size() > kMaxProofHashes) return Fail(Errc::kMalformedProof);
  ByteWriter w(kMaxProofWireSize);
  Status s = w.WriteU64(a);
  if (s) s = w.WriteU64(b);
  if (s) {
    s = w.WritePrefixed16([&](ByteWriter& child) -> Status {
      for (const Hash& h : path) {
        if (auto st = child.WriteBytes(h.span()); !st) return st;
      }
      return OkStatus();
    });
  }
  if (!s) return Fail(Errc::kMalformedProof);  // unreachable: the size is checked above
  return std::move(w).Take();
}

struct Decoded {
  uint64_t a;
  uint64_t b;
  std::vector<Hash> path;
};

Result<Decoded> Decode(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  auto a = r.ReadU64();
  auto b = r.ReadU64();
  auto list = r.ReadPrefixed16();
  if (!a || !b || !list || !r.Finish()) return Fail(Errc::kMalformedProof);
  const size_t n = list->remaining();
  // Checked before allocating: the bound is on the count, the size must be whole hashes.
  if (n % kHashSize != 0 || n / kHashSize > kMaxProofHashes) return Fail(Errc::kMalformedProof);
  Decoded d{*a, *b, {}};
  d.path.reserve(n / kHashSize);
  while (!list->empty()) {
    auto h = list->ReadBytes(kHashSize);
    if (!h) return Fail(Errc::kMalformedProof);
    d.path.emplace_back(h->first<kHashSize>());
  }
  return d;
}

}  // namespace

Result<std::vector<uint8_t>> EncodeInclusionProof(const InclusionProof& proof) {
  return Encode(proof.leaf_index, proof.tree_size, proof.path);
}

Result<std::vector<uint8_t>> EncodeConsistencyProof(const ConsistencyProof& proof) {
  return Encode(proof.size1, proof.size2, proof.path);
}

Result<InclusionProof> DecodeInclusionProof(std::span<const uint8_t> bytes) {
  auto d = Decode(bytes);
  if (!d) return Fail(d.error());
  return InclusionProof{d->a, d->b, std::move(d->path)};
}

Result<ConsistencyProof> DecodeConsistencyProof(std::span<const uint8_t> bytes) {
  auto d = Decode(bytes);
  if (!d) return Fail(d.error());
  return ConsistencyProof{d->a, d->b, std::move(d->path)};
}

}  // namespace sc::audit
