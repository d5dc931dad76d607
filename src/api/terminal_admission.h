// The CertificateAdmission (auth.h) of a server that admits only designated
// terminals: a certificate is admitted when identity knows its fingerprint
// as a registered, enabled terminal or an active service account
// (identity/certificate_standing.h), read from the store at every
// handshake — so a terminal disabled a moment ago, even by another process,
// is refused at its next connection. Refusals are audited as "api.connect"
// refused, reason the subject ("certificate.unregistered",
// "certificate.disabled", "certificate.unchecked" when the registries could
// not be read), terminal "cert:<sha256>": a certificate hash, nothing
// personal. Thread-safe; the references must outlive it.
#pragma once

#include "api/auth.h"
#include "engine/engine.h"

namespace mamori::api {

class TerminalAdmission final : public CertificateAdmission {
 public:
  explicit TerminalAdmission(engine::Engine& engine) : engine_(engine) {}

  Status Admit(std::string_view cert_sha256) override;
  void Refused(std::string_view cert_sha256, const PeerInfo& peer, const Status& why) override;

 private:
  engine::Engine& engine_;
};

}  // namespace mamori::api
