// Datasets (台帳): list, register, show, and the ledger view.
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"

namespace mamori::api {
namespace {

std::string DatasetLocation(std::string_view name) { return "/v1/datasets/" + std::string(name); }

}  // namespace

Status AddDatasetRoutes(Router& router, const RouteDeps& deps) {
  engine::Engine* engine = deps.engine;
  Authorizer* authz = deps.authorizer;

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/datasets", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context("");
         if (auto ok = Authorize(*authz, call, {"dataset.list", "", "", ""}); !ok) {
           return std::unexpected(ok.error());
         }
         auto list = engine->ListDatasets(ctx);
         if (!list) return std::unexpected(EngineProblem(list.error(), ctx));
         nlohmann::json out = nlohmann::json::array();
         for (const auto& def : *list) out.push_back(engine::DatasetDefToJson(def));
         return JsonResponse(200, {{"datasets", std::move(out)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/datasets", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context("");
         auto body = JsonBody(call);
         const nlohmann::json definition = body ? *body : nlohmann::json(nullptr);
         const std::string name =
             definition.is_object() && definition.contains("name") && definition["name"].is_string()
                 ? definition["name"].get<std::string>()
                 : "";
         if (auto ok = Authorize(*authz, call, {"dataset.create", name, "", ""}); !ok) {
           return std::unexpected(ok.error());
         }
         // An undecodable body still reaches the engine (as null), which
         // refuses and audits it; the client gets the decoding problem.
         auto def = engine->CreateDataset(ctx, definition);
         if (!body) return std::unexpected(body.error());
         if (!def) return std::unexpected(EngineProblem(def.error(), ctx));
         Response r = JsonResponse(201, engine::DatasetDefToJson(*def));
         r.headers.emplace_back("Location", DatasetLocation(def->name));
         return r;
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/datasets/{ds}", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context("");
         const std::string& ds = call.Param("ds");
         if (auto ok = Authorize(*authz, call, {"dataset.show", ds, "", ""}); !ok) {
           return std::unexpected(ok.error());
         }
         auto def = engine->GetDataset(ctx, ds);
         if (!def) return std::unexpected(EngineProblem(def.error(), ctx));
         return JsonResponse(200, engine::DatasetDefToJson(*def));
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET",
                  "/v1/datasets/{ds}/ledger",
                  Access::kAuthenticated,
                  {},
                  [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context("");
                    const std::string& ds = call.Param("ds");
                    if (auto ok = Authorize(*authz, call, {"dataset.ledger", ds, "", ""}); !ok) {
                      return std::unexpected(ok.error());
                    }
                    auto ledger = engine->Ledger(ctx, ds);
                    if (!ledger) return std::unexpected(EngineProblem(ledger.error(), ctx));
                    return JsonResponse(200, *ledger);
                  }}));
  return Status::Ok();
}

}  // namespace mamori::api
