#include "securecomm/base/secret.h"

#include <sodium/utils.h>

namespace sc {

// sodium_memzero is documented not to be optimised away (it uses memset_s/explicit_bzero).
void SecureWipe(void* data, size_t size) noexcept {
  if (data != nullptr && size != 0) sodium_memzero(data, size);
}

void SecureWipe(std::span<uint8_t> bytes) noexcept {
  SecureWipe(bytes.data(), bytes.size());
}

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept {
  // The lengths are public; only the contents must not leak through timing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sc
