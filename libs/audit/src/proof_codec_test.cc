// The binary proof encoding (docs/protocol/audit.md §6) and the error registry.
#include "securecomm/audit/proof_codec.h"

#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/audit/merkle_log.h"
#include "securecomm/audit/proof.h"
#include "securecomm/base/bytes.h"

#include "test_util.h"

namespace sc::audit {
namespace {

TEST(ProofCodec, RoundTripAndVerify) {
  MerkleLog log;
  for (int i = 0; i < 21; ++i) log.Append(LeafHash(std::vector<uint8_t>{static_cast<uint8_t>(i)}));
  const InclusionProof inc{5, 21, log.ProveInclusion(5, 21).value()};
  const std::vector<uint8_t> wire = EncodeInclusionProof(inc).value();
  EXPECT_EQ(wire.size(), 8u + 8u + 2u + 32u * inc.path.size());
  const InclusionProof back = DecodeInclusionProof(wire).value();
  EXPECT_EQ(back, inc);
  EXPECT_TRUE(
      VerifyInclusion(back.leaf_index, back.tree_size, log.LeafHashAt(5).value(), back.path, log.Root()));
  const ConsistencyProof con{7, 21, log.ProveConsistency(7, 21).value()};
  const ConsistencyProof cback = DecodeConsistencyProof(EncodeConsistencyProof(con).value()).value();
  EXPECT_EQ(cback, con);
  EXPECT_TRUE(VerifyConsistency(7, 21, cback.path, log.RootAt(7).value(), log.Root()));
  // Golden bytes of a small proof.
  const InclusionProof tiny{1, 2, {LeafHash({})}};
  EXPECT_EQ(HexEncode(EncodeInclusionProof(tiny).value()),
            "0000000000000001"
            "0000000000000002"
            "0020" +
                HexEncode(LeafHash({}).span()));
  EXPECT_EQ(HexEncode(EncodeConsistencyProof({3, 3, {}}).value()),
            "0000000000000003000000000000000300"
            "00");
}

TEST(ProofCodec, DecoderIsStrict) {
  const InclusionProof inc{0, 8, std::vector<Hash>(3, LeafHash({}))};
  const std::vector<uint8_t> wire = EncodeInclusionProof(inc).value();
  for (size_t n = 0; n < wire.size(); ++n) {
    EXPECT_EQ(DecodeInclusionProof(std::span<const uint8_t>(wire).first(n)).error(), Errc::kMalformedProof)
        << n;
  }
  std::vector<uint8_t> longer = wire;
  longer.push_back(0);
  EXPECT_EQ(DecodeInclusionProof(longer).error(), Errc::kMalformedProof);
  // A path that is not whole hashes.
  std::vector<uint8_t> ragged = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x1F};
  ragged.resize(ragged.size() + 31, 0);
  EXPECT_EQ(DecodeConsistencyProof(ragged).error(), Errc::kMalformedProof);
  // The bound: kMaxProofHashes is accepted, one more is not (in either direction).
  ConsistencyProof max{3, UINT64_MAX, std::vector<Hash>(kMaxProofHashes)};
  const std::vector<uint8_t> max_wire = EncodeConsistencyProof(max).value();
  EXPECT_EQ(DecodeConsistencyProof(max_wire).value(), max);
  max.path.emplace_back();
  EXPECT_EQ(EncodeConsistencyProof(max).error(), Errc::kMalformedProof);
  std::vector<uint8_t> over(16, 0);
  const size_t n = (kMaxProofHashes + 1) * kHashSize;
  AppendBe16(over, static_cast<uint16_t>(n));
  over.resize(over.size() + n, 0);
  EXPECT_EQ(DecodeConsistencyProof(over).error(), Errc::kMalformedProof);
  EXPECT_EQ(DecodeInclusionProof(over).error(), Errc::kMalformedProof);
}

TEST(AuditErrors, RegistryIsClosedAndNamed) {
  const Error e = Errc::kRootMismatch;
  EXPECT_EQ(e.domain(), ErrorDomain::kAudit);
  EXPECT_EQ(static_cast<int>(ErrorDomain::kAudit), 5);
  for (uint16_t c = 1; c <= 20; ++c) {
    EXPECT_NE(ErrcName(static_cast<Errc>(c)), "kUnknown") << c;
  }
  EXPECT_EQ(ErrcName(static_cast<Errc>(21)), "kUnknown");
  EXPECT_EQ(Error(Errc::kBadHashSize).name(), "kBadHashSize");
  EXPECT_EQ(HashFromBytes(std::vector<uint8_t>(31)).error(), Errc::kBadHashSize);
  EXPECT_EQ(HashFromBytes(std::vector<uint8_t>(33)).error(), Errc::kBadHashSize);
  EXPECT_TRUE(HashFromBytes(std::vector<uint8_t>(32)).has_value());
}

}  // namespace
}  // namespace sc::audit
