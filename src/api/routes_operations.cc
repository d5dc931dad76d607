// Liveness, readiness and metrics: public, cheap, and free of personal data.
// /healthz and /readyz are on every listener; /metrics only on the
// operations listener (config metrics_listen, api_server.h).
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"
#include "audit/log.h"

namespace mamori::api {
namespace {

// The witnessing state in the Prometheus text format. No sizes: they count
// activity, and /metrics may be open.
std::string WitnessMetrics(const engine::WitnessState& w) {
  std::string out;
  out +=
      "# HELP mamori_audit_witness_behind 1 while some witness lacks the latest signed head.\n"
      "# TYPE mamori_audit_witness_behind gauge\n"
      "mamori_audit_witness_behind " +
      std::to_string(w.behind ? 1 : 0) + "\n";
  out +=
      "# HELP mamori_audit_witness_failures_total Failed writes of a signed head to a witness.\n"
      "# TYPE mamori_audit_witness_failures_total counter\n"
      "mamori_audit_witness_failures_total " +
      std::to_string(w.failures) + "\n";
  out +=
      "# HELP mamori_audit_witness_last_success_timestamp_seconds When every witness last held "
      "the latest signed head (0: not yet).\n"
      "# TYPE mamori_audit_witness_last_success_timestamp_seconds gauge\n"
      "mamori_audit_witness_last_success_timestamp_seconds " +
      std::to_string(w.last_success / 1'000'000) + "\n";
  return out;
}

// The continuous analysis's heartbeat: whether it is behind and when it last
// ran; with `detail` (metrics_detail) also how long the oldest waiting event
// has waited, which moves with activity. Never counts of events or findings:
// those would tell who is watched.
std::string AnalysisMetrics(const analysis::Heartbeat& h, bool detail) {
  const TimeMicros now = NowMicros();
  std::string out;
  out +=
      "# HELP mamori_analysis_behind 1 while the analysis of the audit log is behind it "
      "(an event waited longer than behind_seconds, or no round ran for that long).\n"
      "# TYPE mamori_analysis_behind gauge\n"
      "mamori_analysis_behind " +
      std::to_string(h.Behind(now) ? 1 : 0) + "\n";
  out +=
      "# HELP mamori_analysis_last_round_timestamp_seconds When the analysis last committed a "
      "round (0: not yet).\n"
      "# TYPE mamori_analysis_last_round_timestamp_seconds gauge\n"
      "mamori_analysis_last_round_timestamp_seconds " +
      std::to_string(h.last_round / 1'000'000) + "\n";
  if (detail) {
    out +=
        "# HELP mamori_analysis_lag_seconds How long the oldest event not yet analysed has "
        "waited.\n"
        "# TYPE mamori_analysis_lag_seconds gauge\n"
        "mamori_analysis_lag_seconds " +
        std::to_string(h.LagSeconds(now)) + "\n";
  }
  return out;
}

}  // namespace

Status AddOperationsRoutes(Router& router, const RouteDeps& deps) {
  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/healthz", [](Call&) -> HandlerResult {
                                       return JsonResponse(200, {{"status", "ok"}});
                                     }}));

  // Ready = not draining, and the data store takes a write transaction: an
  // empty Update goes through the committer thread and takes SQLite's write
  // lock but writes no page, so it costs no sync.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/readyz", [deps](Call&) -> HandlerResult {
         if (deps.draining && deps.draining->load()) {
           return std::unexpected(Problem::Make(
               problem_code::kNotReady, "the server is shutting down", "サーバは停止処理中です"));
         }
         Status s = deps.engine->data_store().Update([](store::WriteTxn&) { return Status::Ok(); });
         if (!s.ok()) {
           Problem p = Problem::Make(problem_code::kNotReady, "the data store is not writable",
                                     "データストアに書き込めません", "store");
           p.log_detail = s.ToString();
           return std::unexpected(std::move(p));
         }
         nlohmann::json ready = {{"status", "ready"}};
         // A witness that is behind does not make the server unready: the
         // store is the record and keeps serving; the head is retried, and
         // this and /metrics say so (docs/SERVER.md, "Witnessed heads").
         if (deps.witnessing) {
           const engine::WitnessState w = deps.witnessing->State();
           ready["witness"] = w.behind ? "behind" : "ok";
         }
         // The same for the analysis: behind is said, not made unready.
         if (deps.monitor) {
           ready["analysis"] = deps.monitor->heartbeat().Behind(NowMicros()) ? "behind" : "ok";
         }
         return JsonResponse(200, ready);
       }}));

  return Status::Ok();
}

Status AddMetricsRoute(Router& router, const RouteDeps& deps, bool detail) {
  if (!deps.metrics) return Status::InvalidArgument("the metrics route needs metrics");
  return router.Add({"GET", "/metrics", [deps, detail](Call&) -> HandlerResult {
                       std::optional<uint64_t> events;
                       if (detail && deps.engine) {
                         Status s =
                             deps.engine->data_store().View([&](store::ReadTxn& txn) -> Status {
                               MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                               events = head.size;
                               return Status::Ok();
                             });
                         if (!s.ok()) events.reset();
                       }
                       Response r;
                       r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                       r.body = deps.metrics->Render(detail, events);
                       // Whether the witness keeps up: no sizes or times of
                       // activity, only its health.
                       if (deps.witnessing) r.body += WitnessMetrics(deps.witnessing->State());
                       // The same for the analysis of the log.
                       if (deps.monitor) {
                         r.body += AnalysisMetrics(deps.monitor->heartbeat(), detail);
                       }
                       return r;
                     }});
}

Status AddAllRoutes(Router& router, const RouteDeps& deps) {
  MAMORI_RETURN_IF_ERROR(AddOperationsRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddDatasetRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddRecordRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddAuditRoutes(router, deps));
  if (deps.identity) MAMORI_RETURN_IF_ERROR(AddAuthRoutes(router, deps));
  if (deps.identity) {
    MAMORI_RETURN_IF_ERROR(AddUserRoutes(router, deps));
    MAMORI_RETURN_IF_ERROR(AddDeviceRoutes(router, deps));
  }
  // Reviews revoke through the register, so they come with the rights flow.
  if (deps.rights) {
    MAMORI_RETURN_IF_ERROR(AddRightsRoutes(router, deps));
    MAMORI_RETURN_IF_ERROR(AddReviewRoutes(router, deps));
    if (deps.approvals) MAMORI_RETURN_IF_ERROR(AddApprovalRoutes(router, deps));
    if (deps.approvals && deps.exceptions) {
      MAMORI_RETURN_IF_ERROR(AddExceptionRoutes(router, deps));
    }
    if (deps.approvals) MAMORI_RETURN_IF_ERROR(AddTakeoutRoutes(router, deps));
  }
  if (deps.findings) MAMORI_RETURN_IF_ERROR(AddAnalysisRoutes(router, deps));
  if (deps.registers) MAMORI_RETURN_IF_ERROR(AddRegisterRoutes(router, deps));
  if (deps.identity) MAMORI_RETURN_IF_ERROR(AddTrainingRoutes(router, deps));
  if (deps.identity) MAMORI_RETURN_IF_ERROR(AddAuditPlanRoutes(router, deps));
  if (deps.identity) MAMORI_RETURN_IF_ERROR(AddInspectionRoutes(router, deps));
  if (deps.inquiries) MAMORI_RETURN_IF_ERROR(AddInquiryRoutes(router, deps));
  if (deps.incidents) MAMORI_RETURN_IF_ERROR(AddIncidentRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddConnectionRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddExchangeRoutes(router, deps));
  if (deps.engine) MAMORI_RETURN_IF_ERROR(AddReportRoutes(router, deps));
  return Status::Ok();
}

}  // namespace mamori::api
