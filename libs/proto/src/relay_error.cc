#include "securecomm/proto/relay_error.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace sc::proto {
namespace {

using E = RelayErrc;

// One row per ErrorCode except OK; relay_error_test proves every wire value has exactly one.
constexpr std::array<RelayErrorInfo, 34> kRelayErrors = {{
    {E::kMalformedFrame, "kMalformedFrame", "the relay could not parse a request (a client bug)", false},
    {E::kUnsupportedVersion, "kUnsupportedVersion",
     "the relay speaks another protocol version: update the client", false},
    {E::kUnknownRequest, "kUnknownRequest",
     "the relay does not know this request: update the relay or the client", false},
    {E::kNotAuthenticated, "kNotAuthenticated", "log in first", false},
    {E::kAlreadyAuthenticated, "kAlreadyAuthenticated", "this session is already logged in", false},
    {E::kInvalidUsername, "kInvalidUsername",
     "usernames are 3-32 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit", false},
    {E::kUsernameTaken, "kUsernameTaken", "that username is taken: choose another", false},
    {E::kWeakSrpGroup, "kWeakSrpGroup", "the relay requires a larger SRP group", false},
    {E::kInvalidSrpParameters, "kInvalidSrpParameters", "the login parameters were malformed (a client bug)",
     false},
    {E::kBadCredentials, "kBadCredentials", "wrong username or password", false},
    {E::kAccountThrottled, "kAccountThrottled",
     "too many failed logins for this account: wait, then try again", true},
    {E::kAccountLocked, "kAccountLocked",
     "this account is locked after repeated failed logins: wait, then try again", true},
    {E::kAddressThrottled, "kAddressThrottled",
     "too many failed logins from this address: wait, then try again", true},
    {E::kNoLoginInProgress, "kNoLoginInProgress", "no login was started on this session (a client bug)",
     false},
    {E::kTooManyDevices, "kTooManyDevices", "the account has its maximum of devices: remove one first",
     false},
    {E::kUnknownDevice, "kUnknownDevice", "no such device", false},
    {E::kInvalidPrekeySignature, "kInvalidPrekeySignature",
     "a prekey's signature does not verify (a client bug)", false},
    {E::kTooManyPrekeys, "kTooManyPrekeys", "too many prekeys for this device", false},
    {E::kDuplicatePrekeyId, "kDuplicatePrekeyId", "a prekey id was uploaded twice (a client bug)", false},
    {E::kNoPrekeys, "kNoPrekeys", "the device has published no prekeys", false},
    {E::kUnknownAccount, "kUnknownAccount", "no such user on this relay", false},
    {E::kUnknownRecipient, "kUnknownRecipient", "a recipient device no longer exists", false},
    {E::kEnvelopeTooLarge, "kEnvelopeTooLarge", "the message is too large for the relay", false},
    {E::kTooManyEnvelopes, "kTooManyEnvelopes", "too many recipient devices in one send", false},
    {E::kQueueFull, "kQueueFull", "the recipient's queue is full: they must come online first", true},
    {E::kInvalidTtl, "kInvalidTtl", "the message's time to live is longer than the relay allows", false},
    {E::kStorageFailure, "kStorageFailure",
     "the relay's storage failed; nothing was written: try again later", true},
    {E::kInvalidRequest, "kInvalidRequest", "a request field was missing or out of range (a client bug)",
     false},
    {E::kDeviceRemoved, "kDeviceRemoved", "this device was removed from its account", false},
    {E::kRelayShuttingDown, "kRelayShuttingDown", "the relay is restarting: try again shortly", true},
    {E::kSlowReader, "kSlowReader", "the connection fell too far behind; queued messages are kept: reconnect",
     true},
    {E::kTooManyBadFrames, "kTooManyBadFrames", "the relay ended a session that sent malformed requests",
     false},
    {E::kRelayBusy, "kRelayBusy", "the relay is overloaded; nothing was written: try again shortly", true},
    {E::kInternalError, "kInternalError", "the relay failed internally (its log says why)", false},
}};

}  // namespace

const RelayErrorInfo* FindRelayError(RelayErrc code) noexcept {
  const auto* it = std::find_if(kRelayErrors.begin(), kRelayErrors.end(),
                                [code](const RelayErrorInfo& row) { return row.code == code; });
  return it == kRelayErrors.end() ? nullptr : it;
}

std::string_view RelayErrcName(RelayErrc code) noexcept {
  const auto* row = FindRelayError(code);
  return row != nullptr ? row->name : "kUnknownRelayError";
}

std::string_view DescribeRelayError(RelayErrc code) noexcept {
  const auto* row = FindRelayError(code);
  return row != nullptr ? row->description : "the relay refused the request";
}

bool IsRetryable(RelayErrc code) noexcept {
  const auto* row = FindRelayError(code);
  return row != nullptr && row->retryable;
}

std::string_view WireName(RelayErrc code) noexcept {
  const int value = static_cast<int>(code);
  if (!pb::ErrorCode_IsValid(value)) return "UNKNOWN";
  return pb::ErrorCode_Name(static_cast<pb::ErrorCode>(value));  // static storage
}

Error RefusalError(const pb::Response& response) noexcept {
  Error e = static_cast<RelayErrc>(response.error());
  if (response.retry_after_ms() > 0) {
    e = e.WithRetryAfter(std::chrono::milliseconds(
        static_cast<int64_t>(std::min<uint64_t>(response.retry_after_ms(), UINT32_MAX))));
  }
  return e;
}

Error RefusalError(pb::ErrorCode reason) noexcept {
  return static_cast<RelayErrc>(reason);
}

}  // namespace sc::proto
