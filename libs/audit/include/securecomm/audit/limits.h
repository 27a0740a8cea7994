// limits.h: every bound of the audit layer, each with the reason for its value (DESIGN.md §7.6,
// docs/protocol/audit.md §7). Inputs beyond a bound are rejected with an error, never truncated.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sc::audit {

// RFC 6962 hashes are SHA-256 outputs; every hash on the wire or in a proof is exactly this size.
inline constexpr size_t kHashSize = 32;

// The longest proof any tree of at most 2^64 - 1 leaves can need: an inclusion path has at most
// 64 hashes (one per level) and a consistency proof at most 64 plus the seed hash of the old tree.
// Proof decoders refuse longer hash lists before allocating for them.
inline constexpr size_t kMaxProofHashes = 65;

// A whole signed note. signed-note.md requires accepting at least 16 signatures and warns that
// post-quantum ones approach 5 kB (about 6.7 kB in base64): 16 of those plus a checkpoint body
// fit in 128 KiB, and 256 KiB leaves a factor two. Nothing larger is parsed.
inline constexpr size_t kMaxNoteSize = 256 * 1024;

// Signature lines per note. signed-note.md: at least 16 MUST be accepted. 100 is what the Go
// implementation (golang.org/x/mod/sumdb/note) accepts, so notes from that ecosystem interoperate,
// and its test of 101 signatures is malformed here too.
inline constexpr size_t kMaxNoteSignatures = 100;

// A key name (a signature line's name, a vkey's name, a checkpoint origin). Names are schema-less
// URLs such as "audit.example.org/relay1"; 255 bytes is a DNS name with room for a path.
inline constexpr size_t kMaxKeyNameSize = 255;

// Cosignature timestamps are POSIX seconds that "MUST NOT exceed 2^63 - 1" (tlog-cosignature.md).
inline constexpr uint64_t kMaxCosignatureTimestamp = (uint64_t{1} << 63) - 1;

// Audit entries (docs/protocol/audit.md §2). Actor and subject are identifiers (an account, a
// device, a relay, an address), never free text: they fit a uint8 length prefix.
inline constexpr size_t kMaxEntryActorSize = 255;
inline constexpr size_t kMaxEntrySubjectSize = 255;
// Details are a short structured description (a reason code, a key fingerprint, an admin command
// name), never a payload or a secret. 4 KiB bounds the storage of a million entries to ~4.3 GB
// in the worst case, while a typical entry stays under 200 bytes.
inline constexpr size_t kMaxEntryDetailsSize = 4096;
// version (1) + time (8) + kind (2) + three length prefixes (1 + 1 + 2) + the three bodies.
inline constexpr size_t kMaxEntrySize =
    1 + 8 + 2 + 1 + kMaxEntryActorSize + 1 + kMaxEntrySubjectSize + 2 + kMaxEntryDetailsSize;

// Stored logs (stored_log.h). One append batch is one storage transaction: its leaves, the tree
// head and the checkpoint are committed with one fsync. 10,000 entries keep a batch's memory under
// 50 MB even at kMaxEntrySize (about 2 MB for typical 200-byte entries), while the fsync is
// already amortised below 1 % of the batch's cost well before that size.
inline constexpr size_t kMaxAppendBatch = 10'000;
// Leaf indices are stored as SQLite INTEGERs (signed 64-bit) and printed as JSON numbers; a log
// never holds more leaves than that (at 10^6 appends a second it would take 290,000 years).
inline constexpr uint64_t kMaxLogSize = (uint64_t{1} << 63) - 1;

}  // namespace sc::audit
