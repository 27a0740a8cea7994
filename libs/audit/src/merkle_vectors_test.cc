// The transparency-dev/merkle proof vectors (tests/vectors/transparency-dev-merkle, Apache-2.0):
// every testdata/ file must give its expected verdict, and the RFC 6962 reference tree's roots
// and proofs must be reproduced by MerkleLog and accepted by the verifiers.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/merkle_log.h"
#include "securecomm/audit/proof.h"

#include "test_util.h"

namespace sc::audit {
namespace {

using nlohmann::json;
using testing::HexHash;
using testing::ReadJson;
using testing::VectorsDir;

// The files' hashes are base64; an absent or empty value is "". Decoding goes through the same
// untrusted-bytes entry point a client would use (HashFromBytes), so a value that is not 32 bytes
// gives kBadHashSize (docs/protocol/audit.md §5.3).
Result<Hash> FileHash(const json& v) {
  const std::string text = v.is_string() ? v.get<std::string>() : std::string();
  auto bytes = Base64Decode(text);
  if (!bytes) return Fail(Errc::kBadHashSize);
  return HashFromBytes(*bytes);
}

Result<std::vector<Hash>> FileProof(const json& v) {
  std::vector<Hash> out;
  if (v.is_null()) return out;
  for (const json& h : v) {
    auto hash = FileHash(h);
    if (!hash) return Fail(hash.error());
    out.push_back(*hash);
  }
  return out;
}

Status InclusionVerdict(const json& c) {
  auto leaf = FileHash(c["leafHash"]);
  auto root = FileHash(c["root"]);
  auto proof = FileProof(c["proof"]);
  if (!leaf) return Fail(leaf.error());
  if (!root) return Fail(root.error());
  if (!proof) return Fail(proof.error());
  return VerifyInclusion(c["leafIdx"].get<uint64_t>(), c["treeSize"].get<uint64_t>(), *leaf, *proof, *root);
}

Status ConsistencyVerdict(const json& c) {
  auto root1 = FileHash(c["root1"]);
  auto root2 = FileHash(c["root2"]);
  auto proof = FileProof(c["proof"]);
  if (!root1) return Fail(root1.error());
  if (!root2) return Fail(root2.error());
  if (!proof) return Fail(proof.error());
  return VerifyConsistency(c["size1"].get<uint64_t>(), c["size2"].get<uint64_t>(), *proof, *root1, *root2);
}

// Policy (tests/vectors/SOURCES.md, audit.md §5.3): hashes are 32 bytes, always. One file of
// the "additional" consistency cases uses 12-byte placeholder roots ("don't care 2") with equal
// sizes and expects success, since the Go verifier compares equal-size roots byte for byte
// without checking their length. We refuse it with kBadHashSize. It is the only such file; the
// test pins it by name so that no other case can be excused silently.
const char* const kPolicyFiles[] = {
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
};

TEST(TransparencyDevVectors, EveryProofFileGivesItsVerdict) {
  const std::filesystem::path root = VectorsDir() / "transparency-dev-merkle" / "testdata";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  size_t inclusion = 0, consistency = 0, valid = 0, invalid = 0, policy = 0;
  std::map<std::string, size_t> errors;
  for (const auto& path : files) {
    const std::string rel = std::filesystem::relative(path, root).generic_string();
    const json c = ReadJson(path);
    const bool is_inclusion = rel.starts_with("inclusion/");
    ASSERT_TRUE(is_inclusion || rel.starts_with("consistency/")) << rel;
    const Status verdict = is_inclusion ? InclusionVerdict(c) : ConsistencyVerdict(c);
    const bool want_err = c["wantErr"].get<bool>();
    (is_inclusion ? inclusion : consistency)++;
    if (std::find(std::begin(kPolicyFiles), std::end(kPolicyFiles), rel) != std::end(kPolicyFiles)) {
      EXPECT_FALSE(want_err) << rel;
      ASSERT_FALSE(verdict.has_value()) << rel;
      EXPECT_EQ(verdict.error(), Errc::kBadHashSize) << rel;
      ++policy;
      continue;
    }
    EXPECT_EQ(!verdict.has_value(), want_err) << rel << " (" << c.value("desc", "") << "): got "
                                              << (verdict ? "ok" : std::string(verdict.error().name()));
    if (verdict) {
      ++valid;
    } else {
      ++invalid;
      ++errors[std::string(verdict.error().name())];
    }
  }
  std::printf(
      "transparency-dev/merkle: %zu files (%zu inclusion, %zu consistency): %zu valid, "
      "%zu rejected as expected, %zu policy\n",
      files.size(), inclusion, consistency, valid, invalid, policy);
  for (const auto& [name, n] : errors) std::printf("  %-18s %zu\n", name.c_str(), n);
  EXPECT_EQ(files.size(), 196u);  // the whole testdata/ folder at transparency-dev/merkle@417fb0c3
  EXPECT_EQ(policy, std::size(kPolicyFiles));
  EXPECT_GT(valid, 0u);
  EXPECT_GT(invalid, 0u);
}

TEST(TransparencyDevVectors, ReferenceTreeReproduces) {
  const json tree = ReadJson(VectorsDir() / "transparency-dev-merkle" / "rfc6962_reference_tree.json");
  MerkleLog log;
  const json& inputs = tree["leafInputs"];
  for (const json& input : inputs) {
    auto data = HexDecode(input.get<std::string>());
    ASSERT_TRUE(data.has_value());
    log.Append(LeafHash(*data));
  }
  ASSERT_EQ(log.size(), 8u);
  const json& roots = tree["rootsBySize"];
  ASSERT_EQ(roots.size(), 9u);
  for (uint64_t size = 0; size < roots.size(); ++size) {
    EXPECT_EQ(log.RootAt(size).value(), HexHash(roots[size].get<std::string>())) << size;
  }
  EXPECT_EQ(log.RootAt(0).value(), EmptyRootHash());

  size_t inclusion = 0;
  const json& inclusions = tree["inclusion"];
  for (const json& c : inclusions) {
    const uint64_t index = c["leafIndex"].get<uint64_t>();
    const uint64_t size = c["treeSize"].get<uint64_t>();
    std::vector<Hash> want;
    for (const json& h : c["path"]) want.push_back(HexHash(h.get<std::string>()));
    const Hash leaf = HexHash(c["leafHash"].get<std::string>());
    const Hash root = HexHash(c["root"].get<std::string>());
    EXPECT_EQ(log.LeafHashAt(index).value(), leaf);
    EXPECT_EQ(log.RootAt(size).value(), root);
    EXPECT_EQ(log.ProveInclusion(index, size).value(), want) << index << "/" << size;
    EXPECT_TRUE(VerifyInclusion(index, size, leaf, want, root).has_value()) << index << "/" << size;
    ++inclusion;
  }
  size_t consistency = 0;
  const json& consistencies = tree["consistency"];
  for (const json& c : consistencies) {
    const uint64_t size1 = c["size1"].get<uint64_t>();
    const uint64_t size2 = c["size2"].get<uint64_t>();
    std::vector<Hash> want;
    for (const json& h : c["proof"]) want.push_back(HexHash(h.get<std::string>()));
    const Hash root1 = HexHash(c["root1"].get<std::string>());
    const Hash root2 = HexHash(c["root2"].get<std::string>());
    EXPECT_EQ(log.ProveConsistency(size1, size2).value(), want) << size1 << "->" << size2;
    EXPECT_TRUE(VerifyConsistency(size1, size2, want, root1, root2).has_value()) << size1 << "->" << size2;
    ++consistency;
  }
  std::printf("rfc6962_reference_tree.json: 9 roots, %zu inclusion proofs, %zu consistency proofs\n",
              inclusion, consistency);
  EXPECT_EQ(inclusion, 36u);
  EXPECT_EQ(consistency, 36u);
}

}  // namespace
}  // namespace sc::audit
