#include "api/exchange_client.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "api/tls_context.h"
#include "exchange/node_identity.h"

namespace mamori::api {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;

struct Target {
  std::string host, port;
};

std::optional<Target> ParseUrl(std::string_view url) {
  if (!url.starts_with("https://")) return std::nullopt;
  std::string_view rest = url.substr(8);
  if (auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  Target t;
  if (rest.starts_with("[")) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close + 2 > rest.size() || rest[close + 1] != ':') {
      return std::nullopt;
    }
    t.host = std::string(rest.substr(1, close - 1));
    t.port = std::string(rest.substr(close + 2));
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    t.host = std::string(rest.substr(0, colon));
    t.port = std::string(rest.substr(colon + 1));
  }
  if (t.host.empty() || t.port.empty()) return std::nullopt;
  return t;
}

Status Unreachable(const std::string& what, std::string subject = "exchange.unreachable") {
  return Status::Unavailable("the counterpart cannot be reached (" + what + ")",
                             "相手方に接続できません (" + what + ")", std::move(subject));
}

}  // namespace

Result<exchange::Reply> ExchangeClient::Post(const exchange::Connection& to, std::string_view path,
                                             const std::string& body) {
  auto target = ParseUrl(to.url);
  if (!target) return Fail(Unreachable("no https url"));
  bool pinned = true;
  PeerCheck check = [&](std::string_view der) {
    auto cert = exchange::ParsePeerCertificate(der);
    pinned = cert && exchange::PinMatches(to.pin, *cert);
    return pinned;
  };
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, node_.PrivateKeyPem());
  MAMORI_ASSIGN_OR_RETURN(
      auto tls, MakePinnedClientTlsContext(node_.identity().certificate_pem, key.view(), &check));
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream(ioc, *tls);
  auto await = [&](auto&& start) {
    beast::error_code result = net::error::would_block;
    beast::get_lowest_layer(stream).expires_after(timeout_);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  };
  net::ip::tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(target->host, target->port, ec);
  if (ec) return Fail(Unreachable("name"));
  ec = await(
      [&](auto handler) { beast::get_lowest_layer(stream).async_connect(endpoints, handler); });
  if (ec) return Fail(Unreachable("connect"));
  ec = await([&](auto handler) { stream.async_handshake(ssl::stream_base::client, handler); });
  if (ec) {
    if (!pinned) {
      return Fail(Status::Unavailable(
          "the counterpart's certificate does not match the connection's pin",
          "相手方の証明書が接続のピンと一致しません", "exchange.unpinned_peer"));
    }
    return Fail(Unreachable("TLS handshake"));
  }
  http::request<http::string_body> req;
  req.method(http::verb::post);
  req.target(std::string(path));
  req.version(11);
  req.set(http::field::host, target->host);
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  ec = await([&](auto handler) { http::async_write(stream, req, handler); });
  if (ec) return Fail(Unreachable("write"));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  ec = await([&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec) return Fail(Unreachable("read"));
  auto res = parser.release();
  (void)await([&](auto handler) { stream.async_shutdown(handler); });
  return exchange::Reply{static_cast<int>(res.result_int()), std::move(res.body())};
}

}  // namespace mamori::api
