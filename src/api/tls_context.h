// The server's TLS policy (DESIGN.md decision 5), in one place:
//   - TLS 1.3 with TLS_AES_128_GCM_SHA256 / TLS_AES_256_GCM_SHA384;
//   - TLS 1.2 with ECDHE and AES-GCM only (ECDHE-{ECDSA,RSA}-AES{128,256}-GCM);
//   - nothing older, no CBC, no static-RSA key exchange, no ChaCha20 (not on
//     the CRYPTREC list), key exchange on P-256 / P-384 / P-521;
//   - no compression (CRIME), no renegotiation, server cipher preference;
//   - client certificates requested — never required — when a client CA
//     bundle is configured, and verified against it; a presented certificate
//     that does not verify fails the handshake.
//
// Internal to src/api: includes Asio's SSL headers.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "api/config.h"
#include "core/status.h"

namespace mamori::api {

inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
inline constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384";
inline constexpr const char* kGroups = "P-256:P-384:P-521";

// kInvalidArgument naming the file that could not be loaded (certificate,
// key, client CA) or a key that does not match the certificate.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const TlsConfig& tls);

// Lower-case hex SHA-256 of the peer's verified certificate; empty when the
// peer sent none (or it did not verify).
std::string PeerCertificateSha256(SSL* ssl);

}  // namespace mamori::api
