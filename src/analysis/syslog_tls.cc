#include "analysis/syslog_tls.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include "analysis/syslog.h"
#include "audit/witness_net.h"

namespace mamori::analysis {
namespace {

// The server's TLS policy (api/tls_context.h): TLS 1.2 with ECDHE and
// AES-GCM, or TLS 1.3 with AES-GCM.
constexpr const char* kExportTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
constexpr const char* kExportTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384";
constexpr const char* kExportGroups = "P-256:P-384:P-521";

std::string TlsReason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Status Unreachable(const std::string& who, const std::string& why) {
  return Status::Unavailable("syslog receiver " + who + ": " + why,
                             "syslog の受信先 " + who + " に送信できません", "syslog");
}

Status BadOption(const std::string& en, const std::string& ja) {
  return Status::InvalidArgument(en, ja, "syslog");
}

}  // namespace

struct SyslogTlsSender::Impl {
  std::string who;
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;

  ~Impl() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    if (fd >= 0) audit::internal::CloseSocket(fd);
  }
};

SyslogTlsSender::SyslogTlsSender(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SyslogTlsSender::~SyslogTlsSender() = default;

Result<std::unique_ptr<SyslogTlsSender>> SyslogTlsSender::Connect(const SyslogTlsOptions& o) {
  std::string_view url = o.url;
  if (!url.starts_with("tls://")) {
    return Fail(BadOption("the syslog receiver must be tls://HOST:PORT",
                          "syslog の受信先は tls://HOST:PORT の形式で指定してください"));
  }
  const auto to = audit::internal::ParseHostPort(url.substr(6));
  if (!to) {
    return Fail(BadOption("the syslog receiver must be tls://HOST:PORT",
                          "syslog の受信先は tls://HOST:PORT の形式で指定してください"));
  }
  if (o.ca_file.empty()) {
    return Fail(BadOption("TLS to the syslog receiver needs the CA of its certificate (--ca)",
                          "syslog の受信先の証明書を発行した CA の指定 (--ca) が必要です"));
  }
  auto impl = std::make_unique<Impl>();
  impl->who = o.url;
  ERR_clear_error();
  impl->ctx = SSL_CTX_new(TLS_client_method());
  if (!impl->ctx || SSL_CTX_set_min_proto_version(impl->ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(impl->ctx, kExportTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(impl->ctx, kExportTls13Suites) != 1 ||
      SSL_CTX_set1_groups_list(impl->ctx, kExportGroups) != 1) {
    return Fail(Status::Internal("cannot apply the TLS policy: " + TlsReason()));
  }
  SSL_CTX_set_options(impl->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_load_verify_locations(impl->ctx, o.ca_file.c_str(), nullptr) != 1) {
    ERR_clear_error();
    return Fail(BadOption("cannot load the CA file " + o.ca_file,
                          "CA ファイルを読み込めません: " + o.ca_file));
  }
  SSL_CTX_set_verify(impl->ctx, SSL_VERIFY_PEER, nullptr);
  if (!o.cert_file.empty() &&
      (SSL_CTX_use_certificate_chain_file(impl->ctx, o.cert_file.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(impl->ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
       SSL_CTX_check_private_key(impl->ctx) != 1)) {
    ERR_clear_error();
    return Fail(BadOption("cannot load the client certificate and key",
                          "クライアント証明書と鍵を読み込めません"));
  }
  MAMORI_ASSIGN_OR_RETURN(impl->fd,
                          audit::internal::Connect(*to, SOCK_STREAM, o.timeout, impl->who));
  impl->ssl = SSL_new(impl->ctx);
  in6_addr ip{};
  const bool is_ip = ::inet_pton(AF_INET, to->host.c_str(), &ip) == 1 ||
                     ::inet_pton(AF_INET6, to->host.c_str(), &ip) == 1;
  const bool named =
      impl->ssl &&
      (is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(impl->ssl), to->host.c_str()) == 1
             : SSL_set_tlsext_host_name(impl->ssl, to->host.c_str()) == 1 &&
                   SSL_set1_host(impl->ssl, to->host.c_str()) == 1);
  if (!named || SSL_set_fd(impl->ssl, impl->fd) != 1) {
    return Fail(Unreachable(impl->who, "cannot set up TLS: " + TlsReason()));
  }
  if (SSL_connect(impl->ssl) != 1) {
    const long verify = SSL_get_verify_result(impl->ssl);
    const std::string why = verify != X509_V_OK ? std::string("certificate not trusted: ") +
                                                      X509_verify_cert_error_string(verify)
                                                : "TLS handshake failed: " + TlsReason();
    ERR_clear_error();
    return Fail(Unreachable(impl->who, why));
  }
  return std::unique_ptr<SyslogTlsSender>(new SyslogTlsSender(std::move(impl)));
}

Status SyslogTlsSender::Send(std::string_view message) {
  const std::string framed = OctetCounted(message);
  size_t written = 0;
  if (!impl_->ssl || SSL_write_ex(impl_->ssl, framed.data(), framed.size(), &written) != 1 ||
      written != framed.size()) {
    return Unreachable(impl_->who, "the connection failed: " + TlsReason());
  }
  return Status::Ok();
}

Status SyslogTlsSender::Close() {
  if (!impl_->ssl) return Status::Ok();
  // close_notify, then the end of our side: the receiver has all we sent.
  const int r = SSL_shutdown(impl_->ssl);
  ERR_clear_error();
  ::shutdown(impl_->fd, SHUT_WR);
  SSL_free(impl_->ssl);
  impl_->ssl = nullptr;
  return r >= 0 ? Status::Ok() : Unreachable(impl_->who, "TLS shutdown failed");
}

}  // namespace mamori::analysis
