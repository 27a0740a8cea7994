// errors.h: e2e::Errc, every error of the end-to-end layer (docs/protocol/e2e.md §9).
//
// Two outcomes matter to a caller (STYLE.md "Errors"): a message error means "drop this message"
// and leaves the session exactly as it was; a state error (kMalformedState,
// kUnsupportedStateVersion) means the stored session is unusable and must be reset.
// Append only; never renumber.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::e2e {

enum class Errc : uint16_t {
  kMalformedMessage = 1,          // a wire message does not decode (truncated, trailing bytes, bad flag)
  kUnsupportedVersion = 2,        // a wire message's version byte is not kWireVersion
  kUnknownMessageType = 3,        // a wire message's type byte is not in the registry
  kMessageTooLarge = 4,           // a message or plaintext is over its named limit
  kBadSignature = 5,              // a signed prekey's signature does not verify
  kUntrustedIdentity = 6,         // a prekey bundle's identity key is not the one expected
  kInvalidKey = 7,                // a public key does not convert, or a Diffie-Hellman result is zero
  kUnknownPrekey = 8,             // a prekey message names prekeys other than those supplied
  kAuthFailed = 9,                // the AEAD did not authenticate: forged, tampered or wrong session
  kDuplicateMessage = 10,         // the message's key is gone: already used (a replay) or evicted
  kTooManySkipped = 11,           // the message is more than kMaxSkip ahead of its chain
  kSessionMismatch = 12,          // a prekey message that belongs to another session
  kMalformedState = 13,           // serialized session state does not decode or is inconsistent
  kUnsupportedStateVersion = 14,  // serialized session state has an unknown version byte
  kChainExhausted = 15,           // a message counter would pass kMaxMessageNumber
  kNoSendingChain = 16,           // the ratchet cannot send yet (a responder before its first message)
};

std::string_view ErrcName(Errc e) noexcept;

}  // namespace sc::e2e

SC_DEFINE_ERROR_ENUM(sc::e2e::Errc, sc::ErrorDomain::kE2e, sc::e2e::ErrcName);
