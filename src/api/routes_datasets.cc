// Datasets (台帳): list, register, show, and the ledger view. The route table
// declares each a system operation (dataset.list, …); the engine validates a
// definition and audits every operation and refusal.
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"

namespace mamori::api {
namespace {

std::string DatasetLocation(std::string_view name) { return "/v1/datasets/" + std::string(name); }

}  // namespace

Status AddDatasetRoutes(Router& router, const RouteDeps& deps) {
  engine::Engine* engine = deps.engine;

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/datasets", [=](Call& call) -> HandlerResult {
                                       const engine::Context ctx = call.Context("");
                                       auto list = engine->ListDatasets(ctx);
                                       if (!list) {
                                         return std::unexpected(EngineProblem(list.error(), ctx));
                                       }
                                       nlohmann::json out = nlohmann::json::array();
                                       for (const auto& def : *list) {
                                         out.push_back(engine::DatasetDefToJson(def));
                                       }
                                       return JsonResponse(200, {{"datasets", std::move(out)}});
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/datasets", [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context("");
                    auto def = engine->CreateDataset(ctx, call.body);
                    if (!def) {
                      return std::unexpected(EngineProblem(def.error(), ctx));
                    }
                    Response r = JsonResponse(201, engine::DatasetDefToJson(*def));
                    r.headers.emplace_back("Location", DatasetLocation(def->name));
                    return r;
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/datasets/{ds}", [=](Call& call) -> HandlerResult {
                                       const engine::Context ctx = call.Context("");
                                       auto def = engine->GetDataset(ctx, call.Param("ds"));
                                       if (!def) {
                                         return std::unexpected(EngineProblem(def.error(), ctx));
                                       }
                                       return JsonResponse(200, engine::DatasetDefToJson(*def));
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/datasets/{ds}/ledger", [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context("");
                    auto ledger = engine->Ledger(ctx, call.Param("ds"));
                    if (!ledger) return std::unexpected(EngineProblem(ledger.error(), ctx));
                    return JsonResponse(200, *ledger);
                  }}));
  return Status::Ok();
}

}  // namespace mamori::api
