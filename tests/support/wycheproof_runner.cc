#include "wycheproof_runner.h"

#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "securecomm/base/encoding.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/crypto/x25519.h"

namespace sc::vectors {
namespace {

using nlohmann::json;
using Bytes = std::vector<uint8_t>;
using crypto::AeadAlgorithm;

// The verdict of one case: matched, refused by policy, or a mismatch with its reason.
struct Verdict {
  enum Kind { kMatch, kPolicy, kMismatch } kind;
  std::string why;
};
Verdict Match() {
  return {Verdict::kMatch, {}};
}
Verdict Policy() {
  return {Verdict::kPolicy, {}};
}
Verdict Mismatch(std::string why) {
  return {Verdict::kMismatch, std::move(why)};
}

Bytes Hex(const json& j, const char* field) {
  auto r = HexDecode(j.at(field).get<std::string>());
  if (!r) throw std::runtime_error(std::string("bad hex in field ") + field);
  return *r;
}

bool HasFlag(const json& t, std::string_view flag) {
  for (const auto& f : t.at("flags")) {
    if (f.get<std::string>() == flag) return true;
  }
  return false;
}

// Valid cases must succeed with the exact bytes; invalid ones must fail. "acceptable" is handled
// per algorithm below.
Verdict CheckAead(AeadAlgorithm family, const json& group, const json& t) {
  const Bytes key = Hex(t, "key"), iv = Hex(t, "iv"), aad = Hex(t, "aad"), msg = Hex(t, "msg");
  Bytes ct = Hex(t, "ct");
  const Bytes tag = Hex(t, "tag");
  ct.insert(ct.end(), tag.begin(), tag.end());
  const bool valid = t.at("result") == "valid";
  AeadAlgorithm alg = family;
  if (family == AeadAlgorithm::kAes256Gcm) {
    const int bits = group.at("keySize").get<int>();
    alg = bits == 128   ? AeadAlgorithm::kAes128Gcm
          : bits == 192 ? AeadAlgorithm::kAes192Gcm
                        : AeadAlgorithm::kAes256Gcm;
  }
  auto aead = crypto::Aead::Create(alg, key);
  if (!aead) return valid ? Mismatch(std::string("create: ") + std::string(aead.error().name())) : Match();
  if (tag.size() != crypto::kAeadTagSize) {
    return valid ? Mismatch("tag size") : Match();  // we never accept truncated AEAD tags
  }
  auto opened = aead->Open(iv, aad, ct);
  if (!valid) {
    return opened ? Mismatch("accepted an invalid ciphertext") : Match();
  }
  if (!opened) {
    const bool long_gcm_iv = crypto::AeadAlgorithm::kChaCha20Poly1305 != family &&
                             family != AeadAlgorithm::kXChaCha20Poly1305 && iv.size() > crypto::kMaxGcmNonce;
    if (long_gcm_iv && opened.error() == crypto::Errc::kInvalidNonceSize) return Policy();
    return Mismatch(std::string("open: ") + std::string(opened.error().name()));
  }
  if (!ConstantTimeEqual(opened->Expose(), msg)) return Mismatch("open: wrong plaintext");
  auto sealed = aead->Seal(iv, aad, msg);
  if (!sealed || *sealed != ct) return Mismatch("seal: wrong ciphertext");
  return Match();
}

Verdict CheckX25519(const json&, const json& t) {
  const Bytes pub = Hex(t, "public"), priv = Hex(t, "private"), shared = Hex(t, "shared");
  const std::string result = t.at("result");
  auto pk = crypto::X25519PublicKey::FromSpan(pub);
  auto sk = crypto::X25519PrivateKey::FromSpan(priv);
  if (!pk || !sk) return result == "invalid" ? Match() : Mismatch("key size");
  auto out = crypto::X25519(*sk, *pk);
  if (!out) {
    if (out.error() == crypto::Errc::kWeakKey && HasFlag(t, "ZeroSharedSecret")) return Policy();
    return result == "invalid" ? Match() : Mismatch(std::string(out.error().name()));
  }
  if (result == "invalid") return Mismatch("accepted an invalid case");
  return ConstantTimeEqual(out->Expose(), shared) ? Match() : Mismatch("wrong shared secret");
}

Verdict CheckEd25519(const json& group, const json& t) {
  const Bytes pk_bytes = Hex(group.at("publicKey"), "pk"), msg = Hex(t, "msg"), sig_bytes = Hex(t, "sig");
  const bool valid = t.at("result") == "valid";
  auto pk = crypto::Ed25519PublicKey::FromSpan(pk_bytes);
  auto sig = crypto::Ed25519Signature::FromSpan(sig_bytes);
  const bool ok = pk && sig && crypto::Ed25519Verify(*pk, msg, *sig).has_value();
  return ok == valid ? Match()
                     : Mismatch(valid ? "rejected a valid signature" : "accepted an invalid signature");
}

Verdict CheckHkdf(const json&, const json& t) {
  const Bytes ikm = Hex(t, "ikm"), salt = Hex(t, "salt"), info = Hex(t, "info"), okm = Hex(t, "okm");
  const bool valid = t.at("result") == "valid";
  SecretBytes out(t.at("size").get<size_t>());
  auto s = crypto::HkdfSha256(ikm, salt, info, out.MutableExpose());
  if (!s) return valid ? Mismatch(std::string(s.error().name())) : Match();
  if (!valid) return Mismatch("accepted an invalid size");
  return ConstantTimeEqual(out.Expose(), okm) ? Match() : Mismatch("wrong okm");
}

Verdict CheckHmac(const json& group, const json& t) {
  const Bytes key = Hex(t, "key"), msg = Hex(t, "msg"), tag = Hex(t, "tag");
  const bool valid = t.at("result") == "valid";
  const size_t tag_bytes = group.at("tagSize").get<size_t>() / 8;
  crypto::HmacSha256Key k(key);
  // The group fixes the tag length; a tag of another length is refused before comparison.
  const bool ok = tag.size() == tag_bytes && k.Verify(msg, tag).has_value();
  return ok == valid ? Match() : Mismatch(valid ? "rejected a valid tag" : "accepted an invalid tag");
}

using Checker = std::function<Verdict(const json& group, const json& test)>;

Checker CheckerFor(WycheproofKind kind) {
  switch (kind) {
    case WycheproofKind::kAesGcm:
      return [](const json& g, const json& t) { return CheckAead(AeadAlgorithm::kAes256Gcm, g, t); };
    case WycheproofKind::kChaCha20Poly1305:
      return [](const json& g, const json& t) { return CheckAead(AeadAlgorithm::kChaCha20Poly1305, g, t); };
    case WycheproofKind::kXChaCha20Poly1305:
      return [](const json& g, const json& t) { return CheckAead(AeadAlgorithm::kXChaCha20Poly1305, g, t); };
    case WycheproofKind::kX25519:
      return CheckX25519;
    case WycheproofKind::kEd25519:
      return CheckEd25519;
    case WycheproofKind::kHkdfSha256:
      return CheckHkdf;
    case WycheproofKind::kHmacSha256:
      return CheckHmac;
  }
  return nullptr;
}

}  // namespace

std::string_view FileFor(WycheproofKind kind) {
  switch (kind) {
    case WycheproofKind::kAesGcm:
      return "aes_gcm_test.json";
    case WycheproofKind::kChaCha20Poly1305:
      return "chacha20_poly1305_test.json";
    case WycheproofKind::kXChaCha20Poly1305:
      return "xchacha20_poly1305_test.json";
    case WycheproofKind::kX25519:
      return "x25519_test.json";
    case WycheproofKind::kEd25519:
      return "ed25519_test.json";
    case WycheproofKind::kHkdfSha256:
      return "hkdf_sha256_test.json";
    case WycheproofKind::kHmacSha256:
      return "hmac_sha256_test.json";
  }
  return "";
}

std::vector<WycheproofKind> AllKinds() {
  return {WycheproofKind::kAesGcm,    WycheproofKind::kChaCha20Poly1305, WycheproofKind::kXChaCha20Poly1305,
          WycheproofKind::kX25519,    WycheproofKind::kEd25519,          WycheproofKind::kHkdfSha256,
          WycheproofKind::kHmacSha256};
}

Result<WycheproofStats> RunWycheproofFile(const std::string& dir, WycheproofKind kind) {
  WycheproofStats stats;
  stats.file = std::string(FileFor(kind));
  try {
    std::ifstream in(dir + "/" + stats.file);
    if (!in) return Fail(Errc::kInvalidEncoding);
    const json doc = json::parse(in);
    stats.declared = doc.at("numberOfTests").get<int>();
    const Checker check = CheckerFor(kind);
    for (const auto& group : doc.at("testGroups")) {
      for (const auto& t : group.at("tests")) {
        ++stats.ran;
        const Verdict v = check(group, t);
        if (v.kind == Verdict::kMatch) {
          ++stats.passed;
        } else if (v.kind == Verdict::kPolicy) {
          ++stats.policy_refused;
        } else {
          stats.failures.push_back("tcId " + std::to_string(t.at("tcId").get<int>()) + ": " + v.why);
        }
      }
    }
  } catch (const std::exception&) {  // the JSON library throws; a malformed file is an error here
    return Fail(Errc::kInvalidEncoding);
  }
  return stats;
}

}  // namespace sc::vectors
