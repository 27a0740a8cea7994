// rate_limiter.h: token buckets per source address, so a flood of valid-looking handshakes (the
// INIT MAC only needs the responder's public key, which is public) cannot exhaust the CPU. Each
// address may start `burst` handshakes at once and `per_second` more each second; all addresses
// together are held to `global_per_second`. Sans-I/O: the caller passes the time.
//
//   HandshakeLimiter limiter(HandshakeLimiter::Options{});
//   if (!limiter.Allow(peer_address_bytes, clock.Now())) { drop; }
//
// Memory is bounded: at most `max_tracked` addresses are remembered; when full, the table is
// cleared of addresses whose buckets have refilled, and if none has, the new address is refused.
// Not thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "securecomm/base/clock.h"

namespace sc::net {

class HandshakeLimiter {
 public:
  struct Options {
    double per_second = 5;            // a device reconnecting in a loop needs no more
    double burst = 10;                // a NAT with a few devices starting at once
    double global_per_second = 2000;  // about half of one core's handshake capacity (bench/)
    size_t max_tracked = 65536;       // ~5 MiB of table at most
  };
  explicit HandshakeLimiter(Options options) : options_(options), global_{options.global_per_second, {}} {}

  // Allow returns true and spends a token if `address` (any byte string, e.g. the IP's bytes) may
  // start a handshake at `now`.
  bool Allow(const std::string& address, Clock::TimePoint now);

  size_t tracked() const noexcept { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    Clock::TimePoint last;
  };
  static void Refill(Bucket& b, double rate, double cap, Clock::TimePoint now);
  void Evict(Clock::TimePoint now);

  Options options_;
  Bucket global_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace sc::net
