#include "audit/witness_net.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mamori::audit::internal {
namespace {

Status Unreachable(const std::string& who, const std::string& why) {
  return Status::Unavailable("witness " + who + ": " + why,
                             "証人 " + who + " に接続できません: " + why, "witness");
}

void SetTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// connect() bounded by `timeout`: non-blocking, then poll for writability.
bool ConnectWithin(int fd, const sockaddr* addr, socklen_t len, std::chrono::milliseconds timeout) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, addr, len);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    do {
      rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (rc < 0 && errno == EINTR);
    if (rc != 1) return false;
    int err = 0;
    socklen_t err_len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 || err != 0) return false;
    rc = 0;
  }
  ::fcntl(fd, F_SETFL, flags);
  return rc == 0;
}

}  // namespace

std::optional<HostPort> ParseHostPort(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  if (port.empty() || port.size() > 5) return std::nullopt;
  uint32_t n = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n == 0 || n > 65535) return std::nullopt;
  for (char c : host) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '@') return std::nullopt;
  }
  return HostPort{std::string(host), static_cast<uint16_t>(n)};
}

Result<int> Connect(const HostPort& to, int socktype, std::chrono::milliseconds timeout,
                    const std::string& who) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(to.port);
  const int rc = ::getaddrinfo(to.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return Fail(Unreachable(who, std::string("cannot resolve: ") + ::gai_strerror(rc)));
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (ConnectWithin(fd, a->ai_addr, a->ai_addrlen, timeout)) {
      ::freeaddrinfo(found);
      SetTimeouts(fd, timeout);
      return fd;
    }
    why = errno != 0 ? std::strerror(errno) : "timed out";
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return Fail(Unreachable(who, why));
}

Status SendAll(int fd, std::string_view bytes, const std::string& who) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Unreachable(who, n < 0 ? std::strerror(errno) : "connection closed");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

void CloseSocket(int fd) {
  if (fd >= 0) ::close(fd);
}

}  // namespace mamori::audit::internal
