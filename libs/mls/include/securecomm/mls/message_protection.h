// message_protection.h: signing and protecting MLS messages (RFC 9420 §6.1-§6.3), sans-I/O.
//
// A sender builds a FramedContent, signs it into an AuthenticatedContent (SignWithLabel
// "FramedContentTBS" over FramedContentTBS, which binds the wire format and, for member and
// new_member_commit senders, the epoch's GroupContext), sets a Commit's confirmation_tag (the
// group does that: it needs the new epoch's transcript hash), then protects it:
//
//   - as a PublicMessage: a member sender adds membership_tag = MAC(membership_key,
//     AuthenticatedContentTBM), AuthenticatedContentTBM = FramedContentTBS || FramedContentAuthData;
//     application data is refused (kPublicApplicationMessage: §6 "MUST use PrivateMessage");
//   - as a PrivateMessage: the content key and nonce of the sender's next generation in its
//     application (application data) or handshake (proposal, commit) ratchet, the nonce's first
//     four bytes XORed with a fresh reuse_guard (§6.3.1); the plaintext is PrivateMessageContent
//     with `padding` zero bytes, the AAD PrivateContentAAD; the SenderData is sealed with the key
//     and nonce that sender_data_secret and the ciphertext's first Nh bytes give (§6.3.2), AAD
//     SenderDataAAD. Only members send PrivateMessages (kSenderNotMember).
//
//   ProtectionEpoch epoch{&suite, &ctx, encoded_ctx, &secrets.membership_key,
//                         &secrets.sender_data_secret, &secret_tree};
//   auto ac = SignContent(WireFormat::kPrivateMessage, std::move(content), encoded_ctx, my_key);
//   Result<PrivateMessage> m = ProtectPrivate(*ac, epoch, rng, /*padding=*/0);
//   Result<AuthenticatedContent> in = UnprotectPrivate(*m, epoch, lookup);    // receiver
//
// A receiver's checks, in order, each with its own code: the group_id (kWrongGroup) and epoch
// (kEpochInPast, kEpochInFuture) of the message; PublicMessage: the content type its sender type
// may send (§6.1: kPublicApplicationMessage, kContentTypeNotAllowed), the membership tag of a
// member sender (kBadMembershipTag); PrivateMessage: the SenderData decrypts (kDecryptFailed) and
// decodes exactly (codec errors), its leaf index is inside the tree (kInvalidLeafIndex) and not
// blank (the lookup's kBlankLeaf), the generation is one the ratchet still serves
// (kGenerationConsumed, kGenerationTooFarAhead), the content decrypts (kDecryptFailed), decodes
// and its padding is zero (kNonZeroPadding); then the signature under the key the lookup gives
// (kBadSignature). A Commit's confirmation_tag is verified by the group once it has the new
// epoch's confirmation key (transcript_hash.h: VerifyConfirmationTag).
//
// Generations: a PrivateMessage that fails after its generation was taken from the ratchet
// (content AEAD, padding, signature) has used that generation up (forward secrecy, §9.2): only a
// member holding sender_data_secret can cause that. Not thread safe: the SecretTree is mutated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/framing.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/kdf.h"
#include "securecomm/mls/secret_tree.h"

namespace sc::mls {

// ProtectionEpoch: what message protection uses of the current epoch. Borrowed: every pointer
// must outlive the call; `encoded_context` is context->Encode(), made once per epoch.
struct ProtectionEpoch {
  const CipherSuite* suite = nullptr;
  const GroupContext* context = nullptr;
  std::span<const uint8_t> encoded_context;
  const Secret* membership_key = nullptr;
  const Secret* sender_data_secret = nullptr;
  SecretTree* secret_tree = nullptr;  // PrivateMessage only
};

// SignatureKeyLookup returns the key that must have signed `content` (§6.1): a member's from its
// leaf (kInvalidLeafIndex outside the tree, kBlankLeaf for a blank leaf), an external sender's
// from the external_senders extension (kUnknownExternalSender), a new member's from the
// KeyPackage of its Add or the LeafNode of its Commit's path. The group supplies it.
using SignatureKeyLookup = std::function<Result<crypto::Ed25519PublicKey>(const FramedContent& content)>;

// SignContent returns `content` as an AuthenticatedContent of `wire_format` with its signature
// (auth.confirmation_tag is left empty). `encoded_context` is bound for member and
// new_member_commit senders and ignored otherwise.
[[nodiscard]] Result<AuthenticatedContent> SignContent(WireFormat wire_format, FramedContent content,
                                                       std::span<const uint8_t> encoded_context,
                                                       const crypto::Ed25519KeyPair& key);

// VerifyContentSignature checks auth.signature of `ac` under `key` (kBadSignature).
[[nodiscard]] Status VerifyContentSignature(const AuthenticatedContent& ac,
                                            std::span<const uint8_t> encoded_context,
                                            const crypto::Ed25519PublicKey& key);

// CheckSenderContent checks that `content`'s sender type may send its content in `wire_format`
// (§6, §6.1): kPublicApplicationMessage, kContentTypeNotAllowed, kSenderNotMember.
[[nodiscard]] Status CheckSenderContent(WireFormat wire_format, const FramedContent& content);

[[nodiscard]] Result<PublicMessage> ProtectPublic(const AuthenticatedContent& ac,
                                                  const ProtectionEpoch& epoch);
[[nodiscard]] Result<AuthenticatedContent> UnprotectPublic(const PublicMessage& m,
                                                           const ProtectionEpoch& epoch,
                                                           const SignatureKeyLookup& lookup);

// ProtectPrivate draws the reuse guard from `rng` and appends `padding` zero bytes.
[[nodiscard]] Result<PrivateMessage> ProtectPrivate(const AuthenticatedContent& ac,
                                                    const ProtectionEpoch& epoch, Random& rng,
                                                    size_t padding);
[[nodiscard]] Result<AuthenticatedContent> UnprotectPrivate(const PrivateMessage& m,
                                                            const ProtectionEpoch& epoch,
                                                            const SignatureKeyLookup& lookup);

}  // namespace sc::mls
