// vault_tx.h (private): one vault transaction around a body, and the e2e session records every
// unit reads and writes (docs/protocol/client-store.md §5).
#pragma once

#include <cstdint>
#include <optional>

#include "securecomm/e2e/session.h"
#include "securecomm/store/client_vault.h"

#include "vault_keys.h"

namespace sc::client {

// InTransaction runs `body` (returning a Status or a Result) in one vault transaction:
// committed if it succeeds, rolled back if it fails. `body` must not suspend.
template <typename F>
auto InTransaction(store::ClientVault& vault, F&& body) -> decltype(body()) {
  if (auto s = vault.Begin(); !s) return Fail(s.error());
  auto r = body();
  if (!r) {
    vault.Rollback();
    return r;
  }
  if (auto s = vault.Commit(); !s) return Fail(s.error());
  return r;
}

// LoadSession: the e2e session with (peer_account, device), nullopt if none. Caller's transaction.
inline Result<std::optional<e2e::Session>> LoadSession(store::ClientVault& vault, uint64_t peer_account,
                                                       uint32_t device) {
  auto key = keys::Session(peer_account, device);
  auto v = vault.Get(store::VaultTable::kSessions, key);
  if (!v) return Fail(v.error());
  if (!v->has_value()) return std::optional<e2e::Session>{};
  auto s = e2e::Session::Deserialize((*v)->Expose());
  if (!s) return Fail(s.error());
  return std::optional<e2e::Session>(std::move(*s));
}

inline Status SaveSession(store::ClientVault& vault, uint64_t peer_account, uint32_t device,
                          const e2e::Session& s) {
  auto key = keys::Session(peer_account, device);
  auto state = s.Serialize();
  return vault.Put(store::VaultTable::kSessions, key, state.Expose());
}

// DropSession forgets the session with (peer_account, device), if any.
inline Status DropSession(store::ClientVault& vault, uint64_t peer_account, uint32_t device) {
  auto key = keys::Session(peer_account, device);
  auto deleted = vault.Delete(store::VaultTable::kSessions, key);
  return deleted ? OkStatus() : Status(Fail(deleted.error()));
}

}  // namespace sc::client
