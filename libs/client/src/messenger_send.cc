// Send: fan-out to the recipient's trusted devices and copies to this account's others.
#include "messenger_impl.h"

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/log.h"
#include "securecomm/client/bundle.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/store/errors.h"

namespace sc::client {

asio::awaitable<Result<SendReport>> Messenger::Send(const std::string& to, std::string_view text) {
  Impl& m = *impl_;
  if (!m.account) co_return Fail(Errc::kNotRegistered);
  if (text.size() > kMaxTextBytes) co_return Fail(Errc::kMessageTooLarge);
  const std::string me = m.account->username;
  auto peer = co_await RefreshContact(to);
  if (!peer) co_return Fail(peer.error());
  if (!peer->pending.empty() || peer->pending_account_id != 0) co_return Fail(Errc::kIdentityChanged);
  Contact self;
  if (to == me) {
    self = *peer;
  } else {
    auto s = co_await RefreshContact(me);
    if (!s) co_return Fail(s.error());
    self = std::move(*s);
  }

  struct Target {
    uint64_t account;
    ContactDevice device;
    bool own;
    std::optional<e2e::PrekeyBundle> bundle;
  };
  std::vector<Target> targets;
  SendReport report;
  if (to != me) {
    for (const auto& d : peer->devices) targets.push_back({peer->account_id, d, false, {}});
  }
  for (const auto& d : self.devices) {
    if (d.device_id != m.account->device_id) targets.push_back({self.account_id, d, true, {}});
  }
  report.skipped_own_devices = self.pending.size();
  // Fetch bundles for devices without a session (outside the transaction: network).
  for (auto& t : targets) {
    auto key = keys::Session(t.account, t.device.device_id);
    auto has = m.vault.Contains(VaultTable::kSessions, key);
    if (!has) co_return Fail(has.error());
    if (*has) continue;
    pb::ClientFrame f;
    f.mutable_fetch_prekey_bundle()->set_account_id(t.account);
    f.mutable_fetch_prekey_bundle()->set_device_id(t.device.device_id);
    auto r = co_await m.Request(std::move(f));
    if (!r && (r.error() == proto::RelayErrc::kNoPrekeys || r.error() == proto::RelayErrc::kUnknownDevice)) {
      co_return Fail(Errc::kNoPrekeys);
    }
    if (!r) co_return Fail(r.error());
    auto b = DecodeBundle(r->fetch_prekey_bundle());
    if (!b) co_return Fail(b.error());
    t.bundle = std::move(*b);
  }

  Content content;
  m.rng().Fill(content.message_id);
  content.sent_at_ms = m.clock->UnixMillis();
  content.sender = me;
  content.body = std::string(text);
  report.message_id = content.message_id;
  Content copy = content;
  copy.kind = Content::Kind::kSentCopy;
  copy.peer = to;
  const SecretBytes plain = content.Encode();
  const SecretBytes copy_plain = copy.Encode();

  // Encrypt for every target and commit the advanced sessions before anything leaves: a message
  // key is never used twice, even if the send then fails (the receiver sees a gap, not a reuse).
  pb::ClientFrame send;
  auto* req = send.mutable_send();
  auto encrypted = m.InTransaction([&]() -> Status {
    for (auto& t : targets) {
      auto loaded = m.LoadSession(t.account, t.device.device_id);
      if (!loaded) return Fail(loaded.error());
      std::optional<e2e::Session> session = std::move(*loaded);
      if (!session) {
        if (!t.bundle) return Fail(Errc::kNoSession);  // another process ended it meanwhile: try again
        auto started = e2e::Session::Initiate(*m.identity, *t.bundle, t.device.identity_key, m.rng());
        if (!started) return Fail(started.error());
        session = std::move(*started);
      }
      auto wire = session->Encrypt(t.own ? copy_plain.Expose() : plain.Expose());
      if (!wire) return Fail(wire.error());
      if (auto s = m.SaveSession(t.account, t.device.device_id, *session); !s) return s;
      auto* env = req->add_envelopes();
      env->set_recipient_account(t.account);
      env->set_recipient_device(t.device.device_id);
      env->set_payload(std::string(wire->begin(), wire->end()));
      (t.own ? report.own_devices : report.recipient_devices)++;
    }
    return OkStatus();
  });
  if (!encrypted) co_return Fail(encrypted.error());
  if (targets.empty()) co_return report;  // a note to self with no other device
  auto r = co_await m.Request(std::move(send));
  if (!r) co_return Fail(r.error());
  report.server_time_ms = r->send().server_time_ms();
  co_return report;
}

}  // namespace sc::client
