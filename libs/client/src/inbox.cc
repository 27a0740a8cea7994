#include "inbox.h"

#include <algorithm>

#include "securecomm/base/bytes.h"
#include "securecomm/base/log.h"
#include "securecomm/client/errors.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/session.h"
#include "securecomm/e2e/wire.h"
#include "securecomm/net/errors.h"
#include "securecomm/proto/protocol.h"
#include "securecomm/store/errors.h"

#include "vault_keys.h"
#include "vault_tx.h"

namespace sc::client {

using store::VaultTable;

asio::awaitable<Result<pb::LookupAccountResponse>> LookupAccount(RelayLink& link,
                                                                 const std::string& username) {
  pb::ClientFrame f;
  f.mutable_lookup_account()->set_username(username);
  auto r = co_await link.Request(std::move(f));
  if (!r) {
    const Error& e = r.error();
    if (e == proto::RelayErrc::kUnknownAccount || e == proto::RelayErrc::kInvalidUsername) {
      co_return Fail(Errc::kUnknownUser);
    }
    co_return Fail(e);
  }
  co_return r->lookup_account();
}

asio::awaitable<PumpEvent> Inbox::Pump(RelayLink& link, std::chrono::milliseconds timeout) {
  PumpEvent ev;
  std::vector<uint64_t> recorded;  // relay ids to acknowledge, in one request
  auto wait = timeout;
  while (recorded.size() < proto::kMaxAcksPerRequest) {
    auto push = co_await link.NextPush(wait);
    wait = std::chrono::milliseconds(0);  // after the first: only what is already waiting
    if (!push) {
      if (push.error() != net::Errc::kTimeout) {
        ev.kind = PumpEvent::Kind::kEnded;
        ev.ended = push.error();
      }
      break;
    }
    if (push->has_session_ended()) {
      ev.kind = PumpEvent::Kind::kEnded;
      ev.ended = proto::RefusalError(push->session_ended().reason());  // why, as a kRelay error
      break;
    }
    if (push->has_queue_drained()) {
      ev.queue_drained = true;
      if (ev.kind == PumpEvent::Kind::kTimeout) ev.kind = PumpEvent::Kind::kQueueDrained;
      break;  // the caller may be waiting for exactly this
    }
    if (push->has_prekeys_low()) {
      auto s = co_await prekeys_->Upload(link, false);
      if (!s) SC_LOG_WARN("prekey refill failed: {}", s.error().name());
      if (ev.kind == PumpEvent::Kind::kTimeout) ev.kind = PumpEvent::Kind::kPrekeysRefilled;
      continue;
    }
    if (!push->has_delivery()) continue;
    const pb::Delivery& d = push->delivery();
    ev.kind = PumpEvent::Kind::kDelivered;
    auto processed = co_await Record(link, d);
    if (!processed) {
      // Not recorded (the store failed, or the relay could not be asked): not acknowledged, so
      // the relay delivers it again on the next session.
      SC_LOG_WARN("message {} not processed: {}", d.message_id(), processed.error().name());
      ev.ended = processed.error();
      break;
    }
    if (processed->added_to_inbox) ++ev.delivered;
    recorded.push_back(d.message_id());
  }
  if (!recorded.empty() && link.connected()) {
    pb::ClientFrame ack;
    for (uint64_t id : recorded) ack.mutable_ack()->add_message_ids(id);
    auto r = co_await link.Request(std::move(ack));
    if (!r && r.error().domain() != ErrorDomain::kRelay) {  // a refused ack is redelivered: harmless
      ev.kind = PumpEvent::Kind::kEnded;
      ev.ended = r.error();
    }
  }
  co_return ev;
}

asio::awaitable<Result<Inbox::Processed>> Inbox::Record(RelayLink& link, const pb::Delivery& d) {
  auto processed = Process(d, nullptr);
  if (!processed || !processed->need_lookup) co_return processed;
  auto dir = co_await LookupAccount(link, processed->claimed_sender);
  if (dir) co_return Process(d, &*dir);
  if (dir.error() == Errc::kUnknownUser) {
    pb::LookupAccountResponse none;  // no such user: account id 0 never matches a sender
    co_return Process(d, &none);
  }
  co_return Fail(dir.error());
}

Result<Inbox::Processed> Inbox::Process(const pb::Delivery& d, const pb::LookupAccountResponse* dir) {
  if (auto s = vault_->Begin(); !s) return Fail(s.error());
  auto result = ProcessInTransaction(d, dir);
  if (!result || result->need_lookup) {
    vault_->Rollback();
    return result;
  }
  if (auto s = vault_->Commit(); !s) return Fail(s.error());
  return result;
}

Result<Inbox::Processed> Inbox::ProcessInTransaction(const pb::Delivery& d,
                                                     const pb::LookupAccountResponse* dir) {
  Processed out;
  const auto relay_key = keys::ReceivedRelay(d.message_id());
  auto seen = vault_->Contains(VaultTable::kReceived, relay_key);
  if (!seen) return Fail(seen.error());
  if (*seen) return out;  // redelivered: acknowledge again, show nothing
  InboxEntry entry;
  entry.relay_message_id = d.message_id();
  entry.sender_account = d.sender_account();
  entry.sender_device = d.sender_device();
  entry.server_time_ms = d.server_time_ms();
  auto finish = [&](bool to_inbox) -> Result<Processed> {
    if (auto s = vault_->Put(VaultTable::kReceived, relay_key, {}); !s) return Fail(s.error());
    if (to_inbox) {
      auto key = keys::Inbox(d.message_id());
      auto bytes = entry.Encode();
      if (auto s = vault_->Put(VaultTable::kInbox, key, bytes.Expose()); !s) return Fail(s.error());
      out.added_to_inbox = true;
    }
    if (auto s = vault_->DeleteOldest(VaultTable::kReceived, kReceivedIdsKept); !s) return Fail(s.error());
    return out;
  };
  auto undecryptable = [&](Error why) {
    entry.flags |= InboxEntry::kUndecryptable;
    entry.error = std::string(why.name());
    SC_LOG_WARN("message {} from account {} device {} not decrypted: {}", d.message_id(), d.sender_account(),
                d.sender_device(), why.name());
    return finish(true);
  };
  const std::span<const uint8_t> wire = AsBytes(d.payload());

  // Decrypt (nothing is written until the end).
  auto type = e2e::PeekMessageType(wire);
  if (!type) return undecryptable(type.error());
  std::optional<e2e::Session> session;
  SecretBytes plain;
  crypto::Ed25519PublicKey sender_key;
  std::optional<uint32_t> used_one_time;
  auto existing = LoadSession(*vault_, d.sender_account(), d.sender_device());
  if (!existing) {
    if (existing.error().domain() == ErrorDomain::kStore) return Fail(existing.error());
    existing = std::optional<e2e::Session>{};  // an unreadable state is replaced by a new session
  }
  if (*type == e2e::MessageType::kPrekey) {
    auto pm = e2e::PrekeyMessage::Decode(wire);
    if (!pm) return undecryptable(pm.error());
    sender_key = pm->identity_key;
    if (existing->has_value() && (*existing)->BelongsTo(*pm)) {
      auto p = (*existing)->Decrypt(wire, *rng_);
      if (!p) return undecryptable(p.error());
      plain = std::move(*p);
      session = std::move(**existing);
    } else {
      auto spk = prekeys_->LoadSigned(pm->signed_prekey_id);
      if (!spk)
        return spk.error().domain() == ErrorDomain::kStore ? Fail(spk.error()) : undecryptable(spk.error());
      std::optional<e2e::OneTimePrekeyPair> opk;
      if (pm->one_time_prekey_id) {
        auto o = prekeys_->LoadOneTime(*pm->one_time_prekey_id);
        if (!o) return o.error().domain() == ErrorDomain::kStore ? Fail(o.error()) : undecryptable(o.error());
        opk = std::move(*o);
        used_one_time = pm->one_time_prekey_id;
      }
      auto accepted = e2e::Session::Accept(*identity_, *spk, opk ? &*opk : nullptr, *pm, *rng_);
      if (!accepted) return undecryptable(accepted.error());
      plain = std::move(accepted->plaintext);
      session = std::move(accepted->session);
    }
  } else {
    if (!existing->has_value()) return undecryptable(Errc::kNoSession);
    auto p = (*existing)->Decrypt(wire, *rng_);
    if (!p) return undecryptable(p.error());
    plain = std::move(*p);
    sender_key = (*existing)->remote_identity();
    session = std::move(**existing);
  }

  // The message authenticated: its session state is kept whatever the content says.
  if (auto s = SaveSession(*vault_, d.sender_account(), d.sender_device(), *session); !s)
    return Fail(s.error());
  if (used_one_time) {
    if (auto s = prekeys_->ConsumeOneTime(*used_one_time); !s) return Fail(s.error());
  }
  auto content = Content::Decode(plain.Expose());
  if (!content) return undecryptable(content.error());
  const auto msg_key = keys::ReceivedMessage(content->message_id);
  auto dup = vault_->Contains(VaultTable::kReceived, msg_key);
  if (!dup) return Fail(dup.error());
  if (*dup) return finish(false);  // the same message again (a resend): recorded, not shown
  if (auto s = vault_->Put(VaultTable::kReceived, msg_key, {}); !s) return Fail(s.error());

  // Who sent it: the claimed username must name the sending account, and the sending device's
  // key must be trusted for it.
  auto contact = contacts_->Load(content->sender);
  if (!contact) return Fail(contact.error());
  if (!contact->has_value()) {
    if (dir == nullptr) {
      out.need_lookup = true;
      out.claimed_sender = content->sender;
      return out;
    }
    if (dir->account_id() != d.sender_account()) return undecryptable(Errc::kSenderMismatch);
    auto created = contacts_->Reconcile(content->sender, *dir);
    if (!created) return Fail(created.error());
    contact = std::optional<Contact>(std::move(*created));
  }
  Contact& c = **contact;
  if (c.account_id != d.sender_account()) return undecryptable(Errc::kSenderMismatch);
  const bool own = account_->has_value() && content->sender == (*account_)->username;
  const ContentKindInfo* kind = FindContentKind(static_cast<uint8_t>(content->kind));  // decoded: has a row
  if (kind->own_account_only && !own) return undecryptable(Errc::kSenderMismatch);
  auto trusted = contacts_->ObserveSender(c, d.sender_device(), sender_key);  // records a new key as pending
  if (!trusted) return Fail(trusted.error());
  if (!*trusted) entry.flags |= InboxEntry::kIdentityWarning;
  if (content->kind == Content::Kind::kSentCopy) entry.flags |= InboxEntry::kSentCopy;
  entry.message_id = content->message_id;
  entry.sender = content->sender;
  entry.peer = content->peer;
  entry.body = std::move(content->body);
  entry.sent_at_ms = content->sent_at_ms;
  return finish(true);
}

Result<std::vector<InboxEntry>> Inbox::Take() {
  return InTransaction(*vault_, [&]() -> Result<std::vector<InboxEntry>> {
    auto rows = vault_->List(VaultTable::kInbox);
    if (!rows) return Fail(rows.error());
    std::vector<InboxEntry> out;
    for (const auto& row : *rows) {
      auto e = InboxEntry::Decode(row.value.Expose());
      if (!e) return Fail(e.error());
      out.push_back(std::move(*e));
      if (auto s = vault_->Delete(VaultTable::kInbox, row.key.Expose()); !s) return Fail(s.error());
    }
    return out;
  });
}

}  // namespace sc::client
