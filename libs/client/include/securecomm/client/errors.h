// errors.h: client::Errc, errors of the messaging client (libs/client) that no lower layer names.
// The relay's refusals are proto::RelayErrc errors (kRelay domain), not client errors.
// Append only; never renumber (the CLI maps them to exit codes: apps/cli/exit_codes.h).
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::client {

enum class Errc : uint16_t {
  kMalformedRecord = 1,    // a stored record or a message's content does not decode
  kIdentityChanged = 2,    // a contact's device keys changed: sending waits for `trust`
  kUnknownUser = 3,        // the relay has no such username
  kNotRegistered = 4,      // this device has no account yet (register or login first)
  kAlreadyRegistered = 5,  // this device already belongs to an account
  // 6: retired (was kRefused): a relay's refusal is an error of its own domain,
  //    proto::RelayErrc (securecomm/proto/relay_error.h), with its retry hint. Never reuse 6.
  kNoPrekeys = 7,        // a recipient device has uploaded no signed prekey
  kMessageTooLarge = 8,  // a text over kMaxTextBytes
  kNotAContact = 9,      // no contact of that name
  kSenderMismatch = 10,  // a message claims a sender whose account or device key does not match
  kDisconnected = 11,    // the relay session ended
  kNoSession = 12,       // a message for a session this device does not have
};

std::string_view ErrcName(Errc e) noexcept;
// Describe returns a one-line English description of `e`, for command-line messages.
std::string_view Describe(Errc e) noexcept;

}  // namespace sc::client

SC_DEFINE_ERROR_ENUM(sc::client::Errc, sc::ErrorDomain::kClient, sc::client::ErrcName);
