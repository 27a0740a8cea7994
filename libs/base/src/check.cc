#include "securecomm/base/check.h"

#include <cstdio>
#include <cstdlib>

namespace sc::internal {

void CheckFailed(const char* file, int line, const char* expr) noexcept {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace sc::internal
