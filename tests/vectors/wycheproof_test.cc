// Every case of seven Wycheproof files (tests/vectors/wycheproof) against sc::crypto: our verdict
// must equal the file's, and the policy refusals of tests/vectors/SOURCES.md are pinned by count.
#include <cstdio>

#include <gtest/gtest.h>

#include "wycheproof_runner.h"

namespace sc::vectors {
namespace {

struct Expectation {
  WycheproofKind kind;
  int policy_refused;  // exact count, so a refusal can never hide a regression
};

class WycheproofTest : public ::testing::TestWithParam<Expectation> {};

TEST_P(WycheproofTest, EveryCaseMatchesTheFilesVerdict) {
  const Expectation e = GetParam();
  auto stats = RunWycheproofFile(std::string(SC_VECTORS_DIR) + "/wycheproof", e.kind);
  ASSERT_TRUE(stats.has_value()) << "cannot read " << FileFor(e.kind);
  std::printf("[wycheproof] %-30s ran %4d  passed %4d  policy %3d  failed %zu\n", stats->file.c_str(),
              stats->ran, stats->passed, stats->policy_refused, stats->failures.size());
  EXPECT_EQ(stats->ran, stats->declared);
  EXPECT_GT(stats->ran, 50);  // the smallest file (HKDF) has 86 cases
  EXPECT_EQ(stats->policy_refused, e.policy_refused);
  EXPECT_EQ(stats->passed + stats->policy_refused, stats->ran);
  for (const auto& f : stats->failures) ADD_FAILURE() << stats->file << " " << f;
}

INSTANTIATE_TEST_SUITE_P(AllFiles, WycheproofTest,
                         ::testing::Values(Expectation{WycheproofKind::kAesGcm, 3},
                                           Expectation{WycheproofKind::kChaCha20Poly1305, 0},
                                           Expectation{WycheproofKind::kXChaCha20Poly1305, 0},
                                           Expectation{WycheproofKind::kX25519, 31},
                                           Expectation{WycheproofKind::kEd25519, 0},
                                           Expectation{WycheproofKind::kHkdfSha256, 0},
                                           Expectation{WycheproofKind::kHmacSha256, 0}),
                         [](const auto& p) {
                           return std::string(
                               FileFor(p.param.kind).substr(0, FileFor(p.param.kind).find('.')));
                         });

}  // namespace
}  // namespace sc::vectors
