// hash.h: the RFC 6962 / RFC 9162 §2.1.1 Merkle tree hashes of the audit log.
//
// A leaf is hashed with a 0x00 prefix and an interior node with 0x01, so no leaf can pose as a
// node (second-preimage resistance across levels). The root of the empty tree is SHA-256 of the
// empty string. docs/protocol/audit.md §3.
//
//   Hash leaf = LeafHash(EncodeEntry(entry).value());
//   Hash parent = NodeHash(left, right);
//   Result<Hash> h = HashFromBytes(untrusted);          // kBadHashSize unless exactly 32 bytes
//
// Thread safety: every function here is thread safe.
#pragma once

#include <cstdint>
#include <span>

#include "securecomm/base/error.h"
#include "securecomm/crypto/keys.h"

namespace sc::audit {

// A Merkle tree hash: 32 bytes, copyable, compared with ==.
using Hash = crypto::Sha256Digest;

// LeafHash returns SHA-256(0x00 || data). Never fails; any length is accepted.
[[nodiscard]] Hash LeafHash(std::span<const uint8_t> data) noexcept;

// NodeHash returns SHA-256(0x01 || left || right). Never fails.
[[nodiscard]] Hash NodeHash(const Hash& left, const Hash& right) noexcept;

// EmptyRootHash returns the root of the tree with no leaves, SHA-256("") (RFC 9162 §2.1.1).
[[nodiscard]] Hash EmptyRootHash() noexcept;

// HashFromBytes returns `bytes` as a Hash, or kBadHashSize unless it is exactly 32 bytes long.
[[nodiscard]] Result<Hash> HashFromBytes(std::span<const uint8_t> bytes) noexcept;

}  // namespace sc::audit
