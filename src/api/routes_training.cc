// Information-security training ([002 第28-29条]; [003 II.3(4)];
// governance/training.h) and the training switch on data roles
// (policy/training_gate.h):
//
//   GET  /v1/training/plans                       the plans
//   POST /v1/training/plans {"year", "course", "audience", "role"}
//   GET  /v1/training/attendance[?person=]        the attendance records
//   POST /v1/training/attendance {"plan", "person", "date", "score", "passed"}
//   GET  /v1/training/people/{user}               a person's currency
//   GET|PUT /v1/policy/training {"required", "validity_days"}  the switch
//
// The route table authorises each (training.list, .plan, .record,
// .currency; policy.show, policy.update); the register decides again who
// plans (the CISO line) and who records whose attendance (never oneself; a
// manager only for their own department). A person's currency is shown to
// themselves and to the readers of the register; anyone else is answered
// 404. The switch changes only with an approved policy_change request for
// exactly that change (?approval=, approval/flows.h), like the other
// policy parameters.
#include <nlohmann/json.hpp>

#include "api/approval_steps.h"
#include "api/body.h"
#include "api/call.h"
#include "api/governance_deps.h"
#include "api/paging.h"
#include "api/routes.h"
#include "approval/flows.h"
#include "governance/training.h"
#include "policy/system_rights.h"

namespace mamori::api {
namespace {

approval::Caller TrainingCaller(const Call& call) { return ApprovalCaller(CallerOf(call)); }

std::expected<int, Problem> WholeNumber(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer()) {
    return std::unexpected(BadMember(name, std::string(name) + " must be a whole number",
                                     std::string(name) + " は整数で指定します"));
  }
  const int64_t v = it->get<int64_t>();
  if (v < -100000 || v > 100000) {
    return std::unexpected(BadMember(name, std::string(name) + " is out of range",
                                     std::string(name) + " が範囲外です"));
  }
  return static_cast<int>(v);
}

}  // namespace

Status AddTrainingRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.engine || !deps.identity) {
    return Status::InvalidArgument("the training routes need the engine and identity",
                                   "研修のルートにはエンジンと利用者管理が必要です");
  }
  auto training = GovernanceRegister<governance::Training>(deps);

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/training/plans", [=](Call& call) -> HandlerResult {
         auto plans = training->Plans();
         if (!plans) return std::unexpected(Problem::FromStatus(plans.error()));
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "plans", *plans, *page, [](const governance::TrainingPlan& p) { return p.id; },
             [](const governance::TrainingPlan& p) { return governance::PlanToJson(p); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/training/plans", [=](Call& call) -> HandlerResult {
                    auto year = WholeNumber(call.body, "year");
                    if (!year) return std::unexpected(year.error());
                    governance::TrainingPlan draft;
                    draft.year = *year;
                    draft.course = StringOf(call.body, "course");
                    draft.audience = StringOf(call.body, "audience");
                    draft.role = StringOf(call.body, "role");
                    auto p = training->Plan(TrainingCaller(call), draft);
                    if (!p) return std::unexpected(AuditedProblem(p.error()));
                    Response out = JsonResponse(201, governance::PlanToJson(*p));
                    out.headers.emplace_back("Location", "/v1/training/plans/" + p->id);
                    return out;
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/training/attendance", [=](Call& call) -> HandlerResult {
         auto list = training->Attendances(call.QueryText("person"));
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "attendance", *list, *page, [](const governance::Attendance& a) { return a.id; },
             [](const governance::Attendance& a) { return governance::AttendanceToJson(a); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/training/attendance", [=](Call& call) -> HandlerResult {
         governance::Attendance draft;
         draft.plan = StringOf(call.body, "plan");
         draft.person = StringOf(call.body, "person");
         auto date = ParseDate(StringOf(call.body, "date"));
         if (!date) {
           return std::unexpected(BadMember("date", "date must be a date like 2026-12-01",
                                            "date は 2026-12-01 の形式の日付です"));
         }
         draft.date = *date;
         if (call.body.contains("score") && !call.body["score"].is_null()) {
           auto score = WholeNumber(call.body, "score");
           if (!score) return std::unexpected(score.error());
           draft.score = *score;
         }
         draft.passed = call.body.value("passed", false);
         auto a = training->Attend(TrainingCaller(call), draft);
         if (!a) return std::unexpected(AuditedProblem(a.error()));
         return JsonResponse(201, governance::AttendanceToJson(*a));
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/training/people/{user}", [=](Call& call) -> HandlerResult {
         const std::string& person = call.Param("user");
         const approval::Caller who = TrainingCaller(call);
         if (who.principal.id != person && !policy::SystemAllows(who.principal, "training.list")) {
           return std::unexpected(Problem::FromStatus(
               Status::NotFound("no training standing to show",
                                "表示できる研修の受講状況はありません", "training.person")));
         }
         auto c = training->CurrencyOf(person, who.Now());
         if (!c) return std::unexpected(Problem::FromStatus(c.error()));
         return JsonResponse(200, governance::CurrencyToJson(*c));
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/policy/training", [=](Call&) -> HandlerResult {
                                       auto r = training->Rule();
                                       if (!r)
                                         return std::unexpected(Problem::FromStatus(r.error()));
                                       return JsonResponse(200, policy::TrainingRuleToJson(*r));
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"PUT", "/v1/policy/training", [=](Call& call) -> HandlerResult {
         auto current = training->Rule();
         if (!current) return std::unexpected(Problem::FromStatus(current.error()));
         auto rule = policy::TrainingRuleFromJson(call.body, *current);
         if (!rule) return std::unexpected(Problem::FromStatus(rule.error()));
         const approval::Caller who = TrainingCaller(call);
         const std::string approval_id = call.QueryText("approval");
         const std::string digest = approval::PolicyChangeDigest(call.body);
         Status s = training->SetRule(who, *rule, [&](store::WriteTxn& txn, audit::Event& ev) {
           if (!approval_id.empty()) ev.attrs["approval"] = audit::EventIdentifier(approval_id);
           return approval::UsePolicyChange(txn, approval_id, "policy/training", digest,
                                            who.principal.id, who.Now());
         });
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return JsonResponse(200, policy::TrainingRuleToJson(*rule));
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
