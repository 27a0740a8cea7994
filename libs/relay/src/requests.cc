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
    {B::kRegister, "register", false, &HandleRegister, 0},
    {B::kLoginStart, "login_start", false, &HandleLoginStart, 0},
    {B::kLoginFinish, "login_finish", false, &HandleLoginFinish, 0},
    {B::kListDevices, "list_devices", true, &HandleListDevices, 0},
    {B::kRemoveDevice, "remove_device", true, &HandleRemoveDevice, 0},
    {B::kUploadPrekeys, "upload_prekeys", true, &HandleUploadPrekeys, kMaxPrekeysPerUpload},
    {B::kPrekeyCount, "prekey_count", true, &HandlePrekeyCount, 0},
    {B::kFetchPrekeyBundle, "fetch_prekey_bundle", true, &HandleFetchPrekeyBundle, 0},
    {B::kLookupAccount, "lookup_account", true, &HandleLookupAccount, 0},
    {B::kSend, "send", true, &HandleSend, kMaxEnvelopesPerSend},
    {B::kAck, "ack", true, &HandleAck, kMaxAcksPerRequest},
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
