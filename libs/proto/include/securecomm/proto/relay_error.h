// relay_error.h: the relay's refusals as an error domain of sc::Error (ErrorDomain::kRelay), so
// that a client returns a refusal like any other error, with the relay's retry hint:
//
//   auto r = co_await client->Request(frame);        // Result<pb::Response>, refusals as errors
//   if (!r && r.error() == proto::RelayErrc::kAccountThrottled) wait(r.error().retry_after());
//
// RelayErrc's values are the wire's ErrorCode values (relay.proto); a test proves the two agree.
// Each code has one row (RelayErrorInfo): its name, an English description with what to do
// next, and whether retrying the same request later can succeed.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"
#include "securecomm/proto/relay.pb.h"

namespace sc::proto {

namespace pb = securecomm::relay::v1;

// RelayErrc: relay.proto's ErrorCode. Append only; never renumber.
enum class RelayErrc : uint16_t {
  kMalformedFrame = pb::MALFORMED_FRAME,
  kUnsupportedVersion = pb::UNSUPPORTED_VERSION,
  kUnknownRequest = pb::UNKNOWN_REQUEST,
  kNotAuthenticated = pb::NOT_AUTHENTICATED,
  kAlreadyAuthenticated = pb::ALREADY_AUTHENTICATED,
  kInvalidUsername = pb::INVALID_USERNAME,
  kUsernameTaken = pb::USERNAME_TAKEN,
  kWeakSrpGroup = pb::WEAK_SRP_GROUP,
  kInvalidSrpParameters = pb::INVALID_SRP_PARAMETERS,
  kBadCredentials = pb::BAD_CREDENTIALS,
  kAccountThrottled = pb::ACCOUNT_THROTTLED,
  kAccountLocked = pb::ACCOUNT_LOCKED,
  kAddressThrottled = pb::ADDRESS_THROTTLED,
  kNoLoginInProgress = pb::NO_LOGIN_IN_PROGRESS,
  kTooManyDevices = pb::TOO_MANY_DEVICES,
  kUnknownDevice = pb::UNKNOWN_DEVICE,
  kInvalidPrekeySignature = pb::INVALID_PREKEY_SIGNATURE,
  kTooManyPrekeys = pb::TOO_MANY_PREKEYS,
  kDuplicatePrekeyId = pb::DUPLICATE_PREKEY_ID,
  kNoPrekeys = pb::NO_PREKEYS,
  kUnknownAccount = pb::UNKNOWN_ACCOUNT,
  kUnknownRecipient = pb::UNKNOWN_RECIPIENT,
  kEnvelopeTooLarge = pb::ENVELOPE_TOO_LARGE,
  kTooManyEnvelopes = pb::TOO_MANY_ENVELOPES,
  kQueueFull = pb::QUEUE_FULL,
  kInvalidTtl = pb::INVALID_TTL,
  kStorageFailure = pb::STORAGE_FAILURE,
  kInvalidRequest = pb::INVALID_REQUEST,
  kDeviceRemoved = pb::DEVICE_REMOVED,
  kRelayShuttingDown = pb::RELAY_SHUTTING_DOWN,
  kSlowReader = pb::SLOW_READER,
  kTooManyBadFrames = pb::TOO_MANY_BAD_FRAMES,
  kRelayBusy = pb::RELAY_BUSY,
  kInternalError = pb::INTERNAL_ERROR,
};

// RelayErrorInfo: one row per code.
struct RelayErrorInfo {
  RelayErrc code;
  std::string_view name;         // "kAccountThrottled"
  std::string_view description;  // one English line for people, with what to do next
  bool retryable;                // the same request may succeed later (after retry_after if given)
};

// FindRelayError returns the row of `code`, or nullptr for a value no row has (a newer relay).
const RelayErrorInfo* FindRelayError(RelayErrc code) noexcept;
// RelayErrcName returns the code's identifier ("kQueueFull"), or "kUnknownRelayError".
std::string_view RelayErrcName(RelayErrc code) noexcept;
// DescribeRelayError returns the row's description, or a generic line for an unknown code.
std::string_view DescribeRelayError(RelayErrc code) noexcept;
// IsRetryable: the row's `retryable` (false for an unknown code).
bool IsRetryable(RelayErrc code) noexcept;
// WireName returns relay.proto's name of the code ("QUEUE_FULL"), as logs and JSON show it.
std::string_view WireName(RelayErrc code) noexcept;

// RefusalError turns a Response whose error is not OK into an Error of the kRelay domain,
// carrying the response's retry_after_ms as its hint. REQUIRES: response.error() != OK.
Error RefusalError(const pb::Response& response) noexcept;
// RefusalError for a SessionEnded reason (no hint).
Error RefusalError(pb::ErrorCode reason) noexcept;

}  // namespace sc::proto

SC_DEFINE_ERROR_ENUM(sc::proto::RelayErrc, sc::ErrorDomain::kRelay, sc::proto::RelayErrcName);
