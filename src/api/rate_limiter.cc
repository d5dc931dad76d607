#include "api/rate_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace mamori::api {

std::string AddressKey(std::string_view address) {
  std::string text(address);
  std::array<unsigned char, 16> v6{};
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return text;
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return text;
  char out[INET6_ADDRSTRLEN] = {};
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.data(), kMapped, sizeof kMapped) == 0) {
    // ::ffff:a.b.c.d is the IPv4 client a.b.c.d on a dual-stack socket.
    std::memcpy(&v4, v6.data() + 12, 4);
    return inet_ntop(AF_INET, &v4, out, sizeof out) ? std::string(out) : text;
  }
  std::fill(v6.begin() + 8, v6.end(), 0);
  return inet_ntop(AF_INET6, v6.data(), out, sizeof out) ? std::string(out) + "/64" : text;
}

double AddressRateLimiter::Refilled(const Bucket& b, Clock::time_point now) const {
  const double minutes = std::chrono::duration<double>(now - b.last).count() / 60.0;
  return std::min<double>(limit_.burst, b.tokens + std::max(0.0, minutes) * limit_.per_minute);
}

unsigned AddressRateLimiter::SecondsUntilOne(double tokens) const {
  const double seconds = (1.0 - tokens) * 60.0 / limit_.per_minute;
  return static_cast<unsigned>(std::max(1.0, std::ceil(seconds)));
}

unsigned AddressRateLimiter::Take(std::string_view address, Clock::time_point now) {
  if (limit_.per_minute <= 0) return 0;
  const std::string key = AddressKey(address);
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_addresses_) {
      std::erase_if(buckets_,
                    [&](const auto& entry) { return Refilled(entry.second, now) >= limit_.burst; });
    }
    if (buckets_.size() >= max_addresses_) return SecondsUntilOne(0);
    it = buckets_.emplace(key, Bucket{static_cast<double>(limit_.burst), now}).first;
  }
  Bucket& b = it->second;
  b.tokens = Refilled(b, now);
  b.last = now;
  if (b.tokens < 1.0) return SecondsUntilOne(b.tokens);
  b.tokens -= 1.0;
  return 0;
}

size_t AddressRateLimiter::tracked() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace mamori::api
