// RFC 9420 §9 (secret tree), §9.1 (encryption keys), §9.2 (deletion schedule).
#include "securecomm/mls/secret_tree.h"

#include <array>

#include "securecomm/base/check.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/limits.h"

namespace sc::mls {
namespace {

// DeriveRatchetKeys returns ratchet_key_[N]_[j] and ratchet_nonce_[N]_[j] from ratchet_secret_[N]_[j].
RatchetKeys DeriveRatchetKeys(const CipherSuite& suite, const Secret& secret, uint32_t j) {
  RatchetKeys k{j, SecretBytes(suite.aead_key_size), SecretBytes(suite.aead_nonce_size)};
  // Sizes are the suite's (at most 32 bytes): these cannot fail.
  SC_CHECK(DeriveTreeSecret(secret.Expose(), "nonce", j, k.nonce.MutableExpose()).has_value());
  SC_CHECK(DeriveTreeSecret(secret.Expose(), "key", j, k.key.MutableExpose()).has_value());
  return k;
}

Secret ExpandSecret(const Secret& secret, std::string_view label, std::span<const uint8_t> context) {
  Secret out;
  SC_CHECK(ExpandWithLabel(secret.Expose(), label, context, out.MutableExpose()).has_value());
  return out;
}

}  // namespace

Result<RatchetKeys> HashRatchet::Next() {
  if (exhausted_) return Fail(Errc::kGenerationExhausted);
  const uint32_t j = next_generation_;
  RatchetKeys keys = DeriveRatchetKeys(*suite_, secret_, j);
  // ratchet_secret_[N]_[j+1]; the old secret is consumed and wiped by the assignment.
  Secret next;
  SC_CHECK(DeriveTreeSecret(secret_.Expose(), "secret", j, next.MutableExpose()).has_value());
  secret_ = std::move(next);
  if (j == UINT32_MAX) {
    exhausted_ = true;
  } else {
    next_generation_ = j + 1;
  }
  return keys;
}

Result<RatchetKeys> HashRatchet::Get(uint32_t generation) {
  if (generation < next_generation_ || (exhausted_ && generation == next_generation_)) {
    // Behind the ratchet: served only if kept and not yet used.
    auto it = kept_.find(generation);
    if (it == kept_.end()) return Fail(Errc::kGenerationConsumed);
    RatchetKeys keys = std::move(it->second);
    kept_.erase(it);
    return keys;
  }
  if (generation - next_generation_ > kMaxForwardRatchet) return Fail(Errc::kGenerationTooFarAhead);
  while (next_generation_ < generation) {
    auto skipped = Next();
    if (!skipped) return Fail(skipped.error());
    const uint32_t g = skipped->generation;
    kept_.emplace(g, std::move(*skipped));
    if (kept_.size() > kMaxForwardRatchet) kept_.erase(kept_.begin());  // oldest first
  }
  return Next();
}

SecretTree::SecretTree(const CipherSuite& suite, Secret encryption_secret, LeafCount n)
    : suite_(&suite), n_(n) {
  nodes_.emplace(Root(n).value, std::move(encryption_secret));
}

Result<HashRatchet*> SecretTree::Ratchet(LeafIndex sender, RatchetType type) {
  if (sender.value >= n_.value) return Fail(Errc::kInvalidLeafIndex);
  auto it = ratchets_.find(sender.value);
  if (it == ratchets_.end()) {
    // The lowest ancestor (or the leaf itself) whose secret is still held.
    const NodeIndex leaf = sender.node();
    std::vector<NodeIndex> path = {leaf};
    for (NodeIndex p : DirectPath(leaf, n_)) path.push_back(p);
    size_t i = 0;
    while (i < path.size() && !nodes_.contains(path[i].value)) ++i;
    // Every leaf without ratchets has one held ancestor: a derivation deletes a parent only after
    // storing both children, and only a leaf's own first use consumes the leaf secret.
    SC_CHECK(i < path.size());
    // Walk down to the leaf: store both children, delete the parent (§9, §9.2).
    for (; i > 0; --i) {
      auto node = nodes_.extract(path[i].value);
      const Secret& parent = node.mapped();
      static constexpr std::array<uint8_t, 4> kLeft = {'l', 'e', 'f', 't'};
      static constexpr std::array<uint8_t, 5> kRight = {'r', 'i', 'g', 'h', 't'};
      nodes_.insert_or_assign(Left(path[i]).value, ExpandSecret(parent, "tree", kLeft));
      nodes_.insert_or_assign(Right(path[i]).value, ExpandSecret(parent, "tree", kRight));
    }
    auto leaf_secret = nodes_.extract(leaf.value);
    const Secret& secret = leaf_secret.mapped();
    it = ratchets_
             .emplace(sender.value,
                      LeafRatchets{HashRatchet(*suite_, ExpandSecret(secret, "handshake", {})),
                                   HashRatchet(*suite_, ExpandSecret(secret, "application", {}))})
             .first;
  }
  return type == RatchetType::kHandshake ? &it->second.handshake : &it->second.application;
}

Result<RatchetKeys> SecretTree::Next(LeafIndex sender, RatchetType type) {
  auto r = Ratchet(sender, type);
  if (!r) return Fail(r.error());
  return (*r)->Next();
}

Result<RatchetKeys> SecretTree::Get(LeafIndex sender, RatchetType type, uint32_t generation) {
  auto r = Ratchet(sender, type);
  if (!r) return Fail(r.error());
  return (*r)->Get(generation);
}

}  // namespace sc::mls
