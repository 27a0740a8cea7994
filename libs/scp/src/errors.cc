#include "securecomm/scp/errors.h"

namespace sc::scp {

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kMalformedFrame:
      return "kMalformedFrame";
    case Errc::kUnsupportedVersion:
      return "kUnsupportedVersion";
    case Errc::kUnknownType:
      return "kUnknownType";
    case Errc::kBadMac:
      return "kBadMac";
    case Errc::kDecryptFailed:
      return "kDecryptFailed";
    case Errc::kReplay:
      return "kReplay";
    case Errc::kUnexpectedMessage:
      return "kUnexpectedMessage";
    case Errc::kHandshakeFailed:
      return "kHandshakeFailed";
    case Errc::kUntrustedIdentity:
      return "kUntrustedIdentity";
    case Errc::kBadCredential:
      return "kBadCredential";
    case Errc::kUnsupportedSuite:
      return "kUnsupportedSuite";
    case Errc::kFrameTooLarge:
      return "kFrameTooLarge";
    case Errc::kNonceExhausted:
      return "kNonceExhausted";
    case Errc::kTimeout:
      return "kTimeout";
    case Errc::kClosed:
      return "kClosed";
    case Errc::kPeerError:
      return "kPeerError";
    case Errc::kOverloaded:
      return "kOverloaded";
  }
  return "kUnknown";
}

}  // namespace sc::scp
