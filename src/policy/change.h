// Change requests: every change to who may do what passes through
//   requested (requester) → approved (approver) → configured (configurer)
// and only the configured step changes what Authorize decides. A request
// may instead end rejected or withdrawn. The request, with its three steps,
// is also the entry of the rights register (アクセス権限管理簿,
// docs/REQUIREMENTS.md §4): nothing else records a grant, change or removal.
//
// Kinds:
//   grant       a new Grant of `right`
//   change      grant `grant_id` (at `grant_version`) becomes `right`
//   removal     grant `grant_id` ends
//   reinstate   lifts a review revocation: `person` regains grant `grant_id`
//   revocation  a manager revoked `person`'s use of grant `grant_id` in a
//               review (review.h); written already configured, see there
//   mask_rule   sets (or with a null rule, deletes) a stored mask rule
//   terminals   designates the terminals a dataset may be used from
//   role_add, role_remove
//               `person` gains or loses `role`: holding a role that carries
//               rights is a right itself (docs/ARCHITECTURE.md decision 12),
//               so an administrator cannot give it alone (identity/
//               rights_guard.h); configured, the change is made in identity
//               in the same transaction
//   credential_reset
//               approves one reset of `person`'s `credential` ("password" or
//               "totp"): a second person for the reset of a holder of rights.
//               Configured by the administrator's reset itself, which names
//               the request (never by the configure step)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "identity/ids.h"
#include "policy/mask.h"
#include "policy/right.h"

namespace mamori::policy {

enum class ChangeKind {
  kGrant,
  kChange,
  kRemoval,
  kReinstate,
  kRevocation,
  kMaskRule,
  kTerminals,
  kRoleAdd,
  kRoleRemove,
  kCredentialReset
};
enum class ChangeState { kRequested, kApproved, kConfigured, kRejected, kWithdrawn };

// "grant", "change", "removal", "reinstate", "revocation", "mask_rule",
// "terminals", "role_add", "role_remove", "credential_reset".
std::string_view ChangeKindName(ChangeKind kind);
std::optional<ChangeKind> ParseChangeKind(std::string_view name);
// "requested", "approved", "configured", "rejected", "withdrawn".
std::string_view ChangeStateName(ChangeState state);
std::optional<ChangeState> ParseChangeState(std::string_view name);

// The id the register shows for a step done by the software itself (a review
// revocation is configured on the manager's decision, see review.h).
inline constexpr std::string_view kSystemActor = "mamori";
static_assert(identity::IsReservedId(kSystemActor), "no principal may act as the software");

struct Step {
  std::string by;       // principal id; empty while the step is not taken
  std::string by_name;  // display name then, so the register reads without identity
  TimeMicros at = 0;
  // Free text from the person. Kept in the register only, never in audit
  // events, because people write names into reasons.
  std::string reason;
  bool taken() const { return !by.empty(); }
};

nlohmann::json StepToJson(const Step& step);
// The step stored under `member` of `json`; an empty Step when absent;
// kDataLoss when malformed.
Result<Step> StepFromJson(const nlohmann::json& json, std::string_view member);

struct ChangeRequest {
  std::string id;  // "R00000001", ascending in request order
  ChangeKind kind = ChangeKind::kGrant;
  ChangeState state = ChangeState::kRequested;
  // grant, change: the right granted; removal, reinstate, revocation: the
  // right concerned, copied so that the register reads on its own.
  std::optional<Right> right;
  std::optional<Right> previous;  // change: the right before
  std::string grant_id;           // all but grant (set at configuration), mask_rule, terminals
  uint32_t grant_version = 0;     // change, removal: the version requested against
  std::string person;             // reinstate, revocation, role_*, credential_reset
  std::string role;               // role_add, role_remove
  std::string credential;         // credential_reset: "password" or "totp"
  std::optional<MaskScope> mask_scope;  // mask_rule
  std::optional<MaskRule> mask_rule;    // mask_rule; nullopt deletes the stored rule
  std::string dataset;                  // terminals
  std::vector<std::string> terminals;   // terminals; empty removes the designation
  std::string campaign, item;           // revocation: the review item decided
  // The approval request (approval/request.h, type "rights") that carries
  // the approve step; empty for requests stored before the register used
  // the approval engine, and for revocations (never approved).
  std::string approval;
  // A use application (利用申請): a grant for named persons until an
  // expiry, approved by the section manager of the applicant's department
  // (the approval's flow is "use" instead of "rights"); see
  // RightsAdmin::RequestUse.
  bool use = false;
  Step requested, approved, configured;
  Step closed;  // rejected or withdrawn

  bool Open() const { return state == ChangeState::kRequested || state == ChangeState::kApproved; }
  // When the entry took effect (configured) or, if it never did, when it
  // was requested.
  TimeMicros EffectiveTime() const { return configured.taken() ? configured.at : requested.at; }
};

nlohmann::json ChangeToJson(const ChangeRequest& req);
// kDataLoss when stored bytes do not have the shape ChangeToJson writes.
Result<ChangeRequest> ChangeFromJson(const nlohmann::json& json);

}  // namespace mamori::policy
