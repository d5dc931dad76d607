// Per-address limits. A client is counted by the address its connection
// comes from (AddressKey): an IPv4 address as it is, an IPv6 address by its
// /64 prefix — the block one host is usually given, so that rotating
// through its own addresses does not multiply a client's allowance.
//
// AddressRateLimiter: logons per source address (issue 12, hole 8), a
// token bucket per address: `burst` logons at once, then `per_minute`,
// refilled continuously. Take() answers 0 when a logon may go ahead, else
// the whole seconds until the next one may (Retry-After). Addresses whose
// bucket has refilled are forgotten when the table reaches max_addresses;
// when even then no room is left (a flood from that many addresses at
// once), a new address is refused like one over its limit — the password
// hashing budget behind it could not serve them anyway. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mamori::api {

// The key per-address limits count under (see above); the text itself for
// something that is not an IP address.
std::string AddressKey(std::string_view address);

struct RateLimit {
  double per_minute = 20;  // 0: no limit
  unsigned burst = 20;     // at least 1
};

class AddressRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AddressRateLimiter(RateLimit limit, size_t max_addresses = 65536)
      : limit_(limit), max_addresses_(max_addresses) {}

  // Takes one logon from `address`'s allowance at `now`: 0 when there was
  // one, else the seconds (at least 1) until there is.
  unsigned Take(std::string_view address, Clock::time_point now = Clock::now());

  size_t tracked() const;
  const RateLimit& limit() const { return limit_; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  double Refilled(const Bucket& b, Clock::time_point now) const;
  unsigned SecondsUntilOne(double tokens) const;

  const RateLimit limit_;
  const size_t max_addresses_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace mamori::api
