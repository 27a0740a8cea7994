// messenger_impl.h (private): the state of a Messenger and the helpers its parts share
// (messenger.cc: lifecycle and sessions with the relay; messenger_prekeys.cc; messenger_send.cc;
// messenger_receive.cc; messenger_contacts.cc). Every helper that touches the vault expects the
// caller to own the transaction unless it says otherwise.
#pragma once

// GCC 12 false positive on coroutine frames (see relay_client.cc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <memory>
#include <optional>
#include <random>
#include <string>

#include "securecomm/client/errors.h"
#include "securecomm/client/messenger.h"
#include "securecomm/client/relay_client.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/session.h"
#include "securecomm/store/client_vault.h"
#include "vault_keys.h"

namespace sc::client {

using store::VaultTable;

struct Messenger::Impl {
  const Clock* clock = nullptr;
  store::ClientVault vault;
  std::shared_ptr<crypto::Ed25519KeyPair> identity;
  std::string relay;
  std::optional<Account> account;
  RelayConnector connector;  // empty: RelayClientConnector(*clock) on first use
  std::shared_ptr<RelayLink> link;
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
  Result<uint32_t> NextPrekeyId(uint32_t count);

  // InTransaction runs `body` (returning a Status or a Result) in one vault transaction:
  // committed if it succeeds, rolled back if it fails. `body` must not suspend.
  template <typename F>
  auto InTransaction(F&& body) -> decltype(body()) {
    if (auto s = vault.Begin(); !s) return Fail(s.error());
    auto r = body();
    if (!r) {
      vault.Rollback();
      return r;
    }
    if (auto s = vault.Commit(); !s) return Fail(s.error());
    return r;
  }

  // ---- relay helpers ----
  // Request: the relay's answer, or its refusal as a kRelay error (relay_link.h).
  asio::awaitable<Result<pb::Response>> Request(pb::ClientFrame frame) {
    if (!link || !link->connected()) co_return Fail(Errc::kDisconnected);
    auto c = link;
    auto r = co_await c->Request(std::move(frame));
    co_return r;
  }
  asio::awaitable<Result<pb::LookupAccountResponse>> Lookup(const std::string& username) {
    pb::ClientFrame f;
    f.mutable_lookup_account()->set_username(username);
    auto r = co_await Request(std::move(f));
    if (!r) {
      const Error& e = r.error();
      if (e == proto::RelayErrc::kUnknownAccount || e == proto::RelayErrc::kInvalidUsername) {
        co_return Fail(Errc::kUnknownUser);
      }
      co_return Fail(e);
    }
    co_return r->lookup_account();
  }
  asio::awaitable<Status> Open(asio::io_context& io);
  asio::awaitable<Result<LoginInfo>> LogIn(const std::string& username, std::span<const uint8_t> password,
                                           bool send_only);

  // UploadPrekeys stores new private prekeys (a signed one if `with_signed`, and kPrekeyBatch
  // one-time ones), then uploads their public halves. Stored first: a crash after the upload
  // must not leave the relay handing out keys this device cannot use.
  asio::awaitable<Status> UploadPrekeys(bool with_signed);

  // Refill uploads a batch when the relay holds fewer than kPrekeyLowWater one-time prekeys
  // (or no signed prekey: a registration cut short).
  asio::awaitable<Result<bool>> Refill();

  // Reconcile compares a contact's record with the relay's directory: devices gone from the
  // directory are dropped (with their sessions); new or changed keys become pending, never
  // trusted. On first contact every listed device is trusted (trust on first use).
  Result<Contact> Reconcile(const std::string& username, const pb::LookupAccountResponse& dir);

  // ---- receiving ----
  struct Processed {
    bool need_lookup = false;
    std::string claimed_sender;
    bool added_to_inbox = false;
  };

  // Process decrypts and records one delivery in one store transaction. With no `dir` and an
  // unknown claimed sender it changes nothing and asks for a directory lookup first.
  Result<Processed> Process(const pb::Delivery& d, const pb::LookupAccountResponse* dir);

  Result<Processed> ProcessInTransaction(const pb::Delivery& d, const pb::LookupAccountResponse* dir);

  Result<e2e::SignedPrekeyPair> LoadSignedPrekey(uint32_t id);
  Result<e2e::OneTimePrekeyPair> LoadOneTimePrekey(uint32_t id);

  Status StoreAccount(const Account& a, const Contact& self);
};

}  // namespace sc::client
