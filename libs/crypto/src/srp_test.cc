// SRP-6a: the RFC 5054 Appendix B known answers (tests/vectors/srp-rfc5054), then the full login
// flow, wrong passwords, and the RFC 5054 §2.5 checks on A, B and u.
#include "securecomm/crypto/srp.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/base/encoding.h"
#include "securecomm/crypto/errors.h"

namespace sc::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes H(const std::string& hex) {
  return *HexDecode(hex);
}
std::string Upper(std::span<const uint8_t> b) {
  std::string s = HexEncode(b);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
Bytes Str(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

TEST(SrpRfc5054, AppendixBKnownAnswers) {
  std::ifstream in(std::string(SC_VECTORS_DIR) + "/srp-rfc5054/rfc5054_appendix_b.json");
  const auto v = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(v.is_discarded());
  ASSERT_EQ(v.at("N").get<std::string>(),
            Upper(*HexDecode(v.at("groups_rfc5054_appendix_A").at("1024").at("N").get<std::string>())));
  auto raw =
      srp_internal::ComputeRaw(SrpGroup::k1024, v.at("I").get<std::string>(),
                               Str(v.at("P").get<std::string>()), H(v.at("s")), H(v.at("a")), H(v.at("b")));
  ASSERT_TRUE(raw.has_value());
  const auto& e = v.at("expected");
  EXPECT_EQ(Upper(raw->x), e.at("x").get<std::string>());
  EXPECT_EQ(Upper(raw->v), e.at("v").get<std::string>());
  EXPECT_EQ(Upper(raw->A), e.at("A").get<std::string>());
  EXPECT_EQ(Upper(raw->B), e.at("B").get<std::string>());  // B = k*v + g^b: checks k too
  EXPECT_EQ(Upper(raw->u), e.at("u").get<std::string>());
  EXPECT_EQ(Upper(raw->client_S), e.at("S").get<std::string>());
  EXPECT_EQ(Upper(raw->server_S), e.at("S").get<std::string>());
  // The verifier path used for accounts gives the same v.
  auto verifier = SrpMakeVerifier(v.at("I").get<std::string>(), Str(v.at("P").get<std::string>()),
                                  H(v.at("s")), SrpGroup::k1024);
  ASSERT_TRUE(verifier.has_value());
  EXPECT_EQ(Upper(verifier->verifier), e.at("v").get<std::string>());
}

class SrpFlow : public ::testing::TestWithParam<SrpGroup> {
 protected:
  DeterministicRandom rng_{5};
  Bytes salt_ = Bytes(kSrpSaltSize, 0x42);
  Bytes password_ = Str("correct horse battery staple");
};

TEST_P(SrpFlow, RightPasswordAgreesOnKeyAndProofs) {
  auto v = SrpMakeVerifier("alice", password_, salt_, GetParam());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->verifier.size(), SrpGroupBytes(GetParam()));
  auto client = SrpClient::Start(GetParam(), rng_);
  auto server = SrpServer::Start(*v, rng_);
  ASSERT_TRUE(client && server);
  EXPECT_EQ(client->VerifyServer(Bytes(32)).error(), Errc::kAuthFailed);  // before Respond
  auto m1 = client->Respond("alice", password_, v->salt, server->B());
  ASSERT_TRUE(m1.has_value());
  auto m2 = server->Finish("alice", client->A(), *m1);
  ASSERT_TRUE(m2.has_value());
  EXPECT_TRUE(client->VerifyServer(*m2).has_value());
  EXPECT_TRUE(client->session_key() == server->session_key());
  Bytes bad_m2(m2->begin(), m2->end());
  bad_m2[0] ^= 1;
  EXPECT_EQ(client->VerifyServer(bad_m2).error(), Errc::kAuthFailed);
}

TEST_P(SrpFlow, WrongPasswordOrUserIsRefused) {
  auto v = SrpMakeVerifier("alice", password_, salt_, GetParam());
  for (auto [user, pass] : {std::pair<std::string, Bytes>{"alice", Str("wrong")}, {"mallory", password_}}) {
    auto client = SrpClient::Start(GetParam(), rng_);
    auto server = SrpServer::Start(*v, rng_);
    auto m1 = client->Respond(user, pass, v->salt, server->B());
    ASSERT_TRUE(m1.has_value());
    EXPECT_EQ(server->Finish("alice", client->A(), *m1).error(), Errc::kAuthFailed);
  }
}

TEST_P(SrpFlow, DegenerateValuesAreRefused) {
  auto v = SrpMakeVerifier("alice", password_, salt_, GetParam());
  const size_t len = SrpGroupBytes(GetParam());
  auto client = SrpClient::Start(GetParam(), rng_);
  auto server = SrpServer::Start(*v, rng_);
  // A = 0 and B = 0 (both are 0 mod N): RFC 5054 §2.5.3, §2.5.4.
  EXPECT_EQ(server->Finish("alice", Bytes(len, 0), Bytes(32)).error(), Errc::kInvalidPublicKey);
  EXPECT_EQ(client->Respond("alice", password_, v->salt, Bytes(len, 0)).error(), Errc::kInvalidPublicKey);
  // Wrong lengths.
  EXPECT_EQ(server->Finish("alice", Bytes(len + 1, 1), Bytes(32)).error(), Errc::kInvalidPublicKey);
  EXPECT_EQ(client->Respond("alice", password_, v->salt, Bytes(3, 1)).error(), Errc::kInvalidPublicKey);
}

INSTANTIATE_TEST_SUITE_P(Groups, SrpFlow, ::testing::Values(SrpGroup::k3072, SrpGroup::k4096));

TEST(Srp, BadInputsAreRefused) {
  const Bytes salt(kSrpSaltSize, 1);
  EXPECT_EQ(SrpMakeVerifier("", Str("p"), salt, SrpGroup::k3072).error(), Errc::kInvalidArgument);
  EXPECT_EQ(SrpMakeVerifier("a", Bytes{}, salt, SrpGroup::k3072).error(), Errc::kInvalidArgument);
  EXPECT_EQ(SrpMakeVerifier("a", Bytes{'p', 0, 'q'}, salt, SrpGroup::k3072).error(), Errc::kInvalidArgument);
  EXPECT_EQ(SrpMakeVerifier("a", Bytes(kSrpMaxInput + 1, 'p'), salt, SrpGroup::k3072).error(),
            Errc::kInvalidArgument);
  EXPECT_EQ(SrpMakeVerifier("a", Str("p"), Bytes(15, 1), SrpGroup::k3072).error(), Errc::kInvalidArgument);
  EXPECT_EQ(SrpMakeVerifier("a", Str("p"), salt, static_cast<SrpGroup>(9)).error(), Errc::kInvalidArgument);
  SrpVerifier broken{SrpGroup::k3072, salt, Bytes(10, 1)};
  DeterministicRandom rng(1);
  EXPECT_EQ(SrpServer::Start(broken, rng).error(), Errc::kInvalidArgument);
}

}  // namespace
}  // namespace sc::crypto
