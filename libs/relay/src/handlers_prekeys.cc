// Prekeys and the directory: upload, count, fetch a bundle, look up an account (relay.md §6-§7).
#include <set>

#include "securecomm/base/bytes.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/proto/username.h"
#include "securecomm/store/errors.h"

#include "handlers.h"

namespace sc::relay {

Outcome HandleUploadPrekeys(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f) {
  const pb::UploadPrekeysRequest& r = f.upload_prekeys();
  const store::DeviceAddress self = *s.device;
  if (!r.has_signed_prekey() && r.one_time_prekeys_size() == 0) return Refuse(pb::INVALID_REQUEST);
  if (static_cast<size_t>(r.one_time_prekeys_size()) > kMaxPrekeysPerUpload)
    return Refuse(pb::TOO_MANY_PREKEYS);
  std::optional<store::SignedPrekey> signed_prekey;
  if (r.has_signed_prekey()) {
    const auto& sp = r.signed_prekey();
    auto pub = crypto::X25519PublicKey::FromSpan(AsBytes(sp.public_key()));
    auto sig = crypto::Ed25519Signature::FromSpan(AsBytes(sp.signature()));
    if (!pub || !sig) return Refuse(pb::INVALID_REQUEST);
    // relay.md §6: the same signed bytes as the e2e layer's (e2e.md §2), verified by one function.
    const e2e::SignedPrekey candidate{sp.id(), *pub, *sig};
    const crypto::Ed25519PublicKey identity(std::span<const uint8_t, 32>(s.peer_identity));
    if (!candidate.Verify(identity)) return Refuse(pb::INVALID_PREKEY_SIGNATURE);
    signed_prekey.emplace();
    signed_prekey->id = sp.id();
    std::copy(pub->span().begin(), pub->span().end(), signed_prekey->public_key.begin());
    std::copy(sig->span().begin(), sig->span().end(), signed_prekey->signature.begin());
  }
  std::vector<store::OneTimePrekey> one_time;
  std::set<uint32_t> ids;
  for (const auto& k : r.one_time_prekeys()) {
    if (k.public_key().size() != 32) return Refuse(pb::INVALID_REQUEST);
    if (!ids.insert(k.id()).second) return Refuse(pb::DUPLICATE_PREKEY_ID);
    store::OneTimePrekey p;
    p.id = k.id();
    std::copy(k.public_key().begin(), k.public_key().end(), p.public_key.begin());
    one_time.push_back(p);
  }
  auto count = ctx.store.CountOneTimePrekeys(self);
  if (!count) return StoreFailure(count.error());
  if (*count + one_time.size() > kMaxOneTimePrekeys) return Refuse(pb::TOO_MANY_PREKEYS);
  if (signed_prekey) {
    if (auto st = ctx.store.SetSignedPrekey(self, *signed_prekey); !st) return StoreFailure(st.error());
  }
  uint32_t remaining = *count;
  if (!one_time.empty()) {
    auto added = ctx.store.AddOneTimePrekeys(self, one_time);
    if (!added) {
      return added.error() == store::Errc::kDuplicate ? Refuse(pb::DUPLICATE_PREKEY_ID)
                                                      : StoreFailure(added.error());
    }
    remaining = *added;
  }
  Outcome out;
  out.response.mutable_upload_prekeys()->set_one_time_remaining(remaining);
  return out;
}

Outcome HandlePrekeyCount(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame&) {
  auto count = ctx.store.CountOneTimePrekeys(*s.device);
  if (!count) return StoreFailure(count.error());
  Outcome out;
  out.response.mutable_prekey_count()->set_one_time_remaining(*count);
  return out;
}

Outcome HandleFetchPrekeyBundle(HandlerContext& ctx, SessionContext&, const pb::ClientFrame& f) {
  const pb::FetchPrekeyBundleRequest& r = f.fetch_prekey_bundle();
  const store::DeviceAddress target{r.account_id(), r.device_id()};
  if (target.account == 0 || target.device == 0) return Refuse(pb::INVALID_REQUEST);
  if (auto d = ctx.store.GetDevice(target); !d) {
    return d.error() == store::Errc::kNotFound ? Refuse(pb::UNKNOWN_DEVICE) : StoreFailure(d.error());
  }
  auto bundle = ctx.store.TakePrekeyBundle(target);
  if (!bundle) {
    return bundle.error() == store::Errc::kNotFound ? Refuse(pb::NO_PREKEYS) : StoreFailure(bundle.error());
  }
  Outcome out;
  auto* body = out.response.mutable_fetch_prekey_bundle();
  body->set_account_id(target.account);
  body->set_device_id(target.device);
  body->set_identity_key(bundle->device.identity_key.data(), bundle->device.identity_key.size());
  auto* sp = body->mutable_signed_prekey();
  sp->set_id(bundle->signed_prekey.id);
  sp->set_public_key(bundle->signed_prekey.public_key.data(), bundle->signed_prekey.public_key.size());
  sp->set_signature(bundle->signed_prekey.signature.data(), bundle->signed_prekey.signature.size());
  if (bundle->one_time) {
    auto* ot = body->mutable_one_time_prekey();
    ot->set_id(bundle->one_time->id);
    ot->set_public_key(bundle->one_time->public_key.data(), bundle->one_time->public_key.size());
  }
  if (bundle->one_time_remaining < kPrekeysLowThreshold) {
    out.effects.prekeys_low.emplace_back(target, bundle->one_time_remaining);
  }
  return out;
}

Outcome HandleLookupAccount(HandlerContext& ctx, SessionContext&, const pb::ClientFrame& f) {
  const pb::LookupAccountRequest& r = f.lookup_account();
  auto username = proto::NormalizeUsername(r.username());
  if (!username) return Refuse(pb::INVALID_USERNAME);
  auto account = ctx.store.FindAccount(*username);
  if (!account) {
    return account.error() == store::Errc::kNotFound ? Refuse(pb::UNKNOWN_ACCOUNT)
                                                     : StoreFailure(account.error());
  }
  auto devices = ctx.store.ListDevices(account->id);
  if (!devices) return StoreFailure(devices.error());
  Outcome out;
  auto* body = out.response.mutable_lookup_account();
  body->set_account_id(account->id);
  for (const auto& d : *devices) FillDevice(*body->add_devices(), d);
  return out;
}

}  // namespace sc::relay
