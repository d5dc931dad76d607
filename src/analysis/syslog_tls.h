// A syslog client over TLS (RFC 5425) for SIEM export: one connection,
// kept open, each message octet-counted. The server's certificate is
// verified against the given CA and must name the host (a DNS name, or an
// IP address literal as an iPAddress); TLS 1.3 or 1.2 with ECDHE and
// AES-GCM only (CRYPTREC), as the server's own policy. A client
// certificate is presented when one is given (mutual TLS). Not
// thread-safe: one exporter owns one sender.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::analysis {

struct SyslogTlsOptions {
  std::string url;                  // "tls://HOST:PORT" (or "[V6]:PORT")
  std::string ca_file;              // required: the CA that issued the receiver's certificate
  std::string cert_file, key_file;  // optional client certificate (PEM) and key
  std::chrono::milliseconds timeout{10'000};
};

class SyslogTlsSender {
 public:
  // Connects and completes the handshake. kInvalidArgument for a bad URL
  // or CA file; kUnavailable when the receiver cannot be reached or its
  // certificate is not trusted (naming why, never a message).
  static Result<std::unique_ptr<SyslogTlsSender>> Connect(const SyslogTlsOptions& options);
  ~SyslogTlsSender();

  // Sends one RFC 5424 message, octet-counted. kUnavailable when the
  // connection failed: the caller reconnects and sends it again (a receiver
  // may then see it twice; RFC 5424 transport is at least once).
  Status Send(std::string_view message);
  // Closes the TLS session cleanly (close_notify), so the receiver has
  // everything sent before it.
  Status Close();

  struct Impl;

 private:
  explicit SyslogTlsSender(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::analysis
