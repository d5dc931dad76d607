// The request → approve → configure flow for every change to access rights
// and access-control settings (change.h), with segregation of duties
// (separation.h). The flow's records are the rights register (register.h).
//
// Contract of every method that changes state:
// - One storage transaction reads the stored request, checks the rules
//   against it, writes the step and appends the audit event, so two people
//   racing on one request cannot both succeed.
// - A refusal (a rule, a stale or closed request, bad input) changes nothing
//   and is audited with result "refused", code and reason (the reason code or
//   member that was wrong); the Status subject is that same reason.
// - Audit events carry ids, the right's role, category, dataset, operation
//   and purpose, never the free-text reasons (people write names there).
// - Only Configure changes what Authorize decides; it bumps pol/version so
//   the change holds from the next decision in every process.
//
// Decisions:
// - A change or removal is requested against the grant's current version;
//   if another change is configured first, configuring it fails with
//   policy.stale_request and it must be requested again.
// - Only one active grant may have a given key (Right::SameKey):
//   policy.duplicate_grant, checked when requesting and when configuring.
// - Reasons are required to request, reject and withdraw (1-1024 bytes);
//   approving and configuring take an optional comment (at most 1024 bytes).
// - Approving or configuring does not check that the dataset or purpose
//   exists: a right that names neither never matches (right.h).
// - The approve step is the approval engine's (approval/approvals.h): each
//   request opens an approval request of type "rights" (subject: the
//   request id, action: its kind, one stage of kApproverRoles) in the
//   request's own transaction, and approving, rejecting and withdrawing
//   decide or cancel it in theirs, so the engine's rules (a person, not the
//   applicant, one decision per person) hold besides separation.h's, and
//   the rights requests appear among the approvals pending for a manager.
//   Requests stored before that carry no approval and keep the old steps.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "approval/approvals.h"
#include "core/status.h"
#include "policy/caller.h"
#include "policy/change.h"
#include "policy/directory.h"
#include "policy/mask.h"
#include "policy/right.h"
#include "store/storage.h"

namespace mamori::policy {

// Reason codes (Status subject) of flow refusals besides separation.h's.
inline constexpr std::string_view kNotOpen = "policy.not_open";
inline constexpr std::string_view kStaleRequest = "policy.stale_request";
inline constexpr std::string_view kDuplicateGrant = "policy.duplicate_grant";
inline constexpr std::string_view kGrantInactive = "policy.grant_inactive";
inline constexpr std::string_view kNotRevoked = "policy.not_revoked";
inline constexpr std::string_view kNotRequester = "policy.not_requester";
inline constexpr std::string_view kConfiguredByReset = "policy.configured_by_reset";

// The approval engine's flow of the rights register.
inline constexpr std::string_view kRightsFlow = "rights";
approval::Flow RightsFlow();
// The flow of use applications (利用申請): approved by the section manager
// of the applicant's department.
inline constexpr std::string_view kUseFlow = "use";
approval::Flow UseFlow();
// Whether an approval of `type` belongs to the rights register (its steps
// are the register's).
bool IsRegisterFlow(std::string_view type);
// The longest a use application may run: a use is for a task, not a
// standing right (a standing right is a plain grant).
inline constexpr int64_t kMaxUseDays = 366;

class RightsAdmin {
 public:
  // `storage` is Engine::data_store(); it must outlive this object. The
  // approvals are recorded by an engine of the object's own until
  // SetApprovals names the server's.
  explicit RightsAdmin(store::Storage& storage);

  // The server's approval engine (with its directory, for listing); the
  // rights flow is registered with it. Not owned; must outlive this object.
  Status SetApprovals(approval::Approvals* approvals);

  // Requests (audit operation "policy.request"). Each returns the stored
  // request in state requested.
  Result<ChangeRequest> RequestGrant(const Caller& caller, const Right& right,
                                     std::string_view reason);
  Result<ChangeRequest> RequestChange(const Caller& caller, std::string_view grant_id,
                                      const Right& right, std::string_view reason);
  Result<ChangeRequest> RequestRemoval(const Caller& caller, std::string_view grant_id,
                                       std::string_view reason);
  // Lifts the revocation a review made of `person`'s use of `grant_id`.
  Result<ChangeRequest> RequestReinstate(const Caller& caller, std::string_view grant_id,
                                         std::string_view person, std::string_view reason);
  // rule nullopt: delete the stored rule (back to the next rule in line, mask.h).
  Result<ChangeRequest> RequestMaskRule(const Caller& caller, const MaskScope& scope,
                                        const std::optional<MaskRule>& rule,
                                        std::string_view reason);
  // Designates the terminal ids `dataset` may be used from; an empty list
  // removes the designation (authorizer.h, rule 7).
  Result<ChangeRequest> RequestTerminals(const Caller& caller, std::string_view dataset,
                                         const std::vector<std::string>& terminal_ids,
                                         std::string_view reason);

  // A use application (利用申請): `right` for the named persons of
  // right.persons until right.expires, for a data use (read, find or
  // write, with a purpose). Approved by the section manager of the
  // applicant's department (or, when that is the applicant or absent,
  // their superior: approval/approvals.h), then configured like any grant,
  // so three people still give it; the grant ends by itself at expires
  // (Grant::InForce, checked at every authorisation). Refusals: persons
  // missing ("persons"), expires missing, past or more than kMaxUseDays
  // ahead ("expires"), another operation ("operation").
  Result<ChangeRequest> RequestUse(const Caller& caller, const Right& right,
                                   std::string_view reason);

  // `person` gains (add) or loses `role` once configured: holding a role that
  // carries rights is given like any right (change.h, role_add/role_remove).
  Result<ChangeRequest> RequestRoleChange(const Caller& caller, std::string_view person,
                                          std::string_view role, bool add, std::string_view reason);
  // Approval of one reset of `person`'s `credential` ("password" or "totp"),
  // which the administrator's reset then names and configures
  // (identity/rights_guard.h).
  Result<ChangeRequest> RequestCredentialReset(const Caller& caller, std::string_view person,
                                               std::string_view credential,
                                               std::string_view reason);

  // Where configured role changes are made (identity, through
  // IdentityDirectory); without one, configuring role_add or role_remove is
  // kFailedPrecondition. Set before use; not owned.
  void SetMembershipWriter(MembershipWriter* writer) { members_ = writer; }

  // requested → approved ("policy.approve").
  Result<ChangeRequest> Approve(const Caller& caller, std::string_view request,
                                std::string_view comment = {});
  // approved → configured ("policy.configure"): the change takes effect. A
  // credential_reset is configured by the reset itself: here it is
  // kFailedPrecondition (kConfiguredByReset).
  Result<ChangeRequest> Configure(const Caller& caller, std::string_view request,
                                  std::string_view comment = {});
  // requested or approved → rejected ("policy.reject"), by CheckRejecter.
  Result<ChangeRequest> Reject(const Caller& caller, std::string_view request,
                               std::string_view reason);
  // requested or approved → withdrawn ("policy.withdraw"), by the requester only.
  Result<ChangeRequest> Withdraw(const Caller& caller, std::string_view request,
                                 std::string_view reason);

  // Reads (not audited: the API audits the request that asks).
  Result<ChangeRequest> Get(std::string_view request);
  // Requests still requested or approved, oldest first.
  Result<std::vector<ChangeRequest>> OpenRequests();

 private:
  Result<ChangeRequest> Submit(const Caller& caller, ChangeRequest draft, std::string_view reason);
  enum class StepKind { kApprove, kConfigure, kReject, kWithdraw };
  Result<ChangeRequest> TakeStep(const Caller& caller, std::string_view request, StepKind step,
                                 std::string_view text);

  store::Storage& storage_;
  MembershipWriter* members_ = nullptr;
  std::unique_ptr<approval::Approvals> own_approvals_;
  approval::Approvals* approvals_ = nullptr;
};

}  // namespace mamori::policy
