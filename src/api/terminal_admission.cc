#include "api/terminal_admission.h"

#include "api/service.h"
#include "identity/certificate_standing.h"
#include "identity/ids.h"

namespace mamori::api {

Status TerminalAdmission::Admit(std::string_view cert_sha256) {
  auto standing = identity::StandingOfCertificate(engine_.data_store(), cert_sha256);
  if (!standing) {
    return Status::Unavailable("the terminal registry could not be read",
                               "端末の登録を確認できませんでした", "certificate.unchecked");
  }
  switch (*standing) {
    case identity::CertificateStanding::kTerminal:
    case identity::CertificateStanding::kServiceAccount:
      return Status::Ok();
    case identity::CertificateStanding::kDisabled:
      return Status::PermissionDenied(
          "the terminal or service account of this certificate is "
          "disabled",
          "この証明書の端末またはサービスアカウントは無効化されています", "certificate.disabled");
    case identity::CertificateStanding::kUnregistered:
      break;
  }
  return Status::PermissionDenied(
      "this certificate is not registered as a terminal or service account",
      "この証明書は端末またはサービスアカウントとして登録されていません",
      "certificate.unregistered");
}

void TerminalAdmission::Refused(std::string_view cert_sha256, const PeerInfo&, const Status& why) {
  engine::Context ctx;
  ctx.actor = "anonymous";
  ctx.request_id = NewRequestId();
  // Only a well-formed fingerprint reaches the log (it came from the
  // handshake, but the log takes nothing on trust).
  const auto fp = identity::NormaliseFingerprint(cert_sha256);
  ctx.terminal = fp ? "cert:" + *fp : "cert:(invalid)";
  // A failure to write is the engine's to log; the connection is refused
  // either way.
  (void)engine_.RecordRefusal(ctx, "api.connect", "", why);
}

}  // namespace mamori::api
