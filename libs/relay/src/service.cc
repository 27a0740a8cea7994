#include "securecomm/relay/service.h"

#include <algorithm>
#include <set>

#include "securecomm/base/encoding.h"
#include "securecomm/base/log.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/store/errors.h"

namespace sc::relay {
namespace {

using store::DeviceAddress;

constexpr std::string_view kSignedPrekeyContext = "SecureComm signed prekey v1";

Outcome Refuse(pb::ErrorCode code) {
  Outcome o;
  o.response.set_error(code);
  return o;
}

Outcome RefuseAt(pb::ErrorCode code, size_t index) {
  Outcome o = Refuse(code);
  o.response.set_error_index(static_cast<uint32_t>(index));
  return o;
}

Outcome RefuseFor(pb::ErrorCode code, int64_t retry_after_ms) {
  Outcome o = Refuse(code);
  o.response.set_retry_after_ms(static_cast<uint64_t>(std::max<int64_t>(retry_after_ms, 0)));
  return o;
}

// StoreFailure: any store error the request cannot explain to the client.
Outcome StoreFailure(const Error& e) {
  SC_LOG_WARN("relay store failure: {}", e.name());
  return Refuse(pb::STORAGE_FAILURE);
}

bool ValidGroup(uint32_t g) {
  return g == static_cast<uint32_t>(crypto::SrpGroup::k1024) || g == static_cast<uint32_t>(crypto::SrpGroup::k3072) ||
         g == static_cast<uint32_t>(crypto::SrpGroup::k4096);
}

// The store keeps a verifier's group as its size in bits (relay-store.md).
uint32_t GroupBits(crypto::SrpGroup g) { return static_cast<uint32_t>(crypto::SrpGroupBytes(g) * 8); }
std::optional<crypto::SrpGroup> GroupFromBits(uint32_t bits) {
  for (auto g : {crypto::SrpGroup::k1024, crypto::SrpGroup::k3072, crypto::SrpGroup::k4096}) {
    if (GroupBits(g) == bits) return g;
  }
  return std::nullopt;
}

bool AllZero(std::span<const uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

void FillDevice(pb::Device& out, const store::DeviceRecord& d) {
  out.set_device_id(d.id);
  out.set_identity_key(d.identity_key.data(), d.identity_key.size());
  out.set_created_ms(d.created_ms);
}

template <typename T>
std::span<const uint8_t> Bytes(const T& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

Service::Service(store::RelayStore& store, const Clock& clock, Random& rng, ServiceOptions options)
    : store_(&store), clock_(&clock), rng_(&rng), options_(std::move(options)) {}

std::optional<std::string> Service::NormalizeUsername(std::string_view username) {
  if (username.size() < kMinUsernameLength || username.size() > kMaxUsernameLength) return std::nullopt;
  std::string out(username);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return std::nullopt;
  }
  const char first = out.front();
  if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9'))) return std::nullopt;
  return out;
}

std::vector<uint8_t> Service::SignedPrekeyMessage(uint32_t id, std::span<const uint8_t, 32> public_key) {
  std::vector<uint8_t> m(kSignedPrekeyContext.begin(), kSignedPrekeyContext.end());
  m.push_back(static_cast<uint8_t>(id >> 24));
  m.push_back(static_cast<uint8_t>(id >> 16));
  m.push_back(static_cast<uint8_t>(id >> 8));
  m.push_back(static_cast<uint8_t>(id));
  m.insert(m.end(), public_key.begin(), public_key.end());
  return m;
}

Outcome Service::Handle(SessionContext& s, const pb::ClientFrame& frame) {
  Outcome out;
  if (frame.version() != kProtocolVersion) {
    out = Refuse(pb::UNSUPPORTED_VERSION);
  } else {
    using B = pb::ClientFrame;
    const bool needs_login = frame.body_case() != B::kRegister && frame.body_case() != B::kLoginStart &&
                             frame.body_case() != B::kLoginFinish && frame.body_case() != B::BODY_NOT_SET;
    if (needs_login && !s.device) {
      out = Refuse(pb::NOT_AUTHENTICATED);
    } else if (needs_login && !DeviceStillExists(s)) {
      // Removed by another session (perhaps earlier in this very batch): revoked at once.
      s.device.reset();
      out = Refuse(pb::DEVICE_REMOVED);
    } else {
      switch (frame.body_case()) {
        case B::kRegister: out = Register(s, frame.register_()); break;
        case B::kLoginStart: out = LoginStart(s, frame.login_start()); break;
        case B::kLoginFinish: out = LoginFinish(s, frame.login_finish()); break;
        case B::kListDevices: out = ListDevices(s); break;
        case B::kRemoveDevice: out = RemoveDevice(s, frame.remove_device()); break;
        case B::kUploadPrekeys: out = UploadPrekeys(s, frame.upload_prekeys()); break;
        case B::kPrekeyCount: out = PrekeyCount(s); break;
        case B::kFetchPrekeyBundle: out = FetchPrekeyBundle(s, frame.fetch_prekey_bundle()); break;
        case B::kLookupAccount: out = LookupAccount(s, frame.lookup_account()); break;
        case B::kSend: out = Send(s, frame.send()); break;
        case B::kAck: out = Ack(s, frame.ack()); break;
        case B::BODY_NOT_SET: out = Refuse(pb::UNKNOWN_REQUEST); break;
      }
    }
  }
  out.response.set_request_id(frame.request_id());
  return out;
}

void Service::ApplyCommitted(SessionContext& s, const Outcome& outcome) {
  if (outcome.effects.logged_in) s.device = outcome.effects.logged_in;
  if (s.device) {
    for (const auto& removed : outcome.effects.removed_devices) {
      if (removed == *s.device) s.device.reset();
    }
  }
}

// ---- Accounts ----

Outcome Service::Register(const SessionContext& s, const pb::RegisterRequest& r) {
  if (s.device) return Refuse(pb::ALREADY_AUTHENTICATED);
  auto username = NormalizeUsername(r.username());
  if (!username) return Refuse(pb::INVALID_USERNAME);
  if (!ValidGroup(r.srp_group())) return Refuse(pb::INVALID_SRP_PARAMETERS);
  const auto group = static_cast<crypto::SrpGroup>(r.srp_group());
  if (crypto::SrpGroupBytes(group) < crypto::SrpGroupBytes(options_.minimum_group)) return Refuse(pb::WEAK_SRP_GROUP);
  if (r.srp_salt().size() != crypto::kSrpSaltSize || r.srp_verifier().size() != crypto::SrpGroupBytes(group) ||
      AllZero(Bytes(r.srp_verifier()))) {
    return Refuse(pb::INVALID_SRP_PARAMETERS);
  }
  store::NewAccount account{*username, std::vector<uint8_t>(r.srp_salt().begin(), r.srp_salt().end()),
                            std::vector<uint8_t>(r.srp_verifier().begin(), r.srp_verifier().end()), GroupBits(group),
                            clock_->UnixMillis()};
  auto id = store_->CreateAccount(account);
  if (!id) return id.error() == store::Errc::kDuplicate ? Refuse(pb::USERNAME_TAKEN) : StoreFailure(id.error());
  Outcome out;
  out.response.mutable_register_()->set_account_id(*id);
  return out;
}

bool Service::DeviceStillExists(const SessionContext& s) {
  auto d = store_->GetDevice(*s.device);
  // A store failure is not a revocation: the request then fails on its own store access.
  return d.has_value() || d.error() != store::Errc::kNotFound;
}

Result<crypto::SrpVerifier> Service::DecoyVerifier(const std::string& username) {
  // Deterministic per (relay, username): repeated attempts see the same salt, as for a real account.
  std::vector<uint8_t> input(username.begin(), username.end());
  input.insert(input.begin(), 's');
  const auto salt_tag = crypto::HmacSha256(options_.decoy_key.Expose(), input);
  input[0] = 'p';
  const auto password_tag = crypto::HmacSha256(options_.decoy_key.Expose(), input);
  // Hex, because SRP passwords are C strings (no NUL bytes), which raw HMAC output may contain.
  const std::string password = HexEncode(password_tag.span());
  return crypto::SrpMakeVerifier(username, Bytes(password), salt_tag.span().first(crypto::kSrpSaltSize),
                                 options_.minimum_group);
}

Outcome Service::LoginStart(SessionContext& s, const pb::LoginStartRequest& r) {
  if (s.device) return Refuse(pb::ALREADY_AUTHENTICATED);
  s.login.reset();  // a new start abandons any earlier one
  const int64_t now = clock_->UnixMillis();
  if (auto v = address_throttle_.Check(s.peer_address, now); v.code != pb::OK) return RefuseFor(v.code, v.retry_after_ms);
  auto username = NormalizeUsername(r.username());
  if (!username) return Refuse(pb::INVALID_USERNAME);

  std::optional<store::AccountId> account_id;
  crypto::SrpVerifier verifier;
  auto account = store_->FindAccount(*username);
  if (account) {
    const auto v = Check(AccountPolicy(), account->failed_logins, account->locked_until_ms, now);
    if (v.code != pb::OK) return RefuseFor(v.code, v.retry_after_ms);
    const auto group = GroupFromBits(account->srp_group_bits);
    if (!group) return StoreFailure(Error(store::Errc::kSqliteError));  // a row this relay never wrote
    account_id = account->id;
    verifier.group = *group;
    verifier.salt = std::move(account->srp_salt);
    verifier.verifier = std::move(account->srp_verifier);
  } else if (account.error() == store::Errc::kNotFound) {
    auto decoy = DecoyVerifier(*username);
    if (!decoy) return StoreFailure(decoy.error());  // cannot happen for a valid username
    verifier = std::move(*decoy);
  } else {
    return StoreFailure(account.error());
  }
  if (r.srp_a().empty() || r.srp_a().size() > crypto::SrpGroupBytes(verifier.group)) {
    return Refuse(pb::INVALID_SRP_PARAMETERS);
  }
  auto server = crypto::SrpServer::Start(verifier, *rng_);
  if (!server) return StoreFailure(server.error());  // a stored verifier that does not parse
  Outcome out;
  auto* body = out.response.mutable_login_start();
  body->set_srp_group(static_cast<uint32_t>(verifier.group));
  body->set_srp_salt(verifier.salt.data(), verifier.salt.size());
  body->set_srp_b(server->B().data(), server->B().size());
  s.login.emplace(SessionContext::PendingLogin{*username, account_id, std::move(*server),
                                               std::vector<uint8_t>(r.srp_a().begin(), r.srp_a().end())});
  return out;
}

Outcome Service::LoginFinish(SessionContext& s, const pb::LoginFinishRequest& r) {
  if (s.device) return Refuse(pb::ALREADY_AUTHENTICATED);
  if (!s.login) return Refuse(pb::NO_LOGIN_IN_PROGRESS);
  SessionContext::PendingLogin login = std::move(*s.login);
  s.login.reset();  // one proof per start
  const int64_t now = clock_->UnixMillis();

  auto m2 = login.server.Finish(login.username, login.A, Bytes(r.srp_m1()));
  if (!m2 && m2.error() == crypto::Errc::kInvalidPublicKey) return Refuse(pb::INVALID_SRP_PARAMETERS);
  if (!m2 || !login.account) {
    address_throttle_.RecordFailure(s.peer_address, now);
    Outcome out = Refuse(pb::BAD_CREDENTIALS);
    if (login.account) {
      auto account = store_->GetAccount(*login.account);
      if (!account) return StoreFailure(account.error());
      const auto next = AfterFailure(AccountPolicy(), account->failed_logins, now);
      if (auto st = store_->SetLoginFailures(account->id, next.failed, next.not_before_ms); !st) {
        return StoreFailure(st.error());
      }
      out.keep_writes = true;
    }
    SC_LOG_INFO("login failed for an account from {}", s.peer_address);
    return out;
  }

  address_throttle_.RecordSuccess(s.peer_address);
  auto account = store_->GetAccount(*login.account);
  if (!account) return StoreFailure(account.error());
  if (account->failed_logins != 0 || account->locked_until_ms != 0) {
    if (auto st = store_->SetLoginFailures(account->id, 0, 0); !st) return StoreFailure(st.error());
  }
  auto devices = store_->ListDevices(account->id);
  if (!devices) return StoreFailure(devices.error());
  std::optional<store::DeviceId> device_id;
  for (const auto& d : *devices) {
    if (d.identity_key == s.peer_identity) device_id = d.id;
  }
  const bool new_device = !device_id;
  if (new_device) {
    if (devices->size() >= kMaxDevicesPerAccount) {
      Outcome out = Refuse(pb::TOO_MANY_DEVICES);
      out.keep_writes = true;  // the password was right: the failure count is reset
      return out;
    }
    auto added = store_->AddDevice(account->id, s.peer_identity, now);
    if (!added) return StoreFailure(added.error());
    device_id = *added;
  }
  const DeviceAddress address{account->id, *device_id};
  auto depth = store_->QueueDepth(address);
  if (!depth) return StoreFailure(depth.error());

  Outcome out;
  auto* body = out.response.mutable_login_finish();
  body->set_srp_m2(m2->data(), m2->size());
  body->set_account_id(address.account);
  body->set_device_id(address.device);
  body->set_new_device(new_device);
  body->set_queued_messages(*depth);
  out.effects.logged_in = address;
  return out;
}

// ---- Devices ----

Outcome Service::ListDevices(const SessionContext& s) {
  auto devices = store_->ListDevices(s.device->account);
  if (!devices) return StoreFailure(devices.error());
  Outcome out;
  auto* body = out.response.mutable_list_devices();
  for (const auto& d : *devices) FillDevice(*body->add_devices(), d);
  return out;
}

Outcome Service::RemoveDevice(const SessionContext& s, const pb::RemoveDeviceRequest& r) {
  const DeviceAddress target{s.device->account, r.device_id()};
  if (r.device_id() == 0) return Refuse(pb::INVALID_REQUEST);
  if (auto st = store_->RemoveDevice(target); !st) {
    return st.error() == store::Errc::kNotFound ? Refuse(pb::UNKNOWN_DEVICE) : StoreFailure(st.error());
  }
  Outcome out;
  out.response.mutable_remove_device();
  out.effects.removed_devices.push_back(target);
  return out;
}

// ---- Prekeys ----

Outcome Service::UploadPrekeys(const SessionContext& s, const pb::UploadPrekeysRequest& r) {
  const DeviceAddress self = *s.device;
  if (!r.has_signed_prekey() && r.one_time_prekeys_size() == 0) return Refuse(pb::INVALID_REQUEST);
  if (static_cast<size_t>(r.one_time_prekeys_size()) > kMaxPrekeysPerUpload) return Refuse(pb::TOO_MANY_PREKEYS);
  std::optional<store::SignedPrekey> signed_prekey;
  if (r.has_signed_prekey()) {
    const auto& sp = r.signed_prekey();
    auto pub = crypto::X25519PublicKey::FromSpan(Bytes(sp.public_key()));
    auto sig = crypto::Ed25519Signature::FromSpan(Bytes(sp.signature()));
    if (!pub || !sig) return Refuse(pb::INVALID_REQUEST);
    const crypto::Ed25519PublicKey identity(std::span<const uint8_t, 32>(s.peer_identity));
    if (!crypto::Ed25519Verify(identity, SignedPrekeyMessage(sp.id(), pub->span()), *sig)) {
      return Refuse(pb::INVALID_PREKEY_SIGNATURE);
    }
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
  auto count = store_->CountOneTimePrekeys(self);
  if (!count) return StoreFailure(count.error());
  if (*count + one_time.size() > kMaxOneTimePrekeys) return Refuse(pb::TOO_MANY_PREKEYS);
  if (signed_prekey) {
    if (auto st = store_->SetSignedPrekey(self, *signed_prekey); !st) return StoreFailure(st.error());
  }
  uint32_t remaining = *count;
  if (!one_time.empty()) {
    auto added = store_->AddOneTimePrekeys(self, one_time);
    if (!added) {
      return added.error() == store::Errc::kDuplicate ? Refuse(pb::DUPLICATE_PREKEY_ID) : StoreFailure(added.error());
    }
    remaining = *added;
  }
  Outcome out;
  out.response.mutable_upload_prekeys()->set_one_time_remaining(remaining);
  return out;
}

Outcome Service::PrekeyCount(const SessionContext& s) {
  auto count = store_->CountOneTimePrekeys(*s.device);
  if (!count) return StoreFailure(count.error());
  Outcome out;
  out.response.mutable_prekey_count()->set_one_time_remaining(*count);
  return out;
}

Outcome Service::FetchPrekeyBundle(const SessionContext&, const pb::FetchPrekeyBundleRequest& r) {
  const DeviceAddress target{r.account_id(), r.device_id()};
  if (target.account == 0 || target.device == 0) return Refuse(pb::INVALID_REQUEST);
  if (auto d = store_->GetDevice(target); !d) {
    return d.error() == store::Errc::kNotFound ? Refuse(pb::UNKNOWN_DEVICE) : StoreFailure(d.error());
  }
  auto bundle = store_->TakePrekeyBundle(target);
  if (!bundle) return bundle.error() == store::Errc::kNotFound ? Refuse(pb::NO_PREKEYS) : StoreFailure(bundle.error());
  Outcome out;
  auto* body = out.response.mutable_fetch_prekey_bundle();
  body->set_account_id(target.account);
  body->set_device_id(target.device);
  body->set_identity_key(bundle->device.identity_key.data(), bundle->device.identity_key.size());
  auto* sp = body->mutable_signed_prekey();
  sp->set_id(bundle->signed_prekey.id);
  sp->set_public_key(bundle->signed_prekey.public_key.data(), 32);
  sp->set_signature(bundle->signed_prekey.signature.data(), 64);
  if (bundle->one_time) {
    auto* ot = body->mutable_one_time_prekey();
    ot->set_id(bundle->one_time->id);
    ot->set_public_key(bundle->one_time->public_key.data(), 32);
  }
  if (bundle->one_time_remaining < kPrekeysLowThreshold) {
    out.effects.prekeys_low.emplace_back(target, bundle->one_time_remaining);
  }
  return out;
}

Outcome Service::LookupAccount(const SessionContext&, const pb::LookupAccountRequest& r) {
  auto username = NormalizeUsername(r.username());
  if (!username) return Refuse(pb::INVALID_USERNAME);
  auto account = store_->FindAccount(*username);
  if (!account) {
    return account.error() == store::Errc::kNotFound ? Refuse(pb::UNKNOWN_ACCOUNT) : StoreFailure(account.error());
  }
  auto devices = store_->ListDevices(account->id);
  if (!devices) return StoreFailure(devices.error());
  Outcome out;
  auto* body = out.response.mutable_lookup_account();
  body->set_account_id(account->id);
  for (const auto& d : *devices) FillDevice(*body->add_devices(), d);
  return out;
}

// ---- Messages ----

Outcome Service::Send(const SessionContext& s, const pb::SendRequest& r) {
  const size_t n = static_cast<size_t>(r.envelopes_size());
  if (n == 0) return Refuse(pb::INVALID_REQUEST);
  if (n > kMaxEnvelopesPerSend) return Refuse(pb::TOO_MANY_ENVELOPES);
  if (r.ttl_ms() > static_cast<uint64_t>(options_.max_ttl.count())) return Refuse(pb::INVALID_TTL);
  const int64_t now = clock_->UnixMillis();
  const int64_t ttl = r.ttl_ms() == 0 ? options_.default_ttl.count() : static_cast<int64_t>(r.ttl_ms());

  // Validate every envelope before writing any: a send is all or nothing.
  std::vector<std::pair<DeviceAddress, uint32_t>> depths;  // per distinct recipient: queued + this send
  for (size_t i = 0; i < n; ++i) {
    const auto& e = r.envelopes(static_cast<int>(i));
    if (e.payload().empty()) return RefuseAt(pb::INVALID_REQUEST, i);
    if (e.payload().size() > kMaxEnvelopeBytes) return RefuseAt(pb::ENVELOPE_TOO_LARGE, i);
    const DeviceAddress to{e.recipient_account(), e.recipient_device()};
    auto it = std::find_if(depths.begin(), depths.end(), [&](const auto& d) { return d.first == to; });
    if (it == depths.end()) {
      if (to.account == 0 || to.device == 0) return RefuseAt(pb::UNKNOWN_RECIPIENT, i);
      auto depth = store_->QueueDepth(to);  // kNotFound: no such device (one lookup, not two)
      if (!depth) {
        return depth.error() == store::Errc::kNotFound ? RefuseAt(pb::UNKNOWN_RECIPIENT, i)
                                                       : StoreFailure(depth.error());
      }
      depths.emplace_back(to, *depth);
      it = depths.end() - 1;
    }
    if (++it->second > options_.max_queued_per_device) return RefuseAt(pb::QUEUE_FULL, i);
  }

  Outcome out;
  auto* body = out.response.mutable_send();
  body->set_server_time_ms(now);
  out.effects.new_messages.reserve(n);
  for (const auto& e : r.envelopes()) {
    store::NewMessage m;
    m.recipient = {e.recipient_account(), e.recipient_device()};
    m.sender = *s.device;
    m.server_time_ms = now;
    m.expires_ms = now + ttl;
    m.payload.assign(e.payload().begin(), e.payload().end());
    auto id = store_->Enqueue(m);
    if (!id) return StoreFailure(id.error());
    body->add_message_ids(*id);
    out.effects.new_messages.push_back(
        store::StoredMessage{*id, m.recipient, m.sender, m.server_time_ms, m.expires_ms, std::move(m.payload)});
  }
  return out;
}

Outcome Service::Ack(const SessionContext& s, const pb::AckRequest& r) {
  if (r.message_ids_size() == 0) return Refuse(pb::INVALID_REQUEST);
  if (static_cast<size_t>(r.message_ids_size()) > kMaxAcksPerRequest) return Refuse(pb::INVALID_REQUEST);
  const std::vector<store::MessageId> ids(r.message_ids().begin(), r.message_ids().end());
  auto removed = store_->Ack(*s.device, ids);
  if (!removed) return StoreFailure(removed.error());
  Outcome out;
  out.response.mutable_ack()->set_removed(*removed);
  return out;
}

Result<std::vector<store::StoredMessage>> Service::Fetch(DeviceAddress device, store::MessageId after, uint32_t limit) {
  return store_->Fetch(device, after, limit, clock_->UnixMillis());
}

Result<uint32_t> Service::QueueDepth(DeviceAddress device) { return store_->QueueDepth(device); }

Result<uint32_t> Service::PurgeExpired() { return store_->PurgeExpired(clock_->UnixMillis(), kPurgeBatch); }

}  // namespace sc::relay
