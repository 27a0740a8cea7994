// labels.h (private): the labelled pair every "...WithLabel" function of RFC 9420 encodes:
//
//   struct { opaque label<V> = "MLS 1.0 " + Label; opaque content<V>; }
//
// SignContent (§5.1.2), EncryptContext (§5.1.3) and the tail of KDFLabel (§8) share this layout.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "securecomm/base/bytes.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/kdf.h"

namespace sc::mls::internal {

// WriteLabeled appends opaque label<V> ("MLS 1.0 " + label) and opaque content<V> to `w`.
// kValueTooLarge if either is over kMaxVectorLength (then `w` is as it was).
[[nodiscard]] inline Status WriteLabeled(Writer& w, std::string_view label,
                                         std::span<const uint8_t> content) {
  return w
      .WriteVector([&](Writer& v) {
        v.WriteFixed(AsBytes(kLabelPrefix));
        v.WriteFixed(AsBytes(label));
        return OkStatus();
      })
      .and_then([&] { return w.WriteOpaque(content); });
}

}  // namespace sc::mls::internal
