// Liveness, readiness and metrics: public, cheap, and free of personal data.
// /healthz and /readyz are on every listener; /metrics only on the
// operations listener (config metrics_listen, api_server.h).
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"
#include "audit/log.h"

namespace mamori::api {

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
         return JsonResponse(200, {{"status", "ready"}});
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
  }
  return Status::Ok();
}

}  // namespace mamori::api
