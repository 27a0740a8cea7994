// note.h: C2SP signed notes (c2sp.org/signed-note): parsing, formatting and verification.
//
// A note is a text ending in '\n', a blank line, then one or more signature lines
// "— <key name> base64(key id || signature)\n". The parser applies every rule of the spec
// (UTF-8, no control characters but '\n', the last blank line separates text and signatures,
// valid key names, at least one signature) and the bounds of limits.h; OpenNote then verifies
// the signatures of trusted keys and ignores the others, as the spec requires.
//
//   std::vector<NoteVerifier> trusted = {log_verifier};
//   Result<OpenedNote> n = OpenNote(note_bytes, trusted);
//   if (!n) { /* kMalformedNote, kBadSignature or kUnknownKey: ignore the text */ }
//
// The text of a note must be ignored unless OpenNote succeeds. Thread safety: every function
// here is thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/audit/note_key.h"
#include "securecomm/base/error.h"

namespace sc::audit {

// A parsed, not yet verified note.
struct Note {
  std::string text;                       // including its final '\n', not the blank line
  std::vector<NoteSignature> signatures;  // in the order of the lines
  friend bool operator==(const Note&, const Note&) = default;
};

// ParseNote splits a note into text and signature lines. kMalformedNote if it breaks any rule of
// signed-note.md §"Format", is larger than kMaxNoteSize, has more than kMaxNoteSignatures
// signature lines, or a signature shorter than key id plus one byte. No partial output.
[[nodiscard]] Result<Note> ParseNote(std::string_view note);

// FormatNote returns text || "\n" || the signature lines. kMalformedNote if the result would not
// parse back to `note` (invalid text or key name, no signature, too many, too large).
[[nodiscard]] Result<std::string> FormatNote(const Note& note);

// A signature that OpenNote verified.
struct VerifiedSignature {
  std::string name;
  uint32_t key_id = 0;
  SignatureType type = SignatureType::kEd25519;
  uint64_t timestamp = 0;  // cosignature/v1 time (POSIX seconds); 0 for kEd25519
  friend bool operator==(const VerifiedSignature&, const VerifiedSignature&) = default;
};

struct OpenedNote {
  std::string text;
  // One entry per trusted key that signed, in the order of first appearance: a key that signs
  // twice counts once, so a quorum cannot be met by repeating a line.
  std::vector<VerifiedSignature> verified;
  // Signatures from keys not in the trusted set (by name and key id), kept for relaying.
  std::vector<NoteSignature> unverified;
};

// OpenNote parses `note` and verifies it against `verifiers` (signed-note.md §"Signatures"):
// a signature whose (name, key id) matches a verifier must verify, any other is ignored.
// Errors: those of ParseNote; kMalformedKey if two verifiers share a name and key id;
// kBadSignature (or kBadTimestamp) if a matching signature does not verify, which rejects the
// whole note; kUnknownKey if no signature matches a verifier.
[[nodiscard]] Result<OpenedNote> OpenNote(std::string_view note, std::span<const NoteVerifier> verifiers);

}  // namespace sc::audit
