#include "api/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
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

std::string Sha256Hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

void FreeRefusal(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<CertificateRefusal*>(ptr);
}

// Where the admission lives (on the SSL_CTX) and a refusal's reason (on the
// SSL); indices of OpenSSL's ex_data, registered once.
int AdmissionIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}
int RefusalIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeRefusal);
  return index;
}

// The verify callback of require_terminal_certificate: the chain verified
// (preverified) and the leaf certificate is admitted.
int VerifyDesignated(int preverified, X509_STORE_CTX* store) {
  if (preverified != 1) return 0;
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;  // the CA's own certificates
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 0;
  auto* admission = static_cast<CertificateAdmission*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), AdmissionIndex()));
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (admission == nullptr || cert == nullptr) return 0;
  const std::string fingerprint = Sha256Hex(cert);
  Status admitted;
  try {
    admitted = admission->Admit(fingerprint);
  } catch (...) {
    // An exception must not cross OpenSSL's C frames: refuse instead.
    admitted = Status::Internal("the certificate admission failed", "", "certificate.unchecked");
  }
  if (admitted.ok()) return 1;
  delete static_cast<CertificateRefusal*>(SSL_get_ex_data(ssl, RefusalIndex()));
  SSL_set_ex_data(ssl, RefusalIndex(), new CertificateRefusal{fingerprint, admitted});
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

// The whole-chain verification of a pinned listener: the leaf certificate
// is admitted by its pin, and nothing else is asked of it (the chain of a
// self-signed node certificate ends in itself; validity is the
// connection record's, whose period and state the admission checks).
int VerifyPinnedPeer(X509_STORE_CTX* store, void* arg) {
  auto* admission = static_cast<PinnedPeerAdmission*>(arg);
  X509* cert = X509_STORE_CTX_get0_cert(store);
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (admission == nullptr || cert == nullptr || ssl == nullptr) return 0;
  const std::string fingerprint = Sha256Hex(cert);
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return 0;
  const std::string der_bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  Status admitted;
  try {
    admitted = admission->AdmitPeer(der_bytes);
  } catch (...) {
    admitted = Status::Internal("the peer admission failed", "", "certificate.unchecked");
  }
  if (admitted.ok()) return 1;
  delete static_cast<CertificateRefusal*>(SSL_get_ex_data(ssl, RefusalIndex()));
  SSL_set_ex_data(ssl, RefusalIndex(), new CertificateRefusal{fingerprint, admitted});
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

// The client's check of a pinned server.
int VerifyPinnedServer(X509_STORE_CTX* store, void* arg) {
  auto* check = static_cast<PeerCheck*>(arg);
  X509* cert = X509_STORE_CTX_get0_cert(store);
  if (check == nullptr || cert == nullptr) return 0;
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return 0;
  const std::string der_bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  bool ok = false;
  try {
    ok = (*check)(der_bytes);
  } catch (...) {
    ok = false;
  }
  if (!ok) X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return ok ? 1 : 0;
}

Status ApplyPolicy(SSL_CTX* c) {
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(c, kTls13Suites) != 1 || SSL_CTX_set1_groups_list(c, kGroups) != 1) {
    return Status::Internal("cannot apply the TLS policy: " + LastOpenSslError());
  }
  return Status::Ok();
}

}  // namespace

std::optional<CertificateRefusal> TakeCertificateRefusal(SSL* ssl) {
  auto* refusal = static_cast<CertificateRefusal*>(SSL_get_ex_data(ssl, RefusalIndex()));
  if (refusal == nullptr) return std::nullopt;
  SSL_set_ex_data(ssl, RefusalIndex(), nullptr);
  CertificateRefusal out = std::move(*refusal);
  delete refusal;
  return out;
}

Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsConfig& tls, CertificateAdmission* admission) {
  if (tls.require_terminal_certificate && (tls.client_ca.empty() || admission == nullptr)) {
    return Fail(Status::InvalidArgument(
        "require_terminal_certificate needs a client CA and the terminal registry",
        "require_terminal_certificate にはクライアント CA と端末の登録が必要です",
        "tls.require_terminal_certificate"));
  }
  auto ctx = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* c = ctx->native_handle();
  MAMORI_RETURN_IF_ERROR(ApplyPolicy(c));
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_CLEANSE_PLAINTEXT);
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
  if (tls.pinned_peers) {
    auto* pinned = dynamic_cast<PinnedPeerAdmission*>(admission);
    if (pinned == nullptr) {
      return Fail(Status::InvalidArgument("a listener of pinned peers needs their admission",
                                          "ピン留めされた相手方の受付には照合手段が必要です",
                                          "tls.pinned_peers"));
    }
    // Required, and admitted by its pin; no resumption, so that a
    // connection suspended a moment ago is refused at the next connection.
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    SSL_CTX_set_cert_verify_callback(c, VerifyPinnedPeer, pinned);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(c, 0);
  } else if (!tls.client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(c, tls.client_ca.c_str(), nullptr) != 1) {
      return Fail(LoadFailed("client CA bundle", tls.client_ca));
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca.c_str());
    if (!names) return Fail(LoadFailed("client CA bundle", tls.client_ca));
    SSL_CTX_set_client_CA_list(c, names);
    SSL_CTX_set_verify_depth(c, 4);
    if (tls.require_terminal_certificate) {
      // Required, and of a designated terminal or service account.
      SSL_CTX_set_ex_data(c, AdmissionIndex(), admission);
      SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyDesignated);
      SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
      SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
      SSL_CTX_set_num_tickets(c, 0);
    } else {
      // Requested, verified if sent, not required: people log in with
      // passwords from terminals that may have none (docs/ARCHITECTURE.md
      // decision 8).
      SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    }
  }
  // Needed for session resumption once peers are verified.
  static constexpr unsigned char kSessionContext[] = "mamori";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

std::string PeerCertificateDer(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

Result<std::unique_ptr<boost::asio::ssl::context>> MakePinnedClientTlsContext(
    const std::string& certificate_pem, std::string_view private_key_pem, PeerCheck* check) {
  auto ctx = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  SSL_CTX* c = ctx->native_handle();
  MAMORI_RETURN_IF_ERROR(ApplyPolicy(c));
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CLEANSE_PLAINTEXT | SSL_OP_NO_TICKET);
  BIO* cert_bio = BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size()));
  X509* cert = cert_bio ? PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  EVP_PKEY* key = key_bio ? PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(key_bio);
  const bool loaded = cert && key && SSL_CTX_use_certificate(c, cert) == 1 &&
                      SSL_CTX_use_PrivateKey(c, key) == 1 && SSL_CTX_check_private_key(c) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!loaded) {
    ERR_clear_error();
    return Fail(Status::InvalidArgument("the node's certificate or key cannot be loaded",
                                        "ノードの証明書または鍵を読み込めません", "tls"));
  }
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(c, VerifyPinnedServer, check);
  return ctx;
}

std::string PeerCertificateSha256(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  return Sha256Hex(cert);
}

}  // namespace mamori::api
