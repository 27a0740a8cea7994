// Accounts: register and the two steps of an SRP-6a login (relay.md §5).
#include <vector>

#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"
#include "securecomm/base/log.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/proto/username.h"
#include "securecomm/store/errors.h"

#include "handlers.h"

namespace sc::relay {
namespace {

bool ValidGroup(uint32_t g) {
  return g == static_cast<uint32_t>(crypto::SrpGroup::k1024) ||
         g == static_cast<uint32_t>(crypto::SrpGroup::k3072) ||
         g == static_cast<uint32_t>(crypto::SrpGroup::k4096);
}

// The store keeps a verifier's group as its size in bits (relay-store.md).
uint32_t GroupBits(crypto::SrpGroup g) {
  return static_cast<uint32_t>(crypto::SrpGroupBytes(g) * 8);
}
std::optional<crypto::SrpGroup> GroupFromBits(uint32_t bits) {
  for (auto g : {crypto::SrpGroup::k1024, crypto::SrpGroup::k3072, crypto::SrpGroup::k4096}) {
    if (GroupBits(g) == bits) return g;
  }
  return std::nullopt;
}

// relay.md §5.3 step 1, srp.md §2: A is PAD(g^a mod N), exactly len(N) bytes of the group the
// client computed it in, which is the account's or another group the relay allows (the client
// then starts again in the group the answer names).
bool ValidALength(size_t size, crypto::SrpGroup minimum) {
  for (auto g : {crypto::SrpGroup::k1024, crypto::SrpGroup::k3072, crypto::SrpGroup::k4096}) {
    if (size == crypto::SrpGroupBytes(g) && size >= crypto::SrpGroupBytes(minimum)) return true;
  }
  return false;
}

bool AllZero(std::span<const uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

// DecoyTag: HMAC-SHA256(decoy key, label || username), the per-relay name of an unknown
// username's salt ('s'), verifier ('v') and failure record ('t') (relay.md §5.3 step 2).
crypto::HmacSha256Tag DecoyHmac(const ServiceOptions& options, char label, const std::string& username) {
  std::vector<uint8_t> input(username.begin(), username.end());
  input.insert(input.begin(), static_cast<uint8_t>(label));
  return crypto::HmacSha256(options.decoy_key.Expose(), input);
}

store::DecoyTag DecoyTagFor(const ServiceOptions& options, const std::string& username) {
  store::DecoyTag tag{};
  const auto h = DecoyHmac(options, 't', username);
  std::copy(h.span().begin(), h.span().end(), tag.begin());
  return tag;
}

// DecoyVerifier: a salt and verifier for an unknown username, deterministic per (relay,
// username), so that repeated attempts see the same salt, as for a real account (relay.md §5.3).
// The verifier is len(N) keyed-hash bytes below N (its first byte zero), not g^x: nobody can
// log in with it, B = kv + g^b hides it as it hides a real one, and no modular exponentiation
// is spent that a real account's start does not spend (the two paths cost the same).
Result<crypto::SrpVerifier> DecoyVerifier(const ServiceOptions& options, const std::string& username) {
  crypto::SrpVerifier v;
  v.group = options.account_group;
  const auto salt = DecoyHmac(options, 's', username);
  v.salt.assign(salt.span().begin(), salt.span().begin() + crypto::kSrpSaltSize);
  const auto seed = DecoyHmac(options, 'v', username);
  v.verifier.resize(crypto::SrpGroupBytes(v.group));
  if (auto s = crypto::HkdfSha256(seed.span(), {}, AsBytes(std::string_view("SecureComm decoy verifier v1")),
                                  v.verifier);
      !s) {
    return Fail(s.error());
  }
  v.verifier[0] = 0;   // below N, whose first byte is 0xFF in every RFC 5054 group
  v.verifier[1] |= 1;  // and never zero
  return v;
}

// IsEnrolledDevice: the session's SCP-authenticated identity key is a device of the account, so
// the login proves possession of an enrolled key besides the password (relay.md §5.4).
Result<bool> IsEnrolledDevice(HandlerContext& ctx, store::AccountId account, const store::PublicKey32& key) {
  auto devices = ctx.store.ListDevices(account);
  if (!devices) return Fail(devices.error());
  return std::any_of(devices->begin(), devices->end(), [&](const auto& d) { return d.identity_key == key; });
}

}  // namespace

Outcome StoreFailure(const Error& e) {
  SC_LOG_WARN("relay store failure: {}", e.name());
  Outcome o = Refuse(pb::STORAGE_FAILURE);
  o.disk_full = e == store::Errc::kDiskFull;
  return o;
}

Outcome InternalError(std::string_view what, const Error& e) {
  SC_LOG_ERROR("relay internal error: {}: {}", what, e.name());
  return Refuse(pb::INTERNAL_ERROR);
}

Outcome HandleRegister(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f) {
  const pb::RegisterRequest& r = f.register_();
  if (s.device) return Refuse(pb::ALREADY_AUTHENTICATED);
  auto username = proto::NormalizeUsername(r.username());
  if (!username) return Refuse(pb::INVALID_USERNAME);
  if (!ValidGroup(r.srp_group())) return Refuse(pb::INVALID_SRP_PARAMETERS);
  const auto group = static_cast<crypto::SrpGroup>(r.srp_group());
  if (crypto::SrpGroupBytes(group) < crypto::SrpGroupBytes(ctx.options.account_group)) {
    return Refuse(pb::WEAK_SRP_GROUP);
  }
  // One group for every new account, the decoys' group: a group must not tell an account from
  // an unknown name (relay.md §5.2).
  if (group != ctx.options.account_group) return Refuse(pb::INVALID_SRP_PARAMETERS);
  if (r.srp_salt().size() != crypto::kSrpSaltSize ||
      r.srp_verifier().size() != crypto::SrpGroupBytes(group) || AllZero(AsBytes(r.srp_verifier()))) {
    return Refuse(pb::INVALID_SRP_PARAMETERS);
  }
  store::NewAccount account{*username, std::vector<uint8_t>(r.srp_salt().begin(), r.srp_salt().end()),
                            std::vector<uint8_t>(r.srp_verifier().begin(), r.srp_verifier().end()),
                            GroupBits(group), ctx.clock.UnixMillis()};
  auto id = ctx.store.CreateAccount(account);
  if (!id)
    return id.error() == store::Errc::kDuplicate ? Refuse(pb::USERNAME_TAKEN) : StoreFailure(id.error());
  Outcome out;
  out.response.mutable_register_()->set_account_id(*id);
  return out;
}

Outcome HandleLoginStart(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f) {
  const pb::LoginStartRequest& r = f.login_start();
  if (s.device) return Refuse(pb::ALREADY_AUTHENTICATED);
  s.login.reset();  // a new start abandons any earlier one
  const int64_t now = ctx.clock.UnixMillis();
  if (auto v = ctx.address_throttle.Check(s.peer_address, now); v.code != pb::OK) {
    return RefuseFor(v.code, v.retry_after_ms);
  }
  auto username = proto::NormalizeUsername(r.username());
  if (!username) return Refuse(pb::INVALID_USERNAME);

  std::optional<store::AccountId> account_id;
  std::optional<store::DecoyTag> decoy;
  bool enrolled = false;
  crypto::SrpVerifier verifier;
  auto account = ctx.store.FindAccount(*username);
  if (account) {
    const auto v = Check(AccountPolicy(), account->failed_logins, account->locked_until_ms, now);
    if (v.code != pb::OK) {
      // A device that proves its enrolled key (the SCP handshake did) is not locked out by
      // others' guesses; it stays under the address limits (relay.md §5.4).
      auto is_enrolled = IsEnrolledDevice(ctx, account->id, s.peer_identity);
      if (!is_enrolled) return StoreFailure(is_enrolled.error());
      if (!*is_enrolled) return RefuseFor(v.code, v.retry_after_ms);
      enrolled = true;
    }
    const auto group = GroupFromBits(account->srp_group_bits);
    if (!group) return InternalError("a stored SRP group this relay never writes", store::Errc::kSqliteError);
    account_id = account->id;
    verifier.group = *group;
    verifier.salt = std::move(account->srp_salt);
    verifier.verifier = std::move(account->srp_verifier);
  } else if (account.error() == store::Errc::kNotFound) {
    // An unknown name is throttled and locked exactly as an account (relay.md §5.4).
    decoy = DecoyTagFor(ctx.options, *username);
    auto failures = ctx.store.GetDecoyFailures(*decoy);
    if (!failures) return StoreFailure(failures.error());
    const auto v = Check(AccountPolicy(), failures->failed_logins, failures->locked_until_ms, now);
    if (v.code != pb::OK) return RefuseFor(v.code, v.retry_after_ms);
    auto decoy_verifier = DecoyVerifier(ctx.options, *username);
    if (!decoy_verifier) return InternalError("decoy verifier", decoy_verifier.error());
    verifier = std::move(*decoy_verifier);
  } else {
    return StoreFailure(account.error());
  }
  if (!ValidALength(r.srp_a().size(), ctx.options.account_group)) return Refuse(pb::INVALID_SRP_PARAMETERS);
  auto server = crypto::SrpServer::Start(verifier, ctx.rng);
  if (!server) return InternalError("a stored verifier that does not parse", server.error());
  Outcome out;
  auto* body = out.response.mutable_login_start();
  body->set_srp_group(static_cast<uint32_t>(verifier.group));
  body->set_srp_salt(verifier.salt.data(), verifier.salt.size());
  body->set_srp_b(server->B().data(), server->B().size());
  s.login.emplace(SessionContext::PendingLogin{*username, account_id, decoy, enrolled, std::move(*server),
                                               std::vector<uint8_t>(r.srp_a().begin(), r.srp_a().end())});
  return out;
}

Outcome HandleLoginFinish(HandlerContext& ctx, SessionContext& s, const pb::ClientFrame& f) {
  const pb::LoginFinishRequest& r = f.login_finish();
  if (s.device) return Refuse(pb::ALREADY_AUTHENTICATED);
  if (!s.login) return Refuse(pb::NO_LOGIN_IN_PROGRESS);
  SessionContext::PendingLogin login = std::move(*s.login);
  s.login.reset();  // one proof per start
  const int64_t now = ctx.clock.UnixMillis();

  auto m2 = login.server.Finish(login.username, login.A, AsBytes(r.srp_m1()));
  if (!m2 && m2.error() == crypto::Errc::kInvalidPublicKey) return Refuse(pb::INVALID_SRP_PARAMETERS);
  if (!m2 || !login.account) {
    ctx.address_throttle.RecordFailure(s.peer_address, now);
    Outcome out = Refuse(pb::BAD_CREDENTIALS);
    if (login.decoy) {  // counted like an account's, and written like one (the same work)
      auto failures = ctx.store.GetDecoyFailures(*login.decoy);
      if (!failures) return StoreFailure(failures.error());
      const auto next = AfterFailure(AccountPolicy(), failures->failed_logins, now);
      if (auto st = ctx.store.SetDecoyFailures(*login.decoy, {next.failed, next.not_before_ms}, now); !st) {
        return StoreFailure(st.error());
      }
      out.keep_writes = true;
    } else if (login.account && !login.enrolled_device) {
      auto account = ctx.store.GetAccount(*login.account);
      if (!account) return StoreFailure(account.error());
      const auto next = AfterFailure(AccountPolicy(), account->failed_logins, now);
      if (auto st = ctx.store.SetLoginFailures(account->id, next.failed, next.not_before_ms); !st) {
        return StoreFailure(st.error());
      }
      out.keep_writes = true;
    }
    SC_LOG_INFO("login failed for an account from {}", s.peer_address);
    return out;
  }

  // The address's record stays: it counts failures on every account from that address, and one
  // account's success must not wipe guesses at others (relay.md §5.4).
  auto account = ctx.store.GetAccount(*login.account);
  if (!account) return StoreFailure(account.error());
  if (account->failed_logins != 0 || account->locked_until_ms != 0) {
    if (auto st = ctx.store.SetLoginFailures(account->id, 0, 0); !st) return StoreFailure(st.error());
  }
  auto devices = ctx.store.ListDevices(account->id);
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
    auto added = ctx.store.AddDevice(account->id, s.peer_identity, now);
    if (!added) return StoreFailure(added.error());
    device_id = *added;
  }
  const store::DeviceAddress address{account->id, *device_id};
  auto depth = ctx.store.QueueDepth(address);
  if (!depth) return StoreFailure(depth.error());

  Outcome out;
  auto* body = out.response.mutable_login_finish();
  body->set_srp_m2(m2->data(), m2->size());
  body->set_account_id(address.account);
  body->set_device_id(address.device);
  body->set_new_device(new_device);
  body->set_queued_messages(*depth);
  out.effects.logged_in = address;
  out.effects.wants_deliveries = !r.send_only();
  return out;
}

}  // namespace sc::relay
