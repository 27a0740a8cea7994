// RFC 9420 §11 (group creation), §12.1-§12.4 (proposals, commits, Welcome), §6 (messages).
#include "securecomm/mls/group.h"

#include <algorithm>
#include <set>

#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"
#include "securecomm/mls/message_protection.h"
#include "securecomm/mls/psk.h"
#include "securecomm/mls/transcript_hash.h"
#include "securecomm/mls/tree_validation.h"

namespace sc::mls {
namespace {

constexpr std::string_view kProposalRefLabel = "MLS 1.0 Proposal Reference";

Result<std::vector<uint8_t>> ProposalRefOf(const AuthenticatedContent& ac) {
  auto bytes = EncodeToBytes(ac);
  if (!bytes) return Fail(bytes.error());
  auto ref = RefHash(kProposalRefLabel, *bytes);
  if (!ref) return Fail(ref.error());
  return std::vector<uint8_t>(ref->span().begin(), ref->span().end());
}

bool Lists(const std::vector<uint16_t>& v, uint16_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The extension types of RFC 9420 §17.3 every client supports (§7.2: not listed in capabilities).
bool IsDefaultExtension(uint16_t t) {
  return t >= kExtensionApplicationId && t <= kExtensionExternalSenders;
}

// ReadU16List reads a uint16 list<V> (required_capabilities' fields).
Result<std::vector<uint16_t>> ReadU16List(Reader& r) {
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  std::vector<uint16_t> out;
  while (!body->empty()) {
    auto v = body->ReadU16();
    if (!v) return Fail(v.error());
    out.push_back(*v);
  }
  return out;
}

// LeafSupportsGroup checks that `leaf` supports the group's extensions, its
// required_capabilities (§11.1), and that its credential type and the other members' are
// supported both ways (§7.3). kUnsupportedByMember.
Status LeafSupportsGroup(const LeafNode& leaf, std::span<const Extension> extensions,
                         const RatchetTree& tree) {
  const Capabilities& caps = leaf.capabilities;
  for (const Extension& e : extensions) {
    if (!IsDefaultExtension(e.extension_type) && !Lists(caps.extensions, e.extension_type))
      return Fail(Errc::kUnsupportedByMember);
  }
  if (const Extension* req = FindExtension(extensions, kExtensionRequiredCapabilities)) {
    Reader r(req->extension_data);
    auto ext = ReadU16List(r);
    auto props = ext ? ReadU16List(r) : ext;
    auto creds = props ? ReadU16List(r) : props;
    if (!creds) return Fail(creds.error());
    for (uint16_t t : *ext) {
      if (!IsDefaultExtension(t) && !Lists(caps.extensions, t)) return Fail(Errc::kUnsupportedByMember);
    }
    for (uint16_t t : *props) {
      if (t > static_cast<uint16_t>(ProposalType::kGroupContextExtensions) && !Lists(caps.proposals, t))
        return Fail(Errc::kUnsupportedByMember);
    }
    for (uint16_t t : *creds) {
      if (!Lists(caps.credentials, t)) return Fail(Errc::kUnsupportedByMember);
    }
  }
  const auto own_type = static_cast<uint16_t>(leaf.credential.credential_type);
  for (uint32_t i = 0; i < tree.leaf_count().value; ++i) {
    const LeafNode* other = tree.leaf_node(LeafIndex{i});
    if (other == nullptr) continue;
    if (!Lists(caps.credentials, static_cast<uint16_t>(other->credential.credential_type)) ||
        !Lists(other->capabilities.credentials, own_type))
      return Fail(Errc::kUnsupportedByMember);
  }
  return OkStatus();
}

bool IsMember(const RatchetTree& tree, LeafIndex leaf) {
  return tree.leaf_node(leaf) != nullptr;
}

std::vector<uint8_t> ToVector(const crypto::Sha256Digest& d) {
  return {d.span().begin(), d.span().end()};
}

}  // namespace

// Applied: a proposal list checked and applied to a copy of the tree and extensions (§12.3).
struct Group::Applied {
  std::vector<ProposalWithSender> list;
  RatchetTree tree;
  std::vector<Extension> extensions;
  std::vector<LeafIndex> added;
  std::vector<KeyPackage> added_key_packages;
  std::vector<PskInput> psks;
  bool removes_me = false;
  std::optional<TreeKemPrivate> keys;  // ours on the new tree (unset if removed)
};

Group::Group(const CipherSuite& suite, GroupContext ctx, RatchetTree tree, LeafIndex me, MemberKeys keys,
             TreeKemPrivate tree_keys, EpochSecrets secrets, std::vector<uint8_t> interim)
    : suite_(&suite),
      ctx_(std::move(ctx)),
      tree_(std::move(tree)),
      me_(me),
      keys_(std::move(keys)),
      tree_keys_(std::move(tree_keys)),
      secrets_(std::move(secrets)),
      interim_(std::move(interim)) {
  encoded_ctx_ = ctx_.Encode().value_or(std::vector<uint8_t>{});
  secret_tree_ = std::make_unique<SecretTree>(suite, secrets_.encryption_secret.Clone(), tree_.leaf_count());
  resumption_psks_.emplace(ctx_.epoch, secrets_.resumption_psk.Clone());
}

Group::Group(Group&&) noexcept = default;
Group& Group::operator=(Group&&) noexcept = default;
Group::~Group() = default;

// ---- Creating and joining ---------------------------------------------------------------------

Result<Group> Group::Create(const CipherSuite& suite, std::vector<uint8_t> group_id, LeafNode leaf,
                            MemberKeys keys, std::vector<Extension> extensions, Random& rng) {
  if (auto s = ValidateLeafNode(leaf, group_id, LeafIndex{0}); !s) return Fail(s.error());
  if (FromX25519(keys.leaf_key.public_key) != leaf.encryption_key) return Fail(Errc::kPrivateKeyMismatch);
  if (auto s = LeafSupportsGroup(leaf, extensions, RatchetTree(leaf)); !s) return Fail(s.error());
  RatchetTree tree(std::move(leaf));
  auto hash = tree.TreeHash();
  if (!hash) return Fail(hash.error());
  GroupContext ctx{
      kProtocolVersionMls10, static_cast<uint16_t>(suite.id), std::move(group_id), 0, ToVector(*hash), {},
      std::move(extensions)};
  auto encoded = ctx.Encode();
  if (!encoded) return Fail(encoded.error());
  // §11: a fresh init_secret; commit_secret and psk_secret zero; the confirmation tag over an
  // empty confirmed transcript hash seeds the interim transcript hash.
  Secret init;
  rng.Fill(init.MutableExpose());
  auto ks = KeyScheduleEpoch::FromInitSecret(init, ZeroSecret(), ZeroSecret(), *encoded);
  if (!ks) return Fail(ks.error());
  const crypto::HmacSha256Tag tag = ConfirmationTag(ks->secrets.confirmation_key, {});
  auto interim = InterimTranscriptHash({}, tag.span());
  if (!interim) return Fail(interim.error());
  TreeKemPrivate tree_keys(LeafIndex{0}, keys.leaf_key.Clone());
  return Group(suite, std::move(ctx), std::move(tree), LeafIndex{0}, std::move(keys), std::move(tree_keys),
               std::move(ks->secrets), std::move(*interim));
}

Result<Group> Group::Join(const Welcome& welcome, const KeyPackage& key_package,
                          const crypto::X25519KeyPair& init_key, MemberKeys keys,
                          const RatchetTree* given_tree, std::shared_ptr<const ExternalPsks> psks) {
  auto suite_or = CipherSuite::Find(welcome.cipher_suite);
  if (!suite_or) return Fail(suite_or.error());
  const CipherSuite& suite = **suite_or;
  if (key_package.cipher_suite != welcome.cipher_suite) return Fail(Errc::kWelcomeMismatch);
  if (FromX25519(keys.leaf_key.public_key) != key_package.leaf_node.encryption_key)
    return Fail(Errc::kPrivateKeyMismatch);
  auto ref = key_package.Ref();
  if (!ref) return Fail(ref.error());
  auto secrets = welcome.DecryptSecrets(suite, ref->span(), init_key);
  if (!secrets) return Fail(secrets.error());

  // PSKs (§8.4): only external ones can be known to a new member.
  std::vector<PskInput> inputs;
  for (const PreSharedKeyId& id : secrets->psks) {
    if (id.psktype != PskType::kExternal || !psks) return Fail(Errc::kUnknownPsk);
    auto it = psks->find(id.psk_id);
    if (it == psks->end()) return Fail(Errc::kUnknownPsk);
    inputs.push_back(PskInput{id, it->second.Clone()});
  }
  auto psk_secret = ComputePskSecret(inputs);
  if (!psk_secret) return Fail(psk_secret.error());

  auto gi = DecryptGroupInfo(suite, WelcomeSecret(secrets->joiner_secret, *psk_secret),
                             welcome.encrypted_group_info);
  if (!gi) return Fail(gi.error());
  if (gi->group_context.cipher_suite != welcome.cipher_suite) return Fail(Errc::kWelcomeMismatch);

  // The tree: the ratchet_tree extension, or the one given out of band (§12.4.3.3).
  std::optional<RatchetTree> tree;
  if (const Extension* ext = FindExtension(gi->extensions, kExtensionRatchetTree)) {
    auto decoded = RatchetTree::Decode(ext->extension_data);
    if (!decoded) return Fail(decoded.error());
    tree = std::move(*decoded);
  } else if (given_tree != nullptr) {
    tree = *given_tree;
  } else {
    return Fail(Errc::kMissingRatchetTree);
  }
  const LeafIndex signer{gi->signer};
  const LeafNode* signer_leaf = tree->leaf_node(signer);
  if (signer_leaf == nullptr) return Fail(Errc::kInvalidLeafIndex);
  auto signer_key = ToEd25519(signer_leaf->signature_key);
  if (!signer_key) return Fail(signer_key.error());
  if (auto s = gi->Verify(*signer_key); !s) return Fail(s.error());
  auto expected = crypto::Sha256Digest::FromSpan(gi->group_context.tree_hash);
  if (!expected) return Fail(Errc::kTreeHashMismatch);
  if (auto s = ValidateTree(*tree, gi->group_context.group_id, &*expected); !s) return Fail(s.error());

  // Our leaf: the one identical to our KeyPackage's (§12.4.3.1).
  std::optional<LeafIndex> me;
  for (uint32_t i = 0; i < tree->leaf_count().value; ++i) {
    const LeafNode* leaf = tree->leaf_node(LeafIndex{i});
    if (leaf != nullptr && *leaf == key_package.leaf_node) me = LeafIndex{i};
  }
  if (!me) return Fail(Errc::kNoMatchingKeyPackage);
  TreeKemPrivate tree_keys(*me, keys.leaf_key.Clone());
  if (secrets->path_secret) {
    const NodeIndex at = CommonAncestor(me->node(), signer.node());
    if (auto s = tree_keys.ImplantPathSecret(suite, *tree, signer, at, *secrets->path_secret); !s)
      return Fail(s.error());
  }

  auto encoded = gi->group_context.Encode();
  if (!encoded) return Fail(encoded.error());
  auto ks = KeyScheduleEpoch::FromJoinerSecret(secrets->joiner_secret.Clone(), *psk_secret, *encoded);
  if (!ks) return Fail(ks.error());
  if (auto s = VerifyConfirmationTag(ks->secrets.confirmation_key,
                                     gi->group_context.confirmed_transcript_hash, gi->confirmation_tag);
      !s)
    return Fail(s.error());
  auto interim = InterimTranscriptHash(gi->group_context.confirmed_transcript_hash, gi->confirmation_tag);
  if (!interim) return Fail(interim.error());
  Group g(suite, std::move(gi->group_context), std::move(*tree), *me, std::move(keys), std::move(tree_keys),
          std::move(ks->secrets), std::move(*interim));
  g.psks_ = std::move(psks);
  return g;
}

// ---- State -------------------------------------------------------------------------------------

Status Group::CheckMember() const {
  if (removed_) return Fail(Errc::kNotMember);
  return OkStatus();
}

Result<SecretBytes> Group::Export(std::string_view label, std::span<const uint8_t> context,
                                  size_t length) const {
  if (auto s = CheckMember(); !s) return Fail(s.error());
  return MlsExporter(secrets_.exporter_secret, label, context, length);
}

Result<crypto::Ed25519PublicKey> Group::SenderKey(const FramedContent& content) const {
  if (content.sender.sender_type != SenderType::kMember) return Fail(Errc::kWrongSender);
  const LeafIndex leaf{content.sender.index};
  if (leaf.value >= tree_.leaf_count().value) return Fail(Errc::kInvalidLeafIndex);
  const LeafNode* node = tree_.leaf_node(leaf);
  if (node == nullptr) return Fail(Errc::kBlankLeaf);
  return ToEd25519(node->signature_key);
}

Result<AuthenticatedContent> Group::Unprotect(const MlsMessage& message) {
  const ProtectionEpoch epoch = Epoch();
  const SignatureKeyLookup lookup = [this](const FramedContent& c) { return SenderKey(c); };
  switch (message.wire_format) {
    case WireFormat::kPublicMessage:
      return UnprotectPublic(message.public_message, epoch, lookup);
    case WireFormat::kPrivateMessage:
      return UnprotectPrivate(message.private_message, epoch, lookup);
    default:
      return Fail(Errc::kInvalidWireFormat);
  }
}

ProtectionEpoch Group::Epoch() {
  return ProtectionEpoch{suite_,
                         &ctx_,
                         encoded_ctx_,
                         &secrets_.membership_key,
                         &secrets_.sender_data_secret,
                         secret_tree_.get()};
}

GroupContext Group::Provisional(std::vector<Extension> extensions) const {
  // §12.4.2: the next epoch, the old confirmed transcript hash; the path fills in the tree hash.
  return GroupContext{ctx_.version,
                      ctx_.cipher_suite,
                      ctx_.group_id,
                      ctx_.epoch + 1,
                      {},
                      ctx_.confirmed_transcript_hash,
                      std::move(extensions)};
}

FramedContent Group::Header() const {
  FramedContent content;
  content.group_id = ctx_.group_id;
  content.epoch = ctx_.epoch;
  content.sender = Sender::Member(me_.value);
  return content;
}

// ---- Proposals ---------------------------------------------------------------------------------

Result<MlsMessage> Group::SendProposal(Proposal proposal, std::optional<crypto::X25519KeyPair> key,
                                       Random& rng) {
  if (auto s = CheckMember(); !s) return Fail(s.error());
  (void)rng;  // PublicMessages need no randomness; kept so a PrivateMessage option fits later
  FramedContent content = Header();
  content.content_type = ContentType::kProposal;
  content.proposal = proposal;
  auto ac = SignContent(WireFormat::kPublicMessage, std::move(content), encoded_ctx_, keys_.signer);
  if (!ac) return Fail(ac.error());
  const ProtectionEpoch epoch = Epoch();
  auto pub = ProtectPublic(*ac, epoch);
  if (!pub) return Fail(pub.error());
  auto ref = ProposalRefOf(*ac);
  if (!ref) return Fail(ref.error());
  if (proposals_.size() >= kMaxCachedProposals) return Fail(Errc::kTooManyProposals);
  proposals_[*ref] = CachedProposal{std::move(proposal), me_, std::move(key)};
  MlsMessage m;
  m.wire_format = WireFormat::kPublicMessage;
  m.public_message = std::move(*pub);
  return m;
}

Result<MlsMessage> Group::ProposeAdd(KeyPackage key_package, Random& rng) {
  return SendProposal(Proposal::Add(std::move(key_package)), std::nullopt, rng);
}

Result<MlsMessage> Group::ProposeRemove(LeafIndex leaf, Random& rng) {
  return SendProposal(Proposal::Remove(leaf.value), std::nullopt, rng);
}

Result<MlsMessage> Group::ProposeUpdate(Random& rng) {
  if (auto s = CheckMember(); !s) return Fail(s.error());
  auto key = crypto::X25519KeyPair::Generate(rng);
  LeafNode leaf = *tree_.leaf_node(me_);
  leaf.encryption_key = FromX25519(key.public_key);
  leaf.leaf_node_source = LeafNodeSource::kUpdate;
  leaf.lifetime = {};
  leaf.parent_hash.clear();
  if (auto s = leaf.Sign(keys_.signer, ctx_.group_id, me_); !s) return Fail(s.error());
  return SendProposal(Proposal::Update(std::move(leaf)), std::move(key), rng);
}

// ---- Applying a proposal list (§12.2, §12.3) ----------------------------------------------------

Result<Group::Applied> Group::ApplyProposals(std::vector<ProposalWithSender> list,
                                             std::vector<std::optional<crypto::X25519KeyPair>> update_keys,
                                             LeafIndex committer, bool has_path, uint64_t now) const {
  // §12.2: the list as a whole.
  size_t gce = 0;
  bool reinit = false;
  std::vector<PreSharedKeyId> psk_ids;
  bool path_required = list.empty();
  for (const ProposalWithSender& p : list) {
    switch (p.proposal.proposal_type()) {
      case ProposalType::kGroupContextExtensions:
        ++gce;
        break;
      case ProposalType::kReinit:
        reinit = true;
        break;
      case ProposalType::kExternalInit:
        return Fail(Errc::kExternalInitFromMember);
      case ProposalType::kUpdate:
      case ProposalType::kRemove:
        path_required = true;
        break;
      case ProposalType::kPsk: {
        const PreSharedKeyId& id = std::get<PreSharedKeyProposal>(p.proposal.body).psk;
        if (std::find(psk_ids.begin(), psk_ids.end(), id) != psk_ids.end()) return Fail(Errc::kDuplicatePsk);
        psk_ids.push_back(id);
        break;
      }
      default:
        break;
    }
  }
  if (gce > 1) return Fail(Errc::kMultipleGroupContextExtensions);
  if (reinit && list.size() > 1) return Fail(Errc::kReInitNotAlone);
  if (reinit) return Fail(Errc::kUnsupportedProposal);

  Applied out{std::move(list), tree_, ctx_.extensions, {}, {}, {}, false, std::nullopt};
  for (const ProposalWithSender& p : out.list) {
    if (const auto* g = std::get_if<GroupContextExtensionsProposal>(&p.proposal.body))
      out.extensions = g->extensions;
  }

  // §12.1 each proposal, and the list's duplicates.
  std::set<uint32_t> changed_leaves;
  std::set<SignaturePublicKey> removed_keys;
  std::set<SignaturePublicKey> added_keys;
  for (const ProposalWithSender& p : out.list) {
    if (const auto* r = std::get_if<RemoveProposal>(&p.proposal.body)) {
      const LeafIndex removed{r->removed};
      if (!IsMember(tree_, removed)) return Fail(Errc::kInvalidProposal);
      if (removed == committer) return Fail(Errc::kCommitterRemoved);
      if (!changed_leaves.insert(removed.value).second) return Fail(Errc::kDuplicateLeafChange);
      removed_keys.insert(tree_.leaf_node(removed)->signature_key);
    }
  }
  for (const ProposalWithSender& p : out.list) {
    if (const auto* u = std::get_if<UpdateProposal>(&p.proposal.body)) {
      if (!IsMember(tree_, p.sender)) return Fail(Errc::kInvalidProposal);
      if (p.sender == committer) return Fail(Errc::kCommitterUpdate);
      if (!changed_leaves.insert(p.sender.value).second) return Fail(Errc::kDuplicateLeafChange);
      if (u->leaf_node.leaf_node_source != LeafNodeSource::kUpdate)
        return Fail(Errc::kLeafNodeSourceMismatch);
      if (auto s = ValidateLeafNode(u->leaf_node, ctx_.group_id, p.sender); !s) return Fail(s.error());
      if (u->leaf_node.encryption_key == tree_.leaf_node(p.sender)->encryption_key)
        return Fail(Errc::kEncryptionKeyNotFresh);
      if (auto s = LeafSupportsGroup(u->leaf_node, out.extensions, tree_); !s) return Fail(s.error());
    } else if (const auto* a = std::get_if<AddProposal>(&p.proposal.body)) {
      const KeyPackage& kp = a->key_package;
      if (auto s = kp.Validate(ctx_.version, ctx_.cipher_suite); !s) return Fail(s.error());
      const Lifetime& life = kp.leaf_node.lifetime;
      if (now < life.not_before || now > life.not_after) return Fail(Errc::kLifetimeExpired);
      if (auto s = LeafSupportsGroup(kp.leaf_node, out.extensions, tree_); !s) return Fail(s.error());
      const SignaturePublicKey& key = kp.leaf_node.signature_key;
      if (!added_keys.insert(key).second) return Fail(Errc::kDuplicateAdd);
      for (uint32_t i = 0; i < tree_.leaf_count().value; ++i) {
        const LeafNode* leaf = tree_.leaf_node(LeafIndex{i});
        if (leaf != nullptr && leaf->signature_key == key && removed_keys.count(key) == 0)
          return Fail(Errc::kDuplicateAdd);
      }
    } else if (const auto* k = std::get_if<PreSharedKeyProposal>(&p.proposal.body)) {
      const PreSharedKeyId& id = k->psk;
      if (id.psk_nonce.size() != suite_->hash_size) return Fail(Errc::kInvalidPsk);
      if (id.psktype == PskType::kExternal) {
        if (!psks_) return Fail(Errc::kUnknownPsk);
        auto it = psks_->find(id.psk_id);
        if (it == psks_->end()) return Fail(Errc::kUnknownPsk);
        out.psks.push_back(PskInput{id, it->second.Clone()});
      } else {
        auto it = resumption_psks_.find(id.psk_epoch);
        if (id.usage != ResumptionPskUsage::kApplication || id.psk_group_id != ctx_.group_id ||
            it == resumption_psks_.end())
          return Fail(Errc::kUnknownPsk);
        out.psks.push_back(PskInput{id, SecretBytes(it->second.Expose())});
      }
    }
  }
  // §12.4.2: a path where the list is empty or holds an Update or a Remove.
  if (path_required && !has_path) return Fail(Errc::kPathRequired);

  // §12.3: Updates, then Removes, then Adds in order.
  std::vector<NodeIndex> changed;
  std::optional<crypto::X25519KeyPair> my_update_key;
  for (size_t i = 0; i < out.list.size(); ++i) {
    const ProposalWithSender& p = out.list[i];
    if (const auto* u = std::get_if<UpdateProposal>(&p.proposal.body)) {
      if (auto s = out.tree.UpdateLeaf(p.sender, u->leaf_node); !s) return Fail(s.error());
      changed.push_back(p.sender.node());
      if (p.sender == me_) {
        if (i >= update_keys.size() || !update_keys[i]) return Fail(Errc::kPrivateKeyMismatch);
        my_update_key = update_keys[i]->Clone();
      }
    }
  }
  for (const ProposalWithSender& p : out.list) {
    if (const auto* r = std::get_if<RemoveProposal>(&p.proposal.body)) {
      if (LeafIndex{r->removed} == me_) out.removes_me = true;
      if (auto s = out.tree.RemoveLeaf(LeafIndex{r->removed}); !s) return Fail(s.error());
    }
  }
  for (const ProposalWithSender& p : out.list) {
    if (const auto* a = std::get_if<AddProposal>(&p.proposal.body)) {
      auto at = out.tree.AddLeaf(a->key_package.leaf_node);
      if (!at) return Fail(at.error());
      out.added.push_back(*at);
      out.added_key_packages.push_back(a->key_package);
      changed.push_back(at->node());
    }
  }
  // Keys are unique in the new tree (§7.3); a new extension list must suit every member (§12.1.7).
  std::erase_if(changed,
                [&](NodeIndex x) { return !InTree(x, out.tree.leaf_count()) || out.tree.IsBlank(x); });
  if (auto s = CheckKeysUniqueAt(out.tree, changed); !s) return Fail(s.error());
  if (gce > 0) {
    for (uint32_t i = 0; i < out.tree.leaf_count().value; ++i) {
      const LeafNode* leaf = out.tree.leaf_node(LeafIndex{i});
      if (leaf == nullptr) continue;
      for (const Extension& e : out.extensions) {
        if (!IsDefaultExtension(e.extension_type) && !Lists(leaf->capabilities.extensions, e.extension_type))
          return Fail(Errc::kUnsupportedByMember);
      }
    }
  }
  if (out.removes_me) return out;

  // Our private keys on the new tree: our Update's leaf key; forget the keys of blanked or
  // truncated parents (§7.7, §12.1.2, §12.1.3).
  TreeKemPrivate keys = tree_keys_.Clone();
  if (my_update_key) keys.SetKey(me_.node(), std::move(*my_update_key));
  std::vector<NodeIndex> stale;
  for (NodeIndex x : DirectPath(me_.node(), tree_.leaf_count())) {
    if (!InTree(x, out.tree.leaf_count()) || out.tree.IsBlank(x)) stale.push_back(x);
  }
  keys.Forget(stale);
  out.keys = std::move(keys);
  return out;
}

// ---- The next epoch (§8, §8.2) -----------------------------------------------------------------

Result<Group> Group::NextEpoch(Applied applied, AuthenticatedContent& commit, const Secret& commit_secret,
                               TreeKemPrivate tree_keys, bool verify_tag, Secret* joiner_out,
                               Secret* welcome_out) const {
  auto psk_secret = ComputePskSecret(applied.psks);
  if (!psk_secret) return Fail(psk_secret.error());
  auto hash = applied.tree.TreeHash();
  if (!hash) return Fail(hash.error());
  auto confirmed = ConfirmedTranscriptHash(interim_, commit);
  if (!confirmed) return Fail(confirmed.error());
  GroupContext ctx{ctx_.version,
                   ctx_.cipher_suite,
                   ctx_.group_id,
                   ctx_.epoch + 1,
                   ToVector(*hash),
                   std::move(*confirmed),
                   std::move(applied.extensions)};
  auto encoded = ctx.Encode();
  if (!encoded) return Fail(encoded.error());
  auto ks = KeyScheduleEpoch::FromInitSecret(secrets_.init_secret, commit_secret, *psk_secret, *encoded);
  if (!ks) return Fail(ks.error());
  if (verify_tag) {
    if (auto s = VerifyConfirmationTag(ks->secrets.confirmation_key, ctx.confirmed_transcript_hash,
                                       commit.auth.confirmation_tag);
        !s)
      return Fail(s.error());
  } else {
    const crypto::HmacSha256Tag tag =
        ConfirmationTag(ks->secrets.confirmation_key, ctx.confirmed_transcript_hash);
    commit.auth.confirmation_tag.assign(tag.span().begin(), tag.span().end());
  }
  auto interim = InterimTranscriptHash(ctx.confirmed_transcript_hash, commit.auth.confirmation_tag);
  if (!interim) return Fail(interim.error());
  if (joiner_out != nullptr) *joiner_out = std::move(ks->joiner_secret);
  if (welcome_out != nullptr) *welcome_out = std::move(ks->welcome_secret);
  const crypto::X25519KeyPair* leaf_key = tree_keys.key(me_.node());
  if (leaf_key == nullptr) return Fail(Errc::kPrivateKeyMismatch);
  MemberKeys keys{keys_.signer.Clone(), leaf_key->Clone()};
  Group next(*suite_, std::move(ctx), std::move(applied.tree), me_, std::move(keys), std::move(tree_keys),
             std::move(ks->secrets), std::move(*interim));
  for (const auto& [epoch, secret] : resumption_psks_) {
    if (epoch + kMaxResumptionEpochs > next.ctx_.epoch) next.resumption_psks_.emplace(epoch, secret.Clone());
  }
  next.psks_ = psks_;
  next.hook_ = hook_;
  return next;
}

// ---- Receiving -----------------------------------------------------------------------------------

Result<Received> Group::Handle(const MlsMessage& message, uint64_t now) {
  if (auto s = CheckMember(); !s) return Fail(s.error());
  auto ac = Unprotect(message);
  if (!ac) return Fail(ac.error());
  const LeafIndex sender{ac->content.sender.index};
  switch (ac->content.content_type) {
    case ContentType::kApplication: {
      Received r;
      r.content_type = ContentType::kApplication;
      r.sender = sender;
      r.application_data = std::move(ac->content.application_data);
      r.authenticated_data = ac->content.authenticated_data;
      return r;
    }
    case ContentType::kProposal: {
      auto ref = ProposalRefOf(*ac);
      if (!ref) return Fail(ref.error());
      if (proposals_.size() >= kMaxCachedProposals) return Fail(Errc::kTooManyProposals);
      proposals_[*ref] = CachedProposal{ac->content.proposal, sender, std::nullopt};
      Received r;
      r.content_type = ContentType::kProposal;
      r.sender = sender;
      return r;
    }
    case ContentType::kCommit:
      return ProcessCommit(std::move(*ac), now);
  }
  return Fail(Errc::kInvalidContentType);
}

Result<Received> Group::ProcessCommit(AuthenticatedContent commit, uint64_t now) {
  const LeafIndex committer{commit.content.sender.index};
  if (commit.content.sender.sender_type != SenderType::kMember) return Fail(Errc::kWrongSender);
  if (committer == me_) return Fail(Errc::kOwnCommit);
  const struct Commit& body = commit.content.commit;

  std::vector<ProposalWithSender> list;
  std::vector<std::optional<crypto::X25519KeyPair>> update_keys;
  for (const ProposalOrRef& p : body.proposals) {
    if (p.type == ProposalOrRefType::kReference) {
      auto it = proposals_.find(p.reference);
      if (it == proposals_.end()) return Fail(Errc::kUnknownProposalRef);
      list.push_back({it->second.proposal, it->second.sender});
      update_keys.push_back(it->second.update_key ? std::optional(it->second.update_key->Clone())
                                                  : std::nullopt);
    } else {
      list.push_back({p.proposal, committer});
      update_keys.emplace_back();
    }
  }
  auto applied =
      ApplyProposals(std::move(list), std::move(update_keys), committer, body.path.has_value(), now);
  if (!applied) return Fail(applied.error());
  if (hook_) {
    const CommitSummary summary{committer, applied->list, body.path.has_value()};
    if (auto s = hook_(*this, summary); !s) return Fail(Errc::kCommitRefused);
  }

  Received r;
  r.content_type = ContentType::kCommit;
  r.sender = committer;
  if (applied->removes_me) {
    // §12.4.2: removed; the group state is finished (secrets dropped).
    removed_ = true;
    proposals_.clear();
    secret_tree_.reset();
    pending_.reset();
    r.removed = true;
    return r;
  }

  Secret commit_secret = ZeroSecret();
  std::optional<TreeKemPrivate> keys = std::move(applied->keys);
  if (body.path) {
    GroupContext provisional = Provisional(applied->extensions);
    auto processed =
        ProcessUpdatePath(*suite_, applied->tree, *keys, committer, *body.path, provisional, applied->added);
    if (!processed) return Fail(processed.error());
    commit_secret = std::move(processed->commit_secret);
    keys = std::move(processed->private_keys);
  }
  auto next = NextEpoch(std::move(*applied), commit, commit_secret, std::move(*keys), /*verify_tag=*/true,
                        nullptr, nullptr);
  if (!next) return Fail(next.error());
  *this = std::move(*next);
  return r;
}

// ---- Sending a Commit (§12.4.1) --------------------------------------------------------------------

Result<CreatedCommit> Group::Commit(CommitOptions options, uint64_t now, Random& rng) {
  if (auto s = CheckMember(); !s) return Fail(s.error());
  struct Commit body;
  std::vector<ProposalWithSender> list;
  std::vector<std::optional<crypto::X25519KeyPair>> update_keys;
  for (const auto& [ref, cached] : proposals_) {
    if (cached.sender == me_ && cached.proposal.proposal_type() == ProposalType::kUpdate) continue;
    body.proposals.push_back(ProposalOrRef{ProposalOrRefType::kReference, {}, ref});
    list.push_back({cached.proposal, cached.sender});
    update_keys.emplace_back();
  }
  bool needs_path = options.force_path || (list.empty() && options.proposals.empty());
  for (Proposal& p : options.proposals) {
    const ProposalType t = p.proposal_type();
    needs_path |= t != ProposalType::kAdd && t != ProposalType::kPsk && t != ProposalType::kReinit;
    body.proposals.push_back(ProposalOrRef{ProposalOrRefType::kProposal, p, {}});
    list.push_back({std::move(p), me_});
    update_keys.emplace_back();
  }
  for (const ProposalWithSender& p : list) {
    const ProposalType t = p.proposal.proposal_type();
    needs_path |= t == ProposalType::kUpdate || t == ProposalType::kRemove ||
                  t == ProposalType::kGroupContextExtensions;
  }
  auto applied = ApplyProposals(std::move(list), std::move(update_keys), me_, needs_path, now);
  if (!applied) return Fail(applied.error());
  if (hook_) {
    const CommitSummary summary{me_, applied->list, needs_path};
    if (auto s = hook_(*this, summary); !s) return Fail(Errc::kCommitRefused);
  }

  Secret commit_secret = ZeroSecret();
  std::optional<TreeKemPrivate> keys = std::move(applied->keys);
  std::vector<std::pair<NodeIndex, Secret>> path_secrets;
  if (needs_path) {
    GroupContext provisional = Provisional(applied->extensions);
    LeafNode leaf = *tree_.leaf_node(me_);
    auto created = CreateUpdatePath(*suite_, applied->tree, me_, std::move(leaf), keys_.signer, provisional,
                                    applied->added, rng);
    if (!created) return Fail(created.error());
    body.path = std::move(created->path);
    commit_secret = std::move(created->commit_secret);
    keys = std::move(created->private_keys);
    path_secrets = std::move(created->path_secrets);
  }

  FramedContent content = Header();
  content.content_type = ContentType::kCommit;
  content.commit = std::move(body);
  auto ac = SignContent(WireFormat::kPublicMessage, std::move(content), encoded_ctx_, keys_.signer);
  if (!ac) return Fail(ac.error());
  std::vector<LeafIndex> added = applied->added;
  std::vector<KeyPackage> added_kps = std::move(applied->added_key_packages);
  std::vector<PreSharedKeyId> psk_ids;
  for (const PskInput& p : applied->psks) psk_ids.push_back(p.id);
  Secret joiner;
  Secret welcome_secret;
  auto next = NextEpoch(std::move(*applied), *ac, commit_secret, std::move(*keys), /*verify_tag=*/false,
                        &joiner, &welcome_secret);
  if (!next) return Fail(next.error());

  const ProtectionEpoch epoch = Epoch();
  auto pub = ProtectPublic(*ac, epoch);
  if (!pub) return Fail(pub.error());
  CreatedCommit out;
  out.message.wire_format = WireFormat::kPublicMessage;
  out.message.public_message = std::move(*pub);

  // The new epoch's GroupInfo with the tree (§12.4.3), and the Welcome for new members.
  auto tree_bytes = next->tree_.Encode();
  if (!tree_bytes) return Fail(tree_bytes.error());
  out.group_info.group_context = next->ctx_;
  out.group_info.extensions.push_back(Extension{kExtensionRatchetTree, std::move(*tree_bytes)});
  out.group_info.confirmation_tag = ac->auth.confirmation_tag;
  out.group_info.signer = me_.value;
  if (auto s = out.group_info.Sign(keys_.signer); !s) return Fail(s.error());
  if (!added.empty()) {
    Welcome w;
    w.cipher_suite = ctx_.cipher_suite;
    auto egi = EncryptGroupInfo(*suite_, welcome_secret, out.group_info);
    if (!egi) return Fail(egi.error());
    w.encrypted_group_info = std::move(*egi);
    for (size_t i = 0; i < added.size(); ++i) {
      GroupSecrets gs{joiner.Clone(), std::nullopt, psk_ids};
      const NodeIndex at = CommonAncestor(me_.node(), added[i].node());
      for (const auto& [node, secret] : path_secrets) {
        if (node == at) gs.path_secret = secret.Clone();
      }
      auto ref = added_kps[i].Ref();
      auto init = ToX25519(added_kps[i].init_key);
      if (!ref || !init) return Fail(!ref ? ref.error() : init.error());
      auto egs = EncryptGroupSecrets(*suite_, ref->span(), *init, w.encrypted_group_info, gs, rng);
      if (!egs) return Fail(egs.error());
      w.secrets.push_back(std::move(*egs));
    }
    auto body_bytes = EncodeToBytes(w);
    if (!body_bytes) return Fail(body_bytes.error());
    MlsMessage wm;
    wm.wire_format = WireFormat::kWelcome;
    wm.body = std::move(*body_bytes);
    out.welcome = std::move(wm);
  }
  pending_ = std::make_unique<Group>(std::move(*next));
  return out;
}

Status Group::MergePendingCommit() {
  if (auto s = CheckMember(); !s) return s;
  if (!pending_) return Fail(Errc::kNoPendingCommit);
  std::unique_ptr<Group> next = std::move(pending_);
  *this = std::move(*next);
  return OkStatus();
}

// ---- Application messages ----------------------------------------------------------------------

Result<MlsMessage> Group::Protect(std::span<const uint8_t> data, std::span<const uint8_t> aad, Random& rng,
                                  size_t padding) {
  if (auto s = CheckMember(); !s) return Fail(s.error());
  FramedContent content = Header();
  content.authenticated_data.assign(aad.begin(), aad.end());
  content.content_type = ContentType::kApplication;
  content.application_data = SecretBytes(data);
  auto ac = SignContent(WireFormat::kPrivateMessage, std::move(content), encoded_ctx_, keys_.signer);
  if (!ac) return Fail(ac.error());
  const ProtectionEpoch epoch = Epoch();
  auto pm = ProtectPrivate(*ac, epoch, rng, padding);
  if (!pm) return Fail(pm.error());
  MlsMessage m;
  m.wire_format = WireFormat::kPrivateMessage;
  m.private_message = std::move(*pm);
  return m;
}

}  // namespace sc::mls
