// argon2.h: Argon2id password hashing / key derivation (RFC 9106) over libsodium.
//
//   SecretArray<32> key;
//   auto s = Argon2id(passphrase, salt, kArgon2Moderate, key.MutableExpose());
//
// Thread safety: thread safe. Memory: allocates `params.mem_bytes` for the call's duration.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "securecomm/base/error.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto {

struct Argon2Params {
  unsigned long long ops;  // passes over memory (t)
  size_t mem_bytes;        // memory (m), in bytes
};

// libsodium's crypto_pwhash_OPSLIMIT/MEMLIMIT_MODERATE: about 0.7 s on these machines.
inline constexpr Argon2Params kArgon2Moderate{3, size_t{256} << 20};
// For tests only: the floor of limits.h, fast.
inline constexpr Argon2Params kArgon2TestOnly{kMinArgon2Ops, kMinArgon2MemBytes};

// Argon2id fills `out` (16 to 64 bytes) from `password` and a 16-byte `salt`.
// Errors: kInvalidArgument (salt size, out size, or params below the floors of limits.h),
// kOutOfMemory. On error `out` is zeroed.
[[nodiscard]] Status Argon2id(std::span<const uint8_t> password, std::span<const uint8_t> salt,
                              const Argon2Params& params, std::span<uint8_t> out) noexcept;

}  // namespace sc::crypto
