// prekey_manager.h (private): this device's signed and one-time prekeys (docs/protocol/client.md
// §3): generated and stored before their public halves are uploaded (a crash after the upload
// must not leave the relay handing out keys this device cannot use), refilled when the relay
// holds fewer than kPrekeyLowWater, read back by id when a prekey message arrives, and a
// one-time key deleted once used.
#pragma once

#include <asio/awaitable.hpp>
#include <cstdint>

#include "securecomm/base/random.h"
#include "securecomm/client/relay_link.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/store/client_vault.h"

namespace sc::client {

class PrekeyManager {
 public:
  PrekeyManager(store::ClientVault& vault, const crypto::Ed25519KeyPair& identity, Random& rng)
      : vault_(&vault), identity_(&identity), rng_(&rng) {}

  // Upload stores kPrekeyBatch new one-time prekeys (and a new signed prekey if `with_signed`)
  // in one transaction, then uploads their public halves. Errors: store, the relay's refusal,
  // the session's errors.
  asio::awaitable<Status> Upload(RelayLink& link, bool with_signed);
  // Refill uploads a batch when the relay holds fewer than kPrekeyLowWater one-time prekeys, or
  // no signed prekey is stored (a registration cut short); true if it uploaded.
  asio::awaitable<Result<bool>> Refill(RelayLink& link);

  // LoadSigned / LoadOneTime: the private prekey of that id. e2e kUnknownPrekey when this
  // device has none (a one-time key already used: a replay), kMalformedRecord, store errors.
  // Caller's transaction (or none).
  Result<e2e::SignedPrekeyPair> LoadSigned(uint32_t id);
  Result<e2e::OneTimePrekeyPair> LoadOneTime(uint32_t id);
  // ConsumeOneTime deletes a one-time prekey once a message used it. Caller's transaction.
  Status ConsumeOneTime(uint32_t id);

 private:
  // NextIds reserves `count` prekey ids and returns the first. Caller's transaction.
  Result<uint32_t> NextIds(uint32_t count);

  store::ClientVault* vault_;
  const crypto::Ed25519KeyPair* identity_;
  Random* rng_;
};

}  // namespace sc::client
