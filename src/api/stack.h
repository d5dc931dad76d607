// Everything the server runs over one open engine, assembled in one place:
// identity (people, sessions, terminals, service accounts, with its sealing
// key derived from the key store), policy (the authorizer, the rights flow,
// the register, reviews, and the gate identity asks before a change of who
// holds what), the analysis's findings and reconciliation lists, and the AccessControl that puts
// them behind the api's plug-in points. `mamori serve` builds one; so do the tests that exercise
// the real access rules, and `mamori user add`.
#pragma once

#include <memory>
#include <string_view>

#include "api/access_control.h"
#include "api/config.h"
#include "api/routes.h"
#include "api/terminal_admission.h"
#include "approval/approvals.h"
#include "approval/exception_reports.h"
#include "approval/exceptions.h"
#include "governance/registers.h"
#include "engine/engine.h"
#include "identity/identity.h"
#include "policy/identity_directory.h"
#include "policy/policy.h"
#include "policy/rights_gate.h"

namespace mamori::api {

// The HKDF label of identity's sealing key (engine::Engine::DeriveModuleKey).
// Changing it makes every sealed birth date, phone number and TOTP secret
// unreadable.
inline constexpr std::string_view kIdentityKeyLabel = "identity sealing v1";

// The identity options the server's configuration sets: the password
// hashing budget (limits.password_hash_memory_mib, password_hash_queue,
// timeouts.password_hash_wait); the rest as `base`.
identity::IdentityOptions IdentityOptionsFor(const ServerConfig& config,
                                             identity::IdentityOptions base = {});

// Identity over the engine's data store with its derived key.
Result<std::unique_ptr<identity::Identity>> OpenIdentity(engine::Engine& engine,
                                                         identity::IdentityOptions options = {});

// The policy Caller for a stored user, as the server resolves a session's
// principal: for local bootstrap steps taken in that person's name (demo
// seed, tests, benchmarks).
policy::Caller CallerFor(const identity::User& user, std::string request_id);

class Stack {
 public:
  // `engine` must outlive the Stack.
  static Result<std::unique_ptr<Stack>> Open(engine::Engine& engine,
                                             identity::IdentityOptions options = {});

  engine::Engine& engine() { return engine_; }
  identity::Identity& identity() { return *identity_; }
  policy::Authorizer& policy() { return *policy_; }
  policy::RightsAdmin& rights() { return *rights_; }
  policy::RightsRegister& rights_register() { return *register_; }
  policy::ReviewCampaigns& reviews() { return *reviews_; }
  AccessControl& access() { return *access_; }
  // The approval engine: the rights flow and approval/flows.h's.
  approval::Approvals& approvals() { return *approvals_; }
  approval::Exceptions& exceptions() { return *exceptions_; }
  governance::Registers& registers() { return *registers_; }
  approval::ExceptionReports& exception_reports() { return *exception_reports_; }
  // Two-person inquiry control (approval/inquiries.h).
  approval::Inquiries& inquiries() { return *inquiries_; }
  analysis::Findings& findings() { return *findings_; }
  analysis::Lists& lists() { return *lists_; }
  // Incidents (governance/incidents.h).
  governance::Incidents& incidents() { return *incidents_; }
  // What the analysis asks about people (role holders, departments).
  const policy::Directory& directory() { return *people_; }
  // Designated terminals and service accounts, for require_terminal_certificate.
  TerminalAdmission& admission() { return *admission_; }

  // The route dependencies over this stack (metrics and draining are the
  // ApiServer's own and are filled in by it).
  RouteDeps Deps();

 private:
  explicit Stack(engine::Engine& engine) : engine_(engine) {}

  engine::Engine& engine_;
  std::unique_ptr<identity::Identity> identity_;
  std::unique_ptr<policy::IdentityDirectory> people_;
  std::unique_ptr<policy::RightsGate> gate_;
  std::unique_ptr<policy::Authorizer> policy_;
  std::unique_ptr<policy::RightsAdmin> rights_;
  std::unique_ptr<approval::IdentityPeople> approval_people_;
  std::unique_ptr<approval::Approvals> approvals_;
  std::unique_ptr<approval::Exceptions> exceptions_;
  std::unique_ptr<governance::Registers> registers_;
  std::unique_ptr<approval::ExceptionReports> exception_reports_;
  std::unique_ptr<approval::Inquiries> inquiries_;
  std::unique_ptr<policy::RightsRegister> register_;
  std::unique_ptr<policy::ReviewCampaigns> reviews_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<analysis::Findings> findings_;
  std::unique_ptr<analysis::Lists> lists_;
  std::unique_ptr<governance::Incidents> incidents_;
  std::unique_ptr<TerminalAdmission> admission_;
};

}  // namespace mamori::api
