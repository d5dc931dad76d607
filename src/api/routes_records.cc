// Records: put, get, update, history, find, list, shred. Every call names a
// purpose (利用目的); the engine refuses — and audits — a missing or
// unregistered one, so these handlers pass the purpose through unchecked
// and only name the refusal (purpose_required / purpose_not_registered).
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

// Asks the Authorizer only when a purpose was given: without one the engine
// refuses the operation itself, and that refusal is the one to audit.
std::expected<void, Problem> Admit(Authorizer& authz, const Call& call, const engine::Context& ctx,
                                   std::string_view op, std::string_view ds, std::string_view id) {
  if (ctx.purpose.empty()) return {};
  return Authorize(authz, call, {op, ds, ctx.purpose, id});
}

// The problem for a write whose body did not decode: the engine has refused
// the JSON null it was given instead (and audited that); an earlier refusal
// (dataset, purpose, record) is the more useful answer, else the decoding.
Problem BodyProblem(const Status& engine_error, const engine::Context& ctx, Problem decoding) {
  if (engine_error.code() == Code::kInvalidArgument && engine_error.subject() == "record") {
    return decoding;
  }
  return EngineProblem(engine_error, ctx);
}

}  // namespace

Status AddRecordRoutes(Router& router, const RouteDeps& deps) {
  engine::Engine* engine = deps.engine;
  Authorizer* authz = deps.authorizer;
  const std::string records = "/v1/datasets/{ds}/records";
  const std::string record = records + "/{id}";

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", records, Access::kAuthenticated, {"purpose"}, [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context(call.Query("purpose").value_or(""));
         const std::string& ds = call.Param("ds");
         if (auto ok = Admit(*authz, call, ctx, "record.put", ds, ""); !ok) {
           return std::unexpected(ok.error());
         }
         auto body = JsonBody(call);
         auto put = engine->Put(ctx, ds, body ? *body : nlohmann::json(nullptr));
         if (!put) {
           return std::unexpected(body ? EngineProblem(put.error(), ctx)
                                       : BodyProblem(put.error(), ctx, body.error()));
         }
         Response r = JsonResponse(201, WriteJson(*put));
         r.headers.emplace_back("Location", RecordLocation(ds, put->id));
         return r;
       }}));

  // One collection GET, two questions: with `field` it finds by an indexed
  // field (blind index), otherwise it lists a page.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET",
       records,
       Access::kAuthenticated,
       {"purpose", "field", "value", "cursor", "limit"},
       [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context(call.Query("purpose").value_or(""));
         const std::string& ds = call.Param("ds");
         auto field = call.Query("field");
         if (field) {
           // Paged like the list: the engine answers at most `limit` ids and
           // says where to go on (next_cursor), never a silently cut list.
           auto limit = QueryUint(call, "limit", kDefaultPageLimit);
           if (!limit) return std::unexpected(limit.error());
           if (auto ok = Admit(*authz, call, ctx, "record.find", ds, ""); !ok) {
             return std::unexpected(ok.error());
           }
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
         if (auto ok = Admit(*authz, call, ctx, "record.list", ds, ""); !ok) {
           return std::unexpected(ok.error());
         }
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
  Route get{"GET", record, Access::kAuthenticated, {"purpose"}, nullptr, nullptr};
  get.deferred = [=](Call& call, Respond respond) {
    const engine::Context ctx = call.Context(call.Query("purpose").value_or(""));
    const std::string& ds = call.Param("ds");
    const std::string& id = call.Param("id");
    if (auto ok = Admit(*authz, call, ctx, "record.get", ds, id); !ok) {
      return respond(std::unexpected(ok.error()));
    }
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
      {"PATCH", record, Access::kAuthenticated, {"purpose"}, [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context(call.Query("purpose").value_or(""));
         const std::string& ds = call.Param("ds");
         const std::string& id = call.Param("id");
         if (auto ok = Admit(*authz, call, ctx, "record.update", ds, id); !ok) {
           return std::unexpected(ok.error());
         }
         auto body = JsonBody(call);
         auto updated = engine->Update(ctx, ds, id, body ? *body : nlohmann::json(nullptr));
         if (!updated) {
           return std::unexpected(body ? EngineProblem(updated.error(), ctx)
                                       : BodyProblem(updated.error(), ctx, body.error()));
         }
         return JsonResponse(200, WriteJson(*updated));
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET",
                  record + "/history",
                  Access::kAuthenticated,
                  {"purpose"},
                  [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context(call.Query("purpose").value_or(""));
                    const std::string& ds = call.Param("ds");
                    const std::string& id = call.Param("id");
                    if (auto ok = Admit(*authz, call, ctx, "record.history", ds, id); !ok) {
                      return std::unexpected(ok.error());
                    }
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

  // Disposal is not a use of the data, so its purpose defaults to
  // "disposal" as in `mamori record shred`; the reason is required.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"DELETE",
       record,
       Access::kAuthenticated,
       {"purpose", "reason"},
       [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context(call.Query("purpose").value_or("disposal"));
         const std::string& ds = call.Param("ds");
         const std::string& id = call.Param("id");
         if (auto ok = Admit(*authz, call, ctx, "record.shred", ds, id); !ok) {
           return std::unexpected(ok.error());
         }
         auto disposal = engine->Shred(ctx, ds, id, call.Query("reason").value_or(""));
         if (!disposal) return std::unexpected(EngineProblem(disposal.error(), ctx));
         return JsonResponse(200, *disposal);
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
