// crypto_basics_vectors_test.cc: crypto-basics.json (test-vectors.md "Crypto Basics"): RefHash,
// ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel / VerifyWithLabel, and
// EncryptWithLabel / DecryptWithLabel (HPKE), for suites 1 and 3; other suites are counted and skipped.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/encrypt_with_label.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/kdf.h"
#include "securecomm/mls/signature.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;

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

bool CheckEncryptWithLabel(const CipherSuite& suite, const nlohmann::json& v) {
  auto priv = crypto::X25519PrivateKey::FromSpan(Hex(v.at("priv")));
  auto pub = crypto::X25519PublicKey::FromSpan(Hex(v.at("pub")));
  if (!priv || !pub) {
    ADD_FAILURE() << "encrypt_with_label: key sizes";
    return false;
  }
  const auto key_pair = crypto::X25519KeyPair::FromPrivate(std::move(*priv));
  const std::string label = Label(v.at("label"));
  const std::vector<uint8_t> context = Hex(v.at("context"));
  const std::vector<uint8_t> plaintext = Hex(v.at("plaintext"));
  bool ok = Same(key_pair.public_key.span(), pub->span(), "encrypt_with_label pub from priv");
  // The file's ciphertext opens to its plaintext.
  auto opened =
      DecryptWithLabel(suite, key_pair, label, context, Hex(v.at("kem_output")), Hex(v.at("ciphertext")));
  ok &= opened && Same(opened->Expose(), plaintext, "encrypt_with_label: file's ciphertext");
  // Ours opens too, and neither opens under another label.
  SystemRandom rng;
  auto ours = EncryptWithLabel(suite, *pub, label, context, plaintext, rng);
  ok &= ours.has_value();
  if (ours) {
    auto back = DecryptWithLabel(suite, key_pair, label, context, ours->kem_output, ours->ciphertext);
    ok &= back && Same(back->Expose(), plaintext, "encrypt_with_label: our ciphertext");
    auto wrong = DecryptWithLabel(suite, key_pair, label + "x", context, ours->kem_output, ours->ciphertext);
    ok &= !wrong && wrong.error() == Errc::kDecryptFailed;
  }
  EXPECT_TRUE(ok) << "encrypt_with_label";
  return ok;
}

bool CheckCase(const CipherSuite& suite, const nlohmann::json& c) {
  bool ok = CheckRefHash(c.at("ref_hash"));
  ok &= CheckExpandWithLabel(c.at("expand_with_label"));
  ok &= CheckDeriveSecret(c.at("derive_secret"));
  ok &= CheckDeriveTreeSecret(c.at("derive_tree_secret"));
  ok &= CheckSignWithLabel(c.at("sign_with_label"));
  ok &= CheckEncryptWithLabel(suite, c.at("encrypt_with_label"));
  return ok;
}

TEST(MlsVectors, CryptoBasics) {
  testing::RunSuiteCases("crypto-basics.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
