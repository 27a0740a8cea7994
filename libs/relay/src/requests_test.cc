// The request table (requests.h): one row per ClientFrame body case, names fit for metrics, and
// the login rule the protocol documents (relay.md §4: only register and the login steps are
// served before a login).
#include "securecomm/relay/requests.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "securecomm/relay/limits.h"

namespace sc::relay {
namespace {

using B = pb::ClientFrame;

TEST(RequestTypesTest, EveryBodyCaseHasExactlyOneRow) {
  std::set<int> cases;
  for (const RequestType& row : RequestTypes()) {
    EXPECT_TRUE(cases.insert(static_cast<int>(row.body)).second) << row.name << " has two rows";
    EXPECT_EQ(FindRequestType(row.body), &row);
    EXPECT_NE(row.handle, nullptr) << row.name;
  }
  // The lite runtime has no reflection, so the switch below lists the schema's body cases: it
  // has no default, so a case added to relay.proto fails to compile here (-Wswitch, -Werror)
  // until it is listed, and then this loop fails until the case has a row. 0-31 is BodyCase's
  // whole value range (field numbers 10-20 today).
  for (int number = 1; number < 32; ++number) {
    const auto body = static_cast<B::BodyCase>(number);
    const bool in_schema = [&] {
      switch (body) {
        case B::kRegister:
        case B::kLoginStart:
        case B::kLoginFinish:
        case B::kListDevices:
        case B::kRemoveDevice:
        case B::kUploadPrekeys:
        case B::kPrekeyCount:
        case B::kFetchPrekeyBundle:
        case B::kLookupAccount:
        case B::kSend:
        case B::kAck:
          return true;
        case B::BODY_NOT_SET:
          return false;
      }
      return false;
    }();
    EXPECT_EQ(in_schema, FindRequestType(body) != nullptr) << "field " << number;
  }
  EXPECT_EQ(FindRequestType(B::BODY_NOT_SET), nullptr);
}

TEST(RequestTypesTest, NamesAreUniqueLowercaseMetricLabels) {
  std::set<std::string_view> names;
  for (const RequestType& row : RequestTypes()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    ASSERT_FALSE(row.name.empty());
    for (char c : row.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << row.name;
  }
}

TEST(RequestTypesTest, OnlyRegisterAndLoginServeAnonymousSessions) {
  for (const RequestType& row : RequestTypes()) {
    const bool anonymous =
        row.body == B::kRegister || row.body == B::kLoginStart || row.body == B::kLoginFinish;
    EXPECT_EQ(row.needs_login, !anonymous) << row.name;
  }
}

TEST(RequestTypesTest, ListBoundsAreTheNamedLimits) {
  EXPECT_EQ(FindRequestType(B::kSend)->max_items, kMaxEnvelopesPerSend);
  EXPECT_EQ(FindRequestType(B::kAck)->max_items, kMaxAcksPerRequest);
  EXPECT_EQ(FindRequestType(B::kUploadPrekeys)->max_items, kMaxPrekeysPerUpload);
}

}  // namespace
}  // namespace sc::relay
