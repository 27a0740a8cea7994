// secret_tree.h: the secret tree of an epoch (RFC 9420 §9) and its per-sender hash ratchets
// (§9.1), with the deletion schedule of §9.2.
//
// The tree starts from the epoch's encryption_secret at the root. A leaf's secret is derived on
// first use, walking down from the lowest ancestor still held: each step stores both children
// ("tree", "left"/"right") and deletes the parent. The leaf secret seeds two ratchets
// ("handshake", "application") and is deleted. Each ratchet hands out the key and nonce of one
// generation at a time and forgets them: a generation is served once.
//
//   SecretTree tree(*suite, std::move(encryption_secret), LeafCount{8});
//   Result<RatchetKeys> send = tree.Next(my_leaf, RatchetType::kApplication);     // sender
//   Result<RatchetKeys> recv = tree.Get(sender, RatchetType::kHandshake, generation);  // receiver
//
// Out of order: Get may move a ratchet at most kMaxForwardRatchet generations ahead; the keys of
// generations it passes are kept (at most kMaxForwardRatchet per ratchet, oldest evicted first)
// so a late message can still be opened once. Errors: kInvalidLeafIndex, kGenerationTooFarAhead,
// kGenerationConsumed (used, passed by Next, or evicted), kGenerationExhausted.
// Not thread safe; move-only. Every secret is wiped when consumed or when the tree is destroyed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/kdf.h"
#include "securecomm/mls/tree_math.h"

namespace sc::mls {

enum class RatchetType : uint8_t { kHandshake, kApplication };

// RatchetKeys: ratchet_key_[N]_[j] (AEAD.Nk bytes) and ratchet_nonce_[N]_[j] (AEAD.Nn bytes).
struct RatchetKeys {
  uint32_t generation = 0;
  SecretBytes key;
  SecretBytes nonce;
};

// HashRatchet: one sender ratchet (§9.1) with its kept out-of-order keys.
class HashRatchet {
 public:
  HashRatchet(const CipherSuite& suite, Secret secret) noexcept
      : suite_(&suite), secret_(std::move(secret)) {}

  // Next returns the keys of the next generation and moves past it (a sender's step).
  [[nodiscard]] Result<RatchetKeys> Next();
  // Get returns the keys of `generation` once (a receiver's step); see the header comment.
  [[nodiscard]] Result<RatchetKeys> Get(uint32_t generation);

  uint32_t next_generation() const noexcept { return next_generation_; }
  size_t kept_keys() const noexcept { return kept_.size(); }

 private:
  const CipherSuite* suite_;
  Secret secret_;  // ratchet_secret_[N]_[next_generation_]
  uint32_t next_generation_ = 0;
  bool exhausted_ = false;
  std::map<uint32_t, RatchetKeys> kept_;
};

class SecretTree {
 public:
  // SecretTree takes the epoch's encryption_secret as the root's secret.
  SecretTree(const CipherSuite& suite, Secret encryption_secret, LeafCount n);

  // Next returns the keys of the sender's next generation in its `type` ratchet.
  [[nodiscard]] Result<RatchetKeys> Next(LeafIndex sender, RatchetType type);
  // Get returns the keys of `generation` of `sender`'s `type` ratchet, once.
  [[nodiscard]] Result<RatchetKeys> Get(LeafIndex sender, RatchetType type, uint32_t generation);

  LeafCount leaf_count() const noexcept { return n_; }
  // held_node_secrets returns how many tree-node secrets are held (for the deletion tests).
  size_t held_node_secrets() const noexcept { return nodes_.size(); }

 private:
  struct LeafRatchets {
    HashRatchet handshake;
    HashRatchet application;
  };
  Result<HashRatchet*> Ratchet(LeafIndex sender, RatchetType type);

  const CipherSuite* suite_;
  LeafCount n_;
  std::map<uint32_t, Secret> nodes_;           // tree_node_[N]_secret still held, by node index
  std::map<uint32_t, LeafRatchets> ratchets_;  // by leaf index, created on first use
};

}  // namespace sc::mls
