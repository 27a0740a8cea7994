// outbox.h (private): fans payloads out to a set of recipient devices end to end
// (docs/protocol/client.md §5): the 1:1 messages of the Messenger today; group and alert
// deliveries reuse it.
//
//   std::vector<OutboundEnvelope> out = {{bob_account, bob_phone, text}, {my_account, my_laptop, copy}};
//   auto sent = co_await outbox.Send(link, out);     // server time, or why nothing was sent
#pragma once

#include <asio/awaitable.hpp>
#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/random.h"
#include "securecomm/client/records.h"
#include "securecomm/client/relay_link.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/store/client_vault.h"

namespace sc::client {

// One device's envelope: whose device, and the plaintext it gets (the view must outlive Send).
struct OutboundEnvelope {
  uint64_t account = 0;
  ContactDevice device;
  std::span<const uint8_t> plaintext;
};

class Outbox {
 public:
  Outbox(store::ClientVault& vault, const crypto::Ed25519KeyPair& identity, Random& rng)
      : vault_(&vault), identity_(&identity), rng_(&rng) {}

  // Send encrypts each envelope for its device and sends them all in one all-or-nothing relay
  // request. A device without a session gets one first (X3DH over a prekey bundle fetched from
  // the relay). Every advanced session is committed in one transaction before anything leaves,
  // so a message key is never used twice even if the send then fails (the receiver sees a gap,
  // not a reuse). Returns the relay's server time. Errors: kNoPrekeys (a device published
  // none), kNoSession (another process ended a session meanwhile: try again), the relay's
  // refusal (e.g. kQueueFull with the envelope's index lost), store and session errors.
  // REQUIRES: at most proto::kMaxEnvelopesPerSend envelopes.
  asio::awaitable<Result<int64_t>> Send(RelayLink& link, std::span<const OutboundEnvelope> envelopes);

 private:
  store::ClientVault* vault_;
  const crypto::Ed25519KeyPair* identity_;
  Random* rng_;
};

}  // namespace sc::client
