// Audit entries: the canonical encoding (docs/protocol/audit.md §2), byte for byte, and its
// strict decoder.
#include "securecomm/audit/entry.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/bytes.h"

#include "test_util.h"

namespace sc::audit {
namespace {

Entry Example() {
  return Entry{1700000000123, EventKind::kDeviceAdded, "account:alice", "device:3", {0xDE, 0xAD}};
}

TEST(Entry, GoldenEncoding) {
  // The example of docs/protocol/audit.md §2.3.
  const std::vector<uint8_t> bytes = EncodeEntry(Example()).value();
  // clang-format off
  EXPECT_EQ(HexEncode(bytes),
            "01"                                  // version
            "0000018bcfe5687b"                    // 1700000000123 ms
            "0003"                                // kDeviceAdded
            "0d" "6163636f756e743a616c696365"     // "account:alice"
            "08" "6465766963653a33"               // "device:3"
            "0002" "dead");                       // details
  // clang-format on
  EXPECT_EQ(HexEncode(EntryLeafHash(Example()).value().span()),
            "b833e973607b3bf2fcbfba43a915d5c76b46ef59b3a622f7c8727386cfa45912");  // SHA-256(0x00 || bytes)
  EXPECT_EQ(EntryLeafHash(Example()).value(), LeafHash(bytes));
  EXPECT_EQ(DecodeEntry(bytes).value(), Example());
}

TEST(Entry, EveryKindRoundTrips) {
  for (uint16_t k = 1; k <= 9; ++k) {
    ASSERT_TRUE(IsKnownEventKind(k));
    Entry e = Example();
    e.kind = static_cast<EventKind>(k);
    EXPECT_NE(EventKindName(e.kind), "unknown");
    EXPECT_EQ(DecodeEntry(EncodeEntry(e).value()).value(), e);
  }
  EXPECT_FALSE(IsKnownEventKind(0));
  EXPECT_FALSE(IsKnownEventKind(10));
  EXPECT_EQ(EventKindName(static_cast<EventKind>(10)), "unknown");
  // Limits exactly: accepted.
  Entry big = Example();
  big.time_unix_ms = INT64_MAX;
  big.actor = std::string(kMaxEntryActorSize, 'a');
  big.subject = std::string(kMaxEntrySubjectSize, 's');
  big.details.assign(kMaxEntryDetailsSize, 0xFF);
  const std::vector<uint8_t> bytes = EncodeEntry(big).value();
  EXPECT_EQ(bytes.size(), kMaxEntrySize);
  EXPECT_EQ(DecodeEntry(bytes).value(), big);
  Entry small = Example();
  small.time_unix_ms = 0;
  small.subject.clear();
  small.details.clear();
  EXPECT_EQ(DecodeEntry(EncodeEntry(small).value()).value(), small);
}

TEST(Entry, EncoderRefusesInvalidEntries) {
  auto refused = [](Entry e) { return EncodeEntry(e).error() == Errc::kMalformedEntry; };
  Entry e = Example();
  e.time_unix_ms = -1;
  EXPECT_TRUE(refused(e));
  e = Example();
  e.kind = static_cast<EventKind>(0);
  EXPECT_TRUE(refused(e));
  e = Example();
  e.actor.clear();
  EXPECT_TRUE(refused(e));
  e = Example();
  e.actor = std::string(kMaxEntryActorSize + 1, 'a');
  EXPECT_TRUE(refused(e));
  e = Example();
  e.subject = std::string(kMaxEntrySubjectSize + 1, 's');
  EXPECT_TRUE(refused(e));
  e = Example();
  e.details.assign(kMaxEntryDetailsSize + 1, 0);
  EXPECT_TRUE(refused(e));
  for (const std::string& bad : {std::string("a\nb"), std::string("a\x1b[2J"), std::string("a\x7f"),
                                 std::string("\xC3"), std::string("\xED\xA0\x80"), std::string("a\0b", 3)}) {
    e = Example();
    e.actor = bad;
    EXPECT_TRUE(refused(e)) << bad;
    e = Example();
    e.subject = bad;
    EXPECT_TRUE(refused(e)) << bad;
  }
}

TEST(Entry, DecoderIsStrict) {
  const std::vector<uint8_t> good = EncodeEntry(Example()).value();
  // Every truncation and any trailing byte.
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_EQ(DecodeEntry(std::span<const uint8_t>(good).first(n)).error(), Errc::kMalformedEntry) << n;
  }
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  EXPECT_EQ(DecodeEntry(longer).error(), Errc::kMalformedEntry);
  auto with = [&](size_t at, uint8_t v) {
    std::vector<uint8_t> b = good;
    b[at] = v;
    return DecodeEntry(b);
  };
  EXPECT_EQ(with(0, 0x02).error(), Errc::kMalformedEntry);   // unknown version
  EXPECT_EQ(with(1, 0x80).error(), Errc::kMalformedEntry);   // time above 2^63 - 1
  EXPECT_EQ(with(10, 0x0A).error(), Errc::kMalformedEntry);  // kind 10
  EXPECT_EQ(with(10, 0x00).error(), Errc::kMalformedEntry);  // kind 0
  EXPECT_EQ(with(11, 0x00).error(), Errc::kMalformedEntry);  // empty actor: lengths then misalign
  EXPECT_EQ(with(12, 0x0A).error(), Errc::kMalformedEntry);  // control character in the actor
  // An empty actor, well-formed otherwise.
  const std::vector<uint8_t> no_actor = {0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(DecodeEntry(no_actor).error(), Errc::kMalformedEntry);
  std::vector<uint8_t> one_actor = no_actor;
  one_actor[11] = 1;
  one_actor.insert(one_actor.begin() + 12, 'a');
  EXPECT_TRUE(DecodeEntry(one_actor).has_value());
  // Details longer than the limit, with a consistent length prefix.
  std::vector<uint8_t> huge = one_actor;
  StoreBe16(std::span(huge).last<2>(), static_cast<uint16_t>(kMaxEntryDetailsSize + 1));
  huge.resize(huge.size() + kMaxEntryDetailsSize + 1, 0);
  EXPECT_EQ(DecodeEntry(huge).error(), Errc::kMalformedEntry);
}

}  // namespace
}  // namespace sc::audit
