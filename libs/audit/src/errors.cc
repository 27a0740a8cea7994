#include "securecomm/audit/errors.h"

namespace sc::audit {

std::string_view ErrcName(Errc e) noexcept {
  // clang-format off
  switch (e) {
    case Errc::kRootMismatch: return "kRootMismatch";
    case Errc::kBadProofLength: return "kBadProofLength";
    case Errc::kIndexOutOfRange: return "kIndexOutOfRange";
    case Errc::kSizeMismatch: return "kSizeMismatch";
    case Errc::kMalformedNote: return "kMalformedNote";
    case Errc::kBadSignature: return "kBadSignature";
    case Errc::kUnknownKey: return "kUnknownKey";
    case Errc::kMalformedEntry: return "kMalformedEntry";
    case Errc::kMalformedKey: return "kMalformedKey";
    case Errc::kMalformedCheckpoint: return "kMalformedCheckpoint";
    case Errc::kBadHashSize: return "kBadHashSize";
    case Errc::kMalformedProof: return "kMalformedProof";
    case Errc::kOriginMismatch: return "kOriginMismatch";
    case Errc::kBadTimestamp: return "kBadTimestamp";
    case Errc::kTamperedEntry: return "kTamperedEntry";
    case Errc::kTamperedHash: return "kTamperedHash";
    case Errc::kTamperedCheckpoint: return "kTamperedCheckpoint";
    case Errc::kCorruptStore: return "kCorruptStore";
    case Errc::kStorageFailed: return "kStorageFailed";
    case Errc::kLimitExceeded: return "kLimitExceeded";
  }
  // clang-format on
  return "kUnknown";
}

}  // namespace sc::audit
