#include "securecomm/crypto/argon2.h"

#include <sodium/crypto_pwhash.h>

#include "securecomm/base/bytes.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/random.h"

namespace sc::crypto {

Status Argon2id(std::span<const uint8_t> password, std::span<const uint8_t> salt, const Argon2Params& params,
                std::span<uint8_t> out) noexcept {
  Init();
  constexpr size_t kMinOut = 16;  // shorter keys are below our 128-bit floor
  constexpr size_t kMaxOut = 64;  // the largest key any caller needs (two 256-bit keys)
  if (salt.size() != kArgon2SaltSize || out.size() < kMinOut || out.size() > kMaxOut ||
      params.ops < kMinArgon2Ops || params.mem_bytes < kMinArgon2MemBytes ||
      password.size() > crypto_pwhash_PASSWD_MAX) {
    SecureWipe(out);
    return Fail(Errc::kInvalidArgument);
  }
  if (crypto_pwhash(out.data(), out.size(), AsChars(password).data(), password.size(), salt.data(),
                    params.ops, params.mem_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    SecureWipe(out);
    return Fail(Errc::kOutOfMemory);  // libsodium's only runtime failure here is allocation
  }
  return OkStatus();
}

}  // namespace sc::crypto
