// SRP-6a: the RFC 5054 Appendix B known answers (tests/vectors/srp-rfc5054), salts with leading
// zero bytes against the srp.md formulas computed here, then the full login flow, wrong
// passwords, and the RFC 5054 §2.5 checks on A, B and u.
#define OPENSSL_SUPPRESS_DEPRECATED  // SRP_get_default_gN: the group constants only

#include "securecomm/crypto/srp.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/srp.h>

#include "securecomm/base/encoding.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/hash.h"

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

// ---- salts with leading zero bytes (issue #11): srp.md §2-§3 computed here from the hash
// primitives and OpenSSL's big numbers, never through srp.cc ----

struct BnDel {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDel>;

Bytes Sha1(std::initializer_list<std::span<const uint8_t>> parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EXPECT_EQ(EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr), 1);
  for (auto p : parts) EXPECT_EQ(EVP_DigestUpdate(ctx.get(), p.data(), p.size()), 1);
  Bytes out(20);
  unsigned int n = 0;
  EXPECT_EQ(EVP_DigestFinal_ex(ctx.get(), out.data(), &n), 1);
  return out;
}
Bytes Sha256Of(std::initializer_list<std::span<const uint8_t>> parts) {
  Sha256Hasher h;
  for (auto p : parts) h.Update(p);
  const auto d = h.Final();
  return Bytes(d.data(), d.data() + 32);
}
BnPtr Num(std::span<const uint8_t> b) {
  return BnPtr(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
}
Bytes Pad(const BIGNUM* n, size_t len) {
  Bytes out(len);
  EXPECT_GE(BN_bn2binpad(n, out.data(), static_cast<int>(len)), 0);
  return out;
}
Bytes Min(const BIGNUM* n) {
  Bytes out(static_cast<size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, out.data());
  return out;
}

class SrpLeadingZeroSalt : public ::testing::TestWithParam<std::tuple<SrpGroup, int>> {
 protected:
  SrpGroup group() const { return std::get<0>(GetParam()); }
  // The salt: `zeros` leading zero bytes, then non-zero bytes.
  Bytes Salt() const {
    Bytes s(kSrpSaltSize);
    for (size_t i = 0; i < s.size(); ++i)
      s[i] = i < static_cast<size_t>(std::get<1>(GetParam())) ? 0 : 0xa0 + i;
    return s;
  }
};

TEST_P(SrpLeadingZeroSalt, VerifierAndProofsUseAllSixteenSaltBytes) {
  const std::string user = "alice";
  const Bytes pass = Str("password123");
  const Bytes salt = Salt();
  ASSERT_EQ(salt[0], 0);
  const SRP_gN* gn = SRP_get_default_gN(group() == SrpGroup::k3072 ? "3072" : "4096");
  ASSERT_NE(gn, nullptr);
  const size_t len = SrpGroupBytes(group());
  ASSERT_EQ(len, static_cast<size_t>(BN_num_bytes(gn->N)));
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);

  // srp.md §2: x = SHA1(s | SHA1(I | ":" | P)) over the 16-byte s; v = g^x mod N.
  const Bytes inner = Sha1({Str(user), Str(":"), pass});
  const Bytes x_bytes = Sha1({salt, inner});
  ASSERT_NE(x_bytes, Sha1({std::span<const uint8_t>(salt).subspan(std::get<1>(GetParam())), inner}))
      << "the test must tell the two readings apart";
  BnPtr x = Num(x_bytes), v(BN_new());
  ASSERT_EQ(BN_mod_exp(v.get(), gn->g, x.get(), gn->N, ctx.get()), 1);
  const Bytes v_pad = Pad(v.get(), len);

  auto verifier = SrpMakeVerifier(user, pass, salt, group());
  ASSERT_TRUE(verifier.has_value());
  EXPECT_EQ(verifier->salt, salt);
  EXPECT_EQ(HexEncode(verifier->verifier), HexEncode(v_pad)) << "v from x over all 16 salt bytes";

  // The client's M1 for a fixed a and a B made here from a fixed b (srp.md §2-§3).
  Bytes a_bytes(kSrpEphemeralSize, 0x11), b_bytes(kSrpEphemeralSize, 0x22);
  auto raw = srp_internal::ComputeRaw(group(), user, pass, salt, a_bytes, b_bytes);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(HexEncode(raw->x), HexEncode(Min(x.get())));
  EXPECT_EQ(HexEncode(raw->v), HexEncode(Min(v.get())));

  BnPtr a = Num(a_bytes), b = Num(b_bytes), A(BN_new()), gb(BN_new()), B(BN_new()), kv(BN_new());
  ASSERT_EQ(BN_mod_exp(A.get(), gn->g, a.get(), gn->N, ctx.get()), 1);
  const Bytes k_bytes = Sha1({Min(gn->N), Pad(gn->g, len)});
  BnPtr k = Num(k_bytes);
  ASSERT_EQ(BN_mod_exp(gb.get(), gn->g, b.get(), gn->N, ctx.get()), 1);
  ASSERT_EQ(BN_mod_mul(kv.get(), k.get(), v.get(), gn->N, ctx.get()), 1);
  ASSERT_EQ(BN_mod_add(B.get(), kv.get(), gb.get(), gn->N, ctx.get()), 1);
  const Bytes A_pad = Pad(A.get(), len), B_pad = Pad(B.get(), len);
  BnPtr u = Num(Sha1({A_pad, B_pad}));
  // S = (A * v^u)^b mod N, the server's side, which needs only v.
  BnPtr vu(BN_new()), base(BN_new()), S(BN_new());
  ASSERT_EQ(BN_mod_exp(vu.get(), v.get(), u.get(), gn->N, ctx.get()), 1);
  ASSERT_EQ(BN_mod_mul(base.get(), A.get(), vu.get(), gn->N, ctx.get()), 1);
  ASSERT_EQ(BN_mod_exp(S.get(), base.get(), b.get(), gn->N, ctx.get()), 1);
  const Bytes K = Sha256Of({Pad(S.get(), len)});
  const Bytes hn = Sha256Of({Min(gn->N)}), hg = Sha256Of({Pad(gn->g, len)});
  Bytes hx(32);
  for (size_t i = 0; i < 32; ++i) hx[i] = hn[i] ^ hg[i];
  const Bytes M1 = Sha256Of({hx, Sha256Of({Str(user)}), salt, A_pad, B_pad, K});
  const Bytes M2 = Sha256Of({A_pad, M1, K});

  ScriptedRandom rng_a({a_bytes});
  auto client = SrpClient::Start(group(), rng_a);
  ASSERT_TRUE(client.has_value());
  ASSERT_EQ(HexEncode(client->A()), HexEncode(A_pad));
  auto m1 = client->Respond(user, pass, salt, B_pad);
  ASSERT_TRUE(m1.has_value());
  EXPECT_EQ(HexEncode(*m1), HexEncode(M1)) << "the client's x and M1 over the same 16 salt bytes";
  EXPECT_TRUE(client->VerifyServer(M2).has_value());
  EXPECT_EQ(HexEncode(client->session_key().Expose()), HexEncode(K));

  // The server, from the verifier computed here, takes that M1 and answers M2.
  ScriptedRandom rng_b({b_bytes});
  auto server = SrpServer::Start(SrpVerifier{group(), salt, v_pad}, rng_b);
  ASSERT_TRUE(server.has_value());
  ASSERT_EQ(HexEncode(server->B()), HexEncode(B_pad));
  auto m2 = server->Finish(user, A_pad, M1);
  ASSERT_TRUE(m2.has_value());
  EXPECT_EQ(HexEncode(*m2), HexEncode(M2));
}

TEST_P(SrpLeadingZeroSalt, RegisterThenLogIn) {
  DeterministicRandom rng(11);
  const Bytes pass = Str("correct horse battery staple");
  auto v = SrpMakeVerifier("bob", pass, Salt(), group());
  ASSERT_TRUE(v.has_value());
  auto client = SrpClient::Start(group(), rng);
  auto server = SrpServer::Start(*v, rng);
  ASSERT_TRUE(client && server);
  auto m1 = client->Respond("bob", pass, v->salt, server->B());
  ASSERT_TRUE(m1.has_value());
  auto m2 = server->Finish("bob", client->A(), *m1);
  ASSERT_TRUE(m2.has_value()) << "a login with a leading-zero salt must succeed";
  EXPECT_TRUE(client->VerifyServer(*m2).has_value());
  EXPECT_TRUE(client->session_key() == server->session_key());
}

INSTANTIATE_TEST_SUITE_P(Salts, SrpLeadingZeroSalt,
                         ::testing::Combine(::testing::Values(SrpGroup::k3072, SrpGroup::k4096),
                                            ::testing::Values(1, 2)));

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
