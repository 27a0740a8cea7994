// Tests for Error: names, comparison against layer enums, and separation of domains.
//
// base_test links only sc::base, so a second domain is represented here by a test enum registered
// in the kScp domain; crypto::Errc itself is checked the same way in libs/crypto/src/aead_test.cc.
#include "securecomm/base/error.h"

#include <chrono>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include <gtest/gtest.h>

namespace sc::test {
// Mirrors the shape of a real layer enum: kTruncated shares its number with base::Errc::kTruncated.
enum class OtherErrc : uint16_t { kTruncated = 1, kTrailingData = 2 };
std::string_view OtherErrcName(OtherErrc e) noexcept {
  return e == OtherErrc::kTruncated ? "kOtherTruncated" : "kOtherTrailingData";
}
}  // namespace sc::test

SC_DEFINE_ERROR_ENUM(sc::test::OtherErrc, sc::ErrorDomain::kScp, sc::test::OtherErrcName);

namespace sc {
namespace {

using test::OtherErrc;

static_assert(std::is_trivially_copyable_v<Error>);
static_assert(sizeof(Error) <= 16);
static_assert(ErrorEnum<Errc>);
static_assert(ErrorEnum<OtherErrc>);
static_assert(!ErrorEnum<int>);

TEST(ErrorTest, NamesEveryBaseCode) {
  EXPECT_EQ(Error(Errc::kTruncated).name(), "kTruncated");
  EXPECT_EQ(Error(Errc::kTrailingData).name(), "kTrailingData");
  EXPECT_EQ(Error(Errc::kLengthOverflow).name(), "kLengthOverflow");
  EXPECT_EQ(Error(Errc::kInvalidEncoding).name(), "kInvalidEncoding");
  EXPECT_EQ(Error(Errc::kBufferTooSmall).name(), "kBufferTooSmall");
  EXPECT_EQ(Error(Errc::kSystemError).name(), "kSystemError");
  EXPECT_EQ(ErrcName(static_cast<Errc>(999)), "kUnknown");
}

TEST(ErrorTest, NameComesFromTheCodesOwnDomain) {
  EXPECT_EQ(Error(OtherErrc::kTruncated).name(), "kOtherTruncated");
  EXPECT_EQ(Error(OtherErrc::kTrailingData).name(), "kOtherTrailingData");
}

TEST(ErrorTest, CarriesDomainAndCode) {
  const Error e = Errc::kInvalidEncoding;
  EXPECT_EQ(e.domain(), ErrorDomain::kBase);
  EXPECT_EQ(e.code(), 4);
  const Error o = OtherErrc::kTrailingData;
  EXPECT_EQ(o.domain(), ErrorDomain::kScp);
  EXPECT_EQ(o.code(), 2);
}

TEST(ErrorTest, ComparesAgainstItsOwnEnum) {
  const Error e = Errc::kTruncated;
  EXPECT_TRUE(e == Errc::kTruncated);
  EXPECT_TRUE(Errc::kTruncated == e);
  EXPECT_FALSE(e == Errc::kTrailingData);
  EXPECT_TRUE(e != Errc::kTrailingData);
  EXPECT_TRUE(e.Is(Errc::kTruncated));
  EXPECT_FALSE(e.Is(Errc::kLengthOverflow));
  EXPECT_TRUE(e == Error(Errc::kTruncated));
  EXPECT_FALSE(e == Error(Errc::kSystemError));
}

TEST(ErrorTest, SameNumberInAnotherDomainIsNotEqual) {
  const Error base = Errc::kTruncated;        // code 1 in kBase
  const Error other = OtherErrc::kTruncated;  // code 1 in kScp
  ASSERT_EQ(base.code(), other.code());
  EXPECT_FALSE(base == OtherErrc::kTruncated);
  EXPECT_FALSE(base.Is(OtherErrc::kTruncated));
  EXPECT_FALSE(other == Errc::kTruncated);
  EXPECT_FALSE(base == other);
  EXPECT_TRUE(base != other);
}

TEST(ErrorTest, ResultCarriesTheError) {
  Result<int> failed = Fail(Errc::kBufferTooSmall);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error(), Errc::kBufferTooSmall);
  EXPECT_EQ(failed.error().name(), "kBufferTooSmall");

  Result<int> ok = 7;
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 7);

  EXPECT_TRUE(OkStatus().has_value());
  Status s = Fail(OtherErrc::kTrailingData);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), OtherErrc::kTrailingData);
  EXPECT_NE(s.error(), Errc::kTrailingData);
}

TEST(ErrorTest, CarriesARetryHintThatEqualityIgnores) {
  const Error plain = Errc::kSystemError;
  EXPECT_EQ(plain.retry_after(), std::chrono::milliseconds(0));
  const Error hinted = plain.WithRetryAfter(std::chrono::seconds(3));
  EXPECT_EQ(hinted.retry_after(), std::chrono::milliseconds(3000));
  EXPECT_EQ(hinted, plain);
  EXPECT_EQ(hinted, Errc::kSystemError);
  EXPECT_EQ(hinted.name(), "kSystemError");
  // Clamped: a hint is never zero (zero means none) and never wraps.
  EXPECT_EQ(plain.WithRetryAfter(std::chrono::milliseconds(0)).retry_after(), std::chrono::milliseconds(1));
  EXPECT_EQ(plain.WithRetryAfter(std::chrono::hours(24 * 365)).retry_after(),
            std::chrono::milliseconds(std::numeric_limits<uint32_t>::max()));
}

}  // namespace
}  // namespace sc
