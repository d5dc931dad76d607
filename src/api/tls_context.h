// The server's TLS policy (docs/ARCHITECTURE.md decision 5), in one place:
//   - TLS 1.3 with TLS_AES_128_GCM_SHA256 / TLS_AES_256_GCM_SHA384;
//   - TLS 1.2 with ECDHE and AES-GCM only (ECDHE-{ECDSA,RSA}-AES{128,256}-GCM);
//   - nothing older, no CBC, no static-RSA key exchange, no ChaCha20 (not on
//     the CRYPTREC list), key exchange on P-256 / P-384 / P-521;
//   - no compression (CRIME), no renegotiation, server cipher preference;
//   - client certificates requested when a client CA bundle is configured,
//     and verified against it; a presented certificate that does not verify
//     fails the handshake;
//   - with require_terminal_certificate, required as well: no certificate,
//     one from another CA, or one the CertificateAdmission (auth.h) does not
//     admit — not a registered, enabled terminal or service account — fails
//     the handshake, before any HTTP is read. The admission is asked inside
//     the handshake (a read of the store, no write); the reason of a refusal
//     is kept on the connection (TakeCertificateRefusal) so the server can
//     audit it afterwards. Session resumption is off then, since a resumed
//     session skips the check and a terminal disabled since would get back in;
//   - plaintext the record layer decrypted is wiped once read
//     (SSL_OP_CLEANSE_PLAINTEXT): request bodies carry passwords.
//
// Internal to src/api: includes Asio's SSL headers.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "api/auth.h"
#include "api/config.h"
#include "core/status.h"

namespace mamori::api {

inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
inline constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384";
inline constexpr const char* kGroups = "P-256:P-384:P-521";

// The admission of a listener of pinned peers (TlsConfig::pinned_peers):
// the handshake hands over the whole DER certificate (a public-key pin
// needs the key, not only the certificate's hash). AdmitPeer must be quick
// and must not write; Refused (CertificateAdmission) records a refusal.
class PinnedPeerAdmission : public CertificateAdmission {
 public:
  virtual Status AdmitPeer(std::string_view cert_der) = 0;
  Status Admit(std::string_view) override {
    return Status::PermissionDenied("a pinned listener admits by certificate", "", "certificate");
  }
};

// kInvalidArgument naming the file that could not be loaded (certificate,
// key, client CA) or a key that does not match the certificate, or when
// tls.require_terminal_certificate is set without an `admission` (which
// must then outlive the context).
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsConfig& tls, CertificateAdmission* admission = nullptr);

// Why the admission refused this connection's certificate, if it did:
// the certificate's fingerprint and the refusal. Once per connection (the
// record is taken).
struct CertificateRefusal {
  std::string cert_sha256;
  Status why;
};
std::optional<CertificateRefusal> TakeCertificateRefusal(SSL* ssl);

// Lower-case hex SHA-256 of the peer's verified certificate; empty when the
// peer sent none (or it did not verify).
std::string PeerCertificateSha256(SSL* ssl);
// The same certificate, DER; empty likewise.
std::string PeerCertificateDer(SSL* ssl);

// A client context for node-to-node calls (exchange_client.h): the same
// protocol and cipher policy as the server, this node's certificate and
// key presented, and the server admitted only when `check` accepts its
// DER certificate (a pin) — no CA. `check` must outlive the context. The
// key is read from `private_key_pem` (wiped by the caller).
using PeerCheck = std::function<bool(std::string_view cert_der)>;
Result<std::unique_ptr<boost::asio::ssl::context>> MakePinnedClientTlsContext(
    const std::string& certificate_pem, std::string_view private_key_pem, PeerCheck* check);

}  // namespace mamori::api
