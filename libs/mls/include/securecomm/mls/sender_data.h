// sender_data.h: the key and nonce that protect a PrivateMessage's SenderData (RFC 9420 §6.3.2),
// derived from the epoch's sender_data_secret and a sample of the content ciphertext:
//
//   ciphertext_sample = ciphertext[0..KDF.Nh-1]   (all of it when shorter)
//   sender_data_key   = ExpandWithLabel(sender_data_secret, "key", ciphertext_sample, AEAD.Nk)
//   sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, AEAD.Nn)
//
// Pure and thread safe.
#pragma once

#include <cstdint>
#include <span>

#include "securecomm/base/secret.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/kdf.h"

namespace sc::mls {

struct SenderDataKeys {
  SecretBytes key;    // AEAD.Nk bytes
  SecretBytes nonce;  // AEAD.Nn bytes
};

// DeriveSenderDataKeys returns sender_data_key and sender_data_nonce for `ciphertext`.
[[nodiscard]] SenderDataKeys DeriveSenderDataKeys(const CipherSuite& suite, const Secret& sender_data_secret,
                                                  std::span<const uint8_t> ciphertext);

}  // namespace sc::mls
