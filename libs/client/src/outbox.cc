#include "outbox.h"

#include <optional>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/client/bundle.h"
#include "securecomm/client/errors.h"
#include "securecomm/e2e/session.h"
#include "securecomm/proto/protocol.h"

#include "vault_keys.h"
#include "vault_tx.h"

namespace sc::client {

using store::VaultTable;

asio::awaitable<Result<int64_t>> Outbox::Send(RelayLink& link, std::span<const OutboundEnvelope> envelopes) {
  SC_CHECK(envelopes.size() <= proto::kMaxEnvelopesPerSend);
  // Fetch bundles for devices without a session (outside the transaction: network).
  std::vector<std::optional<e2e::PrekeyBundle>> bundles(envelopes.size());
  for (size_t i = 0; i < envelopes.size(); ++i) {
    const OutboundEnvelope& e = envelopes[i];
    auto key = keys::Session(e.account, e.device.device_id);
    auto has = vault_->Contains(VaultTable::kSessions, key);
    if (!has) co_return Fail(has.error());
    if (*has) continue;
    pb::ClientFrame f;
    f.mutable_fetch_prekey_bundle()->set_account_id(e.account);
    f.mutable_fetch_prekey_bundle()->set_device_id(e.device.device_id);
    auto r = co_await link.Request(std::move(f));
    if (!r && (r.error() == proto::RelayErrc::kNoPrekeys || r.error() == proto::RelayErrc::kUnknownDevice)) {
      co_return Fail(Errc::kNoPrekeys);
    }
    if (!r) co_return Fail(r.error());
    auto b = DecodeBundle(r->fetch_prekey_bundle());
    if (!b) co_return Fail(b.error());
    bundles[i] = *b;
  }

  // Encrypt for every device and commit the advanced sessions before anything leaves.
  pb::ClientFrame send;
  auto* req = send.mutable_send();
  auto encrypted = InTransaction(*vault_, [&]() -> Status {
    for (size_t i = 0; i < envelopes.size(); ++i) {
      const OutboundEnvelope& e = envelopes[i];
      auto loaded = LoadSession(*vault_, e.account, e.device.device_id);
      if (!loaded) return Fail(loaded.error());
      std::optional<e2e::Session> session = std::move(*loaded);
      if (!session) {
        if (!bundles[i]) return Fail(Errc::kNoSession);  // another process ended it meanwhile: try again
        auto started = e2e::Session::Initiate(*identity_, *bundles[i], e.device.identity_key, *rng_);
        if (!started) return Fail(started.error());
        session = std::move(*started);
      }
      auto wire = session->Encrypt(e.plaintext);
      if (!wire) return Fail(wire.error());
      if (auto s = SaveSession(*vault_, e.account, e.device.device_id, *session); !s) return s;
      auto* env = req->add_envelopes();
      env->set_recipient_account(e.account);
      env->set_recipient_device(e.device.device_id);
      env->set_payload(BytesToString(*wire));
    }
    return OkStatus();
  });
  if (!encrypted) co_return Fail(encrypted.error());
  if (envelopes.empty()) co_return int64_t{0};
  auto r = co_await link.Request(std::move(send));
  if (!r) co_return Fail(r.error());
  co_return r->send().server_time_ms();
}

}  // namespace sc::client
