// Exception measures (例外措置, [002 第26-27条]; approval/exceptions.h,
// approval/exception_reports.h):
//
//   GET  /v1/exceptions[?state&rule&department&applicant&in_force]  the ledger (例外措置台帳)
//   POST /v1/exceptions        {"rule", "measure", "scope", "reason", "start", "end",
//                               "attachments", "acted_at"}            apply, or file an emergency
//   GET  /v1/exceptions/{exception}
//   POST /v1/exceptions/{exception}/end {"reason"}                  the applicant ends it early
//   GET|PUT /v1/exceptions/approvers {"roles", "persons"}           the CISO's designation
//   GET  /v1/exceptions/reports   POST /v1/exceptions/reports {"period": "2026-11"}
//   GET  /v1/exceptions/reports/{report}   POST …/{report}/acknowledge
//   GET  /v1/exceptions/trends?from=2026-01&to=2026-12
//
// The route table authorises each route (exception.ledger, .apply, .show,
// .end, .approvers, .designate, .report_list, .report, .report_ack,
// .trends); then the ledger decides again, in the transaction that records
// each step, who may take it (only the applicant ends; only the CISO line
// designates; only the chief security manager acknowledges) and audits it.
// Approving an exception is a step of its approval request:
// POST /v1/approvals/{id}/approve, decided by the engine against the
// approvers the request was opened with.
//
// Who sees one exception: its applicant, those who decided or may decide
// it, and the ledger's readers; anyone else is answered 404.
#include <nlohmann/json.hpp>

#include "api/approval_steps.h"
#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "approval/exception_reports.h"
#include "approval/exceptions.h"
#include "policy/system_rights.h"

namespace mamori::api {
namespace {

approval::Caller ExceptionCaller(const Call& call) { return ApprovalCaller(CallerOf(call)); }

Problem HiddenException(std::string_view id) {
  return Problem::FromStatus(
      Status::NotFound("no exception " + audit::EventIdentifier(id),
                       "例外措置 " + audit::EventIdentifier(id) + " はありません", "exception"));
}

std::expected<CivilDate, Problem> ExceptionDate(const nlohmann::json& body, const char* name) {
  const std::string text = StringOf(body, name);
  auto d = ParseDate(text);
  if (!d) {
    return std::unexpected(
        Problem::Make("invalid_argument", std::string(name) + " must be a date like 2026-12-01",
                      std::string(name) + " は 2026-12-01 の形式の日付です", name));
  }
  return *d;
}

std::expected<approval::Month, Problem> MonthOfQuery(std::string_view text, const char* name) {
  auto m = approval::ParseMonth(text);
  if (!m) {
    return std::unexpected(Problem::Make("invalid_argument",
                                         std::string(name) + " must be a month like 2026-11",
                                         std::string(name) + " は 2026-11 の形式の年月です", name));
  }
  return *m;
}

}  // namespace

Status AddExceptionRoutes(Router& router, const RouteDeps& deps) {
  approval::Exceptions* exceptions = deps.exceptions;
  approval::ExceptionReports* reports = deps.exception_reports;
  approval::Approvals* approvals = deps.approvals;
  if (!exceptions || !reports || !approvals) {
    return Status::InvalidArgument(
        "the exception routes need the exception ledger, its reports and the approval engine",
        "例外措置のルートには例外措置台帳・報告・承認エンジンが必要です");
  }

  // Literal paths first: /approvers, /reports and /trends are not ids.
  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/exceptions/approvers", [=](Call&) -> HandlerResult {
                    auto d = exceptions->Approvers();
                    if (!d) return std::unexpected(Problem::FromStatus(d.error()));
                    if (!*d) {
                      return JsonResponse(200, {{"designated", false},
                                                {"roles", {"ciso", "deputy_ciso", "chief_officer"}},
                                                {"persons", nlohmann::json::array()}});
                    }
                    return JsonResponse(200, {{"designated", true},
                                              {"roles", (*d)->roles},
                                              {"persons", (*d)->persons},
                                              {"by", (*d)->by},
                                              {"at", FormatUtc((*d)->at)}});
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"PUT", "/v1/exceptions/approvers", [=](Call& call) -> HandlerResult {
         auto d = exceptions->Designate(ExceptionCaller(call), Strings(call.body, "roles"),
                                        Strings(call.body, "persons"));
         if (!d) return std::unexpected(AuditedProblem(d.error()));
         return JsonResponse(200, {{"designated", true},
                                   {"roles", d->roles},
                                   {"persons", d->persons},
                                   {"by", d->by},
                                   {"at", FormatUtc(d->at)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/exceptions/reports", [=](Call& call) -> HandlerResult {
         auto list = reports->List();
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "reports", *list, *page, [](const approval::ExceptionReport& r) { return r.id; },
             [](const approval::ExceptionReport& r) { return ReportToJson(r); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/exceptions/reports", [=](Call& call) -> HandlerResult {
                    auto period = MonthOfQuery(StringOf(call.body, "period"), "period");
                    if (!period) return std::unexpected(period.error());
                    const approval::Caller who = ExceptionCaller(call);
                    auto r = reports->Produce(&who, *period, who.Now());
                    if (!r) return std::unexpected(AuditedProblem(r.error()));
                    Response out = JsonResponse(201, ReportToJson(*r));
                    out.headers.emplace_back("Location", "/v1/exceptions/reports/" + r->id);
                    return out;
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/exceptions/reports/{report}", [=](Call& call) -> HandlerResult {
                    auto r = reports->Get(call.Param("report"));
                    if (!r) return std::unexpected(Problem::FromStatus(r.error()));
                    return JsonResponse(200, ReportToJson(*r));
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/exceptions/reports/{report}/acknowledge", [=](Call& call) -> HandlerResult {
         auto r = reports->Acknowledge(ExceptionCaller(call), call.Param("report"));
         if (!r) return std::unexpected(AuditedProblem(r.error()));
         return JsonResponse(200, ReportToJson(*r));
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/exceptions/trends", [=](Call& call) -> HandlerResult {
                    const TimeMicros now = NowMicros();
                    const approval::Month current = approval::MonthOf(now);
                    approval::Month from = current, to = current;
                    if (!call.QueryText("to").empty()) {
                      auto m = MonthOfQuery(call.QueryText("to"), "to");
                      if (!m) return std::unexpected(m.error());
                      to = *m;
                    }
                    if (!call.QueryText("from").empty()) {
                      auto m = MonthOfQuery(call.QueryText("from"), "from");
                      if (!m) return std::unexpected(m.error());
                      from = *m;
                    } else {
                      from = to.month == 12 ? approval::Month{to.year, 1}
                                            : approval::Month{to.year - 1, to.month + 1};
                    }
                    auto ledger = exceptions->Ledger();
                    if (!ledger) return std::unexpected(Problem::FromStatus(ledger.error()));
                    auto t = approval::Trends(*ledger, from, to, now);
                    if (!t) return std::unexpected(Problem::FromStatus(t.error()));
                    return JsonResponse(200, *t);
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/exceptions", [=](Call& call) -> HandlerResult {
         auto ledger = exceptions->Ledger();
         if (!ledger) return std::unexpected(Problem::FromStatus(ledger.error()));
         const TimeMicros now = NowMicros();
         const std::string state = call.QueryText("state"), rule = call.QueryText("rule"),
                           department = call.QueryText("department"),
                           applicant = call.QueryText("applicant");
         auto in_force = QueryBool(call, "in_force");
         if (!in_force) return std::unexpected(in_force.error());
         std::erase_if(*ledger, [&](const approval::ExceptionEntry& e) {
           return (!state.empty() && approval::LedgerState(e, now) != state) ||
                  (!rule.empty() && e.terms.rule != rule) ||
                  (!department.empty() && e.request.applicant_department != department) ||
                  (!applicant.empty() && e.request.applicant != applicant) ||
                  (*in_force && !approval::InForce(e, now));
         });
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "exceptions", *ledger, *page,
             [](const approval::ExceptionEntry& e) { return e.terms.id; },
             [&](const approval::ExceptionEntry& e) { return approval::ExceptionToJson(e, now); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/exceptions", [=](Call& call) -> HandlerResult {
                    const nlohmann::json& b = call.body;
                    approval::ExceptionDraft draft;
                    draft.rule = StringOf(b, "rule");
                    draft.measure = StringOf(b, "measure");
                    draft.scope = StringOf(b, "scope");
                    draft.reason = StringOf(b, "reason");
                    draft.attachments = Strings(b, "attachments");
                    auto start = ExceptionDate(b, "start");
                    if (!start) return std::unexpected(start.error());
                    auto end = ExceptionDate(b, "end");
                    if (!end) return std::unexpected(end.error());
                    draft.start = *start;
                    draft.end = *end;
                    auto acted = UtcArgument(StringOf(b, "acted_at"), "acted_at");
                    if (!acted) return std::unexpected(acted.error());
                    draft.acted_at = acted->value_or(0);
                    const approval::Caller who = ExceptionCaller(call);
                    auto e = exceptions->Apply(who, draft);
                    if (!e) return std::unexpected(AuditedProblem(e.error()));
                    Response out = JsonResponse(201, approval::ExceptionToJson(*e, who.Now()));
                    out.headers.emplace_back("Location", "/v1/exceptions/" + e->terms.id);
                    return out;
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/exceptions/{exception}", [=](Call& call) -> HandlerResult {
                    const std::string& id = call.Param("exception");
                    const approval::Caller who = ExceptionCaller(call);
                    auto e = exceptions->Get(id);
                    if (!e) return std::unexpected(HiddenException(id));
                    if (!policy::SystemAllows(who.principal, "exception.ledger") &&
                        !MayViewApproval(*approvals, who, e->request)) {
                      return std::unexpected(HiddenException(id));
                    }
                    return JsonResponse(200, approval::ExceptionToJson(*e, who.Now()));
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/exceptions/{exception}/end", [=](Call& call) -> HandlerResult {
         const approval::Caller who = ExceptionCaller(call);
         auto e = exceptions->End(who, call.Param("exception"), StringOf(call.body, "reason"));
         if (!e) return std::unexpected(AuditedProblem(e.error()));
         return JsonResponse(200, approval::ExceptionToJson(*e, who.Now()));
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
