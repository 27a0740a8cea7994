// check.h: the one way SecureComm code reports a broken invariant or programmer misuse.
//
// SC_CHECK(cond) aborts the process with the file, line and condition when `cond` is false, in
// every build type. It is for bugs only: untrusted input (network, disk, user) must never reach a
// failing SC_CHECK; it returns an Error instead (STYLE.md, "Errors").
//
//   SC_CHECK(out.size() >= SealedSize(in.size()));
#pragma once

namespace sc::internal {
// CheckFailed prints "file:line: check failed: expr" to stderr and calls std::abort(). Never returns.
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr) noexcept;
}  // namespace sc::internal

#define SC_CHECK(cond)                                        \
  do {                                                        \
    if (!(cond)) [[unlikely]] {                               \
      ::sc::internal::CheckFailed(__FILE__, __LINE__, #cond); \
    }                                                         \
  } while (false)
