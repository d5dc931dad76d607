// Records: put, get, update, history, find, list, shred. The route table
// (route_table.h) declares each as a data operation: before a handler runs,
// the pipeline has authorised it through policy — the grant for the
// operation, the {ds} dataset and the stated purpose (利用目的), the
// designated holders and the terminal — and decoded its body. The engine
// checks the dataset, the purpose and the values again and audits every
// operation and refusal; masking (Disclose) applies to what a read returns.
#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "approval/flows.h"

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

  // The end of use (利用終了): the answer carries the record's metadata
  // only (its retention deadline now), never its values.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", record + "/end-use", [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context(call.Query("purpose").value_or(""));
         auto date = ParseDate(StringOf(call.body, "date"));
         if (!date) {
           return std::unexpected(BadMember("date", "date must be a date like 2026-12-04",
                                            "date は 2026-12-04 の形式で指定してください"));
         }
         auto view = engine->EndUse(ctx, call.Param("ds"), call.Param("id"), *date);
         if (!view) return std::unexpected(EngineProblem(view.error(), ctx));
         nlohmann::json out = {{"id", view->id}, {"version", view->version}};
         out["end_of_use"] =
             view->end_of_use ? nlohmann::json(FormatDate(*view->end_of_use)) : nlohmann::json();
         out["retention_deadline"] =
             view->deadline ? nlohmann::json(FormatDate(*view->deadline)) : nlohmann::json();
         return JsonResponse(200, out);
       }}));

  // The disposal records of a dataset, signed by the engine.
  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/disposals", [=](Call& call) -> HandlerResult {
                    auto dataset = QueryRequired(call, "dataset");
                    if (!dataset) return std::unexpected(dataset.error());
                    auto page = PageParamsOf(call);
                    if (!page) return std::unexpected(page.error());
                    const engine::Context ctx = call.Context("disposal");
                    auto all = engine->Disposals(ctx, *dataset);
                    if (!all) return std::unexpected(EngineProblem(all.error(), ctx));
                    auto out = JsonPage(
                        "disposals", *all, *page,
                        [](const nlohmann::json& d) { return d.value("record", ""); },
                        [](const nlohmann::json& d) { return d; });
                    if (!out) return std::unexpected(out.error());
                    return JsonResponse(200, *out);
                  }}));

  // Disposal is not a use of the data: the table declares it without a
  // purpose, and it needs a shred grant on the dataset. The engine records
  // it under its own purpose ("disposal"); the reason is a required code,
  // the reference an optional request or ticket id
  // (engine/disposal_reason.h). Outside
  // the retention sweep it is non-standard work ([003 V(4)①D]): it names
  // an approved non_standard_work request for this record and action,
  // applied for by the caller and still valid (approval/flows.h), which the
  // engine checks in the transaction that records the request and names in
  // the disposal record. Without one it is refused and audited there.
  MAMORI_RETURN_IF_ERROR(
      router.Add({"DELETE", record, [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context("");
                    const std::string ds = call.Param("ds"), id = call.Param("id");
                    engine::ShredAuthority authority;
                    authority.approval = call.Query("approval").value_or("");
                    const std::string actor = ctx.actor;
                    const std::string approval_id = authority.approval;
                    authority.check = [=](store::ReadTxn& txn) -> Status {
                      if (approval_id.empty()) {
                        return Status::InvalidArgument(
                            "a disposal outside the retention sweep names its approved "
                            "non-standard-work request (?approval=A…)",
                            "保存期間満了以外の廃棄には承認済みの規格外作業申請 (?approval=A…) "
                            "が必要です",
                            "approval");
                      }
                      return approval::CheckWorkApproval(txn, approval_id, ds + "/" + id,
                                                         "record.shred", actor, NowMicros());
                    };
                    auto disposal = engine->Shred(ctx, ds, id, call.Query("reason").value_or(""),
                                                  call.Query("reference").value_or(""), authority);
                    if (!disposal) return std::unexpected(EngineProblem(disposal.error(), ctx));
                    return JsonResponse(200, *disposal);
                  }}));
  return Status::Ok();
}

}  // namespace mamori::api
