// message_protection_vectors_test.cc: message-protection.json (test-vectors.md "Message
// Protection"). For the proposal, the commit and the application data, sent by leaf 1 of a
// two-leaf secret tree: the given PublicMessage unprotects to the raw value (application data has
// none: protecting it as a PublicMessage is refused), our own PublicMessage of the raw value
// unprotects, the given PrivateMessage unprotects to the raw value, and our own PrivateMessage
// (random reuse guard, some padding) unprotects with a second tree. Each message also re-encodes
// byte for byte.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/mls/framing.h"
#include "securecomm/mls/message_protection.h"
#include "securecomm/mls/secret_tree.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;
using testing::ToSecret;

constexpr uint32_t kSenderLeaf = 1;

struct Case {
  const CipherSuite* suite;
  GroupContext context;
  std::vector<uint8_t> encoded_context;
  Secret encryption_secret;
  Secret sender_data_secret;
  Secret membership_key;
  crypto::Ed25519KeyPair key;
  SignatureKeyLookup lookup;

  ProtectionEpoch Epoch(SecretTree& tree) const {
    return {suite, &context, encoded_context, &membership_key, &sender_data_secret, &tree};
  }
  SecretTree Tree() const { return SecretTree(*suite, encryption_secret.Clone(), LeafCount{2}); }
};

// RawOf returns the encoded select arm of `c`: the raw proposal, commit or application data.
std::vector<uint8_t> RawOf(const FramedContent& c) {
  if (c.content_type == ContentType::kApplication) {
    return {c.application_data.Expose().begin(), c.application_data.Expose().end()};
  }
  Writer w;
  Status s = c.content_type == ContentType::kProposal ? c.proposal.Encode(w) : c.commit.Encode(w);
  EXPECT_TRUE(s);
  return std::move(w).Take();
}

// Decoded returns the MLSMessage in `hex`, checking that it re-encodes byte for byte.
Result<MlsMessage> Decoded(std::span<const uint8_t> bytes, WireFormat want, const std::string& what) {
  auto m = DecodeExact<MlsMessage>(bytes);
  if (!m) {
    ADD_FAILURE() << what << ": " << m.error().name();
    return m;
  }
  auto back = EncodeToBytes(*m);
  if (!back || !Same(*back, bytes, what + " re-encoded")) return Fail(Errc::kTrailingData);
  if (m->wire_format != want) {
    ADD_FAILURE() << what << ": wire format " << static_cast<int>(m->wire_format);
    return Fail(Errc::kInvalidWireFormat);
  }
  return m;
}

bool Unwrapped(const Result<AuthenticatedContent>& ac, std::span<const uint8_t> raw,
               const std::string& what) {
  if (!ac) {
    ADD_FAILURE() << what << ": " << ac.error().name();
    return false;
  }
  return Same(RawOf(ac->content), raw, what + " content");
}

// Content returns a FramedContent from leaf 1 carrying `raw` as `type`.
Result<FramedContent> Content(const Case& k, ContentType type, std::span<const uint8_t> raw) {
  FramedContent c;
  c.group_id = k.context.group_id;
  c.epoch = k.context.epoch;
  c.sender = Sender::Member(kSenderLeaf);
  c.authenticated_data = {0x61, 0x64};
  c.content_type = type;
  if (type == ContentType::kApplication) {
    c.application_data = SecretBytes(raw);
  } else if (type == ContentType::kProposal) {
    auto p = DecodeExact<Proposal>(raw);
    if (!p) return Fail(p.error());
    c.proposal = std::move(*p);
  } else {
    auto cm = DecodeExact<Commit>(raw);
    if (!cm) return Fail(cm.error());
    c.commit = std::move(*cm);
  }
  return c;
}

bool CheckOne(const Case& k, const nlohmann::json& v, const std::string& name, ContentType type) {
  const std::vector<uint8_t> raw = Hex(v.at(name));
  bool ok = true;

  // The given PublicMessage, and our own.
  if (type != ContentType::kApplication) {
    SecretTree tree = k.Tree();
    auto m = Decoded(Hex(v.at(name + "_pub")), WireFormat::kPublicMessage, name + "_pub");
    if (!m) return false;
    ok &= Unwrapped(UnprotectPublic(m->public_message, k.Epoch(tree), k.lookup), raw, name + "_pub");

    auto c = Content(k, type, raw);
    if (!c) {
      ADD_FAILURE() << name << ": " << c.error().name();
      return false;
    }
    auto ac = SignContent(WireFormat::kPublicMessage, std::move(*c), k.encoded_context, k.key);
    if (!ac) return false;
    ac->auth.confirmation_tag = m->public_message.auth.confirmation_tag;
    auto ours = ProtectPublic(*ac, k.Epoch(tree));
    if (!ours) {
      ADD_FAILURE() << name << " ProtectPublic: " << ours.error().name();
      return false;
    }
    ok &= Unwrapped(UnprotectPublic(*ours, k.Epoch(tree), k.lookup), raw, name + " ours public");
  } else {
    SecretTree tree = k.Tree();
    auto c = Content(k, type, raw);
    auto ac = SignContent(WireFormat::kPublicMessage, std::move(*c), k.encoded_context, k.key);
    auto refused = ProtectPublic(*ac, k.Epoch(tree));
    ok &= !refused && refused.error() == Errc::kPublicApplicationMessage;
  }

  // The given PrivateMessage.
  {
    SecretTree tree = k.Tree();
    auto m = Decoded(Hex(v.at(name + "_priv")), WireFormat::kPrivateMessage, name + "_priv");
    if (!m) return false;
    ok &= Unwrapped(UnprotectPrivate(m->private_message, k.Epoch(tree), k.lookup), raw, name + "_priv");
    // Its generation is used up (§9.2): a replay is refused.
    auto replay = UnprotectPrivate(m->private_message, k.Epoch(tree), k.lookup);
    ok &= !replay && replay.error() == Errc::kGenerationConsumed;
  }

  // Our own PrivateMessage, opened by a receiver's tree.
  {
    SecretTree sender_tree = k.Tree();
    SecretTree receiver_tree = k.Tree();
    DeterministicRandom rng(7);
    auto c = Content(k, type, raw);
    auto ac = SignContent(WireFormat::kPrivateMessage, std::move(*c), k.encoded_context, k.key);
    if (!ac) return false;
    if (type == ContentType::kCommit) ac->auth.confirmation_tag = std::vector<uint8_t>(32, 0x5a);
    auto ours = ProtectPrivate(*ac, k.Epoch(sender_tree), rng, 13);
    if (!ours) {
      ADD_FAILURE() << name << " ProtectPrivate: " << ours.error().name();
      return false;
    }
    MlsMessage wrapped;
    wrapped.wire_format = WireFormat::kPrivateMessage;
    wrapped.private_message = *ours;
    auto bytes = EncodeToBytes(wrapped);
    auto m = Decoded(*bytes, WireFormat::kPrivateMessage, name + " ours private");
    if (!m) return false;
    ok &= Unwrapped(UnprotectPrivate(m->private_message, k.Epoch(receiver_tree), k.lookup), raw,
                    name + " ours private");
  }
  return ok;
}

bool CheckCase(const CipherSuite& suite, const nlohmann::json& v) {
  auto enc = ToSecret(v.at("encryption_secret"));
  auto sds = ToSecret(v.at("sender_data_secret"));
  auto mk = ToSecret(v.at("membership_key"));
  auto seed = crypto::Ed25519Seed::FromSpan(Hex(v.at("signature_priv")));
  auto pub = crypto::Ed25519PublicKey::FromSpan(Hex(v.at("signature_pub")));
  if (!enc || !sds || !mk || !seed || !pub) {
    ADD_FAILURE() << "malformed case";
    return false;
  }
  GroupContext ctx;
  ctx.cipher_suite = static_cast<uint16_t>(suite.id);
  ctx.group_id = Hex(v.at("group_id"));
  ctx.epoch = v.at("epoch").get<uint64_t>();
  ctx.tree_hash = Hex(v.at("tree_hash"));
  ctx.confirmed_transcript_hash = Hex(v.at("confirmed_transcript_hash"));
  auto encoded = ctx.Encode();
  if (!encoded) return false;
  const crypto::Ed25519PublicKey signer = *pub;
  Case k{&suite,
         std::move(ctx),
         std::move(*encoded),
         std::move(*enc),
         std::move(*sds),
         std::move(*mk),
         crypto::Ed25519KeyPair::FromSeed(*seed),
         [signer](const FramedContent& c) -> Result<crypto::Ed25519PublicKey> {
           if (c.sender.sender_type != SenderType::kMember) return Fail(Errc::kUnknownExternalSender);
           if (c.sender.index != kSenderLeaf) return Fail(Errc::kBlankLeaf);
           return signer;
         }};
  bool ok = Same(k.key.public_key().span(), signer.span(), "signature_pub");
  ok &= CheckOne(k, v, "proposal", ContentType::kProposal);
  ok &= CheckOne(k, v, "commit", ContentType::kCommit);
  ok &= CheckOne(k, v, "application", ContentType::kApplication);
  return ok;
}

TEST(MlsVectors, MessageProtection) {
  testing::RunSuiteCases("message-protection.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
