// Server metrics in the Prometheus text format (0.0.4). Labels are route
// templates, methods and status codes only: never a path with ids in it, a
// query value, a principal or anything personal, so a metrics scrape cannot
// disclose who was looked up. Thread-safe.
//
//   mamori_http_requests_total{method,route,status}          counter
//   mamori_http_request_duration_seconds{method,route}       histogram
//   mamori_http_requests_in_flight                           gauge
//   mamori_http_connections_open                             gauge
//   mamori_http_connections_rejected_total                   counter (max connections)
//   mamori_http_timeouts_total{phase}                        counter (handshake, idle, header,
//   body, write) mamori_tls_handshake_failures_total                      counter
//   mamori_audit_log_events                                  gauge (given at render time)
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace mamori::api {

// Route label of requests that matched no route (404, 405 and framing errors).
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

class Metrics {
 public:
  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  // Ends what RequestStarted began.
  void RequestFinished(std::string_view method, std::string_view route, int status, double seconds);
  // A request refused before it was dispatched (malformed, too large): counted
  // but never in flight.
  void RequestRejected(std::string_view method, int status);

  void ConnectionOpened() { open_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRejected() { rejected_.fetch_add(1, std::memory_order_relaxed); }
  void HandshakeFailed() { handshake_failures_.fetch_add(1, std::memory_order_relaxed); }
  // phase: "handshake", "idle", "header", "body" or "write".
  void TimedOut(std::string_view phase);

  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int64_t connections_open() const { return open_.load(std::memory_order_relaxed); }

  // The exposition text; audit_events, when given, becomes mamori_audit_log_events.
  std::string Render(std::optional<uint64_t> audit_events) const;

  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    uint64_t count = 0;
    double sum = 0;
  };
  void Count(std::string_view method, std::string_view route, int status);

  std::atomic<int64_t> in_flight_{0}, open_{0};
  std::atomic<uint64_t> rejected_{0}, handshake_failures_{0};
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  std::map<std::string, uint64_t> timeouts_;
};

}  // namespace mamori::api
