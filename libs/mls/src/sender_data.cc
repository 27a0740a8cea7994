// RFC 9420 §6.3.2.
#include "securecomm/mls/sender_data.h"

#include <algorithm>

#include "securecomm/base/check.h"

namespace sc::mls {

SenderDataKeys DeriveSenderDataKeys(const CipherSuite& suite, const Secret& sender_data_secret,
                                    std::span<const uint8_t> ciphertext) {
  const auto sample = ciphertext.first(std::min(ciphertext.size(), suite.hash_size));
  SenderDataKeys k{SecretBytes(suite.aead_key_size), SecretBytes(suite.aead_nonce_size)};
  // The suite's sizes and a sample of at most Nh bytes: these cannot fail.
  SC_CHECK(ExpandWithLabel(sender_data_secret.Expose(), "key", sample, k.key.MutableExpose()).has_value());
  SC_CHECK(
      ExpandWithLabel(sender_data_secret.Expose(), "nonce", sample, k.nonce.MutableExpose()).has_value());
  return k;
}

}  // namespace sc::mls
