// limits.h: every bound and fixed size of the end-to-end layer, each with the reason for its value
// (DESIGN.md §7.6; docs/protocol/e2e.md §8 lists them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sc::e2e {

// MAX_SKIP of Double Ratchet §3.5: how far ahead of its chain a message may be. A sender whose
// 1,000 messages in a row were all lost is broken anyway; the bound also caps the work one
// unauthenticated message can cause (1,000 HMACs, about 1 ms) before it is refused.
inline constexpr uint32_t kMaxSkip = 1000;

// Skipped message keys stored per session, all chains together; the oldest is evicted first.
// One message can skip in two chains (the rest of the previous one, then the new one), so two
// chains' worth keeps every key one decrypt may store; 2,000 keys are ~136 KB of session state.
inline constexpr size_t kMaxSkippedKeys = 2 * size_t{kMaxSkip};

// Message numbers (N, PN) travel as uint32. A sending chain that reaches this refuses to send
// (kChainExhausted): four billion messages without a single reply, never reached in practice.
inline constexpr uint32_t kMaxMessageNumber = UINT32_MAX - 1;

// A whole wire message fits one relay envelope (relay.md §7.1, kMaxEnvelopeBytes = 60,000; the
// e2e core cannot include the relay layer, so the value is repeated here). Larger content (files)
// is chunked by the client and its keys sent in e2e messages.
inline constexpr size_t kMaxMessageSize = 60000;

// Fixed sizes of the wire formats (docs/protocol/e2e.md §4).
inline constexpr size_t kKeySize = 32;
inline constexpr size_t kTagSize = 16;                                  // XChaCha20-Poly1305 tag
inline constexpr size_t kRatchetHeaderSize = 1 + 1 + kKeySize + 4 + 4;  // version, type, dh, pn, n
inline constexpr size_t kRatchetMessageOverhead = kRatchetHeaderSize + 4 + kTagSize;
// version, type, identity key, base key, signed prekey id, flag, one-time prekey id, inner length.
inline constexpr size_t kPrekeyMessageOverhead =
    1 + 1 + kKeySize + kKeySize + 4 + 1 + 4 + 4 + kRatchetMessageOverhead;

// The largest plaintext: the one whose prekey message (the larger form) is kMaxMessageSize.
inline constexpr size_t kMaxPlaintextSize = kMaxMessageSize - kPrekeyMessageOverhead;

// X3DH's associated data: the two Ed25519 identity keys, initiator first (X3DH §3.3).
inline constexpr size_t kAssociatedDataSize = 2 * kKeySize;

// The largest SessionState (e2e.md §7): its fixed fields, the ratchet's fixed fields with every
// optional key present, and kMaxSkippedKeys skipped keys. Deserialize refuses longer input before
// reading it; at about 136 KB it is still one small row of the client's store.
inline constexpr size_t kSessionStateFixedSize = 1 + 1 + 1 + 3 * kKeySize + 4 + 1 + 4;
inline constexpr size_t kRatchetStateFixedSize =
    kKeySize + (1 + kKeySize) + kKeySize + 2 * (1 + kKeySize) + 3 * 4 + 2;
inline constexpr size_t kSkippedKeyStateSize = kKeySize + 4 + kKeySize;  // dh, n, mk
inline constexpr size_t kMaxSessionStateSize =
    kSessionStateFixedSize + kRatchetStateFixedSize + kMaxSkippedKeys * kSkippedKeyStateSize;

}  // namespace sc::e2e
