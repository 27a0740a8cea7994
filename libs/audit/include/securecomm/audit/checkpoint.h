// checkpoint.h: C2SP tlog-checkpoint bodies, and opening a signed, witnessed checkpoint.
//
// A checkpoint is the text of a signed note: the log's origin line, the tree size in decimal,
// the base64 root hash, then optional non-empty extension lines (c2sp.org/tlog-checkpoint).
// OpenCheckpoint verifies the log's signature and the cosignatures of known witnesses
// (c2sp.org/tlog-cosignature), so a client can require a quorum of witnesses before it trusts
// the tree head (docs/protocol/audit.md §4).
//
//   Checkpoint cp{"audit.example.org/relay1", log.size(), log.Root(), {}};
//   std::string note = SignCheckpoint(cp, log_signer).value();
//   auto opened = OpenCheckpoint(note, "audit.example.org/relay1", log_verifier, witnesses);
//   if (opened && opened->cosignatures.size() >= quorum) { /* trust opened->checkpoint */ }
//
// Thread safety: every function here is thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/audit/hash.h"
#include "securecomm/audit/note.h"
#include "securecomm/audit/note_key.h"
#include "securecomm/base/error.h"

namespace sc::audit {

struct Checkpoint {
  std::string origin;                   // non-empty; e.g. "audit.example.org/relay1"
  uint64_t size = 0;                    // number of leaves
  Hash root;                            // RFC 6962 root at `size`
  std::vector<std::string> extensions;  // opaque, non-empty lines; not auditable, NOT RECOMMENDED
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// ParseCheckpoint reads a checkpoint body (the note text, with its final '\n').
// kMalformedCheckpoint unless it is valid note text of at least three lines, all non-empty,
// the size is canonical decimal (no sign, no leading zero unless "0") within uint64, and the
// root is canonical padded base64 of exactly 32 bytes. No partial output.
[[nodiscard]] Result<Checkpoint> ParseCheckpoint(std::string_view text);

// FormatCheckpoint returns the body, or kMalformedCheckpoint if the origin or an extension line
// is empty, holds a '\n' or a control character, or is not UTF-8.
[[nodiscard]] Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// SignCheckpoint returns the signed note of `checkpoint` with one signature by `log_key`.
// Errors of FormatCheckpoint, or kMalformedNote if the body exceeds the note limits.
[[nodiscard]] Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& log_key);

struct OpenedCheckpoint {
  Checkpoint checkpoint;
  std::string text;  // the signed body, for cosigning or relaying
  // The witnesses among `witnesses` whose cosignatures verified, each once, with their times.
  std::vector<VerifiedSignature> cosignatures;
  std::vector<NoteSignature> unverified;  // signatures of keys not given, ignored
};

// OpenCheckpoint verifies a signed checkpoint note: it must carry a valid signature by `log_key`
// and its origin must be `origin`; every signature line from `log_key` or one of `witnesses`
// must verify. Errors: those of OpenNote (kMalformedNote, kMalformedKey, kBadSignature,
// kBadTimestamp), kUnknownKey if `log_key` did not sign, kMalformedCheckpoint if the body does
// not parse, kOriginMismatch if the origin differs. Quorum policy is the caller's.
[[nodiscard]] Result<OpenedCheckpoint> OpenCheckpoint(std::string_view note, std::string_view origin,
                                                      const NoteVerifier& log_key,
                                                      std::span<const NoteVerifier> witnesses);

}  // namespace sc::audit
