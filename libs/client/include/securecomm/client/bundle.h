// bundle.h: a prekey bundle as the relay sends it (relay.proto FetchPrekeyBundleResponse) turned
// into e2e::PrekeyBundle, with every field checked. The bytes come from the relay, which is not
// trusted with them: the identity key is checked against the contact's trusted key and the
// signed prekey's signature by X3DH itself (e2e/x3dh.h); this decoder checks their form.
#pragma once

#include "securecomm/base/error.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/proto/relay.pb.h"

namespace sc::client {

// DecodeBundle returns the bundle, or e2e kMalformedMessage if a key or signature has the wrong
// size or the signed prekey is missing.
[[nodiscard]] Result<e2e::PrekeyBundle> DecodeBundle(
    const securecomm::relay::v1::FetchPrekeyBundleResponse& r);

}  // namespace sc::client
