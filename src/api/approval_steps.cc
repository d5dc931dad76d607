#include "api/approval_steps.h"

#include "policy/system_rights.h"

namespace mamori::api {

approval::Caller ApprovalCaller(const policy::Caller& caller) {
  return approval::Caller{caller.principal, caller.request_id, caller.time};
}

Result<approval::Request> TakeApprovalStep(approval::Approvals& approvals,
                                           policy::RightsAdmin& rights,
                                           const policy::Caller& caller, std::string_view id,
                                           ApprovalVerb verb, std::string_view text,
                                           const char* member, bool* audited) {
  *audited = true;
  auto found = approvals.Get(id);
  if (found && policy::IsRegisterFlow(found->type)) {
    Result<policy::ChangeRequest> done = Fail(Status::Internal("no step", "手続がありません"));
    switch (verb) {
      case ApprovalVerb::kApprove:
        done = rights.Approve(caller, found->subject, text);
        break;
      case ApprovalVerb::kReject:
        done = rights.Reject(caller, found->subject, text);
        break;
      case ApprovalVerb::kCancel:
        done = rights.Withdraw(caller, found->subject, text);
        break;
    }
    if (!done) return Fail(done.error());
    return approvals.Get(id);
  }
  const approval::Caller who = ApprovalCaller(caller);
  if (verb != ApprovalVerb::kReject && !text.empty()) {
    *audited = false;
    return Fail(Status::InvalidArgument(
        std::string("'") + member + "' applies to rights requests only; approvals keep codes",
        std::string("'") + member +
            "' は権限申請でのみ指定できます (承認記録はコードのみを保持します)",
        member));
  }
  switch (verb) {
    case ApprovalVerb::kApprove:
      return approvals.Decide(who, id, true);
    case ApprovalVerb::kReject:
      return approvals.Decide(who, id, false, text);
    case ApprovalVerb::kCancel:
      return approvals.Cancel(who, id);
  }
  return Fail(Status::Internal("no step", "手続がありません"));
}

bool MayViewApproval(approval::Approvals& approvals, const approval::Caller& who,
                     const approval::Request& r) {
  if (policy::SystemAllows(who.principal, "approval.ledger")) return true;
  if (policy::IsRegisterFlow(r.type) && policy::SystemAllows(who.principal, "rights.register")) {
    return true;
  }
  if (r.applicant == who.principal.id || r.DecidedBy(who.principal.id)) return true;
  return approvals.StandingOf(who, r).has_value();
}

}  // namespace mamori::api
