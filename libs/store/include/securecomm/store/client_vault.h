// client_vault.h: a client's local store, a SQLite file whose every record is encrypted at rest
// under a key that only the passphrase opens (docs/protocol/client-store.md).
//
//   auto vault = ClientVault::Create(path, passphrase, crypto::kArgon2Moderate, rng);
//   auto vault = ClientVault::Open(path, passphrase);           // kWrongPassphrase
//   auto tx = vault->Begin();                                    // one write transaction
//   vault->Put(VaultTable::kSessions, key, state);               // sealed
//   auto state = vault->Get(VaultTable::kSessions, key);         // std::nullopt if absent
//   vault->Commit();
//
// Keys: Argon2id(passphrase, salt) opens the 32-byte data key, which is random and stored
// wrapped (so a passphrase change rewrites one row). From the data key, HKDF derives a sealing
// key (XChaCha20-Poly1305, a fresh random nonce per row) and an index key: a row's lookup key is
// stored only as HMAC(index key, table || key), so the file names no contact, account or message
// id. Each sealed value binds its table and index in the associated data, so rows cannot be
// swapped or moved between tables unnoticed (kTampered).
//
// Several processes may open one vault (a listener and a sender): every read-modify-write runs
// inside Begin/Commit, which takes SQLite's write lock at once (BEGIN IMMEDIATE), waiting up to
// kBusyTimeoutMs. Thread safety: none; one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/argon2.h"

namespace sc::store {

// The vault's tables. Values appear in the file and in associated data: append only.
enum class VaultTable : uint8_t {
  kSettings = 1,  // the device identity, account, relay, counters
  kPrekeys = 2,   // private signed and one-time prekeys
  kSessions = 3,  // e2e session states, one per peer device
  kContacts = 4,  // contacts and their trusted identity keys
  kReceived = 5,  // ids of messages already processed (deduplication)
  kInbox = 6,     // decrypted messages not yet shown
};

// A row as listed: its key and value, both decrypted, and its insertion sequence number.
struct VaultRow {
  SecretBytes key;
  SecretBytes value;
  int64_t seq = 0;
};

class ClientVault {
 public:
  // Create makes a new vault at `path` (mode 0600). Errors: kAlreadyExists, kCannotOpen, and
  // crypto errors of Argon2id (params below the floor).
  [[nodiscard]] static Result<ClientVault> Create(const std::string& path,
                                                  std::span<const uint8_t> passphrase,
                                                  const crypto::Argon2Params& params, Random& rng);
  // Open opens an existing vault. Errors: kCannotOpen (missing), kNotADatabase, kNotAClientVault,
  // kWrongPassphrase, kTampered (the key row was altered).
  [[nodiscard]] static Result<ClientVault> Open(const std::string& path, std::span<const uint8_t> passphrase);

  ClientVault(ClientVault&&) noexcept;
  ClientVault& operator=(ClientVault&&) noexcept;
  ~ClientVault();

  // Begin starts a write transaction (kBusy if another process holds it past the timeout).
  // Commit makes every change since Begin durable (fsync); Rollback discards them. Put, Delete
  // and Get outside a transaction each run in their own.
  [[nodiscard]] Status Begin();
  [[nodiscard]] Status Commit();
  void Rollback() noexcept;

  // Put inserts or replaces the row (table, key); a replaced row keeps its sequence number.
  // base kLengthOverflow if the key or value exceeds kMaxVaultKeyBytes / kMaxVaultValueBytes.
  [[nodiscard]] Status Put(VaultTable table, std::span<const uint8_t> key, std::span<const uint8_t> value);
  // Get returns the value of (table, key), or std::nullopt. kTampered if it fails authentication.
  [[nodiscard]] Result<std::optional<SecretBytes>> Get(VaultTable table, std::span<const uint8_t> key);
  // Contains: whether (table, key) exists, without decrypting it.
  [[nodiscard]] Result<bool> Contains(VaultTable table, std::span<const uint8_t> key);
  // Delete removes (table, key); true if it existed.
  [[nodiscard]] Result<bool> Delete(VaultTable table, std::span<const uint8_t> key);
  // List returns every row of `table` in insertion order, up to `limit` rows.
  [[nodiscard]] Result<std::vector<VaultRow>> List(VaultTable table, size_t limit = SIZE_MAX);
  // Count returns the number of rows of `table`.
  [[nodiscard]] Result<int64_t> Count(VaultTable table);
  // DeleteOldest removes the rows of `table` beyond the newest `keep` (bounded history).
  [[nodiscard]] Status DeleteOldest(VaultTable table, int64_t keep);
  // ChangePassphrase rewraps the data key under a new passphrase, in one transaction.
  [[nodiscard]] Status ChangePassphrase(std::span<const uint8_t> passphrase,
                                        const crypto::Argon2Params& params, Random& rng);

  // State: opaque; named here so the implementation's helpers can build one.
  struct State;

 private:
  explicit ClientVault(std::unique_ptr<State> state) noexcept;
  std::unique_ptr<State> state_;
};

}  // namespace sc::store
