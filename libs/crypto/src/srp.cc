// OpenSSL 3.0 deprecates its SRP functions but still ships them; DESIGN asks us to wrap them rather
// than write SRP arithmetic ourselves. This is the one file that uses them. The exception is x
// (and so v = g^x), hashed here with SHA-1 because SRP_Calc_x drops the salt's leading zero bytes.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "securecomm/crypto/srp.h"

#include <array>
#include <cstring>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/srp.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/hash.h"

namespace sc::crypto {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const noexcept { BN_clear_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

const SRP_gN* GroupParams(SrpGroup group) {
  switch (group) {
    case SrpGroup::k1024:
      return SRP_get_default_gN("1024");
    case SrpGroup::k3072:
      return SRP_get_default_gN("3072");
    case SrpGroup::k4096:
      return SRP_get_default_gN("4096");
  }
  return nullptr;
}

Bn FromBytes(std::span<const uint8_t> b) {
  return Bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
}

std::vector<uint8_t> Padded(const BIGNUM* n, size_t len) {
  std::vector<uint8_t> out(len);
  if (BN_bn2binpad(n, out.data(), static_cast<int>(len)) < 0) out.clear();
  return out;
}

std::vector<uint8_t> Minimal(const BIGNUM* n) {
  std::vector<uint8_t> out(static_cast<size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, out.data());
  return out;
}

// CString copies an untrusted username or password into a secret buffer, refusing empty,
// over-long and NUL-containing input (srp.md §2; clients that hash C strings cannot carry a NUL).
Result<SecretBytes> CString(std::span<const uint8_t> in) {
  if (in.empty() || in.size() > kSrpMaxInput || std::memchr(in.data(), 0, in.size()) != nullptr) {
    return Fail(Errc::kInvalidArgument);
  }
  return SecretBytes(in);
}

// docs/protocol/srp.md §2: x = SHA1(s | SHA1(I | ":" | P)), over the 16 salt bytes exactly as given.
// Not OpenSSL's SRP_Calc_x: it takes s as a BIGNUM and hashes its minimal form, so a salt with
// leading zero bytes (1 in 256) would be hashed without them while M1 uses all 16.
Bn CalcX(std::span<const uint8_t> salt, const SecretBytes& user, const SecretBytes& pass) {
  const auto u = user.Expose();
  const auto p = pass.Expose();
  const uint8_t colon = ':';
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  SecretArray<20> inner;
  std::array<uint8_t, 20> digest{};
  unsigned int n = 0;
  const bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx.get(), u.data(), u.size()) == 1 &&
                  EVP_DigestUpdate(ctx.get(), &colon, 1) == 1 &&
                  EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), inner.MutableExpose().data(), &n) == 1 && n == 20 &&
                  EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) == 1 &&
                  EVP_DigestUpdate(ctx.get(), inner.Expose().data(), inner.Expose().size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), digest.data(), &n) == 1 && n == 20;
  Bn x(ok ? FromBytes(digest) : nullptr);
  SecureWipe(digest);
  return x;
}

// docs/protocol/srp.md §2: v = g^x mod N.
Bn CalcVerifier(const SRP_gN* gn, const BIGNUM* x) {
  Bn v(BN_new());
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
  if (!v || !ctx || BN_mod_exp(v.get(), gn->g, x, gn->N, ctx.get()) != 1) return nullptr;
  return v;
}

// docs/protocol/srp.md §3: K = SHA-256(PAD(S)).
SecretArray<32> SessionKey(const BIGNUM* S, size_t len) {
  auto padded = Padded(S, len);
  SecretBytes s(padded);
  SecureWipe(padded);
  const auto d = Sha256(s.Expose());
  SecretArray<32> k;
  std::memcpy(k.MutableExpose().data(), d.data(), 32);
  return k;
}

// docs/protocol/srp.md §3: M1 = SHA-256((SHA-256(N) xor SHA-256(PAD(g))) | SHA-256(I) | s | PAD(A) | PAD(B) |
// K).
SrpProof ClientProof(const SRP_gN* gn, size_t len, std::string_view username, std::span<const uint8_t> salt,
                     std::span<const uint8_t> A, std::span<const uint8_t> B, const SecretArray<32>& K) {
  const auto hn = Sha256(Minimal(gn->N));
  const auto hg = Sha256(Padded(gn->g, len));
  uint8_t x[32];
  for (int i = 0; i < 32; ++i) x[i] = static_cast<uint8_t>(hn.data()[i] ^ hg.data()[i]);
  Sha256Hasher h;
  h.Update(x);
  h.Update(Sha256(AsBytes(username)).span());
  h.Update(salt);
  h.Update(A);
  h.Update(B);
  h.Update(K.Expose());
  SrpProof out;
  const auto d = h.Final();
  std::memcpy(out.data(), d.data(), 32);
  return out;
}

// docs/protocol/srp.md §3: M2 = SHA-256(PAD(A) | M1 | K).
SrpProof ServerProof(std::span<const uint8_t> A, const SrpProof& m1, const SecretArray<32>& K) {
  Sha256Hasher h;
  h.Update(A);
  h.Update(m1);
  h.Update(K.Expose());
  SrpProof out;
  const auto d = h.Final();
  std::memcpy(out.data(), d.data(), 32);
  return out;
}

Bn RandomExponent(Random& rng) {
  SecretArray<kSrpEphemeralSize> bytes;
  rng.Fill(bytes.MutableExpose());
  return FromBytes(bytes.Expose());
}

}  // namespace

size_t SrpGroupBytes(SrpGroup group) noexcept {
  const SRP_gN* gn = GroupParams(group);
  return gn == nullptr ? 0 : static_cast<size_t>(BN_num_bytes(gn->N));
}

Result<SrpVerifier> SrpMakeVerifier(std::string_view username, std::span<const uint8_t> password,
                                    std::span<const uint8_t> salt, SrpGroup group) {
  const SRP_gN* gn = GroupParams(group);
  auto user = CString(AsBytes(username));
  auto pass = CString(password);
  if (gn == nullptr || !user || !pass || salt.size() != kSrpSaltSize) return Fail(Errc::kInvalidArgument);
  Bn x = CalcX(salt, *user, *pass);
  Bn v(x ? CalcVerifier(gn, x.get()) : nullptr);
  if (!v) return Fail(Errc::kBackendFailure);
  return SrpVerifier{group, std::vector<uint8_t>(salt.begin(), salt.end()),
                     Padded(v.get(), SrpGroupBytes(group))};
}

// ---- client ----

struct SrpClient::State {
  SrpGroup group{};
  const SRP_gN* gn{};
  Bn a;
  std::vector<uint8_t> A;
  SecretArray<32> K;
  SrpProof expected_m2{};
  bool responded = false;
};

SrpClient::SrpClient(std::unique_ptr<State> s) noexcept : s_(std::move(s)) {}
SrpClient::SrpClient(SrpClient&&) noexcept = default;
SrpClient& SrpClient::operator=(SrpClient&&) noexcept = default;
SrpClient::~SrpClient() = default;

Result<SrpClient> SrpClient::Start(SrpGroup group, Random& rng) {
  auto st = std::make_unique<State>();
  st->group = group;
  st->gn = GroupParams(group);
  if (st->gn == nullptr) return Fail(Errc::kInvalidArgument);
  st->a = RandomExponent(rng);
  Bn A(SRP_Calc_A(st->a.get(), st->gn->N, st->gn->g));
  if (!st->a || !A) return Fail(Errc::kBackendFailure);
  st->A = Padded(A.get(), SrpGroupBytes(group));
  return SrpClient(std::move(st));
}

std::span<const uint8_t> SrpClient::A() const noexcept {
  return s_->A;
}
const SecretArray<32>& SrpClient::session_key() const noexcept {
  return s_->K;
}

Result<SrpProof> SrpClient::Respond(std::string_view username, std::span<const uint8_t> password,
                                    std::span<const uint8_t> salt, std::span<const uint8_t> B_bytes) {
  State& st = *s_;
  const size_t len = SrpGroupBytes(st.group);
  auto user = CString(AsBytes(username));
  auto pass = CString(password);
  if (!user || !pass || salt.size() != kSrpSaltSize) return Fail(Errc::kInvalidArgument);
  if (B_bytes.size() != len) return Fail(Errc::kInvalidPublicKey);
  Bn B = FromBytes(B_bytes);
  if (!B) return Fail(Errc::kBackendFailure);
  if (SRP_Verify_B_mod_N(B.get(), st.gn->N) != 1) return Fail(Errc::kInvalidPublicKey);  // RFC 5054 §2.5.3
  Bn A = FromBytes(st.A);
  Bn u(SRP_Calc_u(A.get(), B.get(), st.gn->N));
  if (!u) return Fail(Errc::kBackendFailure);
  if (BN_is_zero(u.get())) return Fail(Errc::kInvalidPublicKey);  // RFC 5054 §2.6
  Bn x = CalcX(salt, *user, *pass);
  Bn S(x ? SRP_Calc_client_key(st.gn->N, B.get(), st.gn->g, x.get(), st.a.get(), u.get()) : nullptr);
  if (!S) return Fail(Errc::kBackendFailure);
  st.K = SessionKey(S.get(), len);
  const SrpProof m1 = ClientProof(st.gn, len, username, salt, st.A, B_bytes, st.K);
  st.expected_m2 = ServerProof(st.A, m1, st.K);
  st.responded = true;
  return m1;
}

Status SrpClient::VerifyServer(std::span<const uint8_t> m2) const {
  if (!s_->responded || !ConstantTimeEqual(s_->expected_m2, m2)) return Fail(Errc::kAuthFailed);
  return OkStatus();
}

// ---- server ----

struct SrpServer::State {
  SrpGroup group{};
  const SRP_gN* gn{};
  std::vector<uint8_t> salt;
  Bn v, b;
  std::vector<uint8_t> B;
  SecretArray<32> K;
};

SrpServer::SrpServer(std::unique_ptr<State> s) noexcept : s_(std::move(s)) {}
SrpServer::SrpServer(SrpServer&&) noexcept = default;
SrpServer& SrpServer::operator=(SrpServer&&) noexcept = default;
SrpServer::~SrpServer() = default;

Result<SrpServer> SrpServer::Start(const SrpVerifier& verifier, Random& rng) {
  auto st = std::make_unique<State>();
  st->group = verifier.group;
  st->gn = GroupParams(verifier.group);
  if (st->gn == nullptr || verifier.salt.size() != kSrpSaltSize ||
      verifier.verifier.size() != SrpGroupBytes(verifier.group)) {
    return Fail(Errc::kInvalidArgument);
  }
  st->salt = verifier.salt;
  st->v = FromBytes(verifier.verifier);
  st->b = RandomExponent(rng);
  Bn B(st->v && st->b ? SRP_Calc_B(st->b.get(), st->gn->N, st->gn->g, st->v.get()) : nullptr);
  if (!B) return Fail(Errc::kBackendFailure);
  st->B = Padded(B.get(), SrpGroupBytes(verifier.group));
  return SrpServer(std::move(st));
}

std::span<const uint8_t> SrpServer::B() const noexcept {
  return s_->B;
}
const SecretArray<32>& SrpServer::session_key() const noexcept {
  return s_->K;
}

Result<SrpProof> SrpServer::Finish(std::string_view username, std::span<const uint8_t> A_bytes,
                                   std::span<const uint8_t> m1) {
  State& st = *s_;
  const size_t len = SrpGroupBytes(st.group);
  if (A_bytes.size() != len) return Fail(Errc::kInvalidPublicKey);
  Bn A = FromBytes(A_bytes), B = FromBytes(st.B);
  if (!A || !B) return Fail(Errc::kBackendFailure);
  if (SRP_Verify_A_mod_N(A.get(), st.gn->N) != 1) return Fail(Errc::kInvalidPublicKey);  // RFC 5054 §2.5.4
  Bn u(SRP_Calc_u(A.get(), B.get(), st.gn->N));
  Bn S(u ? SRP_Calc_server_key(A.get(), st.v.get(), u.get(), st.b.get(), st.gn->N) : nullptr);
  if (!S) return Fail(Errc::kBackendFailure);
  SecretArray<32> K = SessionKey(S.get(), len);
  const SrpProof expected = ClientProof(st.gn, len, username, st.salt, A_bytes, st.B, K);
  if (!ConstantTimeEqual(expected, m1)) return Fail(Errc::kAuthFailed);
  st.K = std::move(K);
  SrpProof m1_copy;
  std::memcpy(m1_copy.data(), m1.data(), m1_copy.size());
  return ServerProof(A_bytes, m1_copy, st.K);
}

// ---- known answers ----

namespace srp_internal {

Result<RawValues> ComputeRaw(SrpGroup group, std::string_view username, std::span<const uint8_t> password,
                             std::span<const uint8_t> salt, std::span<const uint8_t> a_bytes,
                             std::span<const uint8_t> b_bytes) {
  const SRP_gN* gn = GroupParams(group);
  auto user = CString(AsBytes(username));
  auto pass = CString(password);
  if (gn == nullptr || !user || !pass) return Fail(Errc::kInvalidArgument);
  if (salt.size() != kSrpSaltSize) return Fail(Errc::kInvalidArgument);
  Bn a = FromBytes(a_bytes), b = FromBytes(b_bytes);
  Bn x = CalcX(salt, *user, *pass);
  Bn v(x ? CalcVerifier(gn, x.get()) : nullptr);
  if (!v || !a || !b) return Fail(Errc::kBackendFailure);
  Bn A(SRP_Calc_A(a.get(), gn->N, gn->g));
  Bn B(SRP_Calc_B(b.get(), gn->N, gn->g, v.get()));
  Bn u(A && B ? SRP_Calc_u(A.get(), B.get(), gn->N) : nullptr);
  if (!u) return Fail(Errc::kBackendFailure);
  Bn cs(SRP_Calc_client_key(gn->N, B.get(), gn->g, x.get(), a.get(), u.get()));
  Bn ss(SRP_Calc_server_key(A.get(), v.get(), u.get(), b.get(), gn->N));
  if (!cs || !ss) return Fail(Errc::kBackendFailure);
  return RawValues{Minimal(x.get()), Minimal(v.get()),  Minimal(A.get()), Minimal(B.get()),
                   Minimal(u.get()), Minimal(cs.get()), Minimal(ss.get())};
}

}  // namespace srp_internal
}  // namespace sc::crypto
