// Terminals and service accounts: the terminal manager's side of identity
// (docs/REQUIREMENTS.md §3): the devices people log on from, registered by the
// fingerprint of their client certificate, and the applications that
// authenticate by certificate alone.
//
//   GET|POST /v1/terminals (GET pages: limit, cursor),
//   GET|PATCH /v1/terminals/{terminal}, POST /v1/terminals/{terminal}/disable|enable
//   GET|POST /v1/service-accounts (GET pages: limit, cursor),
//   GET /v1/service-accounts/{account}, PUT …/{account}/certificate,
//   PUT|DELETE …/{account}/roles/{role}, POST …/{account}/disable|enable
//
// As in routes_users.cc: the route table authorises each route first,
// naming the terminal or account as the target, and decodes its body;
// identity audits its mutations and refusals (AuditedProblem).
#include <string>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"

namespace mamori::api {
namespace {

using nlohmann::json;

Status AddTerminalRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  auto respond = [id](std::string_view terminal, int status) -> HandlerResult {
    auto t = id->terminals().Get(terminal);
    if (!t) return std::unexpected(Problem::FromStatus(t.error()));
    Response r = JsonResponse(status, identity::TerminalToJson(*t));
    if (status == 201) r.headers.emplace_back("Location", "/v1/terminals/" + t->id);
    return r;
  };

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/terminals", [=](Call& call) -> HandlerResult {
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto list = id->terminals().List();
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         auto out = JsonPage(
             "terminals", *list, *page, [](const identity::TerminalEntry& t) { return t.id; },
             [](const identity::TerminalEntry& t) { return identity::TerminalToJson(t); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST", "/v1/terminals", [=](Call& call) -> HandlerResult {
                                       json& body = call.body;
                                       identity::NewTerminal t;
                                       t.id = StringOf(body, "id");
                                       t.fingerprint = StringOf(body, "fingerprint");
                                       t.description = StringOf(body, "description");
                                       t.controlled_area = body.value("controlled_area", false);
                                       Status s = id->terminals().Register(call.Context(""), t);
                                       if (!s.ok()) return std::unexpected(AuditedProblem(s));
                                       return respond(t.id, 201);
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/terminals/{terminal}", [=](Call& call) -> HandlerResult {
                    const std::string& terminal = call.Param("terminal");
                    return respond(terminal, 200);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"PATCH", "/v1/terminals/{terminal}", [=](Call& call) -> HandlerResult {
                    const std::string& terminal = call.Param("terminal");
                    json& body = call.body;
                    identity::TerminalChanges c;
                    c.fingerprint = OptString(body, "fingerprint");
                    c.description = OptString(body, "description");
                    if (body.contains("controlled_area"))
                      c.controlled_area = body["controlled_area"].get<bool>();
                    Status s = id->terminals().Update(call.Context(""), terminal, c);
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return respond(terminal, 200);
                  }}));

  for (const bool enable : {false, true}) {
    MAMORI_RETURN_IF_ERROR(router.Add(
        {"POST", enable ? "/v1/terminals/{terminal}/enable" : "/v1/terminals/{terminal}/disable",
         [=](Call& call) -> HandlerResult {
           const std::string& terminal = call.Param("terminal");
           Status s = enable ? id->terminals().Enable(call.Context(""), terminal)
                             : id->terminals().Disable(call.Context(""), terminal);
           if (!s.ok()) return std::unexpected(AuditedProblem(s));
           return respond(terminal, 200);
         }}));
  }
  return Status::Ok();
}

Status AddServiceAccountRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  auto respond = [id](std::string_view account, int status) -> HandlerResult {
    auto a = id->service_accounts().Get(account);
    if (!a) return std::unexpected(Problem::FromStatus(a.error()));
    Response r = JsonResponse(status, identity::ServiceAccountToJson(*a));
    if (status == 201) r.headers.emplace_back("Location", "/v1/service-accounts/" + a->id);
    return r;
  };

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/service-accounts", [=](Call& call) -> HandlerResult {
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto list = id->service_accounts().List();
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         auto out = JsonPage(
             "service_accounts", *list, *page,
             [](const identity::ServiceAccount& a) { return a.id; },
             [](const identity::ServiceAccount& a) { return identity::ServiceAccountToJson(a); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/service-accounts", [=](Call& call) -> HandlerResult {
                    json& body = call.body;
                    identity::NewServiceAccount a;
                    a.id = StringOf(body, "id");
                    a.display_name = StringOf(body, "display_name");
                    a.cert_fingerprint = StringOf(body, "cert_fingerprint");
                    a.roles = Strings(body, "roles");
                    Status s = id->service_accounts().Create(call.Context(""), a);
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return respond(a.id, 201);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/service-accounts/{account}", [=](Call& call) -> HandlerResult {
                    const std::string& account = call.Param("account");
                    return respond(account, 200);
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"PUT", "/v1/service-accounts/{account}/certificate", [=](Call& call) -> HandlerResult {
         const std::string& account = call.Param("account");
         json& body = call.body;
         Status s = id->service_accounts().SetCertificate(call.Context(""), account,
                                                          StringOf(body, "cert_fingerprint"),
                                                          StringOf(body, "request"));
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return respond(account, 200);
       }}));

  for (const bool add : {true, false}) {
    MAMORI_RETURN_IF_ERROR(router.Add(
        {add ? "PUT" : "DELETE", "/v1/service-accounts/{account}/roles/{role}",
         [=](Call& call) -> HandlerResult {
           const std::string& account = call.Param("account");
           const std::string& role = call.Param("role");
           Status s = add ? id->service_accounts().AddRole(call.Context(""), account, role)
                          : id->service_accounts().RemoveRole(call.Context(""), account, role);
           if (!s.ok()) return std::unexpected(AuditedProblem(s));
           return respond(account, 200);
         }}));
  }

  for (const bool enable : {false, true}) {
    MAMORI_RETURN_IF_ERROR(
        router.Add({"POST",
                    enable ? "/v1/service-accounts/{account}/enable"
                           : "/v1/service-accounts/{account}/disable",
                    [=](Call& call) -> HandlerResult {
                      const std::string& account = call.Param("account");
                      Status s = enable ? id->service_accounts().Enable(call.Context(""), account)
                                        : id->service_accounts().Disable(call.Context(""), account);
                      if (!s.ok()) return std::unexpected(AuditedProblem(s));
                      return respond(account, 200);
                    }}));
  }
  return Status::Ok();
}

}  // namespace

Status AddDeviceRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.identity) return Status::InvalidArgument("the device routes need identity");
  if (!deps.authorizer) return Status::InvalidArgument("the device routes need an authorizer");
  MAMORI_RETURN_IF_ERROR(AddTerminalRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddServiceAccountRoutes(router, deps));
  return Status::Ok();
}

}  // namespace mamori::api
