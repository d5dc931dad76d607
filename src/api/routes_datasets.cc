// Datasets (台帳): list, register, show, the ledger view of one and of all. The route table
// declares each a system operation (dataset.list, …); the engine validates a
// definition and audits every operation and refusal.
//
// GET /v1/datasets?searchable=true answers "which datasets may I search, and
// for which purposes": a dataset is listed when policy::Evaluate allows the
// caller record.find ("searchable_purposes": by name or reading) or
// record.list ("listable_purposes": a page without a name) under at least
// one of its registered purposes — the decision, on the same rules and for
// the same terminal, that the search itself would get now. It changes
// nothing and discloses only the caller's own standing; every search is
// still decided (and audited) when it is made.
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"

namespace mamori::api {
namespace {

std::string DatasetLocation(std::string_view name) { return "/v1/datasets/" + std::string(name); }

// The purposes of `def` under which `who` may do `op` now.
std::vector<std::string> AllowedPurposes(const policy::Snapshot& rules,
                                         const identity::Principal& who,
                                         const engine::DatasetDef& def, policy::Operation op) {
  std::vector<std::string> out;
  for (const auto& p : def.purposes) {
    if (policy::Evaluate(rules, who, def, op, p.id).allowed) out.push_back(p.id);
  }
  return out;
}

}  // namespace

Status AddDatasetRoutes(Router& router, const RouteDeps& deps) {
  engine::Engine* engine = deps.engine;
  policy::Authorizer* policy = deps.policy;

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/datasets", [=](Call& call) -> HandlerResult {
         const std::string searchable = call.QueryText("searchable");
         if (!searchable.empty() && searchable != "true") {
           return std::unexpected(Problem::Make("invalid_argument", "searchable must be true",
                                                "searchable には true を指定します", "searchable"));
         }
         std::shared_ptr<const policy::Snapshot> rules;
         if (!searchable.empty()) {
           if (!policy || !call.principal) {
             return std::unexpected(
                 Problem::Make("unavailable", "this server does not decide data access",
                               "このサーバーはデータへのアクセスを判断しません"));
           }
           auto current = policy->Current();
           if (!current || !*current) {
             return std::unexpected(Problem::Make("unavailable",
                                                  "the access rules cannot be read now",
                                                  "アクセス規則を読み込めません"));
           }
           rules = *current;
         }
         const engine::Context ctx = call.Context("");
         auto list = engine->ListDatasets(ctx);
         if (!list) {
           return std::unexpected(EngineProblem(list.error(), ctx));
         }
         nlohmann::json out = nlohmann::json::array();
         for (const auto& def : *list) {
           nlohmann::json shown = engine::DatasetDefToJson(def);
           if (rules) {
             auto find = AllowedPurposes(*rules, *call.principal, def, policy::Operation::kFind);
             auto listed = AllowedPurposes(*rules, *call.principal, def, policy::Operation::kRead);
             if (find.empty() && listed.empty()) continue;
             shown["searchable_purposes"] = std::move(find);
             shown["listable_purposes"] = std::move(listed);
           }
           out.push_back(std::move(shown));
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

  // The ledger of every dataset, summarised: the engine's own ledger read of
  // each (counted, and audited as a dataset.ledger event of that dataset,
  // as the route above does), so that the log still says, dataset by
  // dataset, who read its ledger; one request instead of one per dataset.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/ledger", [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context("");
         auto list = engine->ListDatasets(ctx);
         if (!list) return std::unexpected(EngineProblem(list.error(), ctx));
         nlohmann::json datasets = nlohmann::json::array();
         uint64_t records = 0, disposals = 0;
         for (const auto& def : *list) {
           auto ledger = engine->Ledger(ctx, def.name);
           if (!ledger) return std::unexpected(EngineProblem(ledger.error(), ctx));
           const nlohmann::json& l = *ledger;
           records += l.value("records", uint64_t{0});
           disposals += l.value("disposals", uint64_t{0});
           datasets.push_back({{"name", l.at("name")},
                               {"title", l.at("title")},
                               {"department", l.at("department")},
                               {"management_category", l.at("management_category")},
                               {"classification", l.at("classification")},
                               {"retention", l.at("retention")},
                               {"records", l.at("records")},
                               {"disposals", l.at("disposals")},
                               {"definition_version", l.at("definition_version")}});
         }
         return JsonResponse(
             200, {{"datasets", std::move(datasets)},
                   {"totals",
                    {{"datasets", list->size()}, {"records", records}, {"disposals", disposals}}}});
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
