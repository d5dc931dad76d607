// One client connection: TLS handshake, then HTTP/1.1 requests one at a time
// (keep-alive) until the client closes, a limit or timeout cuts it off, or
// the server drains. Internal to src/api (Beast types).
//
// Every wait is bounded (ServerConfig::timeouts):
//   handshake  TCP accept → TLS established
//   idle       keep-alive wait for the first byte of the next request
//   header     first byte → end of header, as one deadline: a client that
//              trickles a header byte by byte (slowloris) is cut off
//   body       end of header → end of body, one deadline
//   write      one response
// Handlers run on the handler pool, never on an I/O thread, because engine
// operations block until their audit event is durable; a deferred handler
// (router.h) answers from the store's answer thread, and the response is
// posted back to the connection's strand.
//
// Connections are counted per client address (rate_limiter.h AddressKey):
// beyond limits.max_connections_per_address a new one is closed at accept,
// so one address cannot hold every connection.
//
// The bytes of a request (its header with a bearer token, its body with a
// password) stay in the connection's read buffer after parsing; the buffer
// is wiped once each request has been handed on, and its memory wiped
// whenever it is given back (SecureAllocator).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <openssl/crypto.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "api/auth.h"
#include "api/config.h"
#include "api/service.h"

namespace mamori::api {

class Session;

// An allocator that wipes memory before giving it back (the read buffer).
template <class T>
struct SecureAllocator {
  using value_type = T;
  SecureAllocator() = default;
  template <class U>
  SecureAllocator(const SecureAllocator<U>&) noexcept {}
  T* allocate(size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, size_t n) noexcept {
    OPENSSL_cleanse(p, n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  bool operator==(const SecureAllocator<U>&) const noexcept {
    return true;
  }
};
using ReadBuffer = boost::beast::basic_flat_buffer<SecureAllocator<char>>;

// Wipes the part of `buffer` that holds no unread bytes — what earlier
// requests left behind.
void WipeSpare(ReadBuffer& buffer);

// What the acceptor and all sessions share. Outlives every Session.
struct ServerState {
  ServerState(const ServerConfig& c, Service& s, boost::asio::thread_pool& h,
              boost::asio::thread_pool& d, CertificateAdmission* a = nullptr)
      : config(c), service(s), handlers(h), deferred(d), admission(a) {}

  const ServerConfig& config;
  Service& service;
  boost::asio::thread_pool& handlers;
  boost::asio::thread_pool& deferred;
  // Set when the server admits only designated terminals: told of each
  // refused certificate, on a handler thread.
  CertificateAdmission* admission;

  // Counts a new connection from `address_key` against the per-address
  // limit; false (nothing counted) when the address holds its maximum.
  bool AdmitAddress(const std::string& address_key);
  void ReleaseAddress(const std::string& address_key);

  // Runs `work` on the deferred threads when `fast` and fewer than
  // kDeferredBacklog items wait there, else on the handler threads. The
  // bound keeps a flood of requests that block there (each refused one
  // waits for its audit event) from stalling the lane: past it, requests
  // take the many handler threads as every other route does.
  static constexpr size_t kDeferredBacklog = 64;
  void Schedule(bool fast, std::function<void()> work);
  std::atomic<bool> draining{false};

  void Register(const std::shared_ptr<Session>& session);
  void Unregister(const Session* session);
  size_t Active();
  // Asks every session to finish (Session::Drain on its own strand).
  void DrainAll();
  // Waits until no session is left or `deadline`; true when none is left.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);
  // Requests handed to the Service and not yet answered. A deferred handler
  // answers from a thread the server does not own (the store's), so
  // shutdown waits for these before the server goes away.
  void RequestStarted();
  void RequestFinished();
  void WaitRequestsFinished();

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  std::map<const Session*, std::weak_ptr<Session>> sessions_;
  std::unordered_map<std::string, size_t> per_address_;  // guarded by mu_
  size_t requests_ = 0;                                  // guarded by mu_
  std::atomic<size_t> deferred_waiting_{0};              // queued on `deferred`, not yet running
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `address_key` was admitted with ServerState::AdmitAddress; the session
  // releases it when it ends.
  Session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls, ServerState& state,
          std::string address_key);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers the session and starts the handshake.
  void Start();
  // At shutdown: an idle connection is closed now; one in the middle of a
  // request finishes it and then closes.
  void Drain();

 private:
  enum class Phase { kHandshake, kIdle, kHeader, kBody, kHandling, kWriting, kClosing };

  void OnHandshake(boost::beast::error_code ec);
  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec, size_t n);
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec, size_t n);
  void ReadBody();
  void OnBody(boost::beast::error_code ec, size_t n);
  void Dispatch();
  void Write(Response response, bool keep_alive);
  void OnWrite(bool keep_alive, boost::beast::error_code ec, size_t n);
  // Writes a problem for a request that could not be read, then closes.
  void Refuse(const Problem& problem);
  // TLS close_notify (bounded), then the socket.
  void Close();
  // Handles a read error: timeouts are counted, limits answered, the rest closed.
  void OnReadError(boost::beast::error_code ec, const char* phase);

  ServerState& state_;
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  ReadBuffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  PeerInfo peer_;
  std::string address_key_;
  Phase phase_ = Phase::kHandshake;
  unsigned version_ = 11;
};

}  // namespace mamori::api
