// The registers the rules require (governance/registers.h), one family of
// routes per way of naming the register:
//
//   GET  /v1/registers                       the kinds and their schemas
//   /v1/registers/{kind}                     any kind (register_kinds.h)
//   /v1/contractors                          the contractor register (委託先)
//   /v1/cloud-services                       the cloud-service register
// each with
//   GET   {base}[?overdue=true&retired=true&limit&cursor]   the entries
//   POST  {base}                  {field: value, …}         register one
//   GET   {base}/{entry}                                    one, with its versions
//   PATCH {base}/{entry}          {field: value|null, …}    change fields
//   POST  {base}/{entry}/retire   {"reason"}                retire it
//   POST  {base}/{entry}/checks   {"date", "result", "note"} a periodic check
// and POST /v1/cloud-services/{entry}/approve: the approval of the
// 統括情報セキュリティ責任者 [002 第66条].
//
// The route table authorises each route (register.read, register.keep or
// register.<kind>.keep, register.cloud_service.approve); the register
// decides again, in the transaction of the step, whether the caller keeps
// that kind, and audits it.
#include <nlohmann/json.hpp>

#include "api/approval_steps.h"
#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "governance/registers.h"

namespace mamori::api {
namespace {

using governance::RegisterEntry;

approval::Caller RegisterCaller(const Call& call) { return ApprovalCaller(CallerOf(call)); }

// The kind a family serves: fixed, or the {kind} parameter.
std::string KindOf(const Call& call, std::string_view fixed) {
  return fixed.empty() ? call.Param("kind") : std::string(fixed);
}

HandlerResult EntryResponse(const Result<RegisterEntry>& e, int status, TimeMicros now) {
  if (!e) return std::unexpected(AuditedProblem(e.error()));
  return JsonResponse(status, governance::EntryToJson(*e, now));
}

Status AddFamily(Router& router, governance::Registers* registers, const std::string& base,
                 std::string_view fixed) {
  const std::string entry = base + "/{entry}";
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", base, [=](Call& call) -> HandlerResult {
         auto list = registers->List(KindOf(call, fixed));
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         auto overdue = QueryBool(call, "overdue");
         if (!overdue) return std::unexpected(overdue.error());
         auto retired = QueryBool(call, "retired");
         if (!retired) return std::unexpected(retired.error());
         const TimeMicros now = NowMicros();
         const CivilDate today = JstDate(now);
         std::erase_if(*list, [&](const RegisterEntry& e) {
           return (*overdue && !governance::IsOverdue(e, today)) || (e.retired && !*retired);
         });
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "entries", *list, *page, [](const RegisterEntry& e) { return e.id; },
             [&](const RegisterEntry& e) { return governance::EntryToJson(e, now); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", base, [=](Call& call) -> HandlerResult {
                    const approval::Caller who = RegisterCaller(call);
                    auto e = registers->Create(who, KindOf(call, fixed), call.body);
                    if (!e) return std::unexpected(AuditedProblem(e.error()));
                    Response out = JsonResponse(201, governance::EntryToJson(*e, who.Now()));
                    out.headers.emplace_back("Location", call.request.info.path + "/" + e->id);
                    return out;
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", entry, [=](Call& call) -> HandlerResult {
                                       const std::string kind = KindOf(call, fixed);
                                       auto e = registers->Get(kind, call.Param("entry"));
                                       if (!e)
                                         return std::unexpected(Problem::FromStatus(e.error()));
                                       auto versions = registers->Versions(kind, e->id);
                                       if (!versions)
                                         return std::unexpected(
                                             Problem::FromStatus(versions.error()));
                                       nlohmann::json j = governance::EntryToJson(*e, NowMicros());
                                       j["versions"] = nlohmann::json::array();
                                       for (const auto& v : *versions)
                                         j["versions"].push_back(governance::VersionToJson(v));
                                       return JsonResponse(200, j);
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"PATCH", entry, [=](Call& call) -> HandlerResult {
                    const approval::Caller who = RegisterCaller(call);
                    return EntryResponse(
                        registers->Change(who, KindOf(call, fixed), call.Param("entry"), call.body),
                        200, who.Now());
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", entry + "/retire", [=](Call& call) -> HandlerResult {
         const approval::Caller who = RegisterCaller(call);
         return EntryResponse(registers->Retire(who, KindOf(call, fixed), call.Param("entry"),
                                                StringOf(call.body, "reason")),
                              200, who.Now());
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", entry + "/checks", [=](Call& call) -> HandlerResult {
         const std::string text = StringOf(call.body, "date");
         auto date = ParseDate(text);
         if (!date) {
           return std::unexpected(Problem::Make("invalid_argument",
                                                "date must be a date like 2026-12-01",
                                                "date は 2026-12-01 の形式の日付です", "date"));
         }
         const approval::Caller who = RegisterCaller(call);
         return EntryResponse(
             registers->RecordCheck(who, KindOf(call, fixed), call.Param("entry"), *date,
                                    StringOf(call.body, "result"), StringOf(call.body, "note")),
             200, who.Now());
       }}));
  return Status::Ok();
}

}  // namespace

Status AddRegisterRoutes(Router& router, const RouteDeps& deps) {
  governance::Registers* registers = deps.registers;
  if (!registers) {
    return Status::InvalidArgument("the register routes need the registers",
                                   "台帳のルートには台帳が必要です");
  }
  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/registers", [](Call&) -> HandlerResult {
                                       nlohmann::json kinds = nlohmann::json::array();
                                       for (const auto& k : governance::RegisterKinds()) {
                                         kinds.push_back(governance::KindToJson(k));
                                       }
                                       return JsonResponse(200, {{"registers", kinds}});
                                     }}));
  MAMORI_RETURN_IF_ERROR(AddFamily(router, registers, "/v1/contractors", "contractor"));
  MAMORI_RETURN_IF_ERROR(AddFamily(router, registers, "/v1/cloud-services", "cloud_service"));
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/cloud-services/{entry}/approve", [=](Call& call) -> HandlerResult {
         const approval::Caller who = RegisterCaller(call);
         return EntryResponse(registers->Approve(who, "cloud_service", call.Param("entry")), 200,
                              who.Now());
       }}));
  return AddFamily(router, registers, "/v1/registers/{kind}", "");
}

}  // namespace mamori::api
