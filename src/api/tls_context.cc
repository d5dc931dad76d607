#include "api/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/encoding.h"

namespace mamori::api {
namespace {

std::string LastOpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Status LoadFailed(std::string_view what, const std::string& path) {
  const std::string why = LastOpenSslError();
  return Status::InvalidArgument(
      "cannot load the TLS " + std::string(what) + " " + path + ": " + why,
      "TLS の" + std::string(what) + "を読み込めません: " + path, "tls");
}

}  // namespace

Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const TlsConfig& tls) {
  auto ctx = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* c = ctx->native_handle();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(c, kTls13Suites) != 1 || SSL_CTX_set1_groups_list(c, kGroups) != 1) {
    return Fail(Status::Internal("cannot apply the TLS policy: " + LastOpenSslError()));
  }
  SSL_CTX_set_options(
      c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(c, tls.certificate.c_str()) != 1) {
    return Fail(LoadFailed("certificate", tls.certificate));
  }
  if (SSL_CTX_use_PrivateKey_file(c, tls.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Fail(LoadFailed("private key", tls.private_key));
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return Fail(Status::InvalidArgument(
        "the TLS private key " + tls.private_key + " does not match " + tls.certificate,
        "TLS の秘密鍵 " + tls.private_key + " が証明書と一致しません", "tls"));
  }
  if (!tls.client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(c, tls.client_ca.c_str(), nullptr) != 1) {
      return Fail(LoadFailed("client CA bundle", tls.client_ca));
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca.c_str());
    if (!names) return Fail(LoadFailed("client CA bundle", tls.client_ca));
    SSL_CTX_set_client_CA_list(c, names);
    // Requested, verified if sent, not required: people log in with
    // passwords from terminals that may have none (DESIGN.md decision 8).
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_verify_depth(c, 4);
  }
  // Needed for session resumption once peers are verified.
  static constexpr unsigned char kSessionContext[] = "mamori";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

std::string PeerCertificateSha256(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

}  // namespace mamori::api
