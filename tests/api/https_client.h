// A real TLS client for the API tests: one connection (keep-alive), full
// certificate verification against the server's certificate and its
// 127.0.0.1 SAN, optional client certificate, and raw writes for tests that
// misbehave on purpose (slow or oversize headers). Every operation has a
// deadline, so a server bug fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mamori::api::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct ClientOptions {
  std::string trust_certificate;   // PEM file the server's certificate must chain to
  std::string client_certificate;  // optional PEM client certificate
  std::string client_key;
  // The local address to connect from ("127.0.0.2": all of 127/8 is
  // loopback on Linux), for tests of per-address limits; empty: any.
  std::string source_address;
  std::chrono::milliseconds timeout{10'000};
};

class HttpsClient {
 public:
  HttpsClient(uint16_t port, ClientOptions options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // TCP connect and TLS handshake.
  Status Connect();
  // Sends one request and reads its response (connecting first if needed).
  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            std::string_view body = {},
                            const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Raw bytes over the TLS connection.
  Status WriteRaw(std::string_view bytes);
  Result<HttpResponse> ReadResponse();
  // True when the server closed the connection (EOF or reset) within `wait`.
  bool ServerClosed(std::chrono::milliseconds wait);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::api::testing
