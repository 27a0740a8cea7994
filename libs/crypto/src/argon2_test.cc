// Tests for Argon2id: determinism, sensitivity to its inputs, and argument checks.
#include "securecomm/crypto/argon2.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

bool AllZero(std::span<const uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

Bytes Salt() {
  return Bytes(kArgon2SaltSize, 0x5a);
}

Bytes Derive(std::string_view password, std::span<const uint8_t> salt, size_t out_size = 32) {
  Bytes out(out_size, 0);
  auto s = Argon2id(AsBytes(password), salt, kArgon2TestOnly, out);
  EXPECT_TRUE(s.has_value()) << s.error().name();
  return out;
}

TEST(Argon2idTest, SameInputsGiveSameKey) {
  const Bytes a = Derive("correct horse battery staple", Salt());
  EXPECT_EQ(a, Derive("correct horse battery staple", Salt()));
  EXPECT_FALSE(AllZero(a));
}

TEST(Argon2idTest, DifferentSaltOrPasswordGivesDifferentKey) {
  const Bytes base = Derive("correct horse battery staple", Salt());
  Bytes other_salt = Salt();
  other_salt[15] ^= 0x01;
  EXPECT_NE(base, Derive("correct horse battery staple", other_salt));
  EXPECT_NE(base, Derive("correct horse battery stapler", Salt()));
  EXPECT_NE(Derive("", Salt()), Derive("", other_salt));  // an empty password is still salted
}

TEST(Argon2idTest, DifferentParamsGiveDifferentKey) {
  const Bytes base = Derive("pw", Salt());
  Bytes more_ops(32, 0);
  const Argon2Params params{kArgon2TestOnly.ops + 1, kArgon2TestOnly.mem_bytes};
  ASSERT_TRUE(Argon2id(AsBytes("pw"), Salt(), params, more_ops).has_value());
  EXPECT_NE(base, more_ops);
}

TEST(Argon2idTest, AcceptsOutputSizesFrom16To64) {
  const Bytes k16 = Derive("pw", Salt(), 16);
  const Bytes k64 = Derive("pw", Salt(), 64);
  EXPECT_FALSE(AllZero(k16));
  EXPECT_FALSE(AllZero(k64));
}

void ExpectInvalid(std::span<const uint8_t> salt, const Argon2Params& params, size_t out_size) {
  Bytes out(out_size, 0xff);
  auto s = Argon2id(AsBytes("pw"), salt, params, out);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Errc::kInvalidArgument);
  EXPECT_TRUE(AllZero(out));  // no partial output
}

TEST(Argon2idTest, RejectsBadSaltSize) {
  ExpectInvalid(Bytes(kArgon2SaltSize - 1, 1), kArgon2TestOnly, 32);
  ExpectInvalid(Bytes(kArgon2SaltSize + 1, 1), kArgon2TestOnly, 32);
  ExpectInvalid({}, kArgon2TestOnly, 32);
}

TEST(Argon2idTest, RejectsParamsBelowTheFloor) {
  ExpectInvalid(Salt(), Argon2Params{kMinArgon2Ops - 1, kMinArgon2MemBytes}, 32);
  ExpectInvalid(Salt(), Argon2Params{kMinArgon2Ops, kMinArgon2MemBytes - 1}, 32);
  ExpectInvalid(Salt(), Argon2Params{0, 0}, 32);
}

TEST(Argon2idTest, RejectsBadOutputSize) {
  ExpectInvalid(Salt(), kArgon2TestOnly, 8);
  ExpectInvalid(Salt(), kArgon2TestOnly, 15);
  ExpectInvalid(Salt(), kArgon2TestOnly, 65);
}

}  // namespace
}  // namespace sc::crypto
