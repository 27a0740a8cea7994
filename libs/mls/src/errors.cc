#include "securecomm/mls/errors.h"

namespace sc::mls {

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kTruncated:
      return "kTruncated";
    case Errc::kTrailingData:
      return "kTrailingData";
    case Errc::kInvalidVarintPrefix:
      return "kInvalidVarintPrefix";
    case Errc::kNonMinimalVarint:
      return "kNonMinimalVarint";
    case Errc::kVectorTooLong:
      return "kVectorTooLong";
    case Errc::kInvalidOptional:
      return "kInvalidOptional";
    case Errc::kValueTooLarge:
      return "kValueTooLarge";
    case Errc::kUnsupportedCipherSuite:
      return "kUnsupportedCipherSuite";
    case Errc::kInvalidLength:
      return "kInvalidLength";
    case Errc::kBadSignature:
      return "kBadSignature";
    case Errc::kInvalidKey:
      return "kInvalidKey";
    case Errc::kDecryptFailed:
      return "kDecryptFailed";
    case Errc::kTreeTooLarge:
      return "kTreeTooLarge";
    case Errc::kInvalidLeafIndex:
      return "kInvalidLeafIndex";
    case Errc::kGenerationTooFarAhead:
      return "kGenerationTooFarAhead";
    case Errc::kGenerationConsumed:
      return "kGenerationConsumed";
    case Errc::kGenerationExhausted:
      return "kGenerationExhausted";
    case Errc::kTreeNotPerfect:
      return "kTreeNotPerfect";
    case Errc::kUnsupportedVersion:
      return "kUnsupportedVersion";
    case Errc::kInvalidPsk:
      return "kInvalidPsk";
  }
  return "kUnknown";
}

}  // namespace sc::mls
