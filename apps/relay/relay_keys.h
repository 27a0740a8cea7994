// relay_keys.h: the relay's long-term keys in its data directory (docs/protocol/relay.md §10.1):
// the Ed25519 identity that clients pin, the X25519 static key of SCP, and the key of the decoy
// SRP answers. Created on first start (mode 0600, written to a temporary file, fsync'd and
// renamed); a file readable by group or others is refused, as ssh refuses a host key.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "securecomm/base/secret.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"

namespace sc::relay_app {

struct RelayKeys {
  std::shared_ptr<const crypto::Ed25519KeyPair> identity;
  crypto::X25519KeyPair noise;
  SecretArray<32> decoy_key;
};

// LoadOrCreateKeys reads `path`, or creates it if it does not exist (`created` says which).
// Returns "" or a one-line error (a wrong size or magic, permissions, an I/O failure).
std::string LoadOrCreateKeys(const std::filesystem::path& path, RelayKeys& keys, bool& created);

}  // namespace sc::relay_app
