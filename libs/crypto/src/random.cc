#include "securecomm/crypto/random.h"

#include <sodium/core.h>

#include "securecomm/base/check.h"

namespace sc::crypto {

Random& SystemCsprng() noexcept {
  static SystemRandom rng;
  return rng;
}

void Init() noexcept {
  // sodium_init picks the fastest implementations for this CPU; it is idempotent and returns 1
  // when already done. A function-local static makes the common path one load.
  static const bool ok = sodium_init() >= 0;
  SC_CHECK(ok);
}

}  // namespace sc::crypto
