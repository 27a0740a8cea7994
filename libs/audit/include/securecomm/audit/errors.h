// errors.h: audit::Errc, the closed set of errors of the audit layer (docs/protocol/audit.md §8).
//
// Every function of libs/audit that can fail returns one of these (or, where it says so, a base
// or crypto code passed through). The numeric values may travel to clients later: append only;
// never renumber.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::audit {

enum class Errc : uint16_t {
  kRootMismatch = 1,          // a proof does not lead to the expected root hash(es)
  kBadProofLength = 2,        // a proof has more or fewer hashes than its sizes require
  kIndexOutOfRange = 3,       // a leaf index is not below the tree size, or past the log's end
  kSizeMismatch = 4,          // tree sizes that admit no proof (size1 > size2, size1 == 0, ...)
  kMalformedNote = 5,         // a signed note breaks a rule of c2sp.org/signed-note or a limit
  kBadSignature = 6,          // a signature from a trusted key does not verify
  kUnknownKey = 7,            // no signature of a trusted key is present on the note
  kMalformedEntry = 8,        // an audit entry does not encode or decode (docs/protocol/audit.md §2)
  kMalformedKey = 9,          // a verifier or signer key string, or a key name, is invalid
  kMalformedCheckpoint = 10,  // a checkpoint body breaks c2sp.org/tlog-checkpoint
  kBadHashSize = 11,          // a hash is not exactly 32 bytes
  kMalformedProof = 12,       // a binary proof does not decode (docs/protocol/audit.md §6)
  kOriginMismatch = 13,       // a checkpoint comes from another log than the one expected
  kBadTimestamp = 14,         // a cosignature timestamp is negative or above 2^63 - 1
  // Stored logs (log_store.h, stored_log.h; docs/protocol/audit.md §9):
  kTamperedEntry = 15,       // stored entries were modified, removed or added outside the log
  kTamperedHash = 16,        // a stored tree hash differs from the one the stored entries give
  kTamperedCheckpoint = 17,  // a stored checkpoint does not verify or commits to another tree
  kCorruptStore = 18,        // stored rows are not shaped like a log (bad metadata, hash sizes)
  kStorageFailed = 19,       // the storage refused a read or write (adapters say why: their codes)
  kLimitExceeded = 20,       // an input exceeds a bound of limits.h (batch size, log size)
};

std::string_view ErrcName(Errc e) noexcept;

}  // namespace sc::audit

SC_DEFINE_ERROR_ENUM(sc::audit::Errc, sc::ErrorDomain::kAudit, sc::audit::ErrcName);
