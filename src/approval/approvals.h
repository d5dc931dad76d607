// The approval engine: submitting, deciding, cancelling and expiring
// approval requests (request.h), with segregation of duties, and the one
// audited transaction per step (docs/ARCHITECTURE.md decision 1).
//
// Flows. Each type of request is a Flow the server registers: its stages
// and their order, how long a request stays open, and whether an action
// may be taken in an emergency and filed afterwards, within how many
// business days. The rules that make a flow's approval mean something (a
// disposal needs it before shredding, a rights request before configuring)
// belong to the flow; the engine records who approved what.
//
// Rules, checked in the transaction that records each step:
//   1. Only people act: every step is taken by a user (service accounts and
//      the local operator take none), "approval.not_a_person".
//   2. The applicant approves nothing of their own request
//      ("approval.self_approval", [002 第19条1(1)]), and one person decides
//      at most one stage of a request ("approval.already_decided").
//   3. An approver holds one of the open stage's roles, within the
//      applicant's department when the stage says so
//      ("approval.not_approver"); a stage is open when the stages before it
//      are approved (sequential) or always (parallel).
//   4. Escalation ([002 第19条2]): when every holder of a stage's role (in
//      scope) is the applicant or absent (a disabled ID), the superior of
//      such a holder approves in their place; the decision names whom it
//      replaced (escalated_from). With nobody holding the role, the
//      applicant's superior approves.
//   5. Only a pending request is decided or cancelled
//      ("approval.not_pending"). A request past its expiry is expired: a
//      decision on it is refused ("approval.expired") and the request is
//      written expired with the refused event.
//   6. Only the applicant cancels ("approval.not_applicant").
//   7. After-the-fact filing ([002 第27条] ただし書): an action taken in an
//      emergency is filed with when it was taken (acted_at), only for a flow
//      that allows it ("approval.emergency_not_allowed"). It is due
//      `emergency_filing_days` business days after the JST day it was taken
//      (jp/business_calendar.h, with the organisation's closed days); filed
//      after that, the request is marked late and its event carries reason
//      "approval.late_filing", which the analysis raises as a finding.
// Refusals are audited with the reason code as their subject; nothing else
// changes (except the expiry of rule 5).
//
// Audit events carry ids and codes only: the approval id, type, subject,
// action, reason code, stage, and the person replaced by escalation.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "approval/people.h"
#include "approval/request.h"
#include "audit/event.h"
#include "core/status.h"
#include "identity/principal.h"
#include "jp/business_calendar.h"
#include "store/storage.h"

namespace mamori::approval {

inline constexpr std::string_view kNotPerson = "approval.not_a_person";
inline constexpr std::string_view kSelfApproval = "approval.self_approval";
inline constexpr std::string_view kAlreadyDecided = "approval.already_decided";
inline constexpr std::string_view kNotApprover = "approval.not_approver";
inline constexpr std::string_view kNotPending = "approval.not_pending";
inline constexpr std::string_view kExpired = "approval.expired";
inline constexpr std::string_view kNotApplicant = "approval.not_applicant";
inline constexpr std::string_view kEmergencyNotAllowed = "approval.emergency_not_allowed";
inline constexpr std::string_view kUnknownFlow = "approval.unknown_flow";
inline constexpr std::string_view kLateFiling = "approval.late_filing";
inline constexpr std::string_view kAlreadyUsed = "approval.already_used";
inline constexpr std::string_view kNoDetails = "approval.details_not_taken";

// Who takes a step, for which API request, and when.
struct Caller {
  identity::Principal principal;
  std::string request_id;
  TimeMicros time = 0;  // 0: now
  TimeMicros Now() const { return time ? time : NowMicros(); }
};

// An "ok" audit event of `operation` by `caller` (time, actor, terminal,
// request id): the start of every event the approval flows write.
audit::Event CallerEvent(const Caller& caller, std::string_view operation);

struct Draft;

struct Flow {
  std::string type;
  std::vector<Stage> stages;
  Order order = Order::kSequential;
  int64_t lifetime_hours = 0;     // 0: a request does not expire
  int emergency_filing_days = 0;  // business days; 0: no after-the-fact filing
  // Whether POST /v1/approvals may open a request of this flow; false for
  // flows whose requests are opened by their own operation (the rights
  // register opens its own).
  bool generic_submit = true;
  // For a flow whose approval is of particular terms (details): checks the
  // draft (subject, action, details) before the request is opened and sets
  // the stages it needs, starting from `stages` above (a take-out of
  // confidentiality-3 data needs one more). Runs outside any transaction
  // (it may read the store); a refusal is audited as the submission's.
  // Without it a draft carrying details is refused.
  std::function<Status(const Caller&, const Draft&, std::vector<Stage>&)> prepare;
};

struct Draft {
  std::string subject, action, reason;
  std::vector<std::string> attachments;
  TimeMicros acted_at = 0;  // an emergency action already taken; 0: none
  nlohmann::json details;   // the approved terms (ValidateDetails); null: none
};

// The stage a caller decides and whom they replace: resolved outside the
// transaction (it reads the directory), checked again inside it.
struct Standing {
  size_t stage = 0;
  std::string escalated_from;
};

// The organisation's business calendar as stored policy, read in the
// transaction that needs it.
using CalendarSource = std::function<Result<jp::BusinessCalendar>(store::ReadTxn&)>;

class Approvals {
 public:
  // `storage` (Engine::data_store()) and `people` (may be null: no
  // escalation) must outlive this object.
  Approvals(store::Storage& storage, const People* people);

  // Default: the default closed days (jp/business_calendar.h).
  void SetCalendar(CalendarSource calendar) { calendar_ = std::move(calendar); }
  // Registers (or replaces) a flow; kInvalidArgument for a malformed one.
  Status Register(Flow flow);
  const Flow* FindFlow(std::string_view type) const;
  const std::vector<Flow>& flows() const { return flows_; }

  // --- Audited steps of flows that have no effect of their own --------
  // "approval.submit": opens a request of `type` (a registered flow with
  // generic_submit).
  Result<Request> Submit(const Caller& caller, std::string_view type, const Draft& draft);
  // "approval.approve" / "approval.reject"; `reason` an optional reason
  // code (ValidateCode), kept in the decision and the event.
  Result<Request> Decide(const Caller& caller, std::string_view id, bool approve,
                         std::string_view reason = {});
  // "approval.cancel".
  Result<Request> Cancel(const Caller& caller, std::string_view id);

  // --- Inside a flow's own audited transaction ------------------------
  // Opens a request of `flow` and describes it in `ev`. `stages`: the
  // stages the flow's prepare set (null: the flow's own).
  Result<Request> OpenIn(store::WriteTxn& txn, const Caller& caller, const Flow& flow,
                         const Draft& draft, audit::Event& ev,
                         const std::vector<Stage>* stages = nullptr);
  // Records that approval `id` was used by `by` (an identifier, e.g. a
  // take-out id) at `at`, in the transaction of the action that used it:
  // kFailedPrecondition "approval.already_used" when something used it
  // before, so one approval allows one action. The action's own event
  // names the approval; nothing else is audited here.
  static Status MarkUsedIn(store::WriteTxn& txn, std::string_view id, std::string_view by,
                           TimeMicros at);
  // Records the caller's decision as `standing` says (rules 1-5). On an
  // expired request sets `keep` and writes it expired before refusing.
  Result<Request> DecideIn(store::WriteTxn& txn, const Caller& caller, std::string_view id,
                           bool approve, const Standing& standing, audit::Event& ev, bool& keep,
                           std::string_view reason = {});
  Result<Request> CancelIn(store::WriteTxn& txn, const Caller& caller, std::string_view id,
                           audit::Event& ev);

  // The stage the caller would decide, and whom they replace: rules 1-4
  // against `req` as read, and the directory for escalation.
  Result<Standing> StandingOf(const Caller& caller, const Request& req) const;
  // The same against a directory already read (`everyone`), for lists.
  Result<Standing> StandingOf(const Caller& caller, const Request& req,
                              const std::vector<Person>* everyone) const;

  // --- Reads (not audited: the API audits the request that asks) ------
  static Result<std::optional<Request>> Read(store::ReadTxn& txn, std::string_view id);
  Result<Request> Get(std::string_view id);
  // Every request, in id order.
  Result<std::vector<Request>> List();
  // The pending requests `caller` may decide now (StandingOf succeeds).
  Result<std::vector<Request>> PendingFor(const Caller& caller);

 private:
  Result<Request> Step(
      const Caller& caller, std::string_view operation, std::string_view id,
      const std::function<Result<Request>(store::WriteTxn&, audit::Event&, bool&)>& fn);

  store::Storage& storage_;
  const People* people_;
  CalendarSource calendar_;
  std::vector<Flow> flows_;
};

// Adds a request's non-personal description to an event.
void Describe(const Request& req, audit::Event& ev);

}  // namespace mamori::approval
