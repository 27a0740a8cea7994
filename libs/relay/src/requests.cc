#include "securecomm/relay/requests.h"

#include <algorithm>
#include <array>

#include "securecomm/relay/limits.h"

#include "handlers.h"

namespace sc::relay {
namespace {

using B = pb::ClientFrame;

// One row per request type (requests.h). Append rows; never reuse a ClientFrame field number.
constexpr std::array<RequestType, 11> kRequestTypes = {{
    {B::kRegister, "register", false, &HandleRegister, 0, true},
    {B::kLoginStart, "login_start", false, &HandleLoginStart, 0, false},
    {B::kLoginFinish, "login_finish", false, &HandleLoginFinish, 0, false},
    {B::kListDevices, "list_devices", true, &HandleListDevices, 0, false},
    {B::kRemoveDevice, "remove_device", true, &HandleRemoveDevice, 0, false},
    {B::kUploadPrekeys, "upload_prekeys", true, &HandleUploadPrekeys, kMaxPrekeysPerUpload, true},
    {B::kPrekeyCount, "prekey_count", true, &HandlePrekeyCount, 0, false},
    {B::kFetchPrekeyBundle, "fetch_prekey_bundle", true, &HandleFetchPrekeyBundle, 0, false},
    {B::kLookupAccount, "lookup_account", true, &HandleLookupAccount, 0, false},
    {B::kSend, "send", true, &HandleSend, kMaxEnvelopesPerSend, true},
    {B::kAck, "ack", true, &HandleAck, kMaxAcksPerRequest, false},
}};

}  // namespace

std::span<const RequestType> RequestTypes() noexcept {
  return kRequestTypes;
}

const RequestType* FindRequestType(pb::ClientFrame::BodyCase body) noexcept {
  const auto* it = std::find_if(kRequestTypes.begin(), kRequestTypes.end(),
                                [body](const RequestType& row) { return row.body == body; });
  return it == kRequestTypes.end() ? nullptr : it;
}

}  // namespace sc::relay
