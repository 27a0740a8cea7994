// messenger_impl.h (private): the state of a Messenger and its units. The Messenger is a thin
// face over them: ContactBook (identity decisions), PrekeyManager, Outbox (fan-out), Inbox
// (receive and acknowledge); messenger.cc holds the lifecycle and the relay session,
// messenger_send.cc and messenger_contacts.cc the public calls that combine units.
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <string>

#include "securecomm/client/errors.h"
#include "securecomm/client/messenger.h"
#include "securecomm/client/relay_client.h"
#include "securecomm/crypto/random.h"
#include "securecomm/store/client_vault.h"

#include "contact_book.h"
#include "inbox.h"
#include "outbox.h"
#include "prekey_manager.h"
#include "vault_keys.h"
#include "vault_tx.h"

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
  // The units, made by Wire() once the clock and the identity are known.
  std::unique_ptr<ContactBook> contacts;
  std::unique_ptr<PrekeyManager> prekeys;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<Inbox> inbox;

  explicit Impl(store::ClientVault v) : vault(std::move(v)) {}

  static Random& rng() { return crypto::SystemCsprng(); }

  // Wire makes the units. REQUIRES: clock and identity set.
  void Wire() {
    contacts = std::make_unique<ContactBook>(vault, *clock);
    prekeys = std::make_unique<PrekeyManager>(vault, *identity, rng());
    outbox = std::make_unique<Outbox>(vault, *identity, rng());
    inbox = std::make_unique<Inbox>(vault, *identity, rng(), *contacts, *prekeys, account);
  }

  // Link: the live relay session, or kDisconnected. The shared_ptr keeps it alive across a
  // suspension even if the Messenger closes it meanwhile.
  Result<std::shared_ptr<RelayLink>> Link() const {
    if (!link || !link->connected()) return Fail(Errc::kDisconnected);
    return link;
  }

  asio::awaitable<Status> Open(asio::io_context& io);
  asio::awaitable<Result<LoginInfo>> LogIn(const std::string& username, std::span<const uint8_t> password,
                                           bool send_only);
  Status StoreAccount(const Account& a, const Contact& self);
};

}  // namespace sc::client
