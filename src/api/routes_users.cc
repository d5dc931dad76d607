// People, the role catalogue and the identity policy parameters: the
// administrator's and CISO's side of identity (docs/REQUIREMENTS.md §3, §4, §14).
//
//   GET|POST /v1/users (GET pages: limit, cursor), GET|PATCH /v1/users/{user},
//   POST /v1/users/{user}/disable|enable|unlock|password,
//   DELETE /v1/users/{user}/totp,
//   PUT|DELETE /v1/users/{user}/roles/{role}, …/positions/{position}
//   GET /v1/roles
//   GET|PUT /v1/policy/identity
//
// The route table (route_table.h) authorises each route before its handler
// runs (the system rights table, policy/system_rights.cc), naming the user
// it acts on as the target, so the audit event of a read or a refusal says
// whose entry it was, and decodes the body (secrets overwritten after).
// Identity audits its own mutations and their refusals (AuditedProblem).
// Leave, department and position changes start a review of the person's
// rights (policy::StartReviewFor); the response names it. No response or
// problem ever holds a password, birth date or phone number: users are
// shown through identity::UserPublicJson.
#include <algorithm>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "identity/roles.h"
#include "policy/identity_directory.h"

namespace mamori::api {
namespace {

using nlohmann::json;

std::string UserLocation(std::string_view id) { return "/v1/users/" + std::string(id); }

Result<json> UserJson(identity::Identity& id, std::string_view user) {
  MAMORI_ASSIGN_OR_RETURN(auto u, id.directory().GetUser(user));
  return identity::UserPublicJson(u);
}

// The user as it now stands, or the problem of reading it.
HandlerResult UserResponse(identity::Identity& id, std::string_view user, int status = 200,
                           std::optional<json> review = std::nullopt) {
  auto j = UserJson(id, user);
  if (!j) return std::unexpected(Problem::FromStatus(j.error()));
  if (review) (*j)["review"] = std::move(*review);
  Response r = JsonResponse(status, *j);
  if (status == 201) r.headers.emplace_back("Location", UserLocation(user));
  return r;
}

// Starts the person review a trigger asks for. The change it follows is
// already stored, so a failure to start the review does not undo it: the
// response says so ({"started": false, "code": …}) and the refusal is in the
// audit log (policy audits its own).
json StartReview(policy::ReviewCampaigns* reviews, const Call& call,
                 const identity::ReviewTrigger& trigger) {
  if (!reviews) {
    return {{"started", false}, {"code", "unavailable"}};
  }
  auto campaign = policy::StartReviewFor(*reviews, CallerOf(call), trigger);
  if (!campaign) {
    return {{"started", false}, {"code", std::string(CodeName(campaign.error().code()))}};
  }
  return {{"started", true},
          {"id", campaign->id},
          {"reason", std::string(identity::ReviewReasonName(trigger.reason))},
          {"items", campaign->items}};
}

Status AddUserAccountRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  policy::ReviewCampaigns* reviews = deps.reviews;

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/users", [=](Call& call) -> HandlerResult {
                    auto page = PageParamsOf(call);
                    if (!page) return std::unexpected(page.error());
                    auto users = id->directory().ListUsers();
                    if (!users) return std::unexpected(Problem::FromStatus(users.error()));
                    auto out = JsonPage(
                        "users", *users, *page, [](const identity::User& u) { return u.id; },
                        [](const identity::User& u) { return identity::UserPublicJson(u); });
                    if (!out) return std::unexpected(out.error());
                    return JsonResponse(200, *out);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/users", [=](Call& call) -> HandlerResult {
                    json& body = call.body;
                    identity::NewUser u;
                    u.id = StringOf(body, "id");
                    u.display_name = StringOf(body, "display_name");
                    u.department = StringOf(body, "department");
                    u.manager = StringOf(body, "manager");
                    u.positions = Strings(body, "positions");
                    u.roles = Strings(body, "roles");
                    u.birth_date = StringOf(body, "birth_date");
                    u.phone = StringOf(body, "phone");
                    u.hired = StringOf(body, "hired");
                    u.hire_kind = StringOf(body, "hire_kind");
                    u.must_change_password = true;  // the initial password is the administrator's
                    std::string password = StringOf(body, "password");
                    Status s = id->directory().CreateUser(call.Context(""), u, password);
                    std::fill(password.begin(), password.end(), '\0');
                    std::fill(u.birth_date.begin(), u.birth_date.end(), '\0');
                    std::fill(u.phone.begin(), u.phone.end(), '\0');
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return UserResponse(*id, u.id, 201);
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/users/{user}", [=](Call& call) -> HandlerResult {
                                       const std::string& user = call.Param("user");
                                       return UserResponse(*id, user);
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"PATCH", "/v1/users/{user}", [=](Call& call) -> HandlerResult {
                    const std::string& user = call.Param("user");
                    json& body = call.body;
                    identity::UserChanges c;
                    c.display_name = OptString(body, "display_name");
                    c.department = OptString(body, "department");
                    c.manager = OptString(body, "manager");
                    c.birth_date = OptString(body, "birth_date");
                    c.phone = OptString(body, "phone");
                    auto trigger = id->directory().UpdateUser(call.Context(""), user, c);
                    if (c.birth_date) std::fill(c.birth_date->begin(), c.birth_date->end(), '\0');
                    if (c.phone) std::fill(c.phone->begin(), c.phone->end(), '\0');
                    if (!trigger) return std::unexpected(AuditedProblem(trigger.error()));
                    std::optional<json> review;
                    if (*trigger) review = StartReview(reviews, call, **trigger);
                    return UserResponse(*id, user, 200, std::move(review));
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/users/{user}/disable", [=](Call& call) -> HandlerResult {
         const std::string& user = call.Param("user");
         json& body = call.body;
         auto reason = identity::ParseDisableReason(StringOf(body, "reason"));
         if (!reason) {
           return std::unexpected(BadMember("reason",
                                            "'reason' must be one of leave, transfer, "
                                            "long_absence, no_longer_needed",
                                            "'reason' は leave, transfer, long_absence, "
                                            "no_longer_needed のいずれかで指定してください"));
         }
         auto trigger = id->directory().DisableUser(call.Context(""), user, *reason);
         if (!trigger) {
           return std::unexpected(AuditedProblem(trigger.error()));
         }
         return UserResponse(*id, user, 200, StartReview(reviews, call, *trigger));
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/users/{user}/enable", [=](Call& call) -> HandlerResult {
                    const std::string& user = call.Param("user");
                    Status s = id->directory().EnableUser(call.Context(""), user);
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return UserResponse(*id, user);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/users/{user}/unlock", [=](Call& call) -> HandlerResult {
                    const std::string& user = call.Param("user");
                    Status s = id->directory().UnlockUser(call.Context(""), user);
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return UserResponse(*id, user);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/users/{user}/password", [=](Call& call) -> HandlerResult {
                    const std::string& user = call.Param("user");
                    // The password is a view into the body, which the pipeline
                    // overwrites once this returns.
                    Status s = id->directory().ResetPassword(call.Context(""), user,
                                                             StringView(call.body, "password"),
                                                             StringView(call.body, "request"));
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return UserResponse(*id, user);
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"DELETE", "/v1/users/{user}/totp", [=](Call& call) -> HandlerResult {
         const std::string& user = call.Param("user");
         Status s = id->directory().ResetTotp(call.Context(""), user, call.QueryText("request"));
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return UserResponse(*id, user);
       }}));

  for (const bool add : {true, false}) {
    MAMORI_RETURN_IF_ERROR(router.Add(
        {add ? "PUT" : "DELETE", "/v1/users/{user}/roles/{role}", [=](Call& call) -> HandlerResult {
           const std::string& user = call.Param("user");
           const std::string& role = call.Param("role");
           Status s = add ? id->directory().AddRole(call.Context(""), user, role)
                          : id->directory().RemoveRole(call.Context(""), user, role);
           if (!s.ok()) return std::unexpected(AuditedProblem(s));
           return UserResponse(*id, user);
         }}));
    MAMORI_RETURN_IF_ERROR(router.Add(
        {add ? "PUT" : "DELETE", "/v1/users/{user}/positions/{position}",
         [=](Call& call) -> HandlerResult {
           const std::string& user = call.Param("user");
           const std::string& position = call.Param("position");
           auto trigger = add ? id->directory().AddPosition(call.Context(""), user, position)
                              : id->directory().RemovePosition(call.Context(""), user, position);
           if (!trigger) return std::unexpected(AuditedProblem(trigger.error()));
           return UserResponse(*id, user, 200, StartReview(reviews, call, *trigger));
         }}));
  }
  return Status::Ok();
}

Status AddRoleCatalogueRoutes(Router& router) {
  return router.Add({"GET", "/v1/roles", [](Call&) -> HandlerResult {
                       json out = json::array();
                       for (const auto& r : identity::KnownRoles()) {
                         out.push_back({{"id", std::string(r.id)},
                                        {"title_ja", std::string(r.title_ja)},
                                        {"title_en", std::string(r.title_en)}});
                       }
                       return JsonResponse(
                           200, {{"roles", std::move(out)},
                                 {"custom_prefix", std::string(identity::kCustomRolePrefix)}});
                     }});
}

Status AddIdentityPolicyRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;

  MAMORI_RETURN_IF_ERROR(router.Add({"GET", "/v1/policy/identity", [=](Call&) -> HandlerResult {
                                       auto p = id->GetPolicy();
                                       if (!p)
                                         return std::unexpected(Problem::FromStatus(p.error()));
                                       return JsonResponse(200, identity::PolicyToJson(*p));
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"PUT", "/v1/policy/identity", [=](Call& call) -> HandlerResult {
                    auto current = id->GetPolicy();
                    if (!current) return std::unexpected(Problem::FromStatus(current.error()));
                    // Members present replace those in force; the result is validated.
                    // A decoding or range error is the server's to audit (plain problem).
                    auto p = identity::PolicyFromJson(call.body, *current);
                    if (!p) return std::unexpected(Problem::FromStatus(p.error()));
                    Status s = id->SetPolicy(call.Context(""), *p);
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return JsonResponse(200, identity::PolicyToJson(*p));
                  }}));
  return Status::Ok();
}

}  // namespace

Status AddUserRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.identity) return Status::InvalidArgument("the user routes need identity");
  if (!deps.authorizer) return Status::InvalidArgument("the user routes need an authorizer");
  MAMORI_RETURN_IF_ERROR(AddUserAccountRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddRoleCatalogueRoutes(router));
  MAMORI_RETURN_IF_ERROR(AddIdentityPolicyRoutes(router, deps));
  return Status::Ok();
}

}  // namespace mamori::api
