// random.h: the process CSPRNG for the crypto layer.
//
//   Random& rng = SystemCsprng();   // thread safe; the kernel's getrandom(2)
//
// Protocol cores never call this themselves: their callers pass a Random& (DESIGN.md §3).
#pragma once

#include "securecomm/base/random.h"

namespace sc::crypto {

// SystemCsprng returns a process-wide SystemRandom. Thread safe. Never fails (it aborts instead
// of returning weak bytes).
Random& SystemCsprng() noexcept;

// Init prepares libsodium (CPU feature detection). Idempotent and thread safe; every entry point
// of this library calls it, so applications need not.
void Init() noexcept;

}  // namespace sc::crypto
