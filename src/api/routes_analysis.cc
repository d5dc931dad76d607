// The analysis of access records ([003 II.5(6)-(8)]; docs/REQUIREMENTS.md §6,
// docs/ANALYSIS.md): findings and the steps taken on them, the daily
// reconciliation lists and their confirmation, the state of the continuous
// evaluation, an on-demand report over a period, and the analysis policy.
//
//   GET  /v1/findings[?status&rule&owner&actor&format=csv]   GET /v1/findings/{finding}
//   POST /v1/findings/{finding}/review {"comment"} | /explain {"reason"} | /escalate {"reason"}
//   GET  /v1/lists[?date&dataset&state&format=csv]           GET /v1/lists/{list}
//   POST /v1/lists/{list}/confirm {"comment"}
//   GET  /v1/analysis/status        GET /v1/analysis/report?from=DATE&to=DATE
//   GET|PUT /v1/policy/analysis
//
// The route table authorises each route (finding.list, finding.update,
// list.show, list.confirm, analysis.status, analysis.run, policy.show,
// policy.update) and audits the reads; then what a person may see is
// narrowed to their own scope (analysis::Findings::MayView, Lists::MayView):
// a finding or list outside it is refused like a missing one would not be
// — 403 analysis.not_visible, audited. The analysis decides and audits who
// may take a step on a finding or confirm a list.
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/csv.h"
#include "analysis/facts.h"
#include "analysis/parameters.h"
#include "analysis/run.h"
#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "approval/flows.h"

namespace mamori::api {
namespace {

constexpr std::string_view kNotVisible = "analysis.not_visible";
// An on-demand report over the API is bounded; longer periods are for
// `mamori analysis run`, which streams.
constexpr int kMaxReportDays = 31;

std::expected<bool, Problem> WantsCsv(const Call& call) {
  const std::string format = call.QueryText("format");
  if (format.empty() || format == "json") return false;
  if (format == "csv") return true;
  return std::unexpected(Problem::Make("invalid_argument", "format must be json or csv",
                                       "format は json または csv で指定してください", "format"));
}

Response CsvResponse(std::string body, const std::string& name) {
  Response r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  return r;
}

// A refusal of something outside the caller's scope, audited as the
// operation the route performs.
Problem NotVisible(const RouteDeps& deps, const Call& call, std::string_view what) {
  Status why = Status::PermissionDenied(
      "this " + std::string(what) + " is outside what you may see",
      "この" + std::string(what == "finding" ? "指摘" : "確認リスト") + "は参照できる範囲外です",
      std::string(kNotVisible));
  Status audited = deps.engine->RecordRefusal(
      call.Context(""), call.spec->operation, "", why,
      {{"target", audit::EventIdentifier(call.Param(std::string(what)))}});
  return AuditedProblem(audited);
}

std::expected<std::optional<CivilDate>, Problem> DateQuery(const Call& call,
                                                           const std::string& name) {
  const std::string text = call.QueryText(name);
  if (text.empty()) return std::optional<CivilDate>();
  auto d = ParseDate(text);
  if (!d) {
    return std::unexpected(Problem::Make("invalid_argument",
                                         name + " must be a date like 2025-01-14",
                                         name + " は 2025-01-14 の形式で指定してください", name));
  }
  return d;
}

Status AddFindingRoutes(Router& router, const RouteDeps& deps) {
  analysis::Findings* findings = deps.findings;
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/findings", [=](Call& call) -> HandlerResult {
         analysis::FindingFilter filter;
         if (auto s = call.Query("status"); s && !s->empty()) {
           filter.status = analysis::ParseFindingStatus(*s);
           if (!filter.status) {
             return std::unexpected(Problem::Make(
                 "invalid_argument", "status must be new, under_review, explained or escalated",
                 "status は new, under_review, explained, escalated のいずれかです", "status"));
           }
         }
         if (auto r = call.Query("rule"); r && !r->empty()) {
           filter.rule = analysis::ParseRule(*r);
           if (!filter.rule) {
             return std::unexpected(
                 Problem::Make("invalid_argument", "unknown rule", "未知の規則です", "rule"));
           }
         }
         filter.owner = call.QueryText("owner");
         filter.actor = call.QueryText("actor");
         auto csv = WantsCsv(call);
         if (!csv) return std::unexpected(csv.error());
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto all = findings->List(filter);
         if (!all) return std::unexpected(Problem::FromStatus(all.error()));
         std::vector<analysis::Finding> visible;
         for (auto& f : *all) {
           if (analysis::Findings::MayView(*call.principal, f)) visible.push_back(std::move(f));
         }
         if (*csv) return CsvResponse(analysis::FindingsCsv(visible), "findings");
         auto out = JsonPage(
             "findings", visible, *page, [](const analysis::Finding& f) { return f.id; },
             [](const analysis::Finding& f) { return analysis::FindingToJson(f); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/findings/{finding}", [=](Call& call) -> HandlerResult {
                    auto f = findings->Get(call.Param("finding"));
                    if (!f) return std::unexpected(Problem::FromStatus(f.error()));
                    if (!analysis::Findings::MayView(*call.principal, *f)) {
                      return std::unexpected(NotVisible(deps, call, "finding"));
                    }
                    return JsonResponse(200, analysis::FindingToJson(*f));
                  }}));

  for (const std::string step : {"review", "explain", "escalate"}) {
    MAMORI_RETURN_IF_ERROR(router.Add(
        {"POST", "/v1/findings/{finding}/" + step, [=](Call& call) -> HandlerResult {
           const std::string& id = call.Param("finding");
           const policy::Caller caller = CallerOf(call);
           auto done =
               step == "review"    ? findings->Review(caller, id, StringOf(call.body, "comment"))
               : step == "explain" ? findings->Explain(caller, id, StringOf(call.body, "reason"))
                                   : findings->Escalate(caller, id, StringOf(call.body, "reason"));
           if (!done) return std::unexpected(AuditedProblem(done.error()));
           return JsonResponse(200, analysis::FindingToJson(*done));
         }}));
  }
  return Status::Ok();
}

Status AddListRoutes(Router& router, const RouteDeps& deps) {
  analysis::Lists* lists = deps.lists;
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/lists", [=](Call& call) -> HandlerResult {
         analysis::ListFilter filter;
         auto date = DateQuery(call, "date");
         if (!date) return std::unexpected(date.error());
         filter.date = *date;
         filter.dataset = call.QueryText("dataset");
         if (auto s = call.Query("state"); s && !s->empty()) {
           filter.state = analysis::ParseListState(*s);
           if (!filter.state) {
             return std::unexpected(
                 Problem::Make("invalid_argument", "state must be pending or confirmed",
                               "state は pending または confirmed です", "state"));
           }
         }
         auto csv = WantsCsv(call);
         if (!csv) return std::unexpected(csv.error());
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto all = lists->List(filter);
         if (!all) return std::unexpected(Problem::FromStatus(all.error()));
         std::vector<analysis::ReconciliationList> visible;
         for (auto& l : *all) {
           if (analysis::Lists::MayView(*call.principal, l)) visible.push_back(std::move(l));
         }
         if (*csv) return CsvResponse(analysis::ListsCsv(visible), "lists");
         auto out = JsonPage(
             "lists", visible, *page, [](const analysis::ReconciliationList& l) { return l.id; },
             [](const analysis::ReconciliationList& l) { return analysis::ListToJson(l); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/lists/{list}", [=](Call& call) -> HandlerResult {
                                       auto l = lists->Get(call.Param("list"));
                                       if (!l)
                                         return std::unexpected(Problem::FromStatus(l.error()));
                                       if (!analysis::Lists::MayView(*call.principal, *l)) {
                                         return std::unexpected(NotVisible(deps, call, "list"));
                                       }
                                       return JsonResponse(200, analysis::ListToJson(*l));
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/lists/{list}/confirm", [=](Call& call) -> HandlerResult {
                    auto done = lists->Confirm(CallerOf(call), call.Param("list"),
                                               StringOf(call.body, "comment"));
                    if (!done) return std::unexpected(AuditedProblem(done.error()));
                    return JsonResponse(200, analysis::ListToJson(*done));
                  }}));
  return Status::Ok();
}

nlohmann::json StatusJson(const RouteDeps& deps) {
  if (!deps.monitor) return {{"running", false}};
  const analysis::Heartbeat h = deps.monitor->heartbeat();
  const TimeMicros now = NowMicros();
  return {{"running", h.running},
          {"behind", h.Behind(now)},
          {"lag_seconds", h.LagSeconds(now)},
          {"evaluated", h.evaluated},
          {"log_size", h.log_size},
          {"last_round", h.last_round ? FormatUtc(h.last_round) : ""},
          {"rounds", h.rounds},
          {"failures", h.failures},
          {"behind_seconds", h.behind_seconds}};
}

Status AddStatusAndReportRoutes(Router& router, const RouteDeps& deps) {
  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/analysis/status", [=](Call&) -> HandlerResult {
                                       return JsonResponse(200, StatusJson(deps));
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/analysis/report", [=](Call& call) -> HandlerResult {
         auto from = DateQuery(call, "from");
         if (!from) return std::unexpected(from.error());
         auto to = DateQuery(call, "to");
         if (!to) return std::unexpected(to.error());
         if (!*from || !*to || **to < **from ||
             DaysFromCivil(**to) - DaysFromCivil(**from) >= kMaxReportDays) {
           return std::unexpected(Problem::Make(
               "invalid_argument",
               "from and to are dates, from <= to, at most 31 days (mamori analysis run has no "
               "limit)",
               "from と to は日付で from <= to、31日以内です (mamori analysis run は制限なし)",
               "period"));
         }
         store::Storage& store = deps.engine->data_store();
         auto params = analysis::GetParameters(store);
         if (!params) return std::unexpected(Problem::FromStatus(params.error()));
         auto facts = analysis::LoadFacts(store);
         if (!facts) return std::unexpected(Problem::FromStatus(facts.error()));
         const TimeMicros begin = JstMidnight(**from);
         const TimeMicros end = JstMidnight(CivilFromDays(DaysFromCivil(**to) + 1));
         uint64_t first = 0;
         Status located = store.View([&](store::ReadTxn& txn) -> Status {
           MAMORI_ASSIGN_OR_RETURN(
               first, analysis::FirstSeqAtOrAfter(
                          txn, begin - analysis::WarmupDays(*params) * 86'400 * kMicrosPerSecond));
           return Status::Ok();
         });
         if (!located.ok()) return std::unexpected(Problem::FromStatus(located));
         nlohmann::json found = nlohmann::json::array();
         auto source = analysis::LogSource(store, first);
         // As for stored findings (Findings::MayView): nobody is shown the
         // monitoring of themselves, whoever may run the report.
         const std::string& caller = call.principal->id;
         Status ran = analysis::RunAnalysis(*source, *params, *facts, begin, end,
                                            [&](const analysis::Finding& f) {
                                              if (f.actor == caller) return Status::Ok();
                                              found.push_back(analysis::FindingReportJson(f));
                                              return Status::Ok();
                                            });
         if (!ran.ok()) return std::unexpected(Problem::FromStatus(ran));
         return JsonResponse(200, {{"findings", found}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/policy/analysis", [=](Call&) -> HandlerResult {
                                       auto p = analysis::GetParameters(deps.engine->data_store());
                                       if (!p)
                                         return std::unexpected(Problem::FromStatus(p.error()));
                                       return JsonResponse(200, analysis::ParametersToJson(*p));
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"PUT", "/v1/policy/analysis", [=](Call& call) -> HandlerResult {
                    store::Storage& store = deps.engine->data_store();
                    auto current = analysis::GetParameters(store);
                    if (!current) return std::unexpected(Problem::FromStatus(current.error()));
                    // Members present replace those in force; the result is validated.
                    auto p = analysis::ParametersFromJson(call.body, *current);
                    if (!p) return std::unexpected(Problem::FromStatus(p.error()));
                    // One person does not change detection parameters alone
                    // (approval/flows.h policy_change): the change is the one an
                    // approved request of the caller's names by its digest.
                    const engine::Context ctx = call.Context("");
                    const std::string approval_id = call.QueryText("approval");
                    const std::string digest = approval::PolicyChangeDigest(call.body);
                    const TimeMicros now = ctx.time ? ctx.time : NowMicros();
                    Status s = analysis::SetParameters(
                        store, ctx, *p, [&](store::WriteTxn& txn, audit::Event& ev) -> Status {
                          if (!approval_id.empty()) {
                            ev.attrs["approval"] = audit::EventIdentifier(approval_id);
                          }
                          return approval::UsePolicyChange(txn, approval_id, "policy/analysis",
                                                           digest, ctx.actor, now);
                        });
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return JsonResponse(200, analysis::ParametersToJson(*p));
                  }}));
  return Status::Ok();
}

}  // namespace

Status AddAnalysisRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.findings || !deps.lists || !deps.engine) {
    return Status::InvalidArgument("the analysis routes need findings, lists and an engine",
                                   "分析のルートには指摘・確認リスト・エンジンが必要です");
  }
  MAMORI_RETURN_IF_ERROR(AddFindingRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddListRoutes(router, deps));
  return AddStatusAndReportRoutes(router, deps);
}

}  // namespace mamori::api
