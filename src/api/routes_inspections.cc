// Self-inspection (自己点検, [002 第34-36条]; [004 §7];
// governance/self_inspection.h):
//
//   GET  /v1/inspections                    the yearly plans
//   POST /v1/inspections {"year"}           plan (the CISO line)
//   GET  /v1/inspections/{inspection}
//   GET  /v1/inspections/{inspection}/checklist   the caller's own checklist
//   POST /v1/inspections/{inspection}/answers {"answers": {item: yes|no|na}}
//   GET  /v1/inspections/{inspection}/summary     per department and organisation
//   POST /v1/inspections/{inspection}/evaluation {"rating"}       the CISO line
//   POST /v1/inspections/{inspection}/orders {"department", "item", "measure", "due"}
//   POST /v1/inspections/{inspection}/orders/{order}/complete     the department's manager
//
// The route table authorises each (inspection.list, .plan, .answer,
// .evaluate, .complete); the register decides again who may take each step
// (the CISO line; the person themselves; the department's managers).
#include <nlohmann/json.hpp>

#include "api/approval_steps.h"
#include "api/body.h"
#include "api/call.h"
#include "api/governance_deps.h"
#include "api/paging.h"
#include "api/routes.h"
#include "governance/self_inspection.h"

namespace mamori::api {
namespace {

approval::Caller InspectionCaller(const Call& call) { return ApprovalCaller(CallerOf(call)); }

HandlerResult Answered(const Result<nlohmann::json>& r, int status = 200) {
  if (!r) return std::unexpected(AuditedProblem(r.error()));
  return JsonResponse(status, *r);
}
HandlerResult Read(const Result<nlohmann::json>& r) {
  if (!r) return std::unexpected(Problem::FromStatus(r.error()));
  return JsonResponse(200, *r);
}

}  // namespace

Status AddInspectionRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.engine || !deps.identity) {
    return Status::InvalidArgument("the self-inspection routes need the engine and identity",
                                   "自己点検のルートにはエンジンと利用者管理が必要です");
  }
  auto inspections = GovernanceRegister<governance::SelfInspections>(deps);

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/inspections", [=](Call& call) -> HandlerResult {
         auto list = inspections->List();
         if (!list) {
           return std::unexpected(Problem::FromStatus(list.error()));
         }
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "inspections", *list, *page, [](const nlohmann::json& a) { return a.value("id", ""); },
             [](const nlohmann::json& a) { return a; });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/inspections", [=](Call& call) -> HandlerResult {
         const auto& year = call.body["year"];
         if (!year.is_number_integer()) {
           return std::unexpected(
               BadMember("year", "year must be a whole number", "year は整数で指定します"));
         }
         const int y = static_cast<int>(std::clamp<int64_t>(year.get<int64_t>(), 0, 9999));
         return Answered(inspections->Plan(InspectionCaller(call), y), 201);
       }}));
  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/inspections/{inspection}", [=](Call& call) -> HandlerResult {
                    return Read(inspections->Get(call.Param("inspection")));
                  }}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/inspections/{inspection}/checklist", [=](Call& call) -> HandlerResult {
         return Read(inspections->Checklist(InspectionCaller(call), call.Param("inspection")));
       }}));
  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/inspections/{inspection}/answers", [=](Call& call) -> HandlerResult {
                    const auto& given = call.body["answers"];
                    std::map<std::string, std::string> answers;
                    bool ok = given.is_object() && given.size() <= 256;
                    if (ok) {
                      for (const auto& [item, answer] : given.items()) {
                        ok = ok && answer.is_string();
                        if (ok) answers[item] = answer.get<std::string>();
                      }
                    }
                    if (!ok) {
                      return std::unexpected(
                          BadMember("answers", "answers is an object of item: yes, no or na",
                                    "answers は 項目: yes / no / na のオブジェクトです"));
                    }
                    return Answered(inspections->Answer(InspectionCaller(call),
                                                        call.Param("inspection"), answers));
                  }}));
  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/inspections/{inspection}/summary", [=](Call& call) -> HandlerResult {
                    return Read(inspections->Summary(call.Param("inspection")));
                  }}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/inspections/{inspection}/evaluation", [=](Call& call) -> HandlerResult {
         return Answered(inspections->Evaluate(InspectionCaller(call), call.Param("inspection"),
                                               StringOf(call.body, "rating")));
       }}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/inspections/{inspection}/orders", [=](Call& call) -> HandlerResult {
         governance::OrderDraft d;
         d.department = StringOf(call.body, "department");
         d.item = StringOf(call.body, "item");
         d.measure = StringOf(call.body, "measure");
         auto due = ParseDate(StringOf(call.body, "due"));
         if (!due) {
           return std::unexpected(BadMember("due", "due must be a date like 2026-12-01",
                                            "due は 2026-12-01 の形式の日付です"));
         }
         d.due = *due;
         return Answered(inspections->Order(InspectionCaller(call), call.Param("inspection"), d),
                         201);
       }}));
  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/inspections/{inspection}/orders/{order}/complete",
                  [=](Call& call) -> HandlerResult {
                    return Answered(inspections->Complete(
                        InspectionCaller(call), call.Param("inspection"), call.Param("order")));
                  }}));
  return Status::Ok();
}

}  // namespace mamori::api
