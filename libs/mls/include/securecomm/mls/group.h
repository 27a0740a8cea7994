// group.h: the sans-I/O state of one member of an MLS group (RFC 9420 §8-§12): the epoch, its
// GroupContext, the ratchet tree, this member's leaf and private tree keys, the epoch secrets
// and secret tree, the transcript hashes, and the proposals received in the epoch (by
// ProposalRef). Messages come in and go out as MLSMessage values; nothing here does I/O, reads
// a clock or draws randomness of its own (Random& and `now` are injected).
//
//   auto alice = Group::Create(suite, group_id, alice_leaf, alice_keys, {}, rng);
//   auto out = alice->Commit({.proposals = {Proposal::Add(bob_kp)}}, now, rng);
//   alice->MergePendingCommit();                           // once the DS accepted out->message
//   auto bob = Group::Join(*welcome, bob_kp, bob_keys, /*tree=*/nullptr, psks);
//   auto msg = alice->Protect(data, {}, rng);               // application data, PrivateMessage
//   Result<Received> in = bob->Handle(*msg, now);           // proposals, commits, application data
//
// Handling a Commit (§12.4.2) works on copies of the tree, keys and context and builds the next
// epoch's state beside the current one: the group changes only if every check passed (clone,
// try, commit). The checks, each with its own code:
//   wrong group / past / future epoch       kWrongGroup, kEpochInPast, kEpochInFuture
//   membership tag, signature, sender       kBadMembershipTag, kBadSignature, kBlankLeaf, kWrongSender
//   our own Commit                          kOwnCommit (MergePendingCommit applies it)
//   a reference not received this epoch     kUnknownProposalRef
//   proposal list (§12.2)                   kCommitterUpdate, kCommitterRemoved, kDuplicateLeafChange,
//                                           kDuplicateAdd, kDuplicatePsk, kMultipleGroupContextExtensions,
//                                           kReInitNotAlone, kExternalInitFromMember, kInvalidProposal
//   proposals (§12.1, §7.3, §10.1)          KeyPackage/LeafNode codes, kLifetimeExpired,
//                                           kUnsupportedByMember, kEncryptionKeyNotFresh,
//                                           kDuplicateEncryptionKey, kDuplicateSignatureKey
//   PSKs (§8.4)                             kUnknownPsk, kInvalidPsk
//   path (§12.4.2)                          kPathRequired, then ProcessUpdatePath's codes
//   the application's hook                  kCommitRefused
//   confirmation tag (§6.1)                 kBadConfirmationTag
// ReInit and ExternalInit are not carried out by this profile (kUnsupportedProposal,
// kExternalInitFromMember); only member senders are accepted (kWrongSender otherwise).
//
// A Commit that removes this member ends its membership: Handle returns Received{removed=true}
// and every later call returns kNotMember (the old epoch's secrets are dropped). A message from a
// member removed in an earlier epoch names a blank leaf (kBlankLeaf) or a leaf past the tree
// (kInvalidLeafIndex); a message of an older epoch is kEpochInPast (this core keeps no old
// epochs), of a later one kEpochInFuture.
//
// Not thread safe. Move-only; secrets wipe themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/framing.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/key_package.h"
#include "securecomm/mls/key_schedule.h"
#include "securecomm/mls/leaf_node.h"
#include "securecomm/mls/message_protection.h"
#include "securecomm/mls/proposal.h"
#include "securecomm/mls/ratchet_tree.h"
#include "securecomm/mls/secret_tree.h"
#include "securecomm/mls/treekem.h"
#include "securecomm/mls/welcome.h"

namespace sc::mls {

// MemberKeys: a member's private keys for one leaf: its signature key (the device identity key,
// docs/protocol/mls.md) and its leaf's HPKE key.
struct MemberKeys {
  crypto::Ed25519KeyPair signer;
  crypto::X25519KeyPair leaf_key;
};

// ExternalPsks: external PSKs by psk_id, shared read-only between epochs.
using ExternalPsks = std::map<std::vector<uint8_t>, SecretBytes>;

// ProposalWithSender: a proposal a Commit covers, with the leaf that proposed it (the committer
// for proposals by value).
struct ProposalWithSender {
  Proposal proposal;
  LeafIndex sender;
};

// CommitSummary: what the acceptance hook sees of a Commit before it is applied.
struct CommitSummary {
  LeafIndex committer;
  std::span<const ProposalWithSender> proposals;
  bool has_path = false;
};

class Group;
namespace internal {
struct GroupTestAccess;  // tests only: sends hand-made Commits that our own Commit() would refuse
}  // namespace internal

// AcceptanceHook: the application's rules (§12.2 "An application may extend the above
// procedure"): an error refuses the Commit, which then fails with kCommitRefused and leaves the
// group in its epoch. It sees the group as it is before the Commit.
using AcceptanceHook = std::function<Status(const Group& group, const CommitSummary& commit)>;

// Received: the outcome of Handle.
struct Received {
  ContentType content_type = ContentType::kApplication;
  LeafIndex sender;
  SecretBytes application_data;  // kApplication
  std::vector<uint8_t> authenticated_data;
  bool removed = false;  // kCommit: this member was removed; the group is finished
};

struct CommitOptions {
  std::vector<Proposal> proposals;  // by value, besides every proposal received this epoch
  bool force_path = true;           // include a path even where §12.4 allows leaving it out
};

struct CreatedCommit {
  MlsMessage message;                 // a PublicMessage
  std::optional<MlsMessage> welcome;  // when the Commit adds members
  GroupInfo group_info;               // the new epoch's, with the ratchet_tree extension
};

class Group {
 public:
  // Create starts a group of one (§11): epoch 0, `leaf` (source key_package, the creator's own
  // KeyPackage leaf) at leaf 0, a random init_secret. Errors: kUnsupportedCipherSuite,
  // ValidateLeafNode's codes, kPrivateKeyMismatch (keys.leaf_key is not the leaf's).
  [[nodiscard]] static Result<Group> Create(const CipherSuite& suite, std::vector<uint8_t> group_id,
                                            LeafNode leaf, MemberKeys keys, std::vector<Extension> extensions,
                                            Random& rng);

  // Join enters a group from a Welcome (§12.4.3.1) with the KeyPackage it answers, that
  // KeyPackage's init key pair, and the tree when the GroupInfo carries none. Errors:
  // kNoMatchingKeyPackage, kWelcomeMismatch, kMissingRatchetTree, kUnknownPsk, kBadSignature,
  // ValidateTree's codes, kPrivateKeyMismatch (our leaf is not in the tree), kPathKeyMismatch,
  // kBadConfirmationTag, decryption and codec errors.
  [[nodiscard]] static Result<Group> Join(const Welcome& welcome, const KeyPackage& key_package,
                                          const crypto::X25519KeyPair& init_key, MemberKeys keys,
                                          const RatchetTree* tree, std::shared_ptr<const ExternalPsks> psks);

  Group(Group&&) noexcept;
  Group& operator=(Group&&) noexcept;
  ~Group();

  // ---- State -----------------------------------------------------------------------------
  const CipherSuite& suite() const noexcept { return *suite_; }
  const GroupContext& context() const noexcept { return ctx_; }
  uint64_t epoch() const noexcept { return ctx_.epoch; }
  const RatchetTree& tree() const noexcept { return tree_; }
  LeafIndex own_leaf() const noexcept { return me_; }
  bool removed() const noexcept { return removed_; }
  const Secret& epoch_authenticator() const noexcept { return secrets_.epoch_authenticator; }
  size_t cached_proposals() const noexcept { return proposals_.size(); }
  // Export returns MLS-Exporter(label, context, length) of the epoch (§8.5).
  [[nodiscard]] Result<SecretBytes> Export(std::string_view label, std::span<const uint8_t> context,
                                           size_t length) const;

  void SetAcceptanceHook(AcceptanceHook hook) { hook_ = std::move(hook); }
  void SetExternalPsks(std::shared_ptr<const ExternalPsks> psks) { psks_ = std::move(psks); }

  // ---- Sending ---------------------------------------------------------------------------
  // Propose* return a PublicMessage proposal and cache it (a later Commit of ours covers it).
  [[nodiscard]] Result<MlsMessage> ProposeAdd(KeyPackage key_package, Random& rng);
  [[nodiscard]] Result<MlsMessage> ProposeRemove(LeafIndex leaf, Random& rng);
  // ProposeUpdate gives our leaf a fresh HPKE key; its private key is kept until a Commit covers it.
  [[nodiscard]] Result<MlsMessage> ProposeUpdate(Random& rng);

  // Commit covers every cached proposal and `options.proposals` (§12.4), makes the path, the
  // Welcome for added members and the new GroupInfo. The new epoch waits as the pending commit:
  // MergePendingCommit moves to it (after the DS accepted the message), ClearPendingCommit drops
  // it. The same proposal-list checks as for a received Commit apply (our hook too).
  [[nodiscard]] Result<CreatedCommit> Commit(CommitOptions options, uint64_t now, Random& rng);
  [[nodiscard]] Status MergePendingCommit();
  void ClearPendingCommit() { pending_.reset(); }
  bool has_pending_commit() const noexcept { return pending_ != nullptr; }

  // Protect returns application data as a PrivateMessage of this epoch (§6.3).
  [[nodiscard]] Result<MlsMessage> Protect(std::span<const uint8_t> data, std::span<const uint8_t> aad,
                                           Random& rng, size_t padding = 0);

  // ---- Receiving -------------------------------------------------------------------------
  // Handle unprotects a PublicMessage or PrivateMessage of this group and acts on it: caches a
  // proposal, applies a Commit (the group moves to the next epoch) or returns application data.
  // `now` (Unix seconds) checks the lifetimes of added KeyPackages.
  [[nodiscard]] Result<Received> Handle(const MlsMessage& message, uint64_t now);

 private:
  friend struct internal::GroupTestAccess;
  struct CachedProposal {
    Proposal proposal;
    LeafIndex sender;
    std::optional<crypto::X25519KeyPair> update_key;  // our own Update's new leaf key
  };
  struct Applied;  // group.cc: a proposal list applied to a copy of the tree

  Group(const CipherSuite& suite, GroupContext ctx, RatchetTree tree, LeafIndex me, MemberKeys keys,
        TreeKemPrivate tree_keys, EpochSecrets secrets, std::vector<uint8_t> interim);

  [[nodiscard]] Status CheckMember() const;
  // Epoch returns what message protection uses of this epoch; Header a FramedContent from us.
  ProtectionEpoch Epoch();
  FramedContent Header() const;
  // Provisional returns the provisional GroupContext of a Commit with `extensions` (§12.4.2).
  GroupContext Provisional(std::vector<Extension> extensions) const;
  [[nodiscard]] Result<AuthenticatedContent> Unprotect(const MlsMessage& message);
  [[nodiscard]] Result<MlsMessage> SendProposal(Proposal proposal, std::optional<crypto::X25519KeyPair> key,
                                                Random& rng);
  [[nodiscard]] Result<Applied> ApplyProposals(std::vector<ProposalWithSender> list,
                                               std::vector<std::optional<crypto::X25519KeyPair>> update_keys,
                                               LeafIndex committer, bool has_path, uint64_t now) const;
  [[nodiscard]] Result<Group> NextEpoch(Applied applied, AuthenticatedContent& commit,
                                        const Secret& commit_secret, TreeKemPrivate tree_keys,
                                        bool verify_tag, Secret* joiner_out, Secret* welcome_out) const;
  [[nodiscard]] Result<Received> ProcessCommit(AuthenticatedContent commit, uint64_t now);
  [[nodiscard]] Result<crypto::Ed25519PublicKey> SenderKey(const FramedContent& content) const;

  const CipherSuite* suite_;
  GroupContext ctx_;
  std::vector<uint8_t> encoded_ctx_;
  RatchetTree tree_;
  LeafIndex me_;
  MemberKeys keys_;
  TreeKemPrivate tree_keys_;
  EpochSecrets secrets_;
  std::unique_ptr<SecretTree> secret_tree_;
  std::vector<uint8_t> interim_;
  std::map<std::vector<uint8_t>, CachedProposal> proposals_;  // by ProposalRef
  std::map<uint64_t, Secret> resumption_psks_;                // by epoch, the last kMaxResumptionEpochs
  std::shared_ptr<const ExternalPsks> psks_;
  AcceptanceHook hook_;
  std::unique_ptr<Group> pending_;
  bool removed_ = false;
};

}  // namespace sc::mls
