#include "securecomm/client/errors.h"

namespace sc::client {

std::string_view ErrcName(Errc e) noexcept {
  // clang-format off
  switch (e) {
    case Errc::kMalformedRecord: return "kMalformedRecord";
    case Errc::kIdentityChanged: return "kIdentityChanged";
    case Errc::kUnknownUser: return "kUnknownUser";
    case Errc::kNotRegistered: return "kNotRegistered";
    case Errc::kAlreadyRegistered: return "kAlreadyRegistered";
    case Errc::kNoPrekeys: return "kNoPrekeys";
    case Errc::kMessageTooLarge: return "kMessageTooLarge";
    case Errc::kNotAContact: return "kNotAContact";
    case Errc::kSenderMismatch: return "kSenderMismatch";
    case Errc::kDisconnected: return "kDisconnected";
    case Errc::kNoSession: return "kNoSession";
  }
  // clang-format on
  return "kUnknown";
}

std::string_view Describe(Errc e) noexcept {
  // clang-format off
  switch (e) {
    case Errc::kMalformedRecord: return "a stored record or message content is malformed";
    case Errc::kIdentityChanged: return "the contact's identity keys changed; compare safety numbers, then run `securecomm trust`";
    case Errc::kUnknownUser: return "no such user on this relay";
    case Errc::kNotRegistered: return "this device has no account yet: run `securecomm register` or `securecomm login`";
    case Errc::kAlreadyRegistered: return "this device already belongs to an account";
    case Errc::kNoPrekeys: return "a device of the recipient has published no prekeys";
    case Errc::kMessageTooLarge: return "the message is too large";
    case Errc::kNotAContact: return "no such contact";
    case Errc::kSenderMismatch: return "a message's claimed sender does not match its account or key";
    case Errc::kDisconnected: return "the relay session ended";
    case Errc::kNoSession: return "no session with that device";
  }
  // clang-format on
  return "unknown client error";
}

}  // namespace sc::client
