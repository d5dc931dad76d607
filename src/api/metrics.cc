#include "api/metrics.h"

#include <algorithm>
#include <cstdio>

namespace mamori::api {
namespace {

// Unknown methods share one label, so a client cannot grow the series set.
std::string MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (m == method) return std::string(m);
  }
  return "other";
}

std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void Metrics::Count(std::string_view method, std::string_view route, int status) {
  ++requests_[{MethodLabel(method), std::string(route), status}];
}

void Metrics::RequestFinished(std::string_view method, std::string_view route, int status,
                              double seconds) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  Count(method, route, status);
  Histogram& h = latency_[{MethodLabel(method), std::string(route)}];
  const auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
  if (bucket != kBuckets.end()) ++h.buckets[static_cast<size_t>(bucket - kBuckets.begin())];
  ++h.count;
  h.sum += seconds;
}

void Metrics::RequestRejected(std::string_view method, int status) {
  std::lock_guard lock(mu_);
  Count(method, kUnmatchedRoute, status);
}

void Metrics::TimedOut(std::string_view phase) {
  std::lock_guard lock(mu_);
  ++timeouts_[std::string(phase)];
}

void Metrics::ConnectionRejected(std::string_view reason) {
  std::lock_guard lock(mu_);
  ++rejected_[std::string(reason)];
}

void Metrics::Shed(std::string_view reason) {
  std::lock_guard lock(mu_);
  ++shed_[std::string(reason)];
}

std::string Metrics::Render(bool detail, std::optional<uint64_t> audit_events) const {
  std::string out;
  std::lock_guard lock(mu_);
  if (detail) RenderActivity(out, audit_events);
  out += "# HELP mamori_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE mamori_http_requests_in_flight gauge\n";
  out += "mamori_http_requests_in_flight " + std::to_string(in_flight()) + "\n";
  out += "# HELP mamori_http_connections_open Open client connections.\n";
  out += "# TYPE mamori_http_connections_open gauge\n";
  out += "mamori_http_connections_open " + std::to_string(connections_open()) + "\n";
  out += "# HELP mamori_http_connections_rejected_total Connections closed at accept, by limit.\n";
  out += "# TYPE mamori_http_connections_rejected_total counter\n";
  for (std::string_view reason : {"max_connections", "per_address"}) {
    auto it = rejected_.find(std::string(reason));
    out += "mamori_http_connections_rejected_total{reason=\"" + std::string(reason) + "\"} " +
           std::to_string(it == rejected_.end() ? 0 : it->second) + "\n";
  }
  out += "# HELP mamori_http_timeouts_total Connections cut off by a timeout, by phase.\n";
  out += "# TYPE mamori_http_timeouts_total counter\n";
  for (const auto& [phase, n] : timeouts_) {
    out +=
        "mamori_http_timeouts_total{phase=\"" + Escape(phase) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP mamori_tls_handshake_failures_total TLS handshakes that failed.\n";
  out += "# TYPE mamori_tls_handshake_failures_total counter\n";
  out += "mamori_tls_handshake_failures_total " + std::to_string(handshake_failures_.load()) + "\n";
  out += "# HELP mamori_load_shed_total Requests refused to protect the server, by reason.\n";
  out += "# TYPE mamori_load_shed_total counter\n";
  for (std::string_view reason : {"rate_limited", "busy"}) {
    auto it = shed_.find(std::string(reason));
    out += "mamori_load_shed_total{reason=\"" + std::string(reason) + "\"} " +
           std::to_string(it == shed_.end() ? 0 : it->second) + "\n";
  }
  return out;
}

// mu_ held.
void Metrics::RenderActivity(std::string& out, std::optional<uint64_t> audit_events) const {
  out += "# HELP mamori_http_requests_total HTTP requests by method, route template and status.\n";
  out += "# TYPE mamori_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "mamori_http_requests_total{method=\"" + method + "\",route=\"" + Escape(route) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out +=
      "# HELP mamori_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE mamori_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    const std::string labels = "method=\"" + key.first + "\",route=\"" + Escape(key.second) + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "mamori_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
             Number(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "mamori_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "mamori_http_request_duration_seconds_sum{" + labels + "} " + Number(h.sum) + "\n";
    out += "mamori_http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) +
           "\n";
  }
  if (audit_events) {
    out += "# HELP mamori_audit_log_events Events in the audit log.\n";
    out += "# TYPE mamori_audit_log_events gauge\n";
    out += "mamori_audit_log_events " + std::to_string(*audit_events) + "\n";
  }
}

}  // namespace mamori::api
