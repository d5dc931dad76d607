// The compliance report and the attestations it reads
// (governance/compliance_report.h, governance/attestations.h):
//
//   GET  /v1/reports/compliance[?format=json|html|csv|xlsx&source=000..004]
//   GET  /v1/reports/attestations[?source=000..004]
//   POST /v1/reports/attestations {"source", "clause", "statement", "until"}
//
// The route table authorises each (report.compliance and
// report.attestations: the CISO line and internal audit; report.attest:
// the CISO line), and Attestations decides the attester again in the
// transaction that records it. The report is computed from the live store
// on each call; it holds identifiers, counts and dates, no personal data.
#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/routes.h"
#include "approval/people.h"
#include "exchange/compliance_probe.h"
#include "governance/attestations.h"
#include "governance/compliance_report.h"
#include "governance/report_formats.h"
#include "identity/identity.h"

namespace mamori::api {
namespace {

std::expected<std::string, Problem> SourceQuery(const Call& call) {
  std::string source = call.QueryText("source");
  if (!source.empty() && !governance::IsSource(source)) {
    return std::unexpected(
        Problem::Make("invalid_argument", "source must be one of 000, 001, 002, 003, 004",
                      "source は 000、001、002、003、004 のいずれかです", "source"));
  }
  return source;
}

}  // namespace

governance::EvidenceSources EvidenceOf(const RouteDeps& deps, TimeMicros now,
                                       const approval::People* people) {
  governance::EvidenceSources s;
  s.people = people;
  s.more_probes = exchange::AddConnectionsProbe;
  s.storage = &deps.engine->data_store();
  s.engine = deps.engine;
  s.lists = deps.lists;
  s.reviews = deps.reviews;
  s.exceptions = deps.exceptions;
  s.now = now;
  return s;
}

Status AddReportRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.engine) {
    return Status::InvalidArgument("the report routes need the engine",
                                   "報告のルートにはエンジンが必要です");
  }
  engine::Engine* engine = deps.engine;
  // The directory's people for the training probe, alive with the handlers.
  std::shared_ptr<const approval::IdentityPeople> people;
  if (deps.identity) {
    people = std::make_shared<const approval::IdentityPeople>(deps.identity->directory());
  }

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/reports/compliance", [=](Call& call) -> HandlerResult {
         auto format = governance::ParseReportFormat(call.QueryText("format"));
         if (!format) {
           return std::unexpected(
               Problem::Make("invalid_argument", "format must be json, html, csv or xlsx",
                             "format は json、html、csv、xlsx のいずれかです", "format"));
         }
         auto source = SourceQuery(call);
         if (!source) return std::unexpected(source.error());
         auto report =
             governance::ComplianceReportNow(EvidenceOf(deps, NowMicros(), people.get()), *source);
         if (!report) return std::unexpected(Problem::FromStatus(report.error()));
         auto body = governance::RenderReport(*report, *format);
         if (!body) return std::unexpected(Problem::FromStatus(body.error()));
         Response r;
         r.status = 200;
         r.content_type = std::string(governance::ReportContentType(*format));
         r.body = std::move(*body);
         if (*format != governance::ReportFormat::kJson) {
           r.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"compliance." +
                                      std::string(governance::ReportFileExtension(*format)) + "\"");
         }
         return r;
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/reports/attestations", [=](Call& call) -> HandlerResult {
                    auto source = SourceQuery(call);
                    if (!source) return std::unexpected(source.error());
                    auto list = governance::Attestations(engine->data_store()).List(*source);
                    if (!list) return std::unexpected(Problem::FromStatus(list.error()));
                    const TimeMicros now = NowMicros();
                    nlohmann::json out = nlohmann::json::array();
                    for (const auto& a : *list)
                      out.push_back(governance::AttestationToJson(a, now));
                    return JsonResponse(200, {{"attestations", out}});
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/reports/attestations", [=](Call& call) -> HandlerResult {
         governance::AttestationDraft d;
         d.source = StringOf(call.body, "source");
         d.clause = StringOf(call.body, "clause");
         d.statement = StringOf(call.body, "statement");
         auto until = ParseDate(StringOf(call.body, "until"));
         if (!until) {
           return std::unexpected(Problem::Make("invalid_argument",
                                                "until must be a date like 2027-03-31",
                                                "until は 2027-03-31 の形式の日付です", "until"));
         }
         d.until = *until;
         auto a = governance::Attestations(engine->data_store()).Attest(CallerOf(call), d);
         if (!a) return std::unexpected(AuditedProblem(a.error()));
         Response out = JsonResponse(201, governance::AttestationToJson(*a, a->at));
         out.headers.emplace_back("Location", "/v1/reports/attestations");
         return out;
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
