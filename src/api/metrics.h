// Server metrics in the Prometheus text format (0.0.4). Labels are route
// templates, methods, status codes and fixed reasons only: never a path with
// ids in it, a query value, a principal or anything personal, so a metrics
// scrape cannot disclose who was looked up. Thread-safe.
//
// Served only on the operations listener (config metrics_listen), which asks
// for no credentials. So by default /metrics shows the server's health and
// nothing that reveals activity — no count of logons, requests or refusals
// per route, no size of the audit log:
//
//   mamori_http_requests_in_flight                           gauge
//   mamori_http_connections_open                             gauge
//   mamori_http_connections_rejected_total{reason}           counter (max_connections,
//                                                            per_address)
//   mamori_http_timeouts_total{phase}                        counter (handshake, idle,
//                                                            header, body, write)
//   mamori_tls_handshake_failures_total                      counter
//   mamori_load_shed_total{reason}                           counter (rate_limited: 429,
//                                                            busy: 503 of the hash budget)
//
// With detail (config metrics_detail, for a listener only monitoring can
// reach) also:
//
//   mamori_http_requests_total{method,route,status}          counter
//   mamori_http_request_duration_seconds{method,route}       histogram
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
  // reason: "max_connections" or "per_address".
  void ConnectionRejected(std::string_view reason);
  // A request refused to protect the server: "rate_limited" or "busy".
  void Shed(std::string_view reason);
  void HandshakeFailed() { handshake_failures_.fetch_add(1, std::memory_order_relaxed); }
  // phase: "handshake", "idle", "header", "body" or "write".
  void TimedOut(std::string_view phase);

  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int64_t connections_open() const { return open_.load(std::memory_order_relaxed); }

  // The exposition text; with `detail` also the activity counts (see
  // above), audit_events, when given, becoming mamori_audit_log_events.
  std::string Render(bool detail, std::optional<uint64_t> audit_events = std::nullopt) const;

  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    uint64_t count = 0;
    double sum = 0;
  };
  void Count(std::string_view method, std::string_view route, int status);
  void RenderActivity(std::string& out, std::optional<uint64_t> audit_events) const;

  std::atomic<int64_t> in_flight_{0}, open_{0};
  std::atomic<uint64_t> handshake_failures_{0};
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  std::map<std::string, uint64_t> timeouts_;
  std::map<std::string, uint64_t> rejected_;
  std::map<std::string, uint64_t> shed_;
};

}  // namespace mamori::api
