// contact_book.h (private): the contacts of a device and every decision about their identity
// keys, in one place (docs/protocol/client.md §4): trust on first use; afterwards a new or
// changed device key is pending, never trusted, until Trust; devices gone from the relay's
// directory are dropped with their sessions.
//
//   ContactBook book(vault, clock);
//   auto c = book.Reconcile("bob", directory_answer);     // in the caller's transaction
//   bool trusted = book.ObserveSender(*c, device, key);    // a message's sender key
//   book.Trust("bob");                                     // its own transaction
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/client/records.h"
#include "securecomm/proto/relay.pb.h"
#include "securecomm/store/client_vault.h"

namespace sc::client {

namespace pb = securecomm::relay::v1;

class ContactBook {
 public:
  ContactBook(store::ClientVault& vault, const Clock& clock) : vault_(&vault), clock_(&clock) {}

  // Load: the contact named `username`, nullopt if none. Caller's transaction (or none).
  Result<std::optional<Contact>> Load(const std::string& username);
  // Save writes `c`. Caller's transaction.
  Status Save(const Contact& c);
  // List: every contact. Errors: store, kMalformedRecord.
  Result<std::vector<Contact>> List();

  // Reconcile compares the contact's record with the relay's directory `dir`: devices gone from
  // it are dropped (with their sessions); new or changed keys become pending; another account
  // holding the name becomes a pending account. On first contact every listed device is trusted
  // (trust on first use). Unchanged records are not rewritten (no store write on a send's
  // lookups). Caller's transaction. Errors: store, kMalformedRecord (a directory too large).
  Result<Contact> Reconcile(const std::string& username, const pb::LookupAccountResponse& dir);

  // ObserveSender: true iff (device, key) is a trusted device of `c`; otherwise the key is
  // recorded as pending for that device (saved once) and false is returned. Caller's transaction.
  Result<bool> ObserveSender(Contact& c, uint32_t device, const crypto::Ed25519PublicKey& key);

  // Trust accepts the contact's pending keys (or pending account); their sessions start afresh
  // and `verified` is cleared. Its own transaction. kNotAContact.
  Status Trust(const std::string& username);
  // MarkVerified records that safety numbers were compared. kIdentityChanged while keys are
  // pending; kNotAContact. Its own transaction.
  Status MarkVerified(const std::string& username);

 private:
  store::ClientVault* vault_;
  const Clock* clock_;
};

}  // namespace sc::client
