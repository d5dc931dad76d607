// Service accounts: line-of-business applications (payroll, loan, tax,
// school systems) that call the API with a client certificate and never with
// a password (docs/ARCHITECTURE.md "Who uses it"; [001 第4 3(4)] mutual authentication).
//
// A service account is bound to one certificate, named by the SHA-256
// fingerprint of its DER encoding; replacing the certificate is an audited
// change. A fingerprint belongs to at most one service account.
//
// Mutations follow Directory's contract: one transaction with the audit event
// ("identity.service_*"), refusals audited, no authorisation here.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "engine/context.h"
#include "identity/principal.h"
#include "identity/records.h"
#include "identity/rights_guard.h"
#include "store/storage.h"

namespace mamori::identity {

struct NewServiceAccount {
  std::string id;
  std::string display_name;
  std::string cert_fingerprint;  // any form NormaliseFingerprint accepts
  std::vector<std::string> roles;
};

class ServiceAccountRegistry {
 public:
  explicit ServiceAccountRegistry(store::Storage& store) : store_(store) {}

  // kAlreadyExists for a taken id or a fingerprint another account holds.
  Status Create(const engine::Context& ctx, const NewServiceAccount& account);
  Result<ServiceAccount> Get(std::string_view id);
  Result<std::vector<ServiceAccount>> List();
  // Replaces the certificate (rotation). The certificate is the
  // application's credential: for an account holding rights it needs a
  // second person, as a person's password does — `request` names an approved
  // credential_reset request (credential "certificate") for this account
  // (RightsGuard::CheckCredentialReset; kPermissionDenied, subject
  // policy.second_person_required, without it).
  Status SetCertificate(const engine::Context& ctx, std::string_view id,
                        std::string_view fingerprint, std::string_view request = {});
  Status AddRole(const engine::Context& ctx, std::string_view id, std::string_view role);
  Status RemoveRole(const engine::Context& ctx, std::string_view id, std::string_view role);
  Status Disable(const engine::Context& ctx, std::string_view id);
  Status Enable(const engine::Context& ctx, std::string_view id);

  // As Directory::SetRightsGuard: asked inside every creation and role
  // change of an account (rights_guard.h).
  void SetRightsGuard(RightsGuard* guard) { guard_ = guard; }

  // The principal (kService) of the active service account holding the
  // certificate with this fingerprint. Otherwise kUnauthenticated, subject
  // "certificate.unknown" (no account, or a malformed fingerprint) or
  // "certificate.disabled"; both refusals are audited ("identity.cert_auth",
  // the fingerprint in attrs — a certificate hash, not a secret). Success is
  // not audited here: the request it authenticates is.
  Result<Principal> AuthenticateCertificate(std::string_view fingerprint,
                                            const engine::Context& ctx);

 private:
  using Mutation =
      std::function<Status(store::WriteTxn&, ServiceAccount&, audit::Event&, Status& refusal)>;
  Status Mutate(const engine::Context& ctx, std::string_view operation, std::string_view id,
                const Mutation& fn);

  store::Storage& store_;
  RightsGuard* guard_ = nullptr;
};

}  // namespace mamori::identity
