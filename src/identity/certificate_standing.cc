#include "identity/certificate_standing.h"

#include "identity/ids.h"
#include "identity/keyspace.h"
#include "identity/records_store.h"

namespace mamori::identity {

std::string_view CertificateStandingName(CertificateStanding s) {
  switch (s) {
    case CertificateStanding::kTerminal:
      return "terminal";
    case CertificateStanding::kServiceAccount:
      return "service_account";
    case CertificateStanding::kDisabled:
      return "disabled";
    case CertificateStanding::kUnregistered:
      return "unregistered";
  }
  return "unregistered";
}

Result<CertificateStanding> StandingOfCertificate(store::Storage& store,
                                                  std::string_view fingerprint) {
  const auto fp = NormaliseFingerprint(fingerprint);
  if (!fp) return CertificateStanding::kUnregistered;
  CertificateStanding standing = CertificateStanding::kUnregistered;
  MAMORI_RETURN_IF_ERROR(store.View([&](store::ReadTxn& txn) -> Status {
    bool disabled = false;
    MAMORI_ASSIGN_OR_RETURN(auto terminal_id, txn.Get(keyspace::TerminalFingerprint(*fp)));
    if (terminal_id) {
      MAMORI_ASSIGN_OR_RETURN(auto t, internal::LoadTerminal(txn, *terminal_id));
      if (t && t->fingerprint == *fp) {
        if (t->active()) {
          standing = CertificateStanding::kTerminal;
          return Status::Ok();
        }
        disabled = true;
      }
    }
    MAMORI_ASSIGN_OR_RETURN(auto account_id, txn.Get(keyspace::ServiceFingerprint(*fp)));
    if (account_id) {
      MAMORI_ASSIGN_OR_RETURN(auto a, internal::LoadServiceAccount(txn, *account_id));
      if (a && a->cert_fingerprint == *fp) {
        if (a->active()) {
          standing = CertificateStanding::kServiceAccount;
          return Status::Ok();
        }
        disabled = true;
      }
    }
    if (disabled) standing = CertificateStanding::kDisabled;
    return Status::Ok();
  }));
  return standing;
}

}  // namespace mamori::identity
