// Whether a client certificate belongs to a designated device: a registered,
// enabled terminal or an active service account. The server asks this for
// every TLS handshake when it admits only designated terminals
// (require_terminal_certificate, [000 資料1 §6(2)]): a certificate the
// client CA issued but nobody registered — or whose terminal or account has
// been disabled — is refused before any request is read.
//
// One read transaction of the data store, nothing written (the caller
// records the refusal): cheap enough for the handshake, and a change made
// by another process (`mamori terminal disable`) counts from the next
// connection.
#pragma once

#include <string_view>

#include "core/status.h"
#include "store/storage.h"

namespace mamori::identity {

enum class CertificateStanding {
  kTerminal,        // a registered, enabled terminal
  kServiceAccount,  // an active service account
  kDisabled,        // registered, but its terminal or account is disabled
  kUnregistered,    // neither registry knows it (or it is malformed)
};

// "terminal", "service_account", "disabled", "unregistered".
std::string_view CertificateStandingName(CertificateStanding s);

// The standing of the certificate with this SHA-256 fingerprint (any form
// NormaliseFingerprint accepts). An enabled terminal wins over a disabled
// account holding the same certificate, and the other way round.
Result<CertificateStanding> StandingOfCertificate(store::Storage& store,
                                                  std::string_view fingerprint);

}  // namespace mamori::identity
