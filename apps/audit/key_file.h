// key_file.h: the signer key at rest (docs/protocol/audit.md §10.3). The key line is sealed with
// XChaCha20-Poly1305 under a key derived from a passphrase with Argon2id:
//
//   SCAUDITKEY1 <base64 salt (16)> <base64 nonce (24)> <base64 ciphertext||tag>\n
//
// with additional data "SCAUDITKEY1". The passphrase comes from SC_AUDIT_PASSPHRASE, or from a
// prompt without echo on a terminal.
//
//   auto pass = ReadPassphrase();                       // exit 2 when none can be had
//   auto file = SealKeyFile(key_line, pass->Expose(), rng);
//   auto line = OpenKeyFile(file_bytes, pass->Expose()); // kAuthFailed: wrong passphrase
#pragma once

#include <span>
#include <string>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"

namespace sc::audit_cli {

// ReadPassphrase returns SC_AUDIT_PASSPHRASE if set and non-empty, else prompts on the terminal
// (no echo). A human-readable reason when neither works.
tl::expected<SecretBytes, std::string> ReadPassphrase();

// SealKeyFile returns the file contents for `key_line`.
[[nodiscard]] Result<SecretBytes> SealKeyFile(std::span<const uint8_t> key_line,
                                              std::span<const uint8_t> passphrase, Random& rng);

// OpenKeyFile returns the key line: crypto kAuthFailed for a wrong passphrase or a modified file,
// base kInvalidEncoding for a file of another format.
[[nodiscard]] Result<SecretBytes> OpenKeyFile(std::span<const uint8_t> file,
                                              std::span<const uint8_t> passphrase);

}  // namespace sc::audit_cli
