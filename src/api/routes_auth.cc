// Sessions: logon, logoff, the session itself, and the self-service steps a
// session allows (password change, TOTP enrolment). The contract of
// POST /v1/auth/login is fixed (operators script against it):
//   {"user": ID, "password": P[, "totp": CODE]} → 200 {"token", "last_logon", …}
// Identity audits every logon, logoff and refusal itself (identity/
// authenticator.h); the server audits what never reached it (a malformed
// body).
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"

namespace mamori::api {
namespace {

nlohmann::json TimeJson(TimeMicros t) {
  return t ? nlohmann::json(FormatUtc(t)) : nlohmann::json(nullptr);
}

nlohmann::json PrincipalJson(const identity::Principal& p) {
  return {{"id", p.id},
          {"display_name", p.display_name},
          {"department", p.department},
          {"roles", p.roles},
          {"positions", p.positions},
          {"terminal",
           {{"id", p.terminal.id.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.terminal.id)},
            {"controlled_area", p.terminal.controlled_area}}}};
}

// The string members of a small JSON body: every member must be one of
// `allowed` and a string; `required` ones must be present.
std::expected<std::map<std::string, std::string>, Problem> StringMembers(
    const nlohmann::json& body, std::initializer_list<std::string_view> allowed,
    std::initializer_list<std::string_view> required) {
  if (!body.is_object()) {
    return std::unexpected(Problem::Make("invalid_argument", "the body must be a JSON object",
                                         "本文は JSON オブジェクトで指定してください", "body"));
  }
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return std::unexpected(Problem::Make("invalid_argument", "unknown member '" + name + "'",
                                           "不明なメンバ '" + name + "' があります", name));
    }
    if (!value.is_string()) {
      return std::unexpected(Problem::Make("invalid_argument", "'" + name + "' must be a string",
                                           "'" + name + "' は文字列で指定してください", name));
    }
    out[name] = value.get<std::string>();
  }
  for (std::string_view name : required) {
    if (!out.count(std::string(name))) {
      return std::unexpected(
          Problem::Make("invalid_argument", "'" + std::string(name) + "' is required",
                        "'" + std::string(name) + "' は必須です", std::string(name)));
    }
  }
  return out;
}

}  // namespace

Status AddAuthRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  if (!id) return Status::InvalidArgument("the auth routes need identity");

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/auth/login", Access::kPublic, {}, [=](Call& call) -> HandlerResult {
         auto body = JsonBody(call);
         if (!body) return std::unexpected(body.error());
         auto m = StringMembers(*body, {"user", "password", "totp"}, {"user", "password"});
         if (!m) return std::unexpected(m.error());
         identity::LoginRequest req;
         req.user_id = (*m)["user"];
         req.password = (*m)["password"];
         req.totp = (*m)["totp"];
         req.request_id = call.request.info.request_id;
         auto terminal = id->terminals().ResolveTerminal(call.request.info.peer.cert_sha256);
         if (!terminal) return std::unexpected(Problem::FromStatus(terminal.error()));
         req.terminal = *terminal;
         auto result = id->authenticator().Login(req);
         // Clear the password from the request's copies as soon as possible.
         std::fill(req.password.begin(), req.password.end(), '\0');
         std::fill(call.request.body.begin(), call.request.body.end(), '\0');
         if (!result) return std::unexpected(AuditedProblem(result.error()));
         nlohmann::json last = nlohmann::json::object();
         last["time"] = TimeJson(result->previous_logon.time);
         last["result"] = result->previous_logon.time
                              ? nlohmann::json(result->previous_logon.result)
                              : nlohmann::json(nullptr);
         last["failures_since"] = result->failures_since_previous_success;
         return JsonResponse(200, {{"token", result->token},
                                   {"token_type", "Bearer"},
                                   {"last_logon", std::move(last)},
                                   {"must_change_password", result->must_change_password},
                                   {"totp_enrolment_required", result->totp_enrolment_required},
                                   {"idle_expires_at", TimeJson(result->idle_expires_at)},
                                   {"expires_at", TimeJson(result->expires_at)},
                                   {"principal", PrincipalJson(result->principal)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/auth/logout", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         Status s = id->authenticator().Logout(BearerToken(call.request.info), call.Context(""));
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return JsonResponse(200, {{"logged_out", true}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/auth/session", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         auto info = id->authenticator().Touch(BearerToken(call.request.info), nullptr,
                                               call.Context(""), /*allow_restricted=*/true);
         if (!info) return std::unexpected(AuditedProblem(info.error()));
         nlohmann::json out = {{"principal", PrincipalJson(*call.principal)},
                               {"created_at", TimeJson(info->created_at)},
                               {"last_seen", TimeJson(info->last_seen)},
                               {"idle_expires_at", TimeJson(info->idle_expires_at)},
                               {"expires_at", TimeJson(info->expires_at)},
                               {"must_change_password", info->must_change_password},
                               {"totp_required", info->totp_required}};
         return JsonResponse(200, out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/auth/password", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         auto body = JsonBody(call);
         if (!body) return std::unexpected(body.error());
         auto m = StringMembers(*body, {"current", "new"}, {"current", "new"});
         if (!m) return std::unexpected(m.error());
         Status s = id->authenticator().ChangePassword(
             BearerToken(call.request.info), (*m)["current"], (*m)["new"], call.Context(""));
         for (auto& [name, value] : *m) std::fill(value.begin(), value.end(), '\0');
         std::fill(call.request.body.begin(), call.request.body.end(), '\0');
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return JsonResponse(200, {{"changed", true}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/auth/totp", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         auto enrolment = id->authenticator().BeginTotpEnrolment(BearerToken(call.request.info),
                                                                 call.Context(""));
         if (!enrolment) return std::unexpected(AuditedProblem(enrolment.error()));
         return JsonResponse(
             200, {{"secret", enrolment->secret_base32}, {"otpauth_uri", enrolment->otpauth_uri}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST",
                                     "/v1/auth/totp/confirm",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       auto body = JsonBody(call);
                                       if (!body) return std::unexpected(body.error());
                                       auto m = StringMembers(*body, {"code"}, {"code"});
                                       if (!m) return std::unexpected(m.error());
                                       Status s = id->authenticator().ConfirmTotpEnrolment(
                                           BearerToken(call.request.info), (*m)["code"],
                                           call.Context(""));
                                       if (!s.ok()) return std::unexpected(AuditedProblem(s));
                                       return JsonResponse(200, {{"enrolled", true}});
                                     }}));
  return Status::Ok();
}

}  // namespace mamori::api
