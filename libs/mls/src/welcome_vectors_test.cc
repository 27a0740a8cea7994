// welcome_vectors_test.cc: welcome.json (test-vectors.md "Welcome"): find our entry in the
// Welcome by the KeyPackage's ref, open the GroupSecrets with init_priv, open the GroupInfo with
// the welcome secret of the key schedule from joiner_secret (no PSKs), verify its signature with
// signer_pub and its confirmation_tag against the GroupContext's confirmed transcript hash.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/framing.h"
#include "securecomm/mls/key_package.h"
#include "securecomm/mls/key_schedule.h"
#include "securecomm/mls/transcript_hash.h"
#include "securecomm/mls/welcome.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;

bool CheckWelcome(const CipherSuite& suite, const nlohmann::json& c) {
  auto kp_msg = DecodeExact<MlsMessage>(Hex(c.at("key_package")));
  auto w_msg = DecodeExact<MlsMessage>(Hex(c.at("welcome")));
  if (!kp_msg || !w_msg) return false;
  auto kp = DecodeExact<KeyPackage>(kp_msg->body);
  auto welcome = DecodeExact<Welcome>(w_msg->body);
  if (!kp || !welcome) return false;
  EXPECT_EQ(welcome->cipher_suite, static_cast<uint16_t>(suite.id));
  auto ref = kp->Ref();
  auto priv = crypto::X25519PrivateKey::FromSpan(Hex(c.at("init_priv")));
  auto signer = crypto::Ed25519PublicKey::FromSpan(Hex(c.at("signer_pub")));
  if (!ref || !priv || !signer) return false;
  const auto init = crypto::X25519KeyPair::FromPrivate(std::move(*priv));
  if (FromX25519(init.public_key) != kp->init_key) {
    ADD_FAILURE() << "init_priv does not match the KeyPackage's init_key";
    return false;
  }
  auto secrets = welcome->DecryptSecrets(suite, ref->span(), init);
  if (!secrets) {
    ADD_FAILURE() << "group secrets: " << secrets.error().name();
    return false;
  }
  // The GroupContext is inside the GroupInfo: decrypt with the welcome secret first, which
  // depends on joiner_secret and psk_secret only.
  const Secret psk = ZeroSecret();
  const Secret welcome_secret = WelcomeSecret(secrets->joiner_secret, psk);
  auto gi = DecryptGroupInfo(suite, welcome_secret, welcome->encrypted_group_info);
  if (!gi) {
    ADD_FAILURE() << "group info: " << gi.error().name();
    return false;
  }
  if (auto s = gi->Verify(*signer); !s) {
    ADD_FAILURE() << "group info signature: " << s.error().name();
    return false;
  }
  auto ctx = gi->group_context.Encode();
  if (!ctx) return false;
  auto epoch = KeyScheduleEpoch::FromJoinerSecret(secrets->joiner_secret.Clone(), psk, *ctx);
  if (!epoch) return false;
  EXPECT_TRUE(epoch->welcome_secret == welcome_secret);
  auto tag = VerifyConfirmationTag(epoch->secrets.confirmation_key,
                                   gi->group_context.confirmed_transcript_hash, gi->confirmation_tag);
  if (!tag) ADD_FAILURE() << "confirmation_tag: " << tag.error().name();
  // Round trip of what was decoded.
  auto back = EncodeToBytes(*welcome);
  return tag && back && *back == w_msg->body;
}

TEST(MlsVectors, Welcome) {
  testing::RunSuiteCases("welcome.json", CheckWelcome);
}

}  // namespace
}  // namespace sc::mls
