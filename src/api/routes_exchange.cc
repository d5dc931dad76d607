// /v1/connections (the connection register and its card) and
// /v1/exchange/{kind} (the inbound exchange, peer nodes only): see
// exchange/connections.h and exchange/node.h.
#include "api/paging.h"
#include "api/routes.h"
#include "exchange/card.h"
#include "exchange/connections.h"
#include "exchange/node.h"

namespace mamori::api {

namespace {

using nlohmann::json;

json PublicJson(const exchange::Connection& c) { return exchange::ToJson(c); }

}  // namespace

Status AddConnectionRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.engine) {
    return Status::InvalidArgument("the connection routes need the engine",
                                   "接続のルートにはエンジンが必要です");
  }
  auto connections = std::make_shared<exchange::Connections>(deps.engine->data_store());
  auto provisions = std::make_shared<exchange::Provisions>(deps.engine->data_store());
  exchange::Node* node = deps.exchange;
  engine::Engine* engine = deps.engine;

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/connections", [=](Call& call) -> HandlerResult {
                                       auto page = PageParamsOf(call);
                                       if (!page) return std::unexpected(page.error());
                                       auto list = connections->List();
                                       if (!list)
                                         return std::unexpected(Problem::FromStatus(list.error()));
                                       auto out = JsonPage(
                                           "connections", *list, *page,
                                           [](const exchange::Connection& c) { return c.id; },
                                           PublicJson);
                                       if (!out) return std::unexpected(out.error());
                                       return JsonResponse(200, *out);
                                     }}));
  MAMORI_RETURN_IF_ERROR(router.Add({"POST", "/v1/connections", [=](Call& call) -> HandlerResult {
                                       auto added = connections->Add(call.Context(""), call.body);
                                       if (!added)
                                         return std::unexpected(AuditedProblem(added.error()));
                                       return JsonResponse(201, PublicJson(*added));
                                     }}));
  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/connections/{connection}", [=](Call& call) -> HandlerResult {
                    auto c = connections->Get(call.Param("connection"));
                    if (!c) return std::unexpected(Problem::FromStatus(c.error()));
                    return JsonResponse(200, PublicJson(*c));
                  }}));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/connections/{connection}/card", [=](Call& call) -> HandlerResult {
         auto c = connections->Get(call.Param("connection"));
         if (!c) return std::unexpected(Problem::FromStatus(c.error()));
         const std::string format = call.QueryText("format");
         if (format == "text") {
           Response r;
           r.content_type = "text/plain; charset=utf-8";
           r.body = exchange::CardText(*c);
           return r;
         }
         if (!format.empty() && format != "json") {
           return std::unexpected(Problem::Make("invalid_argument", "format must be json or text",
                                                "format は json または text です", "format"));
         }
         return JsonResponse(200, exchange::Card(*c));
       }}));
  for (const bool suspend : {true, false}) {
    const std::string path =
        std::string("/v1/connections/{connection}/") + (suspend ? "suspend" : "resume");
    MAMORI_RETURN_IF_ERROR(router.Add({"POST", path, [=](Call& call) -> HandlerResult {
                                         const std::string& id = call.Param("connection");
                                         const std::string reason = call.body.value("reason", "");
                                         const engine::Context ctx = call.Context("");
                                         json out;
                                         if (node != nullptr) {
                                           auto r = suspend ? node->Suspend(ctx, id, reason)
                                                            : node->Resume(ctx, id, reason);
                                           if (!r)
                                             return std::unexpected(AuditedProblem(r.error()));
                                           out = PublicJson(r->connection);
                                           out["counterpart_notified"] = r->notified;
                                         } else {
                                           auto r = suspend ? connections->Suspend(ctx, id, reason)
                                                            : connections->Resume(ctx, id, reason);
                                           if (!r)
                                             return std::unexpected(AuditedProblem(r.error()));
                                           out = PublicJson(*r);
                                           out["counterpart_notified"] = false;
                                         }
                                         return JsonResponse(200, out);
                                       }}));
  }
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/connections/{connection}/provisions", [=](Call& call) -> HandlerResult {
         const std::string& id = call.Param("connection");
         auto c = connections->Get(id);
         if (!c) return std::unexpected(Problem::FromStatus(c.error()));
         auto list = provisions->List(id);
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         json out = json::array();
         for (const auto& r : *list) out.push_back(exchange::ToJson(r));
         return JsonResponse(200, {{"provisions", out}});
       }}));

  (void)engine;
  return Status::Ok();
}

Status AddExchangeRoutes(Router& router, const RouteDeps& deps) {
  exchange::Node* node = deps.exchange;
  // Peer nodes only (Guard::kPeer): on the API's own listener the guard
  // refuses everyone before this runs; on the exchange listener the node
  // answers.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/exchange/{kind}", [=](Call& call) -> HandlerResult {
         if (node == nullptr) {
           return std::unexpected(Problem::Make("not_found", "this server is no exchange node",
                                                "このサーバは交換ノードではありません",
                                                "exchange"));
         }
         auto answer =
             node->Receive(call.request.info.peer.cert_der, call.Param("kind"), call.request.body);
         if (!answer) return std::unexpected(AuditedProblem(answer.error()));
         Response r;
         r.content_type = "application/json";
         r.body = std::move(*answer);
         return r;
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
