#include "securecomm/proto/relay_error.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace sc::proto {
namespace {

// Every wire ErrorCode but OK has exactly one row, under its own value, with a name that is the
// wire name in kCamelCase, and a description.
TEST(RelayErrorTest, EveryWireCodeHasExactlyOneRow) {
  std::set<std::string_view> names;
  for (int v = pb::ErrorCode_MIN; v <= pb::ErrorCode_MAX; ++v) {
    ASSERT_TRUE(pb::ErrorCode_IsValid(v)) << v << ": the wire's codes are dense";
    const auto code = static_cast<RelayErrc>(v);
    const RelayErrorInfo* row = FindRelayError(code);
    if (v == pb::OK) {
      EXPECT_EQ(row, nullptr);
      continue;
    }
    ASSERT_NE(row, nullptr) << pb::ErrorCode_Name(static_cast<pb::ErrorCode>(v));
    EXPECT_EQ(static_cast<int>(row->code), v);
    EXPECT_FALSE(row->description.empty());
    EXPECT_TRUE(names.insert(row->name).second) << row->name;
    // kCamelCase of the wire's UPPER_SNAKE name.
    std::string camel = "k";
    bool upper = true;
    for (char c : pb::ErrorCode_Name(static_cast<pb::ErrorCode>(v))) {
      if (c == '_') {
        upper = true;
        continue;
      }
      camel += upper ? c : static_cast<char>(c - 'A' + 'a');
      upper = false;
    }
    EXPECT_EQ(row->name, camel);
    EXPECT_EQ(WireName(code), pb::ErrorCode_Name(static_cast<pb::ErrorCode>(v)));
  }
  EXPECT_EQ(RelayErrcName(static_cast<RelayErrc>(9999)), "kUnknownRelayError");
  EXPECT_FALSE(IsRetryable(static_cast<RelayErrc>(9999)));
}

TEST(RelayErrorTest, ARefusalBecomesAnErrorWithItsRetryHint) {
  pb::Response r;
  r.set_error(pb::ACCOUNT_THROTTLED);
  r.set_retry_after_ms(1500);
  const Error e = RefusalError(r);
  EXPECT_EQ(e.domain(), ErrorDomain::kRelay);
  EXPECT_EQ(e, RelayErrc::kAccountThrottled);
  EXPECT_EQ(e.retry_after(), std::chrono::milliseconds(1500));
  EXPECT_EQ(e.name(), "kAccountThrottled");
  EXPECT_TRUE(IsRetryable(RelayErrc::kAccountThrottled));
  r.set_error(pb::BAD_CREDENTIALS);
  r.set_retry_after_ms(0);
  EXPECT_EQ(RefusalError(r).retry_after(), std::chrono::milliseconds(0));
  EXPECT_FALSE(IsRetryable(RelayErrc::kBadCredentials));
  EXPECT_EQ(RefusalError(pb::DEVICE_REMOVED), RelayErrc::kDeviceRemoved);
}

}  // namespace
}  // namespace sc::proto
