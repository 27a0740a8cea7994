// error.h: Result<T> and Error, the error model of every SecureComm layer.
//
// Each layer owns one closed `enum class` of error codes (base::Errc here, crypto::Errc, ...)
// and registers it with SC_DEFINE_ERROR_ENUM. An Error carries the layer (its domain), the code
// and a static name, so it crosses layers without conversion and without allocation, and compares
// directly against any layer's code:
//
//   Result<uint32_t> r = reader.ReadU32();
//   if (!r) { if (r.error() == Errc::kTruncated) { ... } return tl::unexpected(r.error()); }
//
// Errors never carry secrets or payload bytes: only a code, and for a peer's refusal that
// retrying can cure, the peer's retry hint:
//
//   return Fail(Error(RelayErrc::kAccountThrottled).WithRetryAfter(std::chrono::seconds(2)));
//   if (e.retry_after() > 0ms) { wait e.retry_after(), then retry }
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include <tl/expected.hpp>

namespace sc {

// ErrorDomain: which layer's enum a code belongs to. Append only; never renumber.
enum class ErrorDomain : uint8_t {
  kBase = 1,
  kCrypto = 2,
  kScp = 3,
  kNet = 4,
  kAudit = 5,
  kStore = 6,
  kQr = 7,
  kE2e = 8,
  kClient = 9,
  kRelay = 10,  // a relay's refusal (proto::RelayErrc, the wire's ErrorCode)
  kMls = 11,    // the MLS core (mls::Errc, RFC 9420)
};

// ErrorTraits<E> is specialised (through SC_DEFINE_ERROR_ENUM) for every layer's error enum.
template <typename E>
struct ErrorTraits;

template <typename E>
concept ErrorEnum = std::is_enum_v<E> && requires(E e) {
  { ErrorTraits<E>::kDomain } -> std::convertible_to<ErrorDomain>;
  { ErrorTraits<E>::Name(e) } -> std::convertible_to<std::string_view>;
};

// Error: a (domain, code) pair, and an optional retry hint. Trivially copyable, 16 bytes, no
// allocation. Equality compares domain and code only.
class Error {
 public:
  template <ErrorEnum E>
  constexpr Error(E e) noexcept  // NOLINT(google-explicit-constructor): errors convert implicitly.
      : domain_(ErrorTraits<E>::kDomain), code_(static_cast<uint16_t>(e)), name_(&NameOf<E>) {}

  constexpr ErrorDomain domain() const noexcept { return domain_; }
  constexpr uint16_t code() const noexcept { return code_; }
  // name returns the code's identifier, e.g. "kAuthFailed". Static storage; never null.
  std::string_view name() const noexcept { return name_(code_); }

  // WithRetryAfter returns this error carrying the hint "retrying after `delay` can succeed"
  // (clamped to [1 ms, ~49 days]). retry_after() is zero when the error carries no hint.
  constexpr Error WithRetryAfter(std::chrono::milliseconds delay) const noexcept {
    Error e = *this;
    constexpr int64_t kMax = std::numeric_limits<uint32_t>::max();
    const int64_t ms = delay.count();
    e.retry_after_ms_ = static_cast<uint32_t>(ms < 1 ? 1 : (ms > kMax ? kMax : ms));
    return e;
  }
  constexpr std::chrono::milliseconds retry_after() const noexcept {
    return std::chrono::milliseconds(retry_after_ms_);
  }

  template <ErrorEnum E>
  constexpr bool Is(E e) const noexcept {
    return domain_ == ErrorTraits<E>::kDomain && code_ == static_cast<uint16_t>(e);
  }
  friend constexpr bool operator==(const Error& a, const Error& b) noexcept {
    return a.domain_ == b.domain_ && a.code_ == b.code_;
  }
  template <ErrorEnum E>
  friend constexpr bool operator==(const Error& a, E e) noexcept {
    return a.Is(e);
  }

 private:
  template <ErrorEnum E>
  static std::string_view NameOf(uint16_t code) noexcept {
    return ErrorTraits<E>::Name(static_cast<E>(code));
  }

  ErrorDomain domain_;
  uint16_t code_;
  uint32_t retry_after_ms_ = 0;  // in what would be padding: Error stays 16 bytes
  std::string_view (*name_)(uint16_t) noexcept;
};

// Result<T>: a T or an Error. Every function returning one is [[nodiscard]] through the type.
template <typename T>
using Result = tl::expected<T, Error>;

// Status: a Result that carries no value.
using Status = Result<void>;

// Fail(e) builds the unexpected side: `return Fail(Errc::kTruncated);`
inline tl::unexpected<Error> Fail(Error e) noexcept {
  return tl::unexpected<Error>(e);
}

// OkStatus() is the success value of a Status.
inline Status OkStatus() noexcept {
  return {};
}

// base::Errc: errors of the base layer (codecs and encodings). Append only; never renumber.
enum class Errc : uint16_t {
  kTruncated = 1,        // a read ran past the end of the input
  kTrailingData = 2,     // a decoder finished with bytes left over
  kLengthOverflow = 3,   // a length does not fit its prefix or the output limit
  kInvalidEncoding = 4,  // hex or base64 text is malformed
  kBufferTooSmall = 5,   // an output buffer cannot hold the result
  kSystemError = 6,      // the operating system refused a call (e.g. getrandom)
};

std::string_view ErrcName(Errc e) noexcept;

}  // namespace sc

// SC_DEFINE_ERROR_ENUM(Enum, Domain, NameFn) registers a layer's enum with Error.
#define SC_DEFINE_ERROR_ENUM(ENUM, DOMAIN, NAME_FN)                      \
  template <>                                                            \
  struct sc::ErrorTraits<ENUM> {                                         \
    static constexpr ::sc::ErrorDomain kDomain = DOMAIN;                 \
    static std::string_view Name(ENUM e) noexcept { return NAME_FN(e); } \
  }

SC_DEFINE_ERROR_ENUM(sc::Errc, sc::ErrorDomain::kBase, sc::ErrcName);
