#include "securecomm/crypto/errors.h"

namespace sc::crypto {

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kInvalidKeySize:
      return "kInvalidKeySize";
    case Errc::kInvalidNonceSize:
      return "kInvalidNonceSize";
    case Errc::kAuthFailed:
      return "kAuthFailed";
    case Errc::kBadSignature:
      return "kBadSignature";
    case Errc::kWeakKey:
      return "kWeakKey";
    case Errc::kInvalidPublicKey:
      return "kInvalidPublicKey";
    case Errc::kOutputTooLarge:
      return "kOutputTooLarge";
    case Errc::kInputTooLarge:
      return "kInputTooLarge";
    case Errc::kBufferTooSmall:
      return "kBufferTooSmall";
    case Errc::kInvalidArgument:
      return "kInvalidArgument";
    case Errc::kOutOfMemory:
      return "kOutOfMemory";
    case Errc::kBackendFailure:
      return "kBackendFailure";
    case Errc::kTruncated:
      return "kTruncated";
    case Errc::kMessageLimitReached:
      return "kMessageLimitReached";
    case Errc::kInvalidPsk:
      return "kInvalidPsk";
    case Errc::kUnsupportedAlgorithm:
      return "kUnsupportedAlgorithm";
  }
  return "kUnknown";
}

}  // namespace sc::crypto
