// Sessions: logon, logoff, the session itself, and the self-service steps a
// session allows (password change, TOTP enrolment). The contract of
// POST /v1/auth/login is fixed (operators script against it):
//   {"user": ID, "password": P[, "totp": CODE]} → 200 {"token", "last_logon", …}
// Identity audits every logon, logoff and refusal itself (identity/
// authenticator.h); the server audits what never reached it (a malformed
// body). The route table declares the bodies and which members are secret;
// the pipeline decodes them before and overwrites the secrets after.
// Every unsuccessful logon is 401 login.failed (identity/authenticator.h);
// too many from one client address 429, password checking busy 503, both
// with Retry-After.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/body.h"
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

// The problem for a refusal of identity's: a busy password check (the hash
// budget, identity/hash_budget.h) is 503 with Retry-After; the rest as is.
Problem AuthProblem(const Status& s, const RouteDeps& deps) {
  Problem p = AuditedProblem(s);
  if (s.code() == Code::kUnavailable && s.subject() == "login.busy") {
    p.retry_after = std::max(1u, deps.busy_retry_after);
    if (deps.metrics) deps.metrics->Shed("busy");
  }
  return p;
}

}  // namespace

Status AddAuthRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  if (!id) return Status::InvalidArgument("the auth routes need identity");

  // The table declares the body ({"user", "password", "totp"}, the last two
  // secret): the pipeline overwrites them once the handler returns.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/auth/login", [=](Call& call) -> HandlerResult {
         // Per client address, before any password is checked: a flood
         // costs no Argon2 (the refusal is audited by the server as
         // api.request, reason rate_limited, with no ID in it).
         if (deps.login_limiter) {
           if (unsigned wait = deps.login_limiter->Take(call.request.info.peer.address)) {
             if (deps.metrics) deps.metrics->Shed("rate_limited");
             Problem p = Problem::Make(problem_code::kRateLimited,
                                       "too many logons from this address; try again in " +
                                           std::to_string(wait) + " seconds",
                                       "このアドレスからのログオンが多すぎます。" +
                                           std::to_string(wait) + " 秒後に再度お試しください");
             p.retry_after = wait;
             return std::unexpected(std::move(p));
           }
         }
         // The request wipes its copies of the password and code when it
         // goes (identity::LoginRequest), whichever way this returns.
         identity::LoginRequest req;
         req.user_id = StringOf(call.body, "user");
         req.password = StringView(call.body, "password");
         req.totp = StringView(call.body, "totp");
         req.request_id = call.request.info.request_id;
         auto terminal = id->terminals().ResolveTerminal(call.request.info.peer.cert_sha256);
         if (!terminal) return std::unexpected(Problem::FromStatus(terminal.error()));
         req.terminal = *terminal;
         req.source = "remote:" + call.request.info.peer.address;
         auto result = id->authenticator().Login(req);
         if (!result) return std::unexpected(AuthProblem(result.error(), deps));
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

  MAMORI_RETURN_IF_ERROR(router.Add({"POST", "/v1/auth/logout", [=](Call& call) -> HandlerResult {
                                       const bool everywhere = call.body.value("everywhere", false);
                                       auto others = id->authenticator().Logout(
                                           BearerToken(call.request.info), call.Context(""),
                                           everywhere);
                                       if (!others)
                                         return std::unexpected(AuditedProblem(others.error()));
                                       nlohmann::json out = {{"logged_out", true}};
                                       if (everywhere) out["other_sessions_ended"] = *others;
                                       return JsonResponse(200, out);
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/auth/session", [=](Call& call) -> HandlerResult {
         auto info = id->authenticator().Touch(BearerToken(call.request.info), nullptr,
                                               call.Context(""), /*allow_restricted=*/true);
         if (!info) return std::unexpected(AuditedProblem(info.error()));
         // What the principal may do now, as the route table's authoriser
         // decides it; nothing while the session is restricted (it reaches
         // only /v1/auth until the password is changed or TOTP enrolled).
         std::vector<std::string> operations;
         if (!info->restricted() && deps.authorizer) {
           auto allowed = deps.authorizer->SystemOperations(*call.principal);
           if (!allowed) return std::unexpected(Problem::FromStatus(allowed.error()));
           operations = std::move(*allowed);
         }
         nlohmann::json out = {{"principal", PrincipalJson(*call.principal)},
                               {"operations", std::move(operations)},
                               {"created_at", TimeJson(info->created_at)},
                               {"last_seen", TimeJson(info->last_seen)},
                               {"idle_expires_at", TimeJson(info->idle_expires_at)},
                               {"expires_at", TimeJson(info->expires_at)},
                               {"must_change_password", info->must_change_password},
                               {"totp_required", info->totp_required}};
         return JsonResponse(200, out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST", "/v1/auth/password", [=](Call& call) -> HandlerResult {
                                       Status s = id->authenticator().ChangePassword(
                                           BearerToken(call.request.info),
                                           StringView(call.body, "current"),
                                           StringView(call.body, "new"), call.Context(""));
                                       if (!s.ok()) return std::unexpected(AuthProblem(s, deps));
                                       return JsonResponse(200, {{"changed", true}});
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST", "/v1/auth/totp", [=](Call& call) -> HandlerResult {
                                       auto enrolment = id->authenticator().BeginTotpEnrolment(
                                           BearerToken(call.request.info), call.Context(""));
                                       if (!enrolment)
                                         return std::unexpected(AuditedProblem(enrolment.error()));
                                       return JsonResponse(
                                           200, {{"secret", enrolment->secret_base32},
                                                 {"otpauth_uri", enrolment->otpauth_uri}});
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/auth/totp/confirm", [=](Call& call) -> HandlerResult {
         Status s = id->authenticator().ConfirmTotpEnrolment(
             BearerToken(call.request.info), StringView(call.body, "code"), call.Context(""));
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return JsonResponse(200, {{"enrolled", true}});
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
