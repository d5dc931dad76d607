// An HTTPS keep-alive load generator built like wrk: a few event-loop
// threads drive many connections, each with one request in flight at a time
// (no pipelining), so the load generator's own cost is what an event loop
// costs rather than one blocked thread per connection. Unlike wrk it
// presents a client certificate, which the server wants from a registered
// terminal before it serves a confidentiality-3 dataset.
//
// Every connection does its TCP connect and TLS handshake (full
// certificate verification, 127.0.0.1 SAN) before the clock starts. A run
// is a warm-up, whose requests are not counted, and a measured window: a
// request is counted, with its latency (write of the request to the end of
// the response), when it was sent inside the window. A response the check
// refuses, or any I/O error, stops the run and makes Run return the error:
// a rate over failed requests is no figure.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mamori::bench {

struct LoadRequest {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct LoadOptions {
  uint16_t port = 0;
  std::string trust_certificate;   // path of the PEM the server certificate must chain to
  std::string client_certificate;  // paths of the PEM client certificate and key
  std::string client_key;
  int connections = 1;
  int threads = 1;  // event-loop threads
  double warmup_seconds = 0.5;
  double seconds = 5;
};

struct LoadResult {
  uint64_t requests = 0;           // counted requests
  double seconds = 0;              // length of the measured window
  std::vector<double> latency_us;  // one per counted request
  double client_cpu_seconds = 0;   // CPU the event-loop threads used in the window
  // CPU of the whole process (server and load generator) in the window, so
  // that (process - client) / requests is the server's CPU per request.
  double process_cpu_seconds = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

// `make(connection, i)` builds the i-th request of a connection;
// `check(connection, status, body)` accepts its response or refuses it with
// false. Both run on the event-loop threads, never concurrently for one
// connection; with threads > 1 they must be safe across connections.
using MakeRequest = std::function<LoadRequest(int connection, uint64_t i)>;
using CheckResponse = std::function<bool(int connection, int status, std::string_view body)>;

Result<LoadResult> RunLoad(const LoadOptions& options, const MakeRequest& make,
                           const CheckResponse& check);

}  // namespace mamori::bench
