#include "securecomm/scp/connection_string.h"

#include <gtest/gtest.h>

#include "securecomm/scp/errors.h"

namespace sc::scp {
namespace {

ConnectionString Sample(std::string host) {
  ConnectionString cs;
  cs.host = std::move(host);
  cs.port = 4433;
  cs.noise_static.mutable_span()[0] = 1;
  cs.identity.mutable_span()[31] = 2;
  return cs;
}

TEST(ConnectionString, RoundTripsIpv4NameAndIpv6) {
  for (const char* host : {"127.0.0.1", "relay.example.org", "::1"}) {
    const auto text = FormatConnectionString(Sample(host));
    auto parsed = ParseConnectionString(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(parsed->host, host);
    EXPECT_EQ(parsed->port, 4433);
    EXPECT_EQ(parsed->noise_static, Sample(host).noise_static);
    EXPECT_EQ(parsed->identity, Sample(host).identity);
  }
  EXPECT_EQ(FormatConnectionString(Sample("::1")).substr(0, 16), "scp://[::1]:4433");
}

TEST(ConnectionString, RefusesEveryDeviation) {
  const std::string good = FormatConnectionString(Sample("127.0.0.1"));
  ASSERT_TRUE(ParseConnectionString(good).has_value());
  const std::string k = good.substr(good.find("k="));
  for (const std::string& bad : {std::string("http://127.0.0.1:4433/#") + k,
                                 std::string("scp://127.0.0.1/#") + k, std::string("scp://127.0.0.1:0/#") + k,
                                 std::string("scp://127.0.0.1:70000/#") + k, std::string("scp://:4433/#") + k,
                                 std::string("scp://127.0.0.1:44x3/#") + k, good.substr(0, good.size() - 4),
                                 good + "&extra", good.substr(0, good.find("&id=")), std::string(600, 'a')}) {
    EXPECT_EQ(ParseConnectionString(bad).error(), Errc::kMalformedFrame) << bad;
  }
}

TEST(ConnectionString, FingerprintIsGroupedHex) {
  const auto fp = IdentityFingerprint(Sample("h").identity);
  EXPECT_EQ(fp.size(), 39u);  // 32 hex digits in 8 groups of 4 with 7 spaces
  EXPECT_EQ(fp[4], ' ');
}

}  // namespace
}  // namespace sc::scp
