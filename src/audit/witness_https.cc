// The HTTPS witness (witness.h): one POST per signed head, over a fresh TLS
// connection whose server certificate is verified against the configured CA
// and the URL's host name. A minimal HTTP/1.1 client: the request is ours,
// and of the answer only the status line is read.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <memory>

#include "audit/witness.h"
#include "audit/witness_net.h"

namespace mamori::audit {
namespace {

// The server's TLS policy (api/tls_context.h), which the audit module cannot
// include: TLS 1.2 with ECDHE and AES-GCM, or TLS 1.3 with AES-GCM.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384";
constexpr const char* kGroups = "P-256:P-384:P-521";
constexpr size_t kMaxStatusLine = 1024;

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

std::string OpenSslReason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Status Failed(const std::string& who, const std::string& why_en, const std::string& why_ja) {
  return Status::Unavailable("witness " + who + ": " + why_en, "証人 " + who + ": " + why_ja,
                             "witness");
}

class HttpsWitness final : public Witness {
 public:
  HttpsWitness(HttpsWitnessOptions o, internal::HostPort to, std::string path,
               std::unique_ptr<SSL_CTX, CtxFree> ctx)
      : o_(std::move(o)), to_(std::move(to)), path_(std::move(path)), ctx_(std::move(ctx)) {}

  Status Record(const SignedTreeHead& sth) override {
    const std::string who = Describe();
    MAMORI_ASSIGN_OR_RETURN(int fd, internal::Connect(to_, SOCK_STREAM, o_.timeout, who));
    Status s = Exchange(fd, sth, who);
    internal::CloseSocket(fd);
    return s;
  }

  bool CanReadBack() const override { return false; }
  Result<std::optional<SignedTreeHead>> Latest() override {
    return std::optional<SignedTreeHead>();
  }
  std::string Describe() const override { return o_.url; }

 private:
  Status Exchange(int fd, const SignedTreeHead& sth, const std::string& who) {
    ERR_clear_error();
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx_.get()));
    if (!ssl) return Failed(who, "cannot set up TLS: " + OpenSslReason(), "TLS を準備できません");
    // The certificate must name the host of the URL: an IP address literal
    // as an iPAddress, a name as a dNSName (which is also sent as SNI).
    in6_addr ip{};
    const bool is_ip = ::inet_pton(AF_INET, to_.host.c_str(), &ip) == 1 ||
                       ::inet_pton(AF_INET6, to_.host.c_str(), &ip) == 1;
    const bool named =
        is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), to_.host.c_str()) == 1
              : SSL_set_tlsext_host_name(ssl.get(), to_.host.c_str()) == 1 &&
                    SSL_set1_host(ssl.get(), to_.host.c_str()) == 1;
    if (SSL_set_fd(ssl.get(), fd) != 1 || !named) {
      return Failed(who, "cannot set up TLS: " + OpenSslReason(), "TLS を準備できません");
    }
    if (SSL_connect(ssl.get()) != 1) {
      const long verify = SSL_get_verify_result(ssl.get());
      const std::string why = verify != X509_V_OK ? std::string("certificate not trusted: ") +
                                                        X509_verify_cert_error_string(verify)
                                                  : "TLS handshake failed: " + OpenSslReason();
      ERR_clear_error();
      return Failed(who, why,
                    "TLS の接続に失敗しました（証明書を検証できないか、ハンドシェイクの失敗）");
    }
    const std::string body = SignedHeadJson(sth);
    const std::string host =
        to_.host.find(':') != std::string::npos ? "[" + to_.host + "]" : to_.host;
    const std::string request =
        "POST " + path_ + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(to_.port) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\nUser-Agent: mamori-witness\r\n\r\n" + body;
    size_t written = 0;
    if (SSL_write_ex(ssl.get(), request.data(), request.size(), &written) != 1 ||
        written != request.size()) {
      return Failed(who, "cannot send the head: " + OpenSslReason(), "ヘッドを送信できません");
    }
    // "HTTP/1.1 200 OK\r\n": only the status line matters.
    std::string line;
    char c = 0;
    size_t got = 0;
    while (line.size() < kMaxStatusLine && SSL_read_ex(ssl.get(), &c, 1, &got) == 1 && got == 1) {
      if (c == '\n') break;
      line.push_back(c);
    }
    ERR_clear_error();
    SSL_shutdown(ssl.get());
    if (line.size() < 12 || !line.starts_with("HTTP/1.") || line[8] != ' ') {
      return Failed(who, "no HTTP answer", "HTTP の応答がありません");
    }
    const std::string status = line.substr(9, 3);
    if (status[0] != '2') {
      return Failed(who, "answered HTTP " + status, "HTTP " + status + " が返されました");
    }
    return Status::Ok();
  }

  HttpsWitnessOptions o_;
  internal::HostPort to_;
  std::string path_;
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
};

}  // namespace

Result<std::unique_ptr<Witness>> OpenHttpsWitness(const HttpsWitnessOptions& options) {
  const auto bad = [](const std::string& en, const std::string& ja) {
    return Fail(Status::InvalidArgument(en, ja, "witness-https"));
  };
  std::string_view url = options.url;
  if (!url.starts_with("https://")) {
    return bad("the HTTPS witness must be an https:// URL",
               "HTTPS の証人は https:// の URL で指定してください");
  }
  url.remove_prefix(8);
  const size_t slash = url.find('/');
  std::string authority(url.substr(0, slash));
  const std::string path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.find(':') == std::string::npos ||
      (authority.front() == '[' && authority.back() == ']')) {
    authority += ":443";
  }
  const auto to = internal::ParseHostPort(authority);
  bool path_ok = true;
  for (char c : path) path_ok = path_ok && c > 32 && c < 127 && c != '#';
  if (!to || !path_ok) {
    return bad("the HTTPS witness URL must be https://HOST[:PORT]/PATH",
               "HTTPS の証人の URL は https://HOST[:PORT]/PATH の形式です");
  }
  if (options.ca_file.empty()) {
    return bad("the HTTPS witness needs the CA that issued its certificate (witness https_ca)",
               "HTTPS の証人には証明書を発行した CA の指定が必要です (witness https_ca)");
  }
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx.get(), kTls13Suites) != 1 ||
      SSL_CTX_set1_groups_list(ctx.get(), kGroups) != 1) {
    return Fail(Status::Internal("cannot apply the TLS policy: " + OpenSslReason()));
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_load_verify_locations(ctx.get(), options.ca_file.c_str(), nullptr) != 1) {
    const std::string why = OpenSslReason();
    return bad("cannot load the HTTPS witness CA " + options.ca_file + ": " + why,
               "HTTPS の証人の CA を読み込めません: " + options.ca_file);
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return std::unique_ptr<Witness>(
      std::make_unique<HttpsWitness>(options, *to, path, std::move(ctx)));
}

}  // namespace mamori::audit
