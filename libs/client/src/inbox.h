// inbox.h (private): what arrives for this device (docs/protocol/client.md §6): each delivery is
// deduplicated (by relay id and by the sender's message id), decrypted, its claimed sender
// authenticated against the contact book, and recorded (plaintext, session update, ids) in ONE
// store transaction; only then is it acknowledged, a drained burst of deliveries in one ack
// request. Undecryptable messages are recorded and acknowledged too: a queue never blocks.
//
//   Inbox inbox(vault, identity, rng, contacts, prekeys, account);
//   PumpEvent ev = co_await inbox.Pump(link, 1s);     // a burst of pushes handled, one ack
//   auto entries = inbox.Take();
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "securecomm/client/messenger.h"
#include "securecomm/client/relay_link.h"

#include "contact_book.h"
#include "prekey_manager.h"

namespace sc::client {

class Inbox {
 public:
  Inbox(store::ClientVault& vault, const crypto::Ed25519KeyPair& identity, Random& rng, ContactBook& contacts,
        PrekeyManager& prekeys, const std::optional<Account>& account)
      : vault_(&vault),
        identity_(&identity),
        rng_(&rng),
        contacts_(&contacts),
        prekeys_(&prekeys),
        account_(&account) {}

  // Pump waits up to `timeout` for a push, then takes every push already waiting (a burst, at
  // most proto::kMaxAcksPerRequest deliveries), records each delivery, and acknowledges the
  // recorded ones in one request. A PrekeysLow push refills. See PumpEvent for what it saw.
  asio::awaitable<PumpEvent> Pump(RelayLink& link, std::chrono::milliseconds timeout);

  // Take returns the inbox in arrival order and empties it (one transaction).
  Result<std::vector<InboxEntry>> Take();

 private:
  struct Processed {
    bool need_lookup = false;  // the claimed sender is not a contact: look it up, then again
    std::string claimed_sender;
    bool added_to_inbox = false;
  };
  // Record handles one delivery completely: Process, with a directory lookup when asked.
  // Errors (not recorded, so not to be acknowledged): store errors, the session's errors.
  asio::awaitable<Result<Processed>> Record(RelayLink& link, const pb::Delivery& d);
  // Process decrypts and records one delivery in one transaction. With no `dir` and an unknown
  // claimed sender it changes nothing and asks for a lookup.
  Result<Processed> Process(const pb::Delivery& d, const pb::LookupAccountResponse* dir);
  Result<Processed> ProcessInTransaction(const pb::Delivery& d, const pb::LookupAccountResponse* dir);

  store::ClientVault* vault_;
  const crypto::Ed25519KeyPair* identity_;
  Random* rng_;
  ContactBook* contacts_;
  PrekeyManager* prekeys_;
  const std::optional<Account>* account_;
};

// LookupAccount asks the relay's directory for `username`. kUnknownUser if there is none (or
// the name is not a valid username); the relay's other refusals; the session's errors.
asio::awaitable<Result<pb::LookupAccountResponse>> LookupAccount(RelayLink& link,
                                                                 const std::string& username);

}  // namespace sc::client
