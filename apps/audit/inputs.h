// inputs.h (securecomm-audit): turning files and arguments into checked values: verifier and
// signer keys, signed checkpoints, entries (binary or JSON), proofs (binary or base64) and the
// log itself. Each failure carries the exit code and error code the command returns, and a
// message that names the file and the reason, never a secret (docs/protocol/audit.md §10).
//
//   InputResult<audit::NoteVerifier> key = LoadVerifier(args.Get("vkey"));
//   if (!key) return out.Fail(key.error());
//
// Thread safety: every function is thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "securecomm/audit/checkpoint.h"
#include "securecomm/audit/note_key.h"
#include "securecomm/audit/stored_log.h"
#include "securecomm/base/error.h"

#include "output.h"

namespace sc::audit_cli {

struct InputError {
  int exit_code;
  std::string code;  // the JSON "error" member: an Errc name ("kBadSignature") or "usage", "io"
  std::string message;
};

template <typename T>
using InputResult = tl::expected<T, InputError>;

// Fail prints `e` through `out` and returns its exit code.
inline int Fail(Output& out, const InputError& e) {
  return out.Fail(e.exit_code, e.code, e.message);
}

// DescribeAuditError returns a short English phrase for an audit::Errc (or the error's name).
std::string DescribeAuditError(const Error& e);

// LoadVerifier parses `arg` as a vkey, or, if it is not one, reads the file it names (one vkey,
// surrounding whitespace ignored). Exit 2 if neither works, 3 if the file cannot be read.
InputResult<audit::NoteVerifier> LoadVerifier(const std::string& arg);

// LoadSigner reads a signer key file ("PRIVATE+KEY+...", as init writes it). Exit 3 if it cannot
// be read, 2 if it is not a signer key. The file's bytes are wiped after parsing.
InputResult<audit::NoteSigner> LoadSigner(const std::string& path);

// ParseCheckpointNote opens a signed checkpoint note with `key` (origin = the key's name).
// Exit 1 with the audit code if it does not open; `what` names it in the message.
InputResult<audit::OpenedCheckpoint> ParseCheckpointNote(std::string_view note,
                                                         const audit::NoteVerifier& key,
                                                         const std::string& what);

// LoadCheckpoint reads and opens a checkpoint file: exit 3 if unreadable, else as above.
InputResult<audit::OpenedCheckpoint> LoadCheckpoint(const std::string& path, const audit::NoteVerifier& key);

// ParseEntryInput returns the canonical bytes of one entry given as the binary encoding
// (docs/protocol/audit.md §2.1, first byte 0x01) or as one JSON object (first non-space byte
// '{', §10.2). A JSON entry without "time_unix_ms" takes `default_time_ms`, or is refused if
// that is nullopt. Exit 2 with the reason if it is neither.
InputResult<std::vector<uint8_t>> ParseEntryInput(std::string_view text,
                                                  std::optional<int64_t> default_time_ms);

// LoadProofBytes reads a proof file: base64 text (one line) or the binary form (§10.3).
// Exit 3 if unreadable, 1 if it is base64-looking text that does not decode.
InputResult<std::vector<uint8_t>> LoadProofBytes(const std::string& path);

// OpenLog opens the SQLite log at `path`, checking every stored row. Exit 3 if the file cannot
// be used (missing, not an audit log, I/O), 1 if a check failed (tampering; the message says
// which row).
InputResult<audit::StoredLog> OpenLog(const std::string& path);

// ParseIndexFlag reads a decimal flag value; exit 2 naming the flag if it is not one.
InputResult<uint64_t> ParseIndexFlag(const std::string& flag, const std::string& value);

}  // namespace sc::audit_cli
