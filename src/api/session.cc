#include "api/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "api/tls_context.h"
#include "core/encoding.h"

namespace mamori::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

constexpr size_t kFirstRead = 4096;
// How long Close() waits for the client's close_notify. RFC 8446 §6.1 lets
// the closing side not wait at all; a short wait still drains what a client
// was sending, so that closing does not reset the connection before the
// client has read a final error response.
constexpr std::chrono::milliseconds kCloseWait{500};

bool IsQuietEnd(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::ssl::error::stream_truncated || ec == net::error::connection_reset ||
         ec == net::error::operation_aborted || ec == net::error::broken_pipe;
}

}  // namespace

void WipeSpare(ReadBuffer& buffer) {
  // prepare() moves any unread bytes to the front and hands out the rest,
  // which is exactly what is no longer needed.
  auto spare = buffer.prepare(buffer.capacity() - buffer.size());
  OPENSSL_cleanse(spare.data(), spare.size());
}

// ServerState ---------------------------------------------------------------

bool ServerState::AdmitAddress(const std::string& address_key) {
  std::lock_guard lock(mu_);
  auto it = per_address_.find(address_key);
  if (it != per_address_.end() && it->second >= config.limits.max_connections_per_address) {
    return false;
  }
  ++per_address_[address_key];
  return true;
}

void ServerState::ReleaseAddress(const std::string& address_key) {
  std::lock_guard lock(mu_);
  auto it = per_address_.find(address_key);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);
}

void ServerState::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mu_);
  sessions_.emplace(session.get(), session);
  service.metrics().ConnectionOpened();
}

void ServerState::Unregister(const Session* session) {
  std::lock_guard lock(mu_);
  if (sessions_.erase(session) == 0) return;
  service.metrics().ConnectionClosed();
  if (sessions_.empty()) idle_.notify_all();
}

size_t ServerState::Active() {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void ServerState::DrainAll() {
  std::vector<std::weak_ptr<Session>> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& [ptr, weak] : sessions_) all.push_back(weak);
  }
  for (const auto& weak : all) {
    if (auto s = weak.lock()) s->Drain();
  }
}

void ServerState::Schedule(bool fast, std::function<void()> work) {
  if (fast && deferred_waiting_.fetch_add(1) < kDeferredBacklog) {
    net::post(deferred, [this, work = std::move(work)] {
      deferred_waiting_.fetch_sub(1);
      work();
    });
    return;
  }
  if (fast) deferred_waiting_.fetch_sub(1);
  net::post(handlers, std::move(work));
}

void ServerState::RequestStarted() {
  std::lock_guard lock(mu_);
  ++requests_;
}

void ServerState::RequestFinished() {
  std::lock_guard lock(mu_);
  if (--requests_ == 0) idle_.notify_all();
}

void ServerState::WaitRequestsFinished() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return requests_ == 0; });
}

bool ServerState::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return idle_.wait_until(lock, deadline, [&] { return sessions_.empty(); });
}

// Session -------------------------------------------------------------------

Session::Session(net::ip::tcp::socket socket, net::ssl::context& tls, ServerState& state,
                 std::string address_key)
    : state_(state), stream_(std::move(socket), tls), address_key_(std::move(address_key)) {
  beast::error_code ec;
  auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) peer_.address = endpoint.address().to_string();
}

Session::~Session() {
  state_.ReleaseAddress(address_key_);
  state_.Unregister(this);
}

void Session::Start() {
  state_.Register(shared_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::get_lowest_layer(self->stream_).expires_after(self->state_.config.timeouts.handshake);
    self->stream_.async_handshake(net::ssl::stream_base::server,
                                  [self](beast::error_code ec) { self->OnHandshake(ec); });
  });
}

void Session::Drain() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    // Only a connection waiting for its next request is cut; the others see
    // `draining` when their response is written and close then.
    if (self->phase_ == Phase::kIdle) beast::get_lowest_layer(self->stream_).cancel();
  });
}

void Session::OnHandshake(beast::error_code ec) {
  if (ec) {
    if (ec == beast::error::timeout) {
      state_.service.metrics().TimedOut("handshake");
    } else {
      state_.service.metrics().HandshakeFailed();
    }
    state_.service.logger().Log(LogLevel::kDebug, "tls handshake failed",
                                {{"error", ec.message()}});
    // A certificate that verified but is no designated terminal's: audited,
    // on a handler thread (the write waits for a commit).
    if (auto refusal = TakeCertificateRefusal(stream_.native_handle());
        refusal && state_.admission) {
      state_.service.logger().Log(
          LogLevel::kInfo, "client certificate refused",
          {{"reason", refusal->why.subject()}, {"cert_sha256", refusal->cert_sha256}});
      net::post(state_.handlers,
                [admission = state_.admission, peer = peer_, refusal = std::move(*refusal)] {
                  admission->Refused(refusal.cert_sha256, peer, refusal.why);
                });
    }
    return;  // the stream closes with the last reference
  }
  peer_.cert_sha256 = PeerCertificateSha256(stream_.native_handle());
  if (state_.config.tls.pinned_peers) peer_.cert_der = PeerCertificateDer(stream_.native_handle());
  WaitForRequest();
}

void Session::WaitForRequest() {
  if (state_.draining.load()) return Close();
  phase_ = Phase::kIdle;
  if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
  beast::get_lowest_layer(stream_).expires_after(state_.config.timeouts.idle);
  stream_.async_read_some(
      buffer_.prepare(kFirstRead),
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnFirstBytes(ec, n); });
}

void Session::OnFirstBytes(beast::error_code ec, size_t n) {
  if (ec) {
    if (ec == beast::error::timeout) {
      state_.service.metrics().TimedOut("idle");
      return;
    }
    if (ec == net::error::operation_aborted && state_.draining.load()) return Close();
    return;
  }
  buffer_.commit(n);
  ReadHeader();
}

void Session::ReadHeader() {
  phase_ = Phase::kHeader;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(state_.config.limits.max_header_bytes));
  parser_->body_limit(state_.config.limits.max_body_bytes);
  beast::get_lowest_layer(stream_).expires_after(state_.config.timeouts.header);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnHeader(ec, n); });
}

void Session::OnReadError(beast::error_code ec, const char* phase) {
  if (ec == beast::error::timeout) {
    // The timer closed the socket: nothing can be written any more.
    state_.service.metrics().TimedOut(phase);
    state_.service.logger().Log(LogLevel::kDebug, "connection timed out", {{"phase", phase}});
    return;
  }
  if (ec == http::error::header_limit) {
    return Refuse(Problem::Make(
        problem_code::kHeaderTooLarge,
        "the request header is larger than " +
            std::to_string(state_.config.limits.max_header_bytes) + " bytes",
        "リクエストヘッダーが " + std::to_string(state_.config.limits.max_header_bytes) +
            " バイトを超えています"));
  }
  if (ec == http::error::body_limit) {
    return Refuse(Problem::Make(problem_code::kPayloadTooLarge,
                                "the request body is larger than " +
                                    std::to_string(state_.config.limits.max_body_bytes) + " bytes",
                                "リクエスト本文が " +
                                    std::to_string(state_.config.limits.max_body_bytes) +
                                    " バイトを超えています",
                                "body"));
  }
  if (IsQuietEnd(ec) || ec == http::error::partial_message) return;
  // Any other error of the HTTP parser is malformed framing; errors from
  // TLS or the socket leave nothing to answer on.
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    return Refuse(Problem::Make(problem_code::kBadRequest,
                                "the request is not well-formed HTTP/1.1 (" + ec.message() + ")",
                                "リクエストが正しい HTTP/1.1 の形式ではありません"));
  }
}

void Session::OnHeader(beast::error_code ec, size_t) {
  if (ec) return OnReadError(ec, "header");
  // No parser means no request under way: end the session (it holds no
  // pending operation, so dropping the last reference closes it).
  if (!parser_) return;
  version_ = parser_->get().version() == 10 ? 10 : 11;
  const auto expect = parser_->get()[http::field::expect];
  if (!parser_->is_done() && AsciiLower(expect) == "100-continue") {
    // The client waits for this before sending a large body; limits were
    // already checked against Content-Length.
    continue_ = {};
    continue_.version(11);
    continue_.result(http::status::continue_);
    beast::get_lowest_layer(stream_).expires_after(state_.config.timeouts.write);
    return http::async_write(stream_, continue_,
                             [self = shared_from_this()](beast::error_code wec, size_t) {
                               if (wec) return;
                               self->ReadBody();
                             });
  }
  ReadBody();
}

void Session::ReadBody() {
  if (!parser_) return;
  if (parser_->is_done()) return Dispatch();
  phase_ = Phase::kBody;
  beast::get_lowest_layer(stream_).expires_after(state_.config.timeouts.body);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnBody(ec, n); });
}

void Session::OnBody(beast::error_code ec, size_t) {
  if (ec) return OnReadError(ec, "body");
  Dispatch();
}

void Session::Dispatch() {
  if (!parser_) return;
  phase_ = Phase::kHandling;
  beast::get_lowest_layer(stream_).expires_never();
  auto message = parser_->release();
  parser_.reset();
  Request request;
  request.info.method = std::string(message.method_string());
  request.info.target = std::string(message.target());
  for (const auto& field : message) {
    request.info.headers.emplace_back(AsciiLower(field.name_string()), std::string(field.value()));
  }
  request.info.peer = peer_;
  request.body = std::move(message.body());
  const bool keep_alive = message.keep_alive();
  WipeSpare(buffer_);
  state_.RequestStarted();
  state_.service.Handle(
      std::move(request),
      [self = shared_from_this(), keep_alive](Response response) mutable {
        ServerState& shared = self->state_;
        // The session goes with the write: after RequestFinished the server
        // may be gone, and this thread must not hold it, nor a copy of the
        // connection's strand executor: the last copy's destructor locks a
        // mutex of the io_context's strand service (a destroyed mutex once
        // the server is gone; ThreadSanitizer saw it on the store's answer
        // thread). So the copy dies before RequestFinished.
        {
          const auto executor = self->stream_.get_executor();
          net::post(executor,
                    [self = std::move(self), response = std::move(response), keep_alive]() mutable {
                      self->Write(std::move(response), keep_alive);
                    });
        }
        shared.RequestFinished();
      },
      [&state = state_](bool fast, std::function<void()> rest) {
        state.Schedule(fast, std::move(rest));
      });
}

void Session::Refuse(const Problem& problem) {
  phase_ = Phase::kHandling;
  const std::string method =
      parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string()) : "";
  // On a handler thread: the refusal is audited, which waits for a commit.
  net::post(state_.handlers, [self = shared_from_this(), problem, method]() mutable {
    Response response = self->state_.service.Reject(problem, method, self->peer_);
    net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->Write(std::move(response), false);
    });
  });
}

void Session::Write(Response response, bool keep_alive) {
  phase_ = Phase::kWriting;
  const bool keep = keep_alive && !response.close && !state_.draining.load();
  response_ = {};
  response_.version(version_);
  response_.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) response_.set(name, value);
  if (!response.content_type.empty())
    response_.set(http::field::content_type, response.content_type);
  response_.body() = std::move(response.body);
  response_.keep_alive(keep);
  response_.prepare_payload();
  beast::get_lowest_layer(stream_).expires_after(state_.config.timeouts.write);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep](beast::error_code ec, size_t n) {
                      self->OnWrite(keep, ec, n);
                    });
}

void Session::OnWrite(bool keep_alive, beast::error_code ec, size_t) {
  if (ec) {
    if (ec == beast::error::timeout) state_.service.metrics().TimedOut("write");
    return;
  }
  if (!keep_alive) return Close();
  WaitForRequest();
}

void Session::Close() {
  if (phase_ == Phase::kClosing) return;
  phase_ = Phase::kClosing;
  beast::get_lowest_layer(stream_).expires_after(
      std::min(kCloseWait, state_.config.timeouts.write));
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_)
        .socket()
        .shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(self->stream_).close();
  });
}

}  // namespace mamori::api
