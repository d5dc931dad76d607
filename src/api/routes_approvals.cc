// Approval requests of every flow (approval/approvals.h):
//
//   GET  /v1/approvals[?view=mine|pending&type=&state=]   the caller's own requests
//                                                        (mine, the default) or those
//                                                        they may decide now (pending)
//   GET  /v1/approvals/ledger[?type=&state=]             every request (evidence readers)
//   POST /v1/approvals                                   {"type", "subject", "action",
//                                                        "reason", "attachments",
//                                                        "acted_at", "details"}
//   GET  /v1/approvals/{approval}
//   POST /v1/approvals/{approval}/approve                {"comment"}
//   POST /v1/approvals/{approval}/reject                 {"reason"}
//   POST /v1/approvals/{approval}/cancel                 {"reason"}
//
// The route table authorises each route first (approval.list, .ledger,
// .submit, .show, .decide, .cancel in the system rights table); the engine
// decides again, in the transaction that records the step, whether this
// person may take it on this request (applicant ≠ approver, the stage's
// role, escalation, expiry) and audits it.
//
// A request of type "rights" belongs to the rights register: its steps go
// to the register (policy::RightsAdmin approve, reject, withdraw), which
// decides its approval in the same transaction, so the two never disagree.
// Its comment and reason are free text kept in the register. For every
// other flow a rejection's reason is a code (the decision and its event
// keep it); free text has nowhere to go there and is refused rather than
// dropped.
//
// Who sees a request: its applicant, those who decided it, those who may
// decide it now, and evidence readers (approval.ledger; the register's
// readers for a rights request). Anyone else is answered 404, as if it did
// not exist.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/approval_steps.h"
#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "policy/rights_admin.h"
#include "policy/system_rights.h"

namespace mamori::api {
namespace {

approval::Caller ApprovalCallerOf(const Call& call) { return ApprovalCaller(CallerOf(call)); }

Problem Hidden(std::string_view id) {
  return Problem::FromStatus(
      Status::NotFound("no approval request " + audit::EventIdentifier(id),
                       "承認申請 " + audit::EventIdentifier(id) + " はありません", "approval"));
}

// ?type= and ?state= of a list.
std::expected<void, Problem> FilterOf(const Call& call, std::vector<approval::Request>& list,
                                      TimeMicros now) {
  const std::string type = call.QueryText("type");
  const std::string state = call.QueryText("state");
  std::optional<approval::State> wanted;
  if (!state.empty()) {
    wanted = approval::ParseState(state);
    if (!wanted) {
      return std::unexpected(Problem::Make(
          "invalid_argument",
          "state must be one of pending, approved, rejected, cancelled, expired",
          "state は pending, approved, rejected, cancelled, expired のいずれかです", "state"));
    }
  }
  std::erase_if(list, [&](const approval::Request& r) {
    return (!type.empty() && r.type != type) || (wanted && r.StateAt(now) != *wanted);
  });
  return {};
}

// The request as the API shows it: the stored form, with the state at now
// (an expired request need not have been written expired).
nlohmann::json Shown(const approval::Request& r, TimeMicros now) {
  nlohmann::json j = approval::RequestToJson(r);
  j["state"] = approval::StateName(r.StateAt(now));
  return j;
}

HandlerResult ListPage(const Call& call, std::vector<approval::Request> list, TimeMicros now) {
  if (auto ok = FilterOf(call, list, now); !ok) return std::unexpected(ok.error());
  auto page = PageParamsOf(call);
  if (!page) return std::unexpected(page.error());
  auto out = JsonPage(
      "approvals", list, *page, [](const approval::Request& r) { return r.id; },
      [&](const approval::Request& r) { return Shown(r, now); });
  if (!out) return std::unexpected(out.error());
  return JsonResponse(200, *out);
}

}  // namespace

Status AddApprovalRoutes(Router& router, const RouteDeps& deps) {
  approval::Approvals* approvals = deps.approvals;
  policy::RightsAdmin* rights = deps.rights;
  if (!approvals || !rights) {
    return Status::InvalidArgument(
        "the approval routes need the approval engine and the rights "
        "flow",
        "承認のルートには承認エンジンと権限フローが必要です");
  }

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/approvals", [=](Call& call) -> HandlerResult {
         const approval::Caller who = ApprovalCallerOf(call);
         const std::string view = call.QueryText("view");
         Result<std::vector<approval::Request>> list = Fail(Status::Internal("", ""));
         if (view.empty() || view == "mine") {
           list = approvals->List();
           if (list) {
             std::erase_if(*list, [&](const approval::Request& r) {
               return r.applicant != who.principal.id;
             });
           }
         } else if (view == "pending") {
           list = approvals->PendingFor(who);
         } else {
           return std::unexpected(Problem::Make("invalid_argument", "view must be mine or pending",
                                                "view は mine または pending です", "view"));
         }
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         return ListPage(call, std::move(*list), who.Now());
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/approvals/ledger", [=](Call& call) -> HandlerResult {
                    auto list = approvals->List();
                    if (!list) return std::unexpected(Problem::FromStatus(list.error()));
                    return ListPage(call, std::move(*list), NowMicros());
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/approvals", [=](Call& call) -> HandlerResult {
                    const nlohmann::json& b = call.body;
                    approval::Draft draft;
                    draft.subject = StringOf(b, "subject");
                    draft.action = StringOf(b, "action");
                    draft.reason = StringOf(b, "reason");
                    draft.attachments = Strings(b, "attachments");
                    // The approved terms of a flow that takes them (a
                    // take-out's); validated by the engine and the flow.
                    if (auto d = b.find("details"); d != b.end()) draft.details = *d;
                    auto acted = UtcArgument(StringOf(b, "acted_at"), "acted_at");
                    if (!acted) return std::unexpected(acted.error());
                    draft.acted_at = acted->value_or(0);
                    auto r = approvals->Submit(ApprovalCallerOf(call), StringOf(b, "type"), draft);
                    if (!r) return std::unexpected(AuditedProblem(r.error()));
                    Response out = JsonResponse(201, Shown(*r, r->created_at));
                    out.headers.emplace_back("Location", "/v1/approvals/" + r->id);
                    return out;
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/approvals/{approval}", [=](Call& call) -> HandlerResult {
                    const std::string& id = call.Param("approval");
                    const approval::Caller who = ApprovalCallerOf(call);
                    auto r = approvals->Get(id);
                    if (!r) return std::unexpected(Problem::FromStatus(r.error()));
                    if (!MayViewApproval(*approvals, who, *r)) return std::unexpected(Hidden(id));
                    return JsonResponse(200, Shown(*r, who.Now()));
                  }}));

  // The three steps; a rights request's go to the register
  // (approval_steps.h). The answer is the request after the step.
  auto step = [=](ApprovalVerb verb, const char* member) {
    return [=](Call& call) -> HandlerResult {
      bool audited = true;
      auto done = TakeApprovalStep(*approvals, *rights, CallerOf(call), call.Param("approval"),
                                   verb, StringOf(call.body, member), member, &audited);
      if (!done) {
        // Refusals were audited where they were decided; a text refused
        // before any step changed nothing and is recorded by the pipeline.
        return std::unexpected(audited ? AuditedProblem(done.error())
                                       : Problem::FromStatus(done.error()));
      }
      return JsonResponse(200, Shown(*done, NowMicros()));
    };
  };
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/approvals/{approval}/approve", step(ApprovalVerb::kApprove, "comment")}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/approvals/{approval}/reject", step(ApprovalVerb::kReject, "reason")}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/approvals/{approval}/cancel", step(ApprovalVerb::kCancel, "reason")}));
  return Status::Ok();
}

}  // namespace mamori::api
