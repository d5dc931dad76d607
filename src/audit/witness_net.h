// Sockets for the syslog and HTTPS witnesses: blocking, with timeouts, so a
// witness that does not answer delays the witnessing thread by at most the
// timeout and never a request. Internal to the audit module.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::audit::internal {

struct HostPort {
  std::string host;  // a name, an IPv4 literal or an IPv6 literal without brackets
  uint16_t port = 0;
};

// "HOST:PORT" or "[V6]:PORT"; nullopt for anything else (port 1..65535).
std::optional<HostPort> ParseHostPort(std::string_view text);

// A socket connected to `to` (SOCK_STREAM or SOCK_DGRAM), trying each
// address the name resolves to, with send and receive timeouts set to
// `timeout`. kUnavailable naming `who` when none answers.
Result<int> Connect(const HostPort& to, int socktype, std::chrono::milliseconds timeout,
                    const std::string& who);

// Writes all of `bytes` (kUnavailable naming `who` on failure or timeout).
Status SendAll(int fd, std::string_view bytes, const std::string& who);

// Closes fd (ignoring EINTR).
void CloseSocket(int fd);

}  // namespace mamori::audit::internal
