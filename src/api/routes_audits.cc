// Internal audit (内部監査, [002 第37-39条]; governance/internal_audit.h):
//
//   GET  /v1/audits                         the audits (plans and their state)
//   POST /v1/audits {"year", "departments", "scope"}                 plan
//   GET  /v1/audits/{audit}
//   POST /v1/audits/{audit}/auditors {"auditor"}                     assign (independent)
//   POST /v1/audits/{audit}/findings {"clause", "department", "severity", "evidence"}
//   POST /v1/audits/{audit}/report                                   to the CISO line
//   POST /v1/audits/{audit}/acknowledge                              the CISO line
//   POST /v1/audits/{audit}/findings/{finding}/improvement {"measure", "due"}
//   POST /v1/audits/{audit}/findings/{finding}/progress {"status", "note"}
//   POST /v1/audits/{audit}/findings/{finding}/close
//
// The route table authorises each (internal_audit.list, .plan, .assign,
// .finding, .report, .acknowledge, .improve, .close); the register decides
// again, in the transaction of each step, who may take it (independence,
// assignment, the audited department's managers) and audits it. "evidence"
// is a list of audit-log sequence numbers; the audit keeps their proof
// references (GET /v1/audit/proof?seq=&size= proves each).
#include <nlohmann/json.hpp>

#include "api/approval_steps.h"
#include "api/body.h"
#include "api/call.h"
#include "api/governance_deps.h"
#include "api/paging.h"
#include "api/routes.h"
#include "governance/internal_audit.h"

namespace mamori::api {
namespace {

approval::Caller AuditCaller(const Call& call) { return ApprovalCaller(CallerOf(call)); }

HandlerResult Shown(const Result<nlohmann::json>& r, int status = 200) {
  if (!r) return std::unexpected(AuditedProblem(r.error()));
  return JsonResponse(status, *r);
}

}  // namespace

Status AddAuditPlanRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.engine || !deps.identity) {
    return Status::InvalidArgument("the internal audit routes need the engine and identity",
                                   "内部監査のルートにはエンジンと利用者管理が必要です");
  }
  auto audits = GovernanceRegister<governance::InternalAudits>(deps);

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/audits", [=](Call& call) -> HandlerResult {
         auto list = audits->List();
         if (!list) {
           return std::unexpected(Problem::FromStatus(list.error()));
         }
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "audits", *list, *page, [](const nlohmann::json& a) { return a.value("id", ""); },
             [](const nlohmann::json& a) { return a; });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/audits", [=](Call& call) -> HandlerResult {
                    governance::AuditDraft d;
                    const auto& year = call.body["year"];
                    if (!year.is_number_integer()) {
                      return std::unexpected(BadMember("year", "year must be a whole number",
                                                       "year は整数で指定します"));
                    }
                    d.year = static_cast<int>(std::clamp<int64_t>(year.get<int64_t>(), 0, 9999));
                    d.departments = Strings(call.body, "departments");
                    d.scope = StringOf(call.body, "scope");
                    return Shown(audits->Plan(AuditCaller(call), d), 201);
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/audits/{audit}", [=](Call& call) -> HandlerResult {
                                       auto a = audits->Get(call.Param("audit"));
                                       if (!a)
                                         return std::unexpected(Problem::FromStatus(a.error()));
                                       return JsonResponse(200, *a);
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/audits/{audit}/auditors", [=](Call& call) -> HandlerResult {
                    return Shown(audits->Assign(AuditCaller(call), call.Param("audit"),
                                                StringOf(call.body, "auditor")));
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/audits/{audit}/findings", [=](Call& call) -> HandlerResult {
         governance::FindingDraft d;
         d.clause = StringOf(call.body, "clause");
         d.department = StringOf(call.body, "department");
         d.severity = StringOf(call.body, "severity");
         if (call.body.contains("evidence")) {
           const auto& ev = call.body["evidence"];
           bool ok = ev.is_array();
           for (const auto& x : ev) ok = ok && x.is_number_unsigned();
           if (!ok) {
             return std::unexpected(BadMember("evidence",
                                              "evidence is a list of audit-log sequence numbers",
                                              "evidence は監査ログのイベント番号の配列です"));
           }
           for (const auto& x : ev) d.evidence.push_back(x.get<uint64_t>());
         }
         return Shown(audits->AddFinding(AuditCaller(call), call.Param("audit"), d), 201);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/audits/{audit}/report", [=](Call& call) -> HandlerResult {
                    return Shown(audits->Report(AuditCaller(call), call.Param("audit")));
                  }}));
  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/audits/{audit}/acknowledge", [=](Call& call) -> HandlerResult {
                    return Shown(audits->Acknowledge(AuditCaller(call), call.Param("audit")));
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/audits/{audit}/findings/{finding}/improvement",
                  [=](Call& call) -> HandlerResult {
                    auto due = ParseDate(StringOf(call.body, "due"));
                    if (!due) {
                      return std::unexpected(BadMember("due", "due must be a date like 2026-12-01",
                                                       "due は 2026-12-01 の形式の日付です"));
                    }
                    return Shown(audits->PlanImprovement(AuditCaller(call), call.Param("audit"),
                                                         call.Param("finding"),
                                                         StringOf(call.body, "measure"), *due));
                  }}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/audits/{audit}/findings/{finding}/progress", [=](Call& call) -> HandlerResult {
         return Shown(audits->ReportProgress(AuditCaller(call), call.Param("audit"),
                                             call.Param("finding"), StringOf(call.body, "status"),
                                             StringOf(call.body, "note")));
       }}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/audits/{audit}/findings/{finding}/close", [=](Call& call) -> HandlerResult {
         return Shown(
             audits->CloseFinding(AuditCaller(call), call.Param("audit"), call.Param("finding")));
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
