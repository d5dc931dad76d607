// Incidents (漏えい等事案, [002 第31-33条], [003 II.2(8)];
// governance/incidents.h, governance/incident_form.h):
//
//   GET  /v1/incidents[?state&reportable&overdue]   the incidents the caller may read
//   POST /v1/incidents  {fields…, "aware", "finding"}  report one (internal desk),
//                        register an outside report ("source": "external"), or
//                        escalate an analysis finding ("finding": "F…")
//   GET  /v1/incidents/{incident}
//   POST /v1/incidents/{incident}/steps {"step", "date", "reported", "reason",
//                                        "note", "fields"}   one step of the flow
//   GET  /v1/incidents/{incident}/report-form?kind=preliminary|final[&format=json|text|html]
//
// One route for every step (the step is a member of the body): the route
// table lets the responders (incident.step) call it, and the record decides
// again, in the transaction that records the step, whether the caller's
// roles take that step (incident.<step>) and whether it is its turn.
//
// Who reads an incident: its reporter, and the incident.read_all holders
// (SIRT, the CISO line, auditors); anyone else is answered 404.
#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "governance/incident_form.h"
#include "governance/incidents.h"

namespace mamori::api {
namespace {

using json = nlohmann::json;

Problem HiddenIncident(std::string_view id) {
  return Problem::FromStatus(
      Status::NotFound("no incident " + audit::EventIdentifier(id),
                       "漏えい等事案 " + audit::EventIdentifier(id) + " はありません", "incident"));
}

Response TextResponse(std::string content_type, std::string body) {
  Response r;
  r.status = 200;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace

Status AddIncidentRoutes(Router& router, const RouteDeps& deps) {
  governance::Incidents* incidents = deps.incidents;
  if (!incidents) {
    return Status::InvalidArgument("the incident routes need the incident records",
                                   "漏えい等事案のルートには事案の記録が必要です");
  }
  // The record with what follows from it at `now`.
  auto view = [incidents](const governance::Incident& i,
                          TimeMicros now) -> std::expected<json, Problem> {
    auto calendar = incidents->Calendar();
    if (!calendar) return std::unexpected(Problem::FromStatus(calendar.error()));
    return governance::IncidentToJson(i, incidents->policy(), *calendar, JstDate(now));
  };

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/incidents", [=](Call& call) -> HandlerResult {
                                       const policy::Caller who = CallerOf(call);
                                       auto all = incidents->List();
                                       if (!all)
                                         return std::unexpected(Problem::FromStatus(all.error()));
                                       auto reportable = QueryBool(call, "reportable");
                                       if (!reportable) return std::unexpected(reportable.error());
                                       auto overdue = QueryBool(call, "overdue");
                                       if (!overdue) return std::unexpected(overdue.error());
                                       const std::string state = call.QueryText("state");
                                       const TimeMicros now = who.Now();
                                       std::vector<json> rows;
                                       for (const auto& i : *all) {
                                         if (!governance::Incidents::MayRead(who.principal, i))
                                           continue;
                                         if (!state.empty() && i.state != state) continue;
                                         auto j = view(i, now);
                                         if (!j) return std::unexpected(j.error());
                                         if (*reportable && !(*j)["reportable"].get<bool>())
                                           continue;
                                         if (*overdue && (*j)["overdue"].empty()) continue;
                                         rows.push_back(std::move(*j));
                                       }
                                       auto page = PageParamsOf(call);
                                       if (!page) return std::unexpected(page.error());
                                       auto out = JsonPage(
                                           "incidents", rows, *page,
                                           [](const json& j) { return j["id"].get<std::string>(); },
                                           [](const json& j) { return j; });
                                       if (!out) return std::unexpected(out.error());
                                       return JsonResponse(200, *out);
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/incidents", [=](Call& call) -> HandlerResult {
                    const policy::Caller who = CallerOf(call);
                    json fields = call.body.is_object() ? call.body : json::array();
                    std::string finding;
                    if (fields.is_object() && fields.contains("finding")) {
                      if (!fields["finding"].is_string()) {
                        return std::unexpected(BadMember("finding", "finding must be a finding id",
                                                         "finding は指摘の ID です"));
                      }
                      finding = fields["finding"].get<std::string>();
                      if (finding.empty()) {
                        return std::unexpected(BadMember("finding", "finding must be a finding id",
                                                         "finding は指摘の ID です"));
                      }
                      fields.erase("finding");
                    }
                    auto i = incidents->Report(who, fields, finding);
                    if (!i) return std::unexpected(AuditedProblem(i.error()));
                    auto j = view(*i, who.Now());
                    if (!j) return std::unexpected(j.error());
                    Response out = JsonResponse(201, *j);
                    out.headers.emplace_back("Location", "/v1/incidents/" + i->id);
                    return out;
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/incidents/{incident}", [=](Call& call) -> HandlerResult {
                    const std::string& id = call.Param("incident");
                    const policy::Caller who = CallerOf(call);
                    auto i = incidents->Get(id);
                    if (!i || !governance::Incidents::MayRead(who.principal, *i)) {
                      return std::unexpected(HiddenIncident(id));
                    }
                    auto j = view(*i, who.Now());
                    if (!j) return std::unexpected(j.error());
                    return JsonResponse(200, *j);
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/incidents/{incident}/steps", [=](Call& call) -> HandlerResult {
         const policy::Caller who = CallerOf(call);
         const json& b = call.body;
         if (!b.is_object() || !b.contains("step") || !b["step"].is_string()) {
           return std::unexpected(BadMember("step", "step is required", "step は必須です"));
         }
         json rest = b;
         rest.erase("step");
         auto i = incidents->Step(who, call.Param("incident"), b["step"].get<std::string>(), rest);
         if (!i) return std::unexpected(AuditedProblem(i.error()));
         auto j = view(*i, who.Now());
         if (!j) return std::unexpected(j.error());
         return JsonResponse(200, *j);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/incidents/{incident}/report-form", [=](Call& call) -> HandlerResult {
         const std::string& id = call.Param("incident");
         const policy::Caller who = CallerOf(call);
         auto i = incidents->Get(id);
         if (!i || !governance::Incidents::MayRead(who.principal, *i)) {
           return std::unexpected(HiddenIncident(id));
         }
         const std::string format = call.QueryText("format");
         if (!format.empty() && format != "json" && format != "text" && format != "html") {
           return std::unexpected(
               Problem::Make("invalid_argument", "format must be json, text or html",
                             "format は json, text, html のいずれかです", "format"));
         }
         auto calendar = incidents->Calendar();
         if (!calendar) return std::unexpected(Problem::FromStatus(calendar.error()));
         auto form =
             governance::ReportForm(*i, call.QueryText("kind"), incidents->policy(), *calendar);
         if (!form) return std::unexpected(Problem::FromStatus(form.error()));
         if (format == "text") {
           return TextResponse("text/plain; charset=utf-8", governance::ReportFormText(*form));
         }
         if (format == "html") {
           return TextResponse("text/html; charset=utf-8", governance::ReportFormHtml(*form));
         }
         return JsonResponse(200, *form);
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
