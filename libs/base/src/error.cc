#include "securecomm/base/error.h"

namespace sc {

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kTruncated:
      return "kTruncated";
    case Errc::kTrailingData:
      return "kTrailingData";
    case Errc::kLengthOverflow:
      return "kLengthOverflow";
    case Errc::kInvalidEncoding:
      return "kInvalidEncoding";
    case Errc::kBufferTooSmall:
      return "kBufferTooSmall";
    case Errc::kSystemError:
      return "kSystemError";
  }
  return "kUnknown";
}

}  // namespace sc
