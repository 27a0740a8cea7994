#include "securecomm/e2e/errors.h"

namespace sc::e2e {

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kMalformedMessage:
      return "kMalformedMessage";
    case Errc::kUnsupportedVersion:
      return "kUnsupportedVersion";
    case Errc::kUnknownMessageType:
      return "kUnknownMessageType";
    case Errc::kMessageTooLarge:
      return "kMessageTooLarge";
    case Errc::kBadSignature:
      return "kBadSignature";
    case Errc::kUntrustedIdentity:
      return "kUntrustedIdentity";
    case Errc::kInvalidKey:
      return "kInvalidKey";
    case Errc::kUnknownPrekey:
      return "kUnknownPrekey";
    case Errc::kAuthFailed:
      return "kAuthFailed";
    case Errc::kDuplicateMessage:
      return "kDuplicateMessage";
    case Errc::kTooManySkipped:
      return "kTooManySkipped";
    case Errc::kSessionMismatch:
      return "kSessionMismatch";
    case Errc::kMalformedState:
      return "kMalformedState";
    case Errc::kUnsupportedStateVersion:
      return "kUnsupportedStateVersion";
    case Errc::kChainExhausted:
      return "kChainExhausted";
    case Errc::kNoSendingChain:
      return "kNoSendingChain";
  }
  return "kUnknown";
}

}  // namespace sc::e2e
