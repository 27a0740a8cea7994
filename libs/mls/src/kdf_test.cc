// kdf_test.cc: KDF.Extract and KDF.Expand against RFC 5869 Appendix A.1 (the MLS derivations on
// top run on crypto-basics.json in mls_vectors_test), and the length bounds of ExpandWithLabel.
#include "securecomm/mls/kdf.h"

#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/mls/errors.h"

namespace sc::mls {
namespace {

std::vector<uint8_t> H(std::string_view hex) {
  return HexDecode(hex).value();
}

TEST(MlsKdf, Rfc5869TestCase1) {
  const auto ikm = H("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const auto salt = H("000102030405060708090a0b0c");
  const auto info = H("f0f1f2f3f4f5f6f7f8f9");
  const Secret prk = KdfExtract(salt, ikm);
  EXPECT_EQ(HexEncode(prk.Expose()), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  SecretBytes okm(42);
  ASSERT_TRUE(KdfExpand(prk.Expose(), info, okm.MutableExpose()));
  EXPECT_EQ(HexEncode(okm.Expose()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(MlsKdf, LengthBounds) {
  const Secret secret;
  SecretBytes max(kMaxExpandLength);
  EXPECT_TRUE(ExpandWithLabel(secret.Expose(), "x", {}, max.MutableExpose()));
  SecretBytes over(kMaxExpandLength + 1);
  EXPECT_EQ(ExpandWithLabel(secret.Expose(), "x", {}, over.MutableExpose()).error(), Errc::kInvalidLength);
  // A prefix of a longer output is the shorter output's first bytes only if Length is equal:
  // Length is inside KDFLabel, so 16 and 32 bytes differ from the first byte on.
  SecretArray<16> a;
  SecretArray<32> b;
  ASSERT_TRUE(ExpandWithLabel(secret.Expose(), "x", {}, a.MutableExpose()));
  ASSERT_TRUE(ExpandWithLabel(secret.Expose(), "x", {}, b.MutableExpose()));
  EXPECT_NE(HexEncode(a.Expose()), HexEncode(b.Expose().first<16>()));
}

}  // namespace
}  // namespace sc::mls
