// errors.h: mls::Errc, every error of the MLS core (RFC 9420).
//
// Each "MUST reject" of RFC 9420 gets a code of its own, so a refusal names the rule it enforces
// (the comment cites the section). Codec errors mean "drop this message"; they never change state.
// Append only; never renumber.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::mls {

enum class Errc : uint16_t {
  // Codec (RFC 9420 §2.1).
  kTruncated = 1,            // a read ran past the end of its input or vector
  kTrailingData = 2,         // a decoder finished with bytes left over
  kInvalidVarintPrefix = 3,  // a variable-length integer starts with 0b11 (§2.1.2)
  kNonMinimalVarint = 4,     // a variable-length integer is not in its shortest form (§2.1.2)
  kVectorTooLong = 5,        // a vector is longer than limits.h allows (kMaxVectorLength)
  kInvalidOptional = 6,      // an optional<T>'s presence octet is neither 0 nor 1 (§2.1.1)
  kValueTooLarge = 7,        // the writer was given a length or value its encoding cannot hold
  // Cipher suites and crypto (§5).
  kUnsupportedCipherSuite = 8,  // a cipher suite other than 0x0001 and 0x0003
  kInvalidLength = 9,           // a derivation asked for more output than the KDF gives, or a wrong key size
  kBadSignature = 10,           // VerifyWithLabel failed (§5.1.2)
  kInvalidKey = 11,             // a public or private key of the wrong size or form
  kDecryptFailed = 12,          // DecryptWithLabel or an AEAD did not authenticate (§5.1.3)
  // Trees (Appendix C, §9).
  kTreeTooLarge = 13,           // a tree has more leaves than kMaxLeaves
  kInvalidLeafIndex = 14,       // a leaf index outside the tree
  kGenerationTooFarAhead = 15,  // a ratchet would advance more than kMaxForwardRatchet (§9.4)
  kGenerationConsumed = 16,     // a generation whose key was used or deleted (§9.2, forward secrecy)
  kGenerationExhausted = 17,    // a ratchet's generation would pass UINT32_MAX
  kTreeNotPerfect = 18,         // a leaf count that is not a power of two (§4.2: 2^d leaves)
  // Group state (§8).
  kUnsupportedVersion = 19,  // a ProtocolVersion other than mls10 (§6)
  kInvalidPsk = 20,          // a PreSharedKeyID with a reserved type or usage, or over 65,535 PSKs (§8.4)
  // Framing and message protection (§6).
  kInvalidWireFormat = 21,          // a WireFormat reserved, unknown, or not the one expected (§6, §17.2)
  kInvalidContentType = 22,         // a ContentType that is reserved or unknown (§6)
  kInvalidSenderType = 23,          // a SenderType that is reserved or unknown (§6)
  kUnsupportedProposalType = 24,    // a ProposalType this core cannot decode (§12.1; not self-delimiting)
  kInvalidProposalOrRef = 25,       // a ProposalOrRefType that is reserved or unknown (§12.4)
  kUnsupportedCredentialType = 26,  // a CredentialType other than basic and x509 (§5.3; not self-delimiting)
  kInvalidLeafNodeSource = 27,      // a LeafNodeSource that is reserved or unknown (§7.2)
  kBadMembershipTag = 28,           // a PublicMessage's membership_tag does not verify (§6.2)
  kBadConfirmationTag = 29,         // a Commit's confirmation_tag does not verify (§6.1, §8.2)
  kNonZeroPadding = 30,             // a PrivateMessageContent's padding holds a non-zero byte (§6.3.1)
  kSenderNotMember = 31,            // a PrivateMessage whose sender is not a member (§6.3.2)
  kBlankLeaf = 32,                  // a sender's leaf index names a blank leaf (§6.3.2)
  kUnknownExternalSender = 33,      // an external sender_index not in external_senders (§6.1, §12.1.8.1)
  kPublicApplicationMessage = 34,   // application data in a PublicMessage (§6: MUST use PrivateMessage)
  kContentTypeNotAllowed = 35,      // a content or proposal type its sender type may not send (§6.1)
  kWrongGroup = 36,                 // a message for another group_id (§6)
  kEpochInPast = 37,                // a message from an earlier epoch than the group's (§6)
  kEpochInFuture = 38,              // a message from a later epoch than the group's (§6)
  // Ratchet tree, tree validation and TreeKEM (§7, §12.4.3.1).
  kInvalidNodeType = 39,         // a NodeType that is reserved or unknown (§7.8, §12.4.3.3)
  kTreeTrailingBlank = 40,       // a ratchet_tree that is empty or ends with a blank node (§12.4.3.3)
  kNodeTypeMismatch = 41,        // a ParentNode at a leaf position or a LeafNode at a parent position (§4.2)
  kUnmergedLeavesUnsorted = 42,  // unmerged_leaves not in strictly increasing order (§7.1)
  kInvalidUnmergedLeaf = 43,     // an unmerged leaf blank, outside its node or skipped between (§12.4.3.1)
  kTreeHashMismatch = 44,        // a ratchet tree whose root hash is not the one expected (§7.8, §12.4.3.1)
  kParentHashInvalid = 45,   // a non-blank parent node not parent-hash valid by exactly one chain (§7.9.2)
  kParentHashMismatch = 46,  // a committer's leaf parent_hash other than the one its path gives (§7.9.2)
  kDuplicateEncryptionKey = 47,  // an encryption_key that appears in two nodes of a tree (§7.3, §12.4.3.1)
  kDuplicateSignatureKey = 48,   // a signature_key that appears in two leaves of a tree (§7.3)
  kLeafNodeSourceMismatch = 49,  // a leaf_node_source other than the one its place requires (§7.3)
  kExtensionNotInCapabilities = 50,   // a LeafNode extension its own capabilities do not list (§7.2)
  kCredentialNotInCapabilities = 51,  // a LeafNode credential type its own capabilities do not list (§7.2)
  kUpdatePathLengthMismatch = 52,  // an UpdatePath whose nodes do not match the filtered direct path (§7.6)
  kCiphertextCountMismatch = 53,   // encrypted_path_secret not one per node of the copath resolution (§7.6)
  kPathKeyMismatch = 54,      // a public key derived from a path secret differs from the UpdatePath's (§7.5)
  kNoPathDecryptionKey = 55,  // no private key of ours in the resolution an UpdatePath encrypts to (§7.5)
  kPrivateKeyMismatch = 56,   // a private tree key whose public key is not the tree's at that node (§7.4)
  kEncryptionKeyNotFresh = 57,   // an Update or commit leaf that keeps the encryption_key it replaces (§7.3)
  kKeyPackageMismatch = 58,      // a KeyPackage whose version or cipher suite is not the group's (§10.1)
  kInitKeyIsEncryptionKey = 59,  // a KeyPackage whose init_key equals its leaf's encryption_key (§10.1)
  // Group state (RFC 9420 §11-§12).
  kNoMatchingKeyPackage = 60,  // a Welcome with no EncryptedGroupSecrets for our KeyPackageRef (§12.4.3.1)
  kWelcomeMismatch = 61,       // a Welcome whose cipher suite or GroupInfo disagrees with the KeyPackage or
                               // GroupSecrets (§12.4.3.1)
  kMissingRatchetTree =
      62,  // a Welcome whose GroupInfo carries no ratchet_tree and none was given (§12.4.3.3)
  kUnknownProposalRef =
      63,  // a Commit references a proposal this member has not received in the epoch (§12.4.2)
  kCommitterUpdate = 64,      // a Commit that covers an Update proposed by its own committer (§12.2)
  kCommitterRemoved = 65,     // a Commit that removes its own committer (§12.2)
  kDuplicateLeafChange = 66,  // a Commit with two Update and/or Remove proposals for one leaf (§12.2)
  kDuplicateAdd = 67,         // an Add of a client already in the group or added twice by one Commit (§12.2)
  kDuplicatePsk = 68,         // a Commit with two PreSharedKey proposals for one PreSharedKeyID (§12.2)
  kMultipleGroupContextExtensions =
      69,                        // a Commit with more than one GroupContextExtensions proposal (§12.2)
  kReInitNotAlone = 70,          // a Commit with a ReInit proposal beside other proposals (§12.2)
  kExternalInitFromMember = 71,  // an ExternalInit proposal in a member's Commit (§12.2)
  kUnsupportedByMember = 72,  // a proposal, extension or credential type a member's capabilities do not list,
                              // or required_capabilities unmet (§11.1, §12.1)
  kPathRequired = 73,         // a Commit without a path where §12.4 requires one (empty, Update, Remove,
                              // ExternalInit, GroupContextExtensions)
  kInvalidProposal = 74,  // a proposal invalid on its own (§12.1): an Update from a non-member, a Remove of a
                          // blank leaf, a ReInit downgrade
  kCommitRefused = 75,    // the application's acceptance hook refused a Commit; the group stays in its epoch
  kLifetimeExpired = 76,  // a KeyPackage leaf whose lifetime does not cover the current time (§7.3)
  kUnknownPsk = 77,       // a PreSharedKey proposal or GroupSecrets psk this member does not hold (§8.4)
  kNotMember = 78,        // an operation on a group this member has been removed from (§12.4.2)
  kOwnCommit = 79,  // a member's own Commit handed to ProcessCommit: it merges its pending commit instead
  kUnsupportedProposal =
      80,  // a proposal type this profile does not carry out (ReInit, ExternalInit, resumption PSKs)
  kWrongSender = 81,  // a handshake message whose sender type or index this group does not accept (§6, §12.1)
  kNoPendingCommit = 82,   // MergePendingCommit without a Commit made in this epoch
  kTooManyProposals = 83,  // a proposal past kMaxCachedProposals in one epoch
  kInvalidIdentity = 84,   // a basic credential identity not of the securecomm/1 form (docs/protocol/mls.md)
};

std::string_view ErrcName(Errc e) noexcept;

}  // namespace sc::mls

SC_DEFINE_ERROR_ENUM(sc::mls::Errc, sc::ErrorDomain::kMls, sc::mls::ErrcName);
