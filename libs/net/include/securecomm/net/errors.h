// errors.h: net::Errc, errors of the I/O adapters. Append only; never renumber.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::net {

enum class Errc : uint16_t {
  kIoError = 1,          // the socket failed (reset, unreachable, ...)
  kEndOfStream = 2,      // the peer closed the TCP connection without an SCP CLOSE
  kTimeout = 3,          // no handshake progress in time
  kBadAddress = 4,       // a host or connection string that does not resolve or parse
  kTooManySessions = 5,  // a datagram server at its session limit
  kHttpStartFailed = 6,  // an HTTP endpoint could not start (port in use, bad options, no memory)
};

std::string_view ErrcName(Errc e) noexcept;

}  // namespace sc::net

SC_DEFINE_ERROR_ENUM(sc::net::Errc, sc::ErrorDomain::kNet, sc::net::ErrcName);
