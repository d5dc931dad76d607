#include "api/https_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace mamori::api::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;

struct HttpsClient::Impl {
  Impl(uint16_t p, ClientOptions o)
      : port(p), options(std::move(o)), tls(ssl::context::tls_client) {}

  // Runs one asynchronous operation to completion under the deadline.
  template <class Start>
  beast::error_code Await(Start&& start) {
    beast::error_code result = net::error::would_block;
    beast::get_lowest_layer(*stream).expires_after(options.timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  uint16_t port;
  ClientOptions options;
  net::io_context ioc;
  ssl::context tls;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  bool closed_by_server = false;
  bool tls_ready = false;
};

namespace {

Status Err(std::string_view what, const beast::error_code& ec) {
  return Status::Unavailable(std::string(what) + ": " + ec.message());
}

HttpResponse Convert(http::response<http::string_body>& res) {
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace

HttpsClient::HttpsClient(uint16_t port, ClientOptions options)
    : impl_(std::make_unique<Impl>(port, std::move(options))) {}

HttpsClient::~HttpsClient() = default;

Status HttpsClient::Connect() {
  Impl& s = *impl_;
  beast::error_code ec;
  if (!s.tls_ready) {
    // The error_code overloads report through ec; what they return is ec too.
    (void)s.tls.set_verify_mode(ssl::verify_peer, ec);
    if (!ec) (void)s.tls.load_verify_file(s.options.trust_certificate, ec);
    if (!ec && !s.options.client_certificate.empty()) {
      (void)s.tls.use_certificate_chain_file(s.options.client_certificate, ec);
      if (!ec) (void)s.tls.use_private_key_file(s.options.client_key, ssl::context::pem, ec);
    }
    if (ec) return Err("client TLS setup", ec);
    s.tls_ready = true;
  }
  s.stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(s.ioc, s.tls);
  s.buffer.clear();
  s.closed_by_server = false;
  // The server certificate must name 127.0.0.1 (its generated SAN).
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.stream->native_handle()), "127.0.0.1");
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), s.port);
  if (!s.options.source_address.empty()) {
    auto& socket = beast::get_lowest_layer(*s.stream).socket();
    (void)socket.open(net::ip::tcp::v4(), ec);
    if (!ec) {
      (void)socket.bind(net::ip::tcp::endpoint(net::ip::make_address(s.options.source_address), 0),
                        ec);
    }
    if (ec) return Err("bind", ec);
  }
  ec = s.Await(
      [&](auto handler) { beast::get_lowest_layer(*s.stream).async_connect(endpoint, handler); });
  if (ec) return Err("connect", ec);
  ec = s.Await([&](auto handler) { s.stream->async_handshake(ssl::stream_base::client, handler); });
  if (ec) return Err("TLS handshake", ec);
  return Status::Ok();
}

Status HttpsClient::WriteRaw(std::string_view bytes) {
  Impl& s = *impl_;
  if (!s.stream) MAMORI_RETURN_IF_ERROR(Connect());
  auto ec = s.Await([&](auto handler) {
    net::async_write(*s.stream, net::buffer(bytes.data(), bytes.size()), handler);
  });
  if (ec) return Err("write", ec);
  return Status::Ok();
}

Result<HttpResponse> HttpsClient::ReadResponse() {
  Impl& s = *impl_;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  auto ec = s.Await([&](auto handler) { http::async_read(*s.stream, s.buffer, parser, handler); });
  if (ec) return Fail(Err("read", ec));
  auto res = parser.release();
  if (!res.keep_alive()) {
    // As a browser or curl would: answer the server's close_notify, then
    // drop the connection; the next Send connects again.
    // The shutdown may fail (the server already closed): nothing to do either way.
    (void)s.Await([&](auto handler) { s.stream->async_shutdown(handler); });
    s.stream.reset();
    s.closed_by_server = true;
  }
  return Convert(res);
}

Result<HttpResponse> HttpsClient::Send(
    std::string_view method, std::string_view target, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  Impl& s = *impl_;
  if (!s.stream) MAMORI_RETURN_IF_ERROR(Connect());
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::string(body);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
    req.prepare_payload();
  auto ec = s.Await([&](auto handler) { http::async_write(*s.stream, req, handler); });
  if (ec) return Fail(Err("write", ec));
  return ReadResponse();
}

bool HttpsClient::ServerClosed(std::chrono::milliseconds wait) {
  Impl& s = *impl_;
  if (!s.stream) return s.closed_by_server;
  char byte;
  beast::get_lowest_layer(*s.stream).expires_after(wait);
  beast::error_code result = net::error::would_block;
  s.stream->async_read_some(net::buffer(&byte, 1),
                            [&result](beast::error_code ec, size_t) { result = ec; });
  s.ioc.restart();
  s.ioc.run();
  // A timeout means the server kept the connection open.
  return result && result != beast::error::timeout;
}

}  // namespace mamori::api::testing
