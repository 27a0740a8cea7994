// limits.h: every bound of the MLS core, each with the reason for its value (DESIGN.md §7.6).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sc::mls {

// The largest value a variable-length integer can carry: 30 usable bits (RFC 9420 §2.1.2).
inline constexpr uint32_t kMaxVarint = (uint32_t{1} << 30) - 1;

// The longest vector the decoder accepts, far below kMaxVarint. The largest legitimate vector is
// a ratchet tree in a GroupInfo: at 10,000 members (the largest group the benchmarks run) and
// roughly 400 bytes per leaf and parent node it is about 8 MB, so 16 MiB leaves room and still
// stops one length prefix from claiming a gigabyte.
inline constexpr size_t kMaxVectorLength = size_t{1} << 24;

// The most leaves a tree may have. 2^16 members is six times the largest group the issue
// targets; it keeps node indices (2 * leaves - 1) and per-member state well inside uint32 and
// memory, and a tree claiming more is refused before anything is allocated for it.
inline constexpr uint32_t kMaxLeaves = uint32_t{1} << 16;

// How far a secret-tree ratchet may be advanced by one message (RFC 9420 §9.4: "a maximum
// forward ratchet"). Like the Double Ratchet's MAX_SKIP: 1,024 lost messages from one sender
// means the sender is broken, and the bound caps the work (two HKDF calls per step) that one
// unauthenticated PrivateMessage can cause before it is refused.
inline constexpr uint32_t kMaxForwardRatchet = 1024;

// How many past epochs' resumption_psk a group keeps (RFC 9420 §8.6: a PreSharedKey proposal of
// type resumption names an epoch of this group). Eight epochs is a few minutes of churn in a busy
// group; older resumption PSKs are deleted (forward secrecy).
inline constexpr size_t kMaxResumptionEpochs = 8;

// How many proposals a member caches in one epoch, waiting for a Commit to reference them. A
// Commit of a 1,000-member group rarely covers more than a few dozen; the bound stops a member
// from flooding another's memory with proposals nobody commits.
inline constexpr size_t kMaxCachedProposals = 4096;

// The hash length of the supported suites (SHA-256): Nh, the size of every MLS secret.
inline constexpr size_t kHashSize = 32;

// HKDF-Expand gives at most 255 hash blocks (RFC 5869 §2.3); ExpandWithLabel's uint16 length
// may ask for more, and is refused past this.
inline constexpr size_t kMaxExpandLength = 255 * kHashSize;

}  // namespace sc::mls
