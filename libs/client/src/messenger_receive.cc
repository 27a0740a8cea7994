// Receiving: decrypt, verify the sender, store in one transaction, then acknowledge.
#include "messenger_impl.h"

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/log.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/wire.h"
#include "securecomm/net/errors.h"
#include "securecomm/store/errors.h"

namespace sc::client {

Result<Messenger::Impl::Processed> Messenger::Impl::Process(const pb::Delivery& d, const pb::LookupAccountResponse* dir) {
  if (auto s = vault.Begin(); !s) return Fail(s.error());
  auto result = ProcessInTransaction(d, dir);
  if (!result || result->need_lookup) {
    vault.Rollback();
    return result;
  }
  if (auto s = vault.Commit(); !s) return Fail(s.error());
  return result;
}

Result<Messenger::Impl::Processed> Messenger::Impl::ProcessInTransaction(const pb::Delivery& d, const pb::LookupAccountResponse* dir) {
  Processed out;
  const auto relay_key = keys::ReceivedRelay(d.message_id());
  auto seen = vault.Contains(VaultTable::kReceived, relay_key);
  if (!seen) return Fail(seen.error());
  if (*seen) return out;  // redelivered: acknowledge again, show nothing
  InboxEntry entry;
  entry.relay_message_id = d.message_id();
  entry.sender_account = d.sender_account();
  entry.sender_device = d.sender_device();
  entry.server_time_ms = d.server_time_ms();
  auto finish = [&](bool to_inbox) -> Result<Processed> {
    if (auto s = vault.Put(VaultTable::kReceived, relay_key, {}); !s) return Fail(s.error());
    if (to_inbox) {
      auto key = keys::Inbox(d.message_id());
      auto bytes = entry.Encode();
      if (auto s = vault.Put(VaultTable::kInbox, key, bytes.Expose()); !s) return Fail(s.error());
      out.added_to_inbox = true;
    }
    if (auto s = vault.DeleteOldest(VaultTable::kReceived, kReceivedIdsKept); !s) return Fail(s.error());
    return out;
  };
  auto undecryptable = [&](Error why) {
    entry.flags |= InboxEntry::kUndecryptable;
    entry.error = std::string(why.name());
    SC_LOG_WARN("message {} from account {} device {} not decrypted: {}", d.message_id(), d.sender_account(),
                d.sender_device(), why.name());
    return finish(true);
  };
  const std::span<const uint8_t> wire(reinterpret_cast<const uint8_t*>(d.payload().data()), d.payload().size());

  // Decrypt (nothing is written until the end).
  auto type = e2e::PeekMessageType(wire);
  if (!type) return undecryptable(type.error());
  std::optional<e2e::Session> session;
  SecretBytes plain;
  crypto::Ed25519PublicKey sender_key;
  std::optional<uint32_t> used_one_time;
  auto existing = LoadSession(d.sender_account(), d.sender_device());
  if (!existing) {
    if (existing.error().domain() == ErrorDomain::kStore) return Fail(existing.error());
    existing = std::optional<e2e::Session>{};  // an unreadable state is replaced by a new session
  }
  if (*type == e2e::MessageType::kPrekey) {
    auto pm = e2e::PrekeyMessage::Decode(wire);
    if (!pm) return undecryptable(pm.error());
    sender_key = pm->identity_key;
    if (existing->has_value() && (*existing)->BelongsTo(*pm)) {
      auto p = (*existing)->Decrypt(wire, rng());
      if (!p) return undecryptable(p.error());
      plain = std::move(*p);
      session = std::move(**existing);
    } else {
      auto spk = LoadSignedPrekey(pm->signed_prekey_id);
      if (!spk) return spk.error().domain() == ErrorDomain::kStore ? Fail(spk.error()) : undecryptable(spk.error());
      std::optional<e2e::OneTimePrekeyPair> opk;
      if (pm->one_time_prekey_id) {
        auto o = LoadOneTimePrekey(*pm->one_time_prekey_id);
        if (!o) return o.error().domain() == ErrorDomain::kStore ? Fail(o.error()) : undecryptable(o.error());
        opk = std::move(*o);
        used_one_time = pm->one_time_prekey_id;
      }
      auto accepted = e2e::Session::Accept(*identity, *spk, opk ? &*opk : nullptr, *pm, rng());
      if (!accepted) return undecryptable(accepted.error());
      plain = std::move(accepted->plaintext);
      session = std::move(accepted->session);
    }
  } else {
    if (!existing->has_value()) return undecryptable(Errc::kNoSession);
    auto p = (*existing)->Decrypt(wire, rng());
    if (!p) return undecryptable(p.error());
    plain = std::move(*p);
    sender_key = (*existing)->remote_identity();
    session = std::move(**existing);
  }

  // The message authenticated: its session state is kept whatever the content says.
  if (auto s = SaveSession(d.sender_account(), d.sender_device(), *session); !s) return Fail(s.error());
  if (used_one_time) {
    auto key = keys::OneTimePrekey(*used_one_time);
    if (auto s = vault.Delete(VaultTable::kPrekeys, key); !s) return Fail(s.error());
  }
  auto content = Content::Decode(plain.Expose());
  if (!content) return undecryptable(content.error());
  const auto msg_key = keys::ReceivedMessage(content->message_id);
  auto dup = vault.Contains(VaultTable::kReceived, msg_key);
  if (!dup) return Fail(dup.error());
  if (*dup) return finish(false);  // the same message again (a resend): recorded, not shown
  if (auto s = vault.Put(VaultTable::kReceived, msg_key, {}); !s) return Fail(s.error());

  // Who sent it: the claimed username must name the sending account, and the sending device's
  // key must be trusted for it.
  auto contact = LoadContact(content->sender);
  if (!contact) return Fail(contact.error());
  if (!contact->has_value()) {
    if (dir == nullptr) {
      out.need_lookup = true;
      out.claimed_sender = content->sender;
      return out;
    }
    if (dir->account_id() != d.sender_account()) return undecryptable(Errc::kSenderMismatch);
    auto created = Reconcile(content->sender, *dir);
    if (!created) return Fail(created.error());
    contact = std::optional<Contact>(std::move(*created));
  }
  Contact& c = **contact;
  if (c.account_id != d.sender_account()) return undecryptable(Errc::kSenderMismatch);
  const bool own = account && content->sender == account->username;
  if (content->kind == Content::Kind::kSentCopy && !own) return undecryptable(Errc::kSenderMismatch);
  if (!c.Trusts(d.sender_device(), sender_key)) {
    entry.flags |= InboxEntry::kIdentityWarning;
    const ContactDevice seen_device{d.sender_device(), sender_key};
    if (std::find(c.pending.begin(), c.pending.end(), seen_device) == c.pending.end()) {
      std::erase_if(c.pending, [&](const ContactDevice& p) { return p.device_id == seen_device.device_id; });
      c.pending.push_back(seen_device);
      if (auto s = SaveContact(c); !s) return Fail(s.error());
    }
  }
  if (content->kind == Content::Kind::kSentCopy) entry.flags |= InboxEntry::kSentCopy;
  entry.message_id = content->message_id;
  entry.sender = content->sender;
  entry.peer = content->peer;
  entry.body = std::move(content->body);
  entry.sent_at_ms = content->sent_at_ms;
  return finish(true);
}

asio::awaitable<PumpEvent> Messenger::Pump(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  PumpEvent ev;
  if (!m.link || !m.link->connected()) {
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = m.link && m.link->end_error() ? *m.link->end_error() : Error(Errc::kDisconnected);
    co_return ev;
  }
  auto c = m.link;
  auto push = co_await c->NextPush(timeout);
  if (!push) {
    if (push.error() == net::Errc::kTimeout) co_return ev;
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = push.error();
    co_return ev;
  }
  if (push->has_session_ended()) {
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = proto::RefusalError(push->session_ended().reason());  // why, as a kRelay error
    co_return ev;
  }
  if (push->has_queue_drained()) {
    ev.kind = PumpEvent::Kind::kQueueDrained;
    co_return ev;
  }
  if (push->has_prekeys_low()) {
    auto s = co_await m.UploadPrekeys(false);
    if (!s) SC_LOG_WARN("prekey refill failed: {}", s.error().name());
    ev.kind = PumpEvent::Kind::kPrekeysRefilled;
    co_return ev;
  }
  if (!push->has_delivery()) co_return ev;
  ev.kind = PumpEvent::Kind::kDelivered;
  const pb::Delivery& d = push->delivery();
  auto processed = m.Process(d, nullptr);
  if (processed && processed->need_lookup) {
    auto dir = co_await m.Lookup(processed->claimed_sender);
    if (dir) {
      processed = m.Process(d, &*dir);
    } else if (dir.error() == Errc::kUnknownUser) {
      pb::LookupAccountResponse none;  // no such user: account id 0 never matches a sender
      processed = m.Process(d, &none);
    } else {
      processed = Fail(dir.error());
    }
  }
  if (!processed) {
    // Not recorded (the store failed, or the relay could not be asked): not acknowledged, so
    // the relay delivers it again on the next session.
    SC_LOG_WARN("message {} not processed: {}", d.message_id(), processed.error().name());
    ev.ended = processed.error();
    co_return ev;
  }
  if (processed->added_to_inbox) ev.delivered = 1;
  pb::ClientFrame ack;
  ack.mutable_ack()->add_message_ids(d.message_id());
  auto r = co_await m.Request(std::move(ack));
  if (!r && r.error().domain() != ErrorDomain::kRelay) {  // a refused ack is redelivered: harmless
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = r.error();
  }
  co_return ev;
}

Result<std::vector<InboxEntry>> Messenger::TakeInbox() {
  Impl& m = *impl_;
  return m.InTransaction([&]() -> Result<std::vector<InboxEntry>> {
    auto rows = m.vault.List(VaultTable::kInbox);
    if (!rows) return Fail(rows.error());
    std::vector<InboxEntry> out;
    for (const auto& row : *rows) {
      auto e = InboxEntry::Decode(row.value.Expose());
      if (!e) return Fail(e.error());
      out.push_back(std::move(*e));
      if (auto s = m.vault.Delete(VaultTable::kInbox, row.key.Expose()); !s) return Fail(s.error());
    }
    return out;
  });
}

}  // namespace sc::client
