// People, terminals, service accounts, the role catalogue and the identity
// policy parameters: the administrator's, terminal manager's and CISO's side
// of identity (REQUIREMENTS.md §3, §4, §14).
//
//   GET|POST /v1/users, GET|PATCH /v1/users/{user},
//   POST /v1/users/{user}/disable|enable|unlock|password,
//   DELETE /v1/users/{user}/totp,
//   PUT|DELETE /v1/users/{user}/roles/{role}, …/positions/{position}
//   GET /v1/roles
//   GET|POST /v1/terminals, GET|PATCH /v1/terminals/{terminal},
//   POST /v1/terminals/{terminal}/disable|enable
//   GET|POST /v1/service-accounts, GET /v1/service-accounts/{account},
//   PUT …/{account}/certificate, PUT|DELETE …/{account}/roles/{role},
//   POST …/{account}/disable|enable
//   GET|PUT /v1/policy/identity
//
// Each handler asks the Authorizer first (the system rights table,
// policy/system_rights.cc). Identity audits its own mutations and their
// refusals (AuditedProblem); a body that cannot be decoded is a plain
// problem, which the server audits. Leave, department and position changes
// start a review of the person's rights (policy::StartReviewFor); the
// response names it. No response or problem ever holds a password, birth
// date or phone number: users are shown through identity::UserPublicJson.
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"
#include "identity/roles.h"
#include "policy/identity_directory.h"

namespace mamori::api {
namespace {

using nlohmann::json;

enum class Kind { kString, kStrings, kBool };

struct Member {
  constexpr Member(std::string_view n, Kind k, bool r = false) : name(n), kind(k), required(r) {}
  std::string_view name;
  Kind kind;
  bool required;
};

Problem BadMember(std::string_view name, std::string detail, std::string detail_ja) {
  return Problem::Make("invalid_argument", std::move(detail), std::move(detail_ja),
                       std::string(name));
}

// A strict body: a JSON object whose members are all among `members`, each
// of its kind, the required ones present. The problem names the member.
std::expected<json, Problem> StrictBody(const Call& call, std::initializer_list<Member> members) {
  auto body = JsonBody(call);
  if (!body) return std::unexpected(body.error());
  if (!body->is_object()) {
    return std::unexpected(BadMember("body", "the body must be a JSON object",
                                     "本文は JSON オブジェクトで指定してください"));
  }
  for (const auto& [name, value] : body->items()) {
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const Member& m) { return m.name == name; });
    if (it == members.end()) {
      return std::unexpected(BadMember(name, "unknown member '" + name + "'",
                                       "不明なメンバ '" + name + "' があります"));
    }
    bool ok = false;
    std::string type, type_ja;
    switch (it->kind) {
      case Kind::kString:
        ok = value.is_string();
        type = "a string";
        type_ja = "文字列";
        break;
      case Kind::kBool:
        ok = value.is_boolean();
        type = "true or false";
        type_ja = "true または false";
        break;
      case Kind::kStrings:
        ok = value.is_array() &&
             std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
        type = "an array of strings";
        type_ja = "文字列の配列";
        break;
    }
    if (!ok) {
      return std::unexpected(BadMember(name, "'" + name + "' must be " + type,
                                       "'" + name + "' は" + type_ja + "で指定してください"));
    }
  }
  for (const Member& m : members) {
    if (m.required && !body->contains(m.name)) {
      const std::string name(m.name);
      return std::unexpected(
          BadMember(name, "'" + name + "' is required", "'" + name + "' は必須です"));
    }
  }
  return body;
}

std::optional<std::string> OptString(const json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  return it->get<std::string>();
}

std::string StringOf(const json& body, std::string_view name) {
  return OptString(body, name).value_or("");
}

std::vector<std::string> Strings(const json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return {};
  return it->get<std::vector<std::string>>();
}

// Overwrites the secrets a request carried (passwords) in the body and in
// the decoded copy, as soon as they are no longer needed.
void Scrub(Call& call, json& body) {
  std::fill(call.request.body.begin(), call.request.body.end(), '\0');
  for (auto& [name, value] : body.items()) {
    if (value.is_string()) {
      auto& s = value.get_ref<std::string&>();
      std::fill(s.begin(), s.end(), '\0');
    }
  }
}

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
  policy::Caller caller;
  caller.principal = *call.principal;
  caller.request_id = call.request.info.request_id;
  auto campaign = policy::StartReviewFor(*reviews, caller, trigger);
  if (!campaign) {
    return {{"started", false}, {"code", std::string(CodeName(campaign.error().code()))}};
  }
  return {{"started", true},
          {"id", campaign->id},
          {"reason", std::string(identity::ReviewReasonName(trigger.reason))},
          {"items", campaign->items}};
}

#define MAMORI_AUTHORIZE(op)                                    \
  do {                                                          \
    if (auto ok_ = Authorize(*authz, call, Action(op)); !ok_) { \
      return std::unexpected(ok_.error());                      \
    }                                                           \
  } while (0)

#define MAMORI_BODY(var, ...)                              \
  auto var##_or = StrictBody(call, {__VA_ARGS__});         \
  if (!var##_or) return std::unexpected(var##_or.error()); \
  json& var = *var##_or

Status AddUserRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  Authorizer* authz = deps.authorizer;
  policy::ReviewCampaigns* reviews = deps.reviews;

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/users", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
                    MAMORI_AUTHORIZE("user.list");
                    auto users = id->directory().ListUsers();
                    if (!users) return std::unexpected(Problem::FromStatus(users.error()));
                    json out = json::array();
                    for (const auto& u : *users) out.push_back(identity::UserPublicJson(u));
                    return JsonResponse(200, {{"users", std::move(out)}});
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/users", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("user.create");
         MAMORI_BODY(body, {"id", Kind::kString, true}, {"display_name", Kind::kString, true},
                     {"department", Kind::kString}, {"manager", Kind::kString},
                     {"positions", Kind::kStrings}, {"roles", Kind::kStrings},
                     {"birth_date", Kind::kString}, {"phone", Kind::kString},
                     {"password", Kind::kString, true});
         identity::NewUser u;
         u.id = StringOf(body, "id");
         u.display_name = StringOf(body, "display_name");
         u.department = StringOf(body, "department");
         u.manager = StringOf(body, "manager");
         u.positions = Strings(body, "positions");
         u.roles = Strings(body, "roles");
         u.birth_date = StringOf(body, "birth_date");
         u.phone = StringOf(body, "phone");
         u.must_change_password = true;  // the initial password is the administrator's
         std::string password = StringOf(body, "password");
         Scrub(call, body);
         Status s = id->directory().CreateUser(call.Context(""), u, password);
         std::fill(password.begin(), password.end(), '\0');
         std::fill(u.birth_date.begin(), u.birth_date.end(), '\0');
         std::fill(u.phone.begin(), u.phone.end(), '\0');
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return UserResponse(*id, u.id, 201);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/users/{user}", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("user.show");
         return UserResponse(*id, call.Param("user"));
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"PATCH", "/v1/users/{user}", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("user.update");
         MAMORI_BODY(body, {"display_name", Kind::kString}, {"department", Kind::kString},
                     {"manager", Kind::kString}, {"birth_date", Kind::kString},
                     {"phone", Kind::kString});
         identity::UserChanges c;
         c.display_name = OptString(body, "display_name");
         c.department = OptString(body, "department");
         c.manager = OptString(body, "manager");
         c.birth_date = OptString(body, "birth_date");
         c.phone = OptString(body, "phone");
         Scrub(call, body);
         const std::string& user = call.Param("user");
         auto trigger = id->directory().UpdateUser(call.Context(""), user, c);
         if (c.birth_date) std::fill(c.birth_date->begin(), c.birth_date->end(), '\0');
         if (c.phone) std::fill(c.phone->begin(), c.phone->end(), '\0');
         if (!trigger) return std::unexpected(AuditedProblem(trigger.error()));
         std::optional<json> review;
         if (*trigger) review = StartReview(reviews, call, **trigger);
         return UserResponse(*id, user, 200, std::move(review));
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST",
       "/v1/users/{user}/disable",
       Access::kAuthenticated,
       {},
       [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("user.disable");
         MAMORI_BODY(body, {"reason", Kind::kString, true});
         auto reason = identity::ParseDisableReason(StringOf(body, "reason"));
         if (!reason) {
           return std::unexpected(BadMember("reason",
                                            "'reason' must be one of leave, transfer, "
                                            "long_absence, no_longer_needed",
                                            "'reason' は leave, transfer, long_absence, "
                                            "no_longer_needed のいずれかで指定してください"));
         }
         const std::string& user = call.Param("user");
         auto trigger = id->directory().DisableUser(call.Context(""), user, *reason);
         if (!trigger) {
           return std::unexpected(AuditedProblem(trigger.error()));
         }
         return UserResponse(*id, user, 200, StartReview(reviews, call, *trigger));
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST",
                                     "/v1/users/{user}/enable",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       MAMORI_AUTHORIZE("user.enable");
                                       const std::string& user = call.Param("user");
                                       Status s =
                                           id->directory().EnableUser(call.Context(""), user);
                                       if (!s.ok()) return std::unexpected(AuditedProblem(s));
                                       return UserResponse(*id, user);
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST",
                                     "/v1/users/{user}/unlock",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       MAMORI_AUTHORIZE("user.unlock");
                                       const std::string& user = call.Param("user");
                                       Status s =
                                           id->directory().UnlockUser(call.Context(""), user);
                                       if (!s.ok()) return std::unexpected(AuditedProblem(s));
                                       return UserResponse(*id, user);
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST",
                                     "/v1/users/{user}/password",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       MAMORI_AUTHORIZE("user.reset_password");
                                       MAMORI_BODY(body, {"password", Kind::kString, true});
                                       std::string password = StringOf(body, "password");
                                       Scrub(call, body);
                                       const std::string& user = call.Param("user");
                                       Status s = id->directory().ResetPassword(call.Context(""),
                                                                                user, password);
                                       std::fill(password.begin(), password.end(), '\0');
                                       if (!s.ok()) return std::unexpected(AuditedProblem(s));
                                       return UserResponse(*id, user);
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"DELETE",
                                     "/v1/users/{user}/totp",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       MAMORI_AUTHORIZE("user.reset_totp");
                                       const std::string& user = call.Param("user");
                                       Status s = id->directory().ResetTotp(call.Context(""), user);
                                       if (!s.ok()) return std::unexpected(AuditedProblem(s));
                                       return UserResponse(*id, user);
                                     }}));

  for (const bool add : {true, false}) {
    MAMORI_RETURN_IF_ERROR(
        router.Add({add ? "PUT" : "DELETE",
                    "/v1/users/{user}/roles/{role}",
                    Access::kAuthenticated,
                    {},
                    [=](Call& call) -> HandlerResult {
                      MAMORI_AUTHORIZE("user.roles");
                      const std::string& user = call.Param("user");
                      const std::string& role = call.Param("role");
                      Status s = add ? id->directory().AddRole(call.Context(""), user, role)
                                     : id->directory().RemoveRole(call.Context(""), user, role);
                      if (!s.ok()) return std::unexpected(AuditedProblem(s));
                      return UserResponse(*id, user);
                    }}));
    MAMORI_RETURN_IF_ERROR(router.Add(
        {add ? "PUT" : "DELETE",
         "/v1/users/{user}/positions/{position}",
         Access::kAuthenticated,
         {},
         [=](Call& call) -> HandlerResult {
           MAMORI_AUTHORIZE("user.positions");
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

Status AddRoleRoutes(Router& router, const RouteDeps& deps) {
  Authorizer* authz = deps.authorizer;
  return router.Add(
      {"GET", "/v1/roles", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("role.list");
         json out = json::array();
         for (const auto& r : identity::KnownRoles()) {
           out.push_back({{"id", std::string(r.id)},
                          {"title_ja", std::string(r.title_ja)},
                          {"title_en", std::string(r.title_en)}});
         }
         return JsonResponse(200, {{"roles", std::move(out)},
                                   {"custom_prefix", std::string(identity::kCustomRolePrefix)}});
       }});
}

Status AddTerminalRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  Authorizer* authz = deps.authorizer;
  auto respond = [id](std::string_view terminal, int status) -> HandlerResult {
    auto t = id->terminals().Get(terminal);
    if (!t) return std::unexpected(Problem::FromStatus(t.error()));
    Response r = JsonResponse(status, identity::TerminalToJson(*t));
    if (status == 201) r.headers.emplace_back("Location", "/v1/terminals/" + t->id);
    return r;
  };

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/terminals", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("terminal.list");
         auto list = id->terminals().List();
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         json out = json::array();
         for (const auto& t : *list) out.push_back(identity::TerminalToJson(t));
         return JsonResponse(200, {{"terminals", std::move(out)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/terminals", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("terminal.register");
         MAMORI_BODY(body, {"id", Kind::kString, true}, {"fingerprint", Kind::kString, true},
                     {"description", Kind::kString}, {"controlled_area", Kind::kBool});
         identity::NewTerminal t;
         t.id = StringOf(body, "id");
         t.fingerprint = StringOf(body, "fingerprint");
         t.description = StringOf(body, "description");
         t.controlled_area = body.value("controlled_area", false);
         Status s = id->terminals().Register(call.Context(""), t);
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return respond(t.id, 201);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET",
                                     "/v1/terminals/{terminal}",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       MAMORI_AUTHORIZE("terminal.show");
                                       return respond(call.Param("terminal"), 200);
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"PATCH",
                  "/v1/terminals/{terminal}",
                  Access::kAuthenticated,
                  {},
                  [=](Call& call) -> HandlerResult {
                    MAMORI_AUTHORIZE("terminal.update");
                    MAMORI_BODY(body, {"fingerprint", Kind::kString},
                                {"description", Kind::kString}, {"controlled_area", Kind::kBool});
                    identity::TerminalChanges c;
                    c.fingerprint = OptString(body, "fingerprint");
                    c.description = OptString(body, "description");
                    if (body.contains("controlled_area"))
                      c.controlled_area = body["controlled_area"].get<bool>();
                    const std::string& terminal = call.Param("terminal");
                    Status s = id->terminals().Update(call.Context(""), terminal, c);
                    if (!s.ok()) return std::unexpected(AuditedProblem(s));
                    return respond(terminal, 200);
                  }}));

  for (const bool enable : {false, true}) {
    MAMORI_RETURN_IF_ERROR(
        router.Add({"POST",
                    enable ? "/v1/terminals/{terminal}/enable" : "/v1/terminals/{terminal}/disable",
                    Access::kAuthenticated,
                    {},
                    [=](Call& call) -> HandlerResult {
                      MAMORI_AUTHORIZE(enable ? "terminal.enable" : "terminal.disable");
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
  Authorizer* authz = deps.authorizer;
  auto respond = [id](std::string_view account, int status) -> HandlerResult {
    auto a = id->service_accounts().Get(account);
    if (!a) return std::unexpected(Problem::FromStatus(a.error()));
    Response r = JsonResponse(status, identity::ServiceAccountToJson(*a));
    if (status == 201) r.headers.emplace_back("Location", "/v1/service-accounts/" + a->id);
    return r;
  };

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/service-accounts", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("service.list");
         auto list = id->service_accounts().List();
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         json out = json::array();
         for (const auto& a : *list) out.push_back(identity::ServiceAccountToJson(a));
         return JsonResponse(200, {{"service_accounts", std::move(out)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST",
       "/v1/service-accounts",
       Access::kAuthenticated,
       {},
       [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("service.create");
         MAMORI_BODY(body, {"id", Kind::kString, true}, {"display_name", Kind::kString, true},
                     {"cert_fingerprint", Kind::kString, true}, {"roles", Kind::kStrings});
         identity::NewServiceAccount a;
         a.id = StringOf(body, "id");
         a.display_name = StringOf(body, "display_name");
         a.cert_fingerprint = StringOf(body, "cert_fingerprint");
         a.roles = Strings(body, "roles");
         Status s = id->service_accounts().Create(call.Context(""), a);
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return respond(a.id, 201);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET",
                                     "/v1/service-accounts/{account}",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       MAMORI_AUTHORIZE("service.show");
                                       return respond(call.Param("account"), 200);
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"PUT",
                                     "/v1/service-accounts/{account}/certificate",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       MAMORI_AUTHORIZE("service.update");
                                       MAMORI_BODY(body, {"cert_fingerprint", Kind::kString, true});
                                       const std::string& account = call.Param("account");
                                       Status s = id->service_accounts().SetCertificate(
                                           call.Context(""), account,
                                           StringOf(body, "cert_fingerprint"));
                                       if (!s.ok()) return std::unexpected(AuditedProblem(s));
                                       return respond(account, 200);
                                     }}));

  for (const bool add : {true, false}) {
    MAMORI_RETURN_IF_ERROR(router.Add(
        {add ? "PUT" : "DELETE",
         "/v1/service-accounts/{account}/roles/{role}",
         Access::kAuthenticated,
         {},
         [=](Call& call) -> HandlerResult {
           MAMORI_AUTHORIZE("service.roles");
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
                    Access::kAuthenticated,
                    {},
                    [=](Call& call) -> HandlerResult {
                      MAMORI_AUTHORIZE(enable ? "service.enable" : "service.disable");
                      const std::string& account = call.Param("account");
                      Status s = enable ? id->service_accounts().Enable(call.Context(""), account)
                                        : id->service_accounts().Disable(call.Context(""), account);
                      if (!s.ok()) return std::unexpected(AuditedProblem(s));
                      return respond(account, 200);
                    }}));
  }
  return Status::Ok();
}

Status AddIdentityPolicyRoutes(Router& router, const RouteDeps& deps) {
  identity::Identity* id = deps.identity;
  Authorizer* authz = deps.authorizer;

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/policy/identity", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("policy.show");
         auto p = id->GetPolicy();
         if (!p) return std::unexpected(Problem::FromStatus(p.error()));
         return JsonResponse(200, identity::PolicyToJson(*p));
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"PUT", "/v1/policy/identity", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         MAMORI_AUTHORIZE("policy.update");
         auto body = JsonBody(call);
         if (!body) return std::unexpected(body.error());
         auto current = id->GetPolicy();
         if (!current) return std::unexpected(Problem::FromStatus(current.error()));
         // Members present replace those in force; the result is validated.
         // A decoding or range error is the server's to audit (plain problem).
         auto p = identity::PolicyFromJson(*body, *current);
         if (!p) return std::unexpected(Problem::FromStatus(p.error()));
         Status s = id->SetPolicy(call.Context(""), *p);
         if (!s.ok()) return std::unexpected(AuditedProblem(s));
         return JsonResponse(200, identity::PolicyToJson(*p));
       }}));
  return Status::Ok();
}

#undef MAMORI_AUTHORIZE
#undef MAMORI_BODY

}  // namespace

Status AddPeopleRoutes(Router& router, const RouteDeps& deps) {
  if (!deps.identity) return Status::InvalidArgument("the people routes need identity");
  if (!deps.authorizer) return Status::InvalidArgument("the people routes need an authorizer");
  MAMORI_RETURN_IF_ERROR(AddUserRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddRoleRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddTerminalRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddServiceAccountRoutes(router, deps));
  MAMORI_RETURN_IF_ERROR(AddIdentityPolicyRoutes(router, deps));
  return Status::Ok();
}

}  // namespace mamori::api
