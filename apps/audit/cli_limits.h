// cli_limits.h (securecomm-audit): every bound on what the tool reads, each with its reason
// (DESIGN.md §7.6). Inputs beyond a bound are refused with a message, never truncated.
#pragma once

#include <cstddef>

#include "securecomm/audit/limits.h"
#include "securecomm/crypto/argon2.h"

namespace sc::audit_cli {

// A signer key file holds one line of about 100 bytes ("PRIVATE+KEY+<name>+<id>+<base64>"); a
// name is at most 255 bytes.
inline constexpr size_t kMaxKeyFileSize = 1024;

// The signer key file's passphrase KDF: libsodium's "interactive" Argon2id cost (2 passes,
// 64 MiB), so each command that signs pays about 0.1-0.2 s, which an operator never notices.
inline constexpr crypto::Argon2Params kKeyFileArgon2{2, size_t{64} << 20};
// A passphrase longer than this is refused rather than truncated.
inline constexpr size_t kMaxPassphrase = 1024;

// A vkey given as a file: one line, the same size class as a key file.
inline constexpr size_t kMaxVkeyFileSize = 1024;

// A checkpoint file (or the monitor's state file) is one signed note.
inline constexpr size_t kMaxCheckpointFileSize = audit::kMaxNoteSize;

// A proof file: the binary form is at most 8 + 8 + 2 + 65 * 32 = 2098 bytes, its base64 2800.
inline constexpr size_t kMaxProofFileSize = 4096;

// One entry as input (a JSON line or an entry file): the binary form is at most kMaxEntrySize
// (4.6 KB); as JSON, hex details (8 KiB) plus actor and subject with every byte escaped
// (6 x 510) fit in 16 KiB; 64 KiB leaves room for whitespace.
inline constexpr size_t kMaxEntryInputSize = 64 * 1024;

// One append command is one store transaction and publishes one checkpoint.
inline constexpr size_t kMaxEntriesPerAppend = audit::kMaxAppendBatch;

// The monitor's interval: checking less often than daily is not monitoring, and the bound keeps
// the sleep's arithmetic far from overflow.
inline constexpr double kMaxIntervalSeconds = 86400;

}  // namespace sc::audit_cli
