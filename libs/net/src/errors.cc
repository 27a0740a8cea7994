#include "securecomm/net/errors.h"

namespace sc::net {

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kIoError:
      return "kIoError";
    case Errc::kEndOfStream:
      return "kEndOfStream";
    case Errc::kTimeout:
      return "kTimeout";
    case Errc::kBadAddress:
      return "kBadAddress";
    case Errc::kTooManySessions:
      return "kTooManySessions";
    case Errc::kHttpStartFailed:
      return "kHttpStartFailed";
  }
  return "kUnknown";
}

}  // namespace sc::net
