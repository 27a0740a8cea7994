#include "securecomm/client/messenger.h"

// GCC 12 false positive on coroutine frames (see relay_client.cc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/log.h"
#include "securecomm/client/bundle.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/safety_number.h"
#include "securecomm/e2e/session.h"
#include "securecomm/e2e/wire.h"
#include "securecomm/net/errors.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/store/client_vault.h"
#include "securecomm/store/errors.h"
#include "vault_keys.h"

namespace sc::client {

using store::VaultTable;

struct Messenger::Impl {
  const Clock* clock = nullptr;
  store::ClientVault vault;
  std::shared_ptr<crypto::Ed25519KeyPair> identity;
  std::string relay;
  std::optional<Account> account;
  std::shared_ptr<RelayClient> client;
  Refusal last_refusal;
  std::minstd_rand jitter{std::random_device{}()};

  explicit Impl(store::ClientVault v) : vault(std::move(v)) {}

  Random& rng() { return crypto::SystemCsprng(); }

  // ---- store helpers (each caller owns the transaction) ----
  Result<std::optional<Contact>> LoadContact(const std::string& username) {
    auto key = keys::Contact(username);
    auto v = vault.Get(VaultTable::kContacts, key);
    if (!v) return Fail(v.error());
    if (!v->has_value()) return std::optional<Contact>{};
    auto c = Contact::Decode((*v)->Expose());
    if (!c) return Fail(c.error());
    return std::optional<Contact>(std::move(*c));
  }
  Status SaveContact(const Contact& c) {
    auto key = keys::Contact(c.username);
    auto bytes = c.Encode();
    return vault.Put(VaultTable::kContacts, key, bytes);
  }
  Result<std::optional<e2e::Session>> LoadSession(uint64_t peer_account, uint32_t device) {
    auto key = keys::Session(peer_account, device);
    auto v = vault.Get(VaultTable::kSessions, key);
    if (!v) return Fail(v.error());
    if (!v->has_value()) return std::optional<e2e::Session>{};
    auto s = e2e::Session::Deserialize((*v)->Expose());
    if (!s) return Fail(s.error());
    return std::optional<e2e::Session>(std::move(*s));
  }
  Status SaveSession(uint64_t peer_account, uint32_t device, const e2e::Session& s) {
    auto key = keys::Session(peer_account, device);
    auto state = s.Serialize();
    return vault.Put(VaultTable::kSessions, key, state.Expose());
  }
  Result<uint32_t> NextPrekeyId(uint32_t count) {
    auto key = keys::Setting("next_prekey_id");
    auto v = vault.Get(VaultTable::kSettings, key);
    if (!v) return Fail(v.error());
    uint32_t next = 1;
    if (v->has_value()) {
      ByteReader r((*v)->Expose());
      auto n = r.ReadU32();
      if (!n) return Fail(Errc::kMalformedRecord);
      next = *n;
    }
    ByteWriter w;
    (void)w.WriteU32(next + count);
    if (auto s = vault.Put(VaultTable::kSettings, key, w.bytes()); !s) return Fail(s.error());
    return next;
  }

  // ---- relay helpers ----
  asio::awaitable<Result<pb::Response>> Call(pb::ClientFrame frame) {
    if (!client || !client->connected()) co_return Fail(Errc::kDisconnected);
    auto c = client;
    auto r = co_await c->Call(std::move(frame));
    co_return r;
  }
  asio::awaitable<Result<pb::LookupAccountResponse>> Lookup(const std::string& username) {
    pb::ClientFrame f;
    f.mutable_lookup_account()->set_username(username);
    auto r = co_await Call(std::move(f));
    if (!r) co_return Fail(r.error());
    if (r->error() == pb::UNKNOWN_ACCOUNT || r->error() == pb::INVALID_USERNAME) co_return Fail(Errc::kUnknownUser);
    if (r->error() != pb::OK) {
      last_refusal = {r->error(), r->retry_after_ms()};
      co_return Fail(Errc::kRefused);
    }
    co_return r->lookup_account();
  }
  asio::awaitable<Status> Open(asio::io_context& io) {
    auto cs = scp::ParseConnectionString(relay);
    if (!cs) co_return Fail(cs.error());
    if (client) {
      auto old = client;
      client.reset();
      old->Abort();
    }
    std::shared_ptr<const crypto::Ed25519KeyPair> id = identity;
    ConnectOptions options;  // named: GCC 12 destroys a defaulted temporary argument of a coroutine twice
    auto c = co_await RelayClient::Connect(io, *cs, id, *clock, options);
    if (!c) co_return Fail(c.error());
    client = std::move(*c);
    co_return OkStatus();
  }
  asio::awaitable<Result<LoginInfo>> LogIn(const std::string& username, std::span<const uint8_t> password,
                                           bool send_only) {
    Refusal refusal;
    auto c = client;
    auto info = co_await c->Login(username, password, &refusal, send_only);
    if (!info) co_return Fail(info.error());
    if (refusal.code != pb::OK) {
      last_refusal = refusal;
      co_return Fail(Errc::kRefused);
    }
    co_return *info;
  }

  // UploadPrekeys stores new private prekeys (a signed one if `with_signed`, and kPrekeyBatch
  // one-time ones), then uploads their public halves. Stored first: a crash after the upload
  // must not leave the relay handing out keys this device cannot use.
  asio::awaitable<Status> UploadPrekeys(bool with_signed) {
    pb::ClientFrame f;
    auto* up = f.mutable_upload_prekeys();
    if (auto s = vault.Begin(); !s) co_return s;
    auto first = NextPrekeyId(kPrekeyBatch + 1);
    if (!first) {
      vault.Rollback();
      co_return Fail(first.error());
    }
    uint32_t id = *first;
    if (with_signed) {
      auto spk = e2e::SignedPrekeyPair::Generate(*identity, id++, rng());
      ByteWriter w;
      (void)w.WriteBytes(spk.key_pair.private_key.Expose());
      (void)w.WriteBytes(spk.signature.span());
      auto key = keys::SignedPrekey(spk.id);
      auto bytes = std::move(w).Take();
      Status s = vault.Put(VaultTable::kPrekeys, key, bytes);
      SecureWipe(bytes);
      ByteWriter cur;
      (void)cur.WriteU32(spk.id);
      auto cur_key = keys::Setting("signed_prekey_id");
      if (s) s = vault.Put(VaultTable::kSettings, cur_key, cur.bytes());
      if (!s) {
        vault.Rollback();
        co_return s;
      }
      auto* sp = up->mutable_signed_prekey();
      sp->set_id(spk.id);
      sp->set_public_key(std::string(spk.key_pair.public_key.span().begin(), spk.key_pair.public_key.span().end()));
      sp->set_signature(std::string(spk.signature.span().begin(), spk.signature.span().end()));
    }
    for (uint32_t i = 0; i < kPrekeyBatch; ++i) {
      auto opk = e2e::OneTimePrekeyPair::Generate(id++, rng());
      auto key = keys::OneTimePrekey(opk.id);
      if (auto s = vault.Put(VaultTable::kPrekeys, key, opk.key_pair.private_key.Expose()); !s) {
        vault.Rollback();
        co_return s;
      }
      auto* o = up->add_one_time_prekeys();
      o->set_id(opk.id);
      o->set_public_key(std::string(opk.key_pair.public_key.span().begin(), opk.key_pair.public_key.span().end()));
    }
    if (auto s = vault.Commit(); !s) co_return s;
    auto r = co_await Call(std::move(f));
    if (!r) co_return Fail(r.error());
    if (r->error() != pb::OK) {
      last_refusal = {r->error(), r->retry_after_ms()};
      co_return Fail(Errc::kRefused);
    }
    co_return OkStatus();
  }

  // Refill uploads a batch when the relay holds fewer than kPrekeyLowWater one-time prekeys
  // (or no signed prekey: a registration cut short).
  asio::awaitable<Result<bool>> Refill() {
    auto cur_key = keys::Setting("signed_prekey_id");
    auto has_signed = vault.Contains(VaultTable::kSettings, cur_key);
    if (!has_signed) co_return Fail(has_signed.error());
    pb::ClientFrame f;
    f.mutable_prekey_count();
    auto r = co_await Call(std::move(f));
    if (!r) co_return Fail(r.error());
    if (*has_signed && r->error() == pb::OK && r->prekey_count().one_time_remaining() >= kPrekeyLowWater) {
      co_return false;
    }
    auto s = co_await UploadPrekeys(!*has_signed);
    if (!s) co_return Fail(s.error());
    co_return true;
  }

  // Reconcile compares a contact's record with the relay's directory: devices gone from the
  // directory are dropped (with their sessions); new or changed keys become pending, never
  // trusted. On first contact every listed device is trusted (trust on first use).
  Result<Contact> Reconcile(const std::string& username, const pb::LookupAccountResponse& dir) {
    auto existing = LoadContact(username);
    if (!existing) return Fail(existing.error());
    std::vector<ContactDevice> listed;
    for (const auto& d : dir.devices()) {
      auto key = crypto::Ed25519PublicKey::FromSpan(
          {reinterpret_cast<const uint8_t*>(d.identity_key().data()), d.identity_key().size()});
      if (!key) return Fail(Errc::kMalformedRecord);
      listed.push_back({d.device_id(), *key});
    }
    if (listed.size() > kMaxContactDevices / 2) return Fail(Errc::kMalformedRecord);
    Contact c;
    if (!existing->has_value()) {
      c.username = username;
      c.account_id = dir.account_id();
      c.devices = listed;
      c.added_ms = clock->UnixMillis();
    } else {
      c = std::move(**existing);
      if (c.account_id != dir.account_id()) {
        c.pending_account_id = dir.account_id();
        c.pending = listed;
      } else {
        std::vector<ContactDevice> kept;
        for (const auto& d : c.devices) {
          const bool present = std::any_of(listed.begin(), listed.end(),
                                           [&](const ContactDevice& l) { return l.device_id == d.device_id; });
          if (present) {
            kept.push_back(d);
          } else {
            auto key = keys::Session(c.account_id, d.device_id);
            if (auto s = vault.Delete(VaultTable::kSessions, key); !s) return Fail(s.error());
          }
        }
        c.devices = std::move(kept);
        for (const auto& l : listed) {
          if (c.Trusts(l.device_id, l.identity_key)) continue;
          std::erase_if(c.pending, [&](const ContactDevice& p) { return p.device_id == l.device_id; });
          c.pending.push_back(l);
        }
        std::erase_if(c.pending, [&](const ContactDevice& p) {
          return std::none_of(listed.begin(), listed.end(), [&](const ContactDevice& l) { return l == p; });
        });
      }
    }
    if (auto s = SaveContact(c); !s) return Fail(s.error());
    return c;
  }

  // ---- receiving ----
  struct Processed {
    bool need_lookup = false;
    std::string claimed_sender;
    bool added_to_inbox = false;
  };

  // Process decrypts and records one delivery in one store transaction. With no `dir` and an
  // unknown claimed sender it changes nothing and asks for a directory lookup first.
  Result<Processed> Process(const pb::Delivery& d, const pb::LookupAccountResponse* dir) {
    if (auto s = vault.Begin(); !s) return Fail(s.error());
    auto result = ProcessInTransaction(d, dir);
    if (!result || result->need_lookup) {
      vault.Rollback();
      return result;
    }
    if (auto s = vault.Commit(); !s) return Fail(s.error());
    return result;
  }

  Result<Processed> ProcessInTransaction(const pb::Delivery& d, const pb::LookupAccountResponse* dir) {
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

  Result<e2e::SignedPrekeyPair> LoadSignedPrekey(uint32_t id) {
    auto key = keys::SignedPrekey(id);
    auto v = vault.Get(VaultTable::kPrekeys, key);
    if (!v) return Fail(v.error());
    if (!v->has_value() || (*v)->size() != 32 + 64) return Fail(e2e::Errc::kUnknownPrekey);
    auto priv = crypto::X25519PrivateKey::FromSpan((*v)->Expose().subspan(0, 32));
    auto sig = crypto::Ed25519Signature::FromSpan((*v)->Expose().subspan(32));
    if (!priv || !sig) return Fail(Errc::kMalformedRecord);
    e2e::SignedPrekeyPair p;
    p.id = id;
    p.key_pair = crypto::X25519KeyPair::FromPrivate(std::move(*priv));
    p.signature = *sig;
    return p;
  }
  Result<e2e::OneTimePrekeyPair> LoadOneTimePrekey(uint32_t id) {
    auto key = keys::OneTimePrekey(id);
    auto v = vault.Get(VaultTable::kPrekeys, key);
    if (!v) return Fail(v.error());
    // Gone: used by an earlier prekey message (this one is a replay) or never ours.
    if (!v->has_value()) return Fail(e2e::Errc::kUnknownPrekey);
    auto priv = crypto::X25519PrivateKey::FromSpan((*v)->Expose());
    if (!priv) return Fail(Errc::kMalformedRecord);
    e2e::OneTimePrekeyPair p;
    p.id = id;
    p.key_pair = crypto::X25519KeyPair::FromPrivate(std::move(*priv));
    return p;
  }

  Status StoreAccount(const Account& a, const Contact& self) {
    if (auto s = vault.Begin(); !s) return s;
    auto key = keys::Setting("account");
    auto bytes = a.Encode();
    Status s = vault.Put(VaultTable::kSettings, key, bytes.Expose());
    if (s) s = SaveContact(self);
    if (!s) {
      vault.Rollback();
      return s;
    }
    return vault.Commit();
  }
};

// ---------------------------------------------------------------------------------------------

Messenger::Messenger(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Messenger::~Messenger() {
  if (impl_ && impl_->client) impl_->client->Abort();
}

Result<std::unique_ptr<Messenger>> Messenger::Init(const std::string& home, std::span<const uint8_t> passphrase,
                                                   const std::string& relay, const crypto::Argon2Params& kdf,
                                                   const Clock& clock) {
  if (auto cs = scp::ParseConnectionString(relay); !cs) return Fail(cs.error());
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec || ::chmod(home.c_str(), 0700) != 0) return Fail(store::Errc::kCannotOpen);
  const std::string path = (std::filesystem::path(home) / kStoreFileName).string();
  auto vault = store::ClientVault::Create(path, passphrase, kdf, crypto::SystemCsprng());
  if (!vault) return Fail(vault.error());
  auto impl = std::make_unique<Impl>(std::move(*vault));
  impl->clock = &clock;
  impl->relay = relay;
  impl->identity = std::make_shared<crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
  if (auto s = impl->vault.Begin(); !s) return Fail(s.error());
  const auto seed = impl->identity->seed();
  auto id_key = keys::Setting("identity");
  auto relay_key = keys::Setting("relay");
  Status s = impl->vault.Put(VaultTable::kSettings, id_key, seed.Expose());
  if (s) s = impl->vault.Put(VaultTable::kSettings, relay_key, {reinterpret_cast<const uint8_t*>(relay.data()), relay.size()});
  if (!s) {
    impl->vault.Rollback();
    return Fail(s.error());
  }
  if (auto c = impl->vault.Commit(); !c) return Fail(c.error());
  return std::unique_ptr<Messenger>(new Messenger(std::move(impl)));
}

Result<std::unique_ptr<Messenger>> Messenger::Open(const std::string& home, std::span<const uint8_t> passphrase,
                                                   const Clock& clock) {
  const std::string path = (std::filesystem::path(home) / kStoreFileName).string();
  auto vault = store::ClientVault::Open(path, passphrase);
  if (!vault) return Fail(vault.error());
  auto impl = std::make_unique<Impl>(std::move(*vault));
  impl->clock = &clock;
  auto id_key = keys::Setting("identity");
  auto seed = impl->vault.Get(VaultTable::kSettings, id_key);
  if (!seed) return Fail(seed.error());
  if (!seed->has_value()) return Fail(Errc::kMalformedRecord);
  auto parsed_seed = crypto::Ed25519Seed::FromSpan((*seed)->Expose());
  if (!parsed_seed) return Fail(Errc::kMalformedRecord);
  impl->identity = std::make_shared<crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::FromSeed(*parsed_seed));
  auto relay_key = keys::Setting("relay");
  auto relay = impl->vault.Get(VaultTable::kSettings, relay_key);
  if (!relay) return Fail(relay.error());
  if (!relay->has_value()) return Fail(Errc::kMalformedRecord);
  impl->relay.assign((*relay)->Expose().begin(), (*relay)->Expose().end());
  auto account_key = keys::Setting("account");
  auto account = impl->vault.Get(VaultTable::kSettings, account_key);
  if (!account) return Fail(account.error());
  if (account->has_value()) {
    auto a = Account::Decode((*account)->Expose());
    if (!a) return Fail(a.error());
    impl->account = std::move(*a);
  }
  return std::unique_ptr<Messenger>(new Messenger(std::move(impl)));
}

const crypto::Ed25519PublicKey& Messenger::identity() const noexcept { return impl_->identity->public_key(); }
const std::string& Messenger::relay() const noexcept { return impl_->relay; }
const Refusal& Messenger::last_refusal() const noexcept { return impl_->last_refusal; }
bool Messenger::connected() const noexcept { return impl_->client && impl_->client->connected(); }

std::optional<Account> Messenger::account() const {
  if (!impl_->account) return std::nullopt;
  const Account& a = *impl_->account;
  return Account{a.relay, a.username, a.password.Clone(), a.account_id, a.device_id};
}

asio::awaitable<Result<Refusal>> Messenger::Register(asio::io_context& io, const std::string& username,
                                                     std::span<const uint8_t> password) {
  Impl& m = *impl_;
  if (m.account) co_return Fail(Errc::kAlreadyRegistered);
  if (auto s = co_await m.Open(io); !s) co_return Fail(s.error());
  auto c = m.client;
  auto refusal = co_await c->Register(username, password);
  if (!refusal) co_return Fail(refusal.error());
  if (refusal->code != pb::OK) co_return *refusal;
  auto info = co_await m.LogIn(username, password, false);
  if (!info) {
    if (info.error() == Errc::kRefused) co_return m.last_refusal;
    co_return Fail(info.error());
  }
  Account a{m.relay, username, SecretBytes(password), info->account_id, info->device_id};
  Contact self;
  self.username = username;
  self.account_id = info->account_id;
  self.devices.push_back({info->device_id, m.identity->public_key()});
  self.verified = true;  // this device is its own first device
  self.added_ms = m.clock->UnixMillis();
  if (auto s = m.StoreAccount(a, self); !s) co_return Fail(s.error());
  m.account = std::move(a);
  if (auto s = co_await m.UploadPrekeys(true); !s) co_return Fail(s.error());
  co_return Refusal{};
}

asio::awaitable<Result<Refusal>> Messenger::Login(asio::io_context& io, const std::string& username,
                                                  std::span<const uint8_t> password) {
  Impl& m = *impl_;
  if (m.account) co_return Fail(Errc::kAlreadyRegistered);
  if (auto s = co_await m.Open(io); !s) co_return Fail(s.error());
  auto info = co_await m.LogIn(username, password, false);
  if (!info) {
    if (info.error() == Errc::kRefused) co_return m.last_refusal;
    co_return Fail(info.error());
  }
  auto dir = co_await m.Lookup(username);
  if (!dir) co_return Fail(dir.error());
  Account a{m.relay, username, SecretBytes(password), info->account_id, info->device_id};
  Contact self;
  self.username = username;
  self.account_id = info->account_id;
  for (const auto& d : dir->devices()) {
    auto key = crypto::Ed25519PublicKey::FromSpan(
        {reinterpret_cast<const uint8_t*>(d.identity_key().data()), d.identity_key().size()});
    if (!key) co_return Fail(Errc::kMalformedRecord);
    self.devices.push_back({d.device_id(), *key});
  }
  self.added_ms = m.clock->UnixMillis();
  if (auto s = m.StoreAccount(a, self); !s) co_return Fail(s.error());
  m.account = std::move(a);
  if (auto s = co_await m.UploadPrekeys(true); !s) co_return Fail(s.error());
  co_return Refusal{};
}

asio::awaitable<Status> Messenger::Connect(asio::io_context& io, bool send_only) {
  Impl& m = *impl_;
  if (!m.account) co_return Fail(Errc::kNotRegistered);
  if (auto s = co_await m.Open(io); !s) co_return s;
  const std::string username = m.account->username;
  auto password = m.account->password.Clone();
  auto info = co_await m.LogIn(username, password.Expose(), send_only);
  if (!info) co_return Fail(info.error());
  if (info->device_id != m.account->device_id) {
    // The relay made this key a new device: the old device was removed from the account.
    co_return Fail(Errc::kNotRegistered);
  }
  if (!send_only) {
    auto refilled = co_await m.Refill();
    if (!refilled) co_return Fail(refilled.error());
  }
  co_return OkStatus();
}

asio::awaitable<Status> Messenger::ConnectWithRetry(asio::io_context& io, bool send_only,
                                                    std::chrono::milliseconds give_up_after) {
  const auto deadline = std::chrono::steady_clock::now() + give_up_after;
  auto window = kReconnectBase;
  for (;;) {
    auto s = co_await Connect(io, send_only);
    if (s) co_return s;
    // Refusals (a wrong password, a removed device, a lockout) are not retried blindly.
    const bool transient = s.error().domain() == ErrorDomain::kNet || s.error().domain() == ErrorDomain::kScp ||
                           s.error() == Errc::kDisconnected ||
                           (s.error() == Errc::kRefused && (impl_->last_refusal.code == pb::RELAY_SHUTTING_DOWN ||
                                                            impl_->last_refusal.code == pb::STORAGE_FAILURE));
    if (!transient) co_return s;
    std::uniform_int_distribution<int64_t> pick(0, window.count());
    const std::chrono::milliseconds wait{pick(impl_->jitter)};  // full jitter
    if (std::chrono::steady_clock::now() + wait > deadline) co_return s;
    SC_LOG_INFO("relay unreachable ({}); retrying in {} ms", s.error().name(), wait.count());
    asio::steady_timer timer(io, wait);
    co_await timer.async_wait(asio::use_awaitable);
    window = std::min(window * 2, std::chrono::milliseconds(kReconnectCap));
  }
}

asio::awaitable<void> Messenger::Close() {
  if (impl_->client) {
    auto c = impl_->client;
    impl_->client.reset();
    co_await c->Close();
  }
}

asio::awaitable<Result<std::vector<DeviceInfo>>> Messenger::Devices() {
  Impl& m = *impl_;
  pb::ClientFrame f;
  f.mutable_list_devices();
  auto r = co_await m.Call(std::move(f));
  if (!r) co_return Fail(r.error());
  if (r->error() != pb::OK) {
    m.last_refusal = {r->error(), r->retry_after_ms()};
    co_return Fail(Errc::kRefused);
  }
  std::vector<DeviceInfo> out;
  for (const auto& d : r->list_devices().devices()) {
    auto key = crypto::Ed25519PublicKey::FromSpan(
        {reinterpret_cast<const uint8_t*>(d.identity_key().data()), d.identity_key().size()});
    if (!key) co_return Fail(Errc::kMalformedRecord);
    out.push_back({d.device_id(), *key, d.created_ms(), *key == m.identity->public_key()});
  }
  co_return out;
}

asio::awaitable<Status> Messenger::RemoveDevice(uint32_t device_id) {
  Impl& m = *impl_;
  pb::ClientFrame f;
  f.mutable_remove_device()->set_device_id(device_id);
  auto r = co_await m.Call(std::move(f));
  if (!r) co_return Fail(r.error());
  if (r->error() != pb::OK) {
    m.last_refusal = {r->error(), r->retry_after_ms()};
    co_return Fail(Errc::kRefused);
  }
  co_return OkStatus();
}

asio::awaitable<Result<Contact>> Messenger::RefreshContact(const std::string& username) {
  Impl& m = *impl_;
  auto dir = co_await m.Lookup(username);
  if (!dir) co_return Fail(dir.error());
  if (auto s = m.vault.Begin(); !s) co_return Fail(s.error());
  auto c = m.Reconcile(username, *dir);
  if (!c) {
    m.vault.Rollback();
    co_return Fail(c.error());
  }
  if (auto s = m.vault.Commit(); !s) co_return Fail(s.error());
  co_return std::move(*c);
}

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
    auto r = co_await m.Call(std::move(f));
    if (!r) co_return Fail(r.error());
    if (r->error() == pb::NO_PREKEYS || r->error() == pb::UNKNOWN_DEVICE) co_return Fail(Errc::kNoPrekeys);
    if (r->error() != pb::OK) {
      m.last_refusal = {r->error(), r->retry_after_ms()};
      co_return Fail(Errc::kRefused);
    }
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
  if (auto s = m.vault.Begin(); !s) co_return Fail(s.error());
  for (auto& t : targets) {
    auto loaded = m.LoadSession(t.account, t.device.device_id);
    if (!loaded) {
      m.vault.Rollback();
      co_return Fail(loaded.error());
    }
    std::optional<e2e::Session> session = std::move(*loaded);
    if (!session) {
      if (!t.bundle) {  // another process ended the session meanwhile: try again
        m.vault.Rollback();
        co_return Fail(Errc::kNoSession);
      }
      auto started = e2e::Session::Initiate(*m.identity, *t.bundle, t.device.identity_key, m.rng());
      if (!started) {
        m.vault.Rollback();
        co_return Fail(started.error());
      }
      session = std::move(*started);
    }
    auto wire = session->Encrypt(t.own ? copy_plain.Expose() : plain.Expose());
    if (!wire) {
      m.vault.Rollback();
      co_return Fail(wire.error());
    }
    if (auto s = m.SaveSession(t.account, t.device.device_id, *session); !s) {
      m.vault.Rollback();
      co_return Fail(s.error());
    }
    auto* env = req->add_envelopes();
    env->set_recipient_account(t.account);
    env->set_recipient_device(t.device.device_id);
    env->set_payload(std::string(wire->begin(), wire->end()));
    (t.own ? report.own_devices : report.recipient_devices)++;
  }
  if (auto s = m.vault.Commit(); !s) co_return Fail(s.error());
  if (targets.empty()) co_return report;  // a note to self with no other device
  auto r = co_await m.Call(std::move(send));
  if (!r) co_return Fail(r.error());
  if (r->error() != pb::OK) {
    m.last_refusal = {r->error(), r->retry_after_ms()};
    co_return Fail(Errc::kRefused);
  }
  report.server_time_ms = r->send().server_time_ms();
  co_return report;
}

asio::awaitable<PumpEvent> Messenger::Pump(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  PumpEvent ev;
  if (!m.client || !m.client->connected()) {
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = m.client && m.client->end_error() ? *m.client->end_error() : Error(Errc::kDisconnected);
    co_return ev;
  }
  auto c = m.client;
  auto push = co_await c->NextPush(timeout);
  if (!push) {
    if (push.error() == net::Errc::kTimeout) co_return ev;
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = push.error();
    co_return ev;
  }
  if (push->has_session_ended()) {
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = Error(Errc::kDisconnected);
    m.last_refusal = {push->session_ended().reason(), 0};
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
  auto r = co_await m.Call(std::move(ack));
  if (!r) {
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = r.error();
  }
  co_return ev;
}

Result<std::vector<InboxEntry>> Messenger::TakeInbox() {
  Impl& m = *impl_;
  if (auto s = m.vault.Begin(); !s) return Fail(s.error());
  auto rows = m.vault.List(VaultTable::kInbox);
  if (!rows) {
    m.vault.Rollback();
    return Fail(rows.error());
  }
  std::vector<InboxEntry> out;
  for (const auto& row : *rows) {
    auto e = InboxEntry::Decode(row.value.Expose());
    if (!e) {
      m.vault.Rollback();
      return Fail(e.error());
    }
    out.push_back(std::move(*e));
    if (auto s = m.vault.Delete(VaultTable::kInbox, row.key.Expose()); !s) {
      m.vault.Rollback();
      return Fail(s.error());
    }
  }
  if (auto s = m.vault.Commit(); !s) return Fail(s.error());
  return out;
}

Result<std::vector<Contact>> Messenger::Contacts() {
  auto rows = impl_->vault.List(VaultTable::kContacts);
  if (!rows) return Fail(rows.error());
  std::vector<Contact> out;
  for (const auto& row : *rows) {
    auto c = Contact::Decode(row.value.Expose());
    if (!c) return Fail(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

Result<Contact> Messenger::GetContact(const std::string& username) {
  auto c = impl_->LoadContact(username);
  if (!c) return Fail(c.error());
  if (!c->has_value()) return Fail(Errc::kNotAContact);
  return std::move(**c);
}

Result<std::string> Messenger::SafetyNumber(const std::string& username) {
  if (!impl_->account) return Fail(Errc::kNotRegistered);
  auto peer = GetContact(username);
  if (!peer) return Fail(peer.error());
  auto self = GetContact(impl_->account->username);
  if (!self) return Fail(self.error());
  std::vector<crypto::Ed25519PublicKey> mine, theirs;
  for (const auto& d : self->devices) mine.push_back(d.identity_key);
  for (const auto& d : peer->devices) theirs.push_back(d.identity_key);
  // No trusted key left on one side (every device replaced): nothing to compare until Trust.
  if (mine.empty() || theirs.empty()) return Fail(Errc::kIdentityChanged);
  return e2e::SafetyNumber(self->username, mine, peer->username, theirs);
}

Status Messenger::MarkVerified(const std::string& username) {
  Impl& m = *impl_;
  if (auto s = m.vault.Begin(); !s) return s;
  auto c = m.LoadContact(username);
  Status s = c ? OkStatus() : Status(Fail(c.error()));
  if (s && !c->has_value()) s = Fail(Errc::kNotAContact);
  if (s && (!(*c)->pending.empty() || (*c)->pending_account_id != 0)) s = Fail(Errc::kIdentityChanged);
  if (s) {
    (*c)->verified = true;
    s = m.SaveContact(**c);
  }
  if (!s) {
    m.vault.Rollback();
    return s;
  }
  return m.vault.Commit();
}

Status Messenger::Trust(const std::string& username) {
  Impl& m = *impl_;
  if (auto s = m.vault.Begin(); !s) return s;
  auto c = m.LoadContact(username);
  Status s = c ? OkStatus() : Status(Fail(c.error()));
  if (s && !c->has_value()) s = Fail(Errc::kNotAContact);
  if (s) {
    Contact& contact = **c;
    if (contact.pending_account_id != 0) {
      // Another account now holds the name: nothing of the old one is kept.
      for (const auto& d : contact.devices) {
        auto key = keys::Session(contact.account_id, d.device_id);
        if (s) s = m.vault.Delete(VaultTable::kSessions, key).map([](bool) {});
      }
      contact.account_id = contact.pending_account_id;
      contact.pending_account_id = 0;
      contact.devices.clear();
    }
    for (const auto& p : contact.pending) {
      std::erase_if(contact.devices, [&](const ContactDevice& d) { return d.device_id == p.device_id; });
      contact.devices.push_back(p);
      // A session keyed to the old key is dropped: the next send runs X3DH with the new one.
      auto key = keys::Session(contact.account_id, p.device_id);
      if (s) s = m.vault.Delete(VaultTable::kSessions, key).map([](bool) {});
    }
    contact.pending.clear();
    contact.verified = false;
    if (s) s = m.SaveContact(contact);
  }
  if (!s) {
    m.vault.Rollback();
    return s;
  }
  return m.vault.Commit();
}

}  // namespace sc::client
