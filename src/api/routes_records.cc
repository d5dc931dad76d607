// Records: put, get, update, history, find, list, shred. The route table
// (route_table.h) declares each as a data operation: before a handler runs,
// the pipeline has authorised it through policy — the grant for the
// operation, the {ds} dataset and the stated purpose (利用目的), the
// designated holders and the terminal — and decoded its body. The engine
// checks the dataset, the purpose and the values again and audits every
// operation and refusal; masking (Disclose) applies to what a read returns.
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"

namespace mamori::api {
namespace {

std::string RecordLocation(std::string_view ds, std::string_view id) {
  return "/v1/datasets/" + std::string(ds) + "/records/" + std::string(id);
}

nlohmann::json WriteJson(const engine::WriteResult& w) {
  return {{"id", w.id}, {"version", w.version}, {"audit_seq", w.audit_seq}};
}

}  // namespace

Status AddRecordRoutes(Router& router, const RouteDeps& deps) {
  engine::Engine* engine = deps.engine;
  Authorizer* authz = deps.authorizer;
  const std::string records = "/v1/datasets/{ds}/records";
  const std::string record = records + "/{id}";

  MAMORI_RETURN_IF_ERROR(router.Add({"POST", records, [=](Call& call) -> HandlerResult {
                                       const engine::Context ctx = call.Context(call.Purpose());
                                       const std::string& ds = call.Param("ds");
                                       auto put = engine->Put(ctx, ds, call.body);
                                       if (!put)
                                         return std::unexpected(EngineProblem(put.error(), ctx));
                                       Response r = JsonResponse(201, WriteJson(*put));
                                       r.headers.emplace_back("Location",
                                                              RecordLocation(ds, put->id));
                                       return r;
                                     }}));

  // One collection GET, two operations (the table authorises the one the
  // query names): with `field` it finds by an indexed field (blind index),
  // otherwise it lists a page.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", records, [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context(call.Purpose());
         const std::string& ds = call.Param("ds");
         auto field = call.Query("field");
         if (field) {
           // Paged like the list: the engine answers at most `limit` ids and
           // says where to go on (next_cursor), never a silently cut list.
           auto limit = QueryUint(call, "limit", kDefaultPageLimit);
           if (!limit) return std::unexpected(limit.error());
           auto found =
               engine->Find(ctx, ds, *field, call.Query("value").value_or(""),
                            call.Query("cursor").value_or(""), static_cast<size_t>(*limit));
           if (!found) return std::unexpected(EngineProblem(found.error(), ctx));
           return JsonResponse(200, {{"ids", found->ids},
                                     {"next_cursor", found->next_cursor.empty()
                                                         ? nlohmann::json(nullptr)
                                                         : nlohmann::json(found->next_cursor)}});
         }
         if (call.Query("value")) {
           return std::unexpected(Problem::Make("invalid_argument", "value is given without field",
                                                "field なしで value が指定されています", "field"));
         }
         auto limit = QueryUint(call, "limit", kDefaultPageLimit);
         if (!limit) return std::unexpected(limit.error());
         auto page =
             engine->List(ctx, ds, call.Query("cursor").value_or(""), static_cast<size_t>(*limit));
         if (!page) return std::unexpected(EngineProblem(page.error(), ctx));
         nlohmann::json out = nlohmann::json::array();
         for (const auto& r : page->records) {
           out.push_back(authz->Disclose(*call.principal,
                                         {"record.list", ds, ctx.purpose, r.id, ctx.request_id},
                                         r.ToJson()));
         }
         return JsonResponse(
             200, {{"records", std::move(out)},
                   {"next_cursor", page->next_cursor.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(page->next_cursor)}});
       }}));

  // Deferred: the handler thread is free once the read's audit event is
  // queued, and the answer goes out from the store's thread once the event
  // is durable (engine::Engine::GetThen).
  Route get{"GET", record, nullptr, nullptr};
  get.deferred = [=](Call& call, Respond respond) {
    const engine::Context ctx = call.Context(call.Purpose());
    const std::string& ds = call.Param("ds");
    const std::string& id = call.Param("id");
    engine->GetThen(
        ctx, ds, id,
        [authz, ctx, ds, id, principal = *call.principal,
         respond = std::move(respond)](Result<engine::RecordView> view) {
          if (!view) return respond(std::unexpected(EngineProblem(view.error(), ctx)));
          respond(JsonResponse(
              200, authz->Disclose(principal, {"record.get", ds, ctx.purpose, id, ctx.request_id},
                                   view->ToJson())));
        });
  };
  MAMORI_RETURN_IF_ERROR(router.Add(std::move(get)));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"PATCH", record, [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context(call.Purpose());
         auto updated = engine->Update(ctx, call.Param("ds"), call.Param("id"), call.body);
         if (!updated) {
           return std::unexpected(EngineProblem(updated.error(), ctx));
         }
         return JsonResponse(200, WriteJson(*updated));
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", record + "/history", [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context(call.Purpose());
                    const std::string& ds = call.Param("ds");
                    const std::string& id = call.Param("id");
                    auto versions = engine->History(ctx, ds, id);
                    if (!versions) return std::unexpected(EngineProblem(versions.error(), ctx));
                    nlohmann::json out = nlohmann::json::array();
                    for (const auto& v : *versions) {
                      out.push_back(authz->Disclose(
                          *call.principal, {"record.history", ds, ctx.purpose, id, ctx.request_id},
                          v.ToJson()));
                    }
                    return JsonResponse(200, {{"versions", std::move(out)}});
                  }}));

  // Disposal is not a use of the data: the table declares it without a
  // purpose, and it needs a shred grant on the dataset. The engine records
  // it under its own purpose ("disposal"); the reason is a required code,
  // the reference an optional request or ticket id (engine/disposal_reason.h).
  MAMORI_RETURN_IF_ERROR(
      router.Add({"DELETE", record, [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context("");
                    auto disposal = engine->Shred(ctx, call.Param("ds"), call.Param("id"),
                                                  call.Query("reason").value_or(""),
                                                  call.Query("reference").value_or(""));
                    if (!disposal) return std::unexpected(EngineProblem(disposal.error(), ctx));
                    return JsonResponse(200, *disposal);
                  }}));
  return Status::Ok();
}

}  // namespace mamori::api
