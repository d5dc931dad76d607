// The rights flow, the rights register (アクセス権限管理簿) and review
// campaigns (REQUIREMENTS.md §4; issue 3 items 4 and 5):
//
//   POST /v1/rights/requests                       request a grant, change, removal, …
//   GET  /v1/rights/requests[?state=]              open requests (or those in one state)
//   GET  /v1/rights/requests/{request}
//   POST /v1/rights/requests/{request}/approve|configure   {"comment"}
//   POST /v1/rights/requests/{request}/reject|withdraw     {"reason"}
//   GET  /v1/rights/register                       RightsRegister::Export
//   GET  /v1/rights/grants[?include_removed=], GET /v1/rights/grants/{grant}
//   GET  /v1/rights/holdings
//   POST|GET /v1/reviews, GET /v1/reviews/overdue, GET /v1/reviews/{campaign}[/items]
//   POST /v1/reviews/{campaign}/items/{item}/confirm {"comment"} | /revoke {"reason"}
//
// Each handler asks the Authorizer first (the system rights table:
// rights.request, rights.approve, …), which audits refusals and the reads of
// the register and reviews. Who may take which step of one request is
// decided again by policy (separation.h) inside the transaction that records
// it; policy audits its state changes and refusals, so its errors are
// AuditedProblem. A body that cannot be decoded never reaches policy: it is a
// plain Problem, which the server audits. Free-text reasons and comments go
// to policy, which keeps them in the register and never in audit events.
#include <algorithm>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"
#include "policy/change.h"
#include "policy/mask.h"
#include "policy/review_types.h"
#include "policy/right.h"

namespace mamori::api {
namespace {

policy::Caller CallerOf(const Call& call) {
  return policy::Caller{*call.principal, call.request.info.request_id, 0};
}

Problem Invalid(const std::string& member, const std::string& en, const std::string& ja) {
  return Problem::Make("invalid_argument", "'" + member + "' " + en, "'" + member + "' " + ja,
                       member);
}

// The body as a JSON object whose members are all in `allowed`. An empty
// body counts as {} when `empty_ok` (steps whose comment is optional).
std::expected<nlohmann::json, Problem> ObjectBody(const Call& call,
                                                  std::initializer_list<std::string_view> allowed,
                                                  bool empty_ok) {
  if (empty_ok && call.request.body.empty()) return nlohmann::json::object();
  auto body = JsonBody(call);
  if (!body) return std::unexpected(body.error());
  if (!body->is_object()) {
    return std::unexpected(Problem::Make("invalid_argument", "the body must be a JSON object",
                                         "本文は JSON オブジェクトで指定してください", "body"));
  }
  for (const auto& [name, value] : body->items()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return std::unexpected(Problem::Make("invalid_argument", "unknown member '" + name + "'",
                                           "不明なメンバ '" + name + "' があります", name));
    }
  }
  return std::move(*body);
}

// A string member; "" when absent.
std::expected<std::string, Problem> StringMember(const nlohmann::json& body,
                                                 const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return std::string();
  if (!it->is_string()) {
    return std::unexpected(Invalid(name, "must be a string", "は文字列で指定してください"));
  }
  return it->get<std::string>();
}

// A member that must be present (any type; the caller checks it).
std::expected<void, Problem> Required(const nlohmann::json& body, const std::string& name,
                                      std::string_view kind) {
  if (body.contains(name)) return {};
  return std::unexpected(Invalid(name, "is required for kind " + std::string(kind),
                                 "は種別 " + std::string(kind) + " では必須です"));
}

// Members that only some kinds take: refused for the others, so that a
// client cannot believe a member it sent had an effect.
std::expected<void, Problem> OnlyFor(const nlohmann::json& body, std::string_view kind,
                                     std::initializer_list<std::string_view> allowed) {
  for (const char* member :
       {"right", "grant", "person", "dataset", "terminals", "mask_scope", "mask_rule"}) {
    if (!body.contains(member)) continue;
    if (std::find(allowed.begin(), allowed.end(), member) != allowed.end()) continue;
    return std::unexpected(Invalid(member, "does not apply to kind " + std::string(kind),
                                   "は種別 " + std::string(kind) + " では指定できません"));
  }
  return {};
}

// The problem of a nested member's decoding error, its subject named from
// the body down ("right.colour").
Problem NestedProblem(const Status& status, const std::string& member) {
  Problem p = Problem::FromStatus(status);
  if (p.subject.empty()) {
    p.subject = member;
  } else if (p.subject != member && p.subject.rfind(member + ".", 0) != 0) {
    p.subject = member + "." + p.subject;
  }
  return p;
}

std::expected<std::optional<TimeMicros>, Problem> ParseTime(std::string_view text,
                                                            const std::string& name) {
  if (text.empty()) return std::nullopt;
  auto t = ParseUtc(text);
  if (!t) {
    return std::unexpected(
        Problem::Make("invalid_argument", name + " must be a UTC time like 2026-11-22T00:00:00Z",
                      name + " は 2026-11-22T00:00:00Z 形式のUTC時刻で指定してください", name));
  }
  return *t;
}

std::expected<bool, Problem> QueryBool(const Call& call, std::string_view name) {
  auto v = call.Query(name);
  if (!v || v->empty() || *v == "false") return false;
  if (*v == "true") return true;
  return std::unexpected(Problem::Make(
      "invalid_argument", std::string(name) + " must be true or false",
      std::string(name) + " は true または false で指定してください", std::string(name)));
}

std::string QueryString(const Call& call, std::string_view name) {
  auto v = call.Query(name);
  return v ? std::string(*v) : std::string();
}

// The register query of ?role=&person=&dataset=&category=&since=&until=
// &kind=a,b&include_open=.
std::expected<policy::RegisterQuery, Problem> RegisterQueryOf(const Call& call) {
  policy::RegisterQuery q;
  q.role = QueryString(call, "role");
  q.person = QueryString(call, "person");
  q.dataset = QueryString(call, "dataset");
  q.category = QueryString(call, "category");
  auto since = ParseTime(QueryString(call, "since"), "since");
  if (!since) return std::unexpected(since.error());
  q.since = *since;
  auto until = ParseTime(QueryString(call, "until"), "until");
  if (!until) return std::unexpected(until.error());
  q.until = *until;
  std::string kinds = QueryString(call, "kind");
  size_t start = 0;
  while (start < kinds.size()) {
    size_t comma = kinds.find(',', start);
    if (comma == std::string::npos) comma = kinds.size();
    std::string_view name(kinds.data() + start, comma - start);
    auto kind = policy::ParseChangeKind(name);
    if (!kind) {
      return std::unexpected(Problem::Make(
          "invalid_argument",
          "kind must be a comma-separated list of grant, change, removal, reinstate, revocation, "
          "mask_rule, terminals",
          "kind は grant, change, removal, reinstate, revocation, mask_rule, terminals "
          "のカンマ区切りで指定してください",
          "kind"));
    }
    q.kinds.push_back(*kind);
    start = comma + 1;
  }
  auto open = QueryBool(call, "include_open");
  if (!open) return std::unexpected(open.error());
  q.include_open = *open;
  return q;
}

std::optional<policy::ItemState> ParseItemState(std::string_view name) {
  for (auto s :
       {policy::ItemState::kPending, policy::ItemState::kConfirmed, policy::ItemState::kRevoked}) {
    if (policy::ItemStateName(s) == name) return s;
  }
  return std::nullopt;
}

// POST /v1/rights/requests: the request of the body's kind.
HandlerResult SubmitRequest(policy::RightsAdmin& rights, Call& call) {
  auto body = ObjectBody(call,
                         {"kind", "right", "grant", "person", "dataset", "terminals", "mask_scope",
                          "mask_rule", "reason"},
                         false);
  if (!body) return std::unexpected(body.error());
  const nlohmann::json& b = *body;
  auto kind_name = StringMember(b, "kind");
  if (!kind_name) return std::unexpected(kind_name.error());
  auto kind = policy::ParseChangeKind(*kind_name);
  if (kind_name->empty() || !kind || *kind == policy::ChangeKind::kRevocation) {
    return std::unexpected(Invalid(
        "kind", "must be one of grant, change, removal, reinstate, terminals, mask_rule",
        "は grant, change, removal, reinstate, terminals, mask_rule のいずれかで指定してください"));
  }
  auto reason = StringMember(b, "reason");
  if (!reason) return std::unexpected(reason.error());
  auto grant = StringMember(b, "grant");
  if (!grant) return std::unexpected(grant.error());
  auto person = StringMember(b, "person");
  if (!person) return std::unexpected(person.error());
  auto dataset = StringMember(b, "dataset");
  if (!dataset) return std::unexpected(dataset.error());

  auto right_of = [&]() -> std::expected<policy::Right, Problem> {
    if (auto ok = Required(b, "right", *kind_name); !ok) return std::unexpected(ok.error());
    auto right = policy::RightFromJson(b["right"]);
    if (!right) return std::unexpected(NestedProblem(right.error(), "right"));
    return *right;
  };
  auto need = [&](const char* member) { return Required(b, member, *kind_name); };
  using K = policy::ChangeKind;
  const policy::Caller caller = CallerOf(call);
  Result<policy::ChangeRequest> result = Fail(Status::Internal("unhandled kind", "未対応の種別"));
  switch (*kind) {
    case K::kGrant: {
      if (auto ok = OnlyFor(b, *kind_name, {"right"}); !ok) return std::unexpected(ok.error());
      auto right = right_of();
      if (!right) return std::unexpected(right.error());
      result = rights.RequestGrant(caller, *right, *reason);
      break;
    }
    case K::kChange: {
      if (auto ok = OnlyFor(b, *kind_name, {"right", "grant"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("grant"); !ok) return std::unexpected(ok.error());
      auto right = right_of();
      if (!right) return std::unexpected(right.error());
      result = rights.RequestChange(caller, *grant, *right, *reason);
      break;
    }
    case K::kRemoval:
      if (auto ok = OnlyFor(b, *kind_name, {"grant"}); !ok) return std::unexpected(ok.error());
      if (auto ok = need("grant"); !ok) return std::unexpected(ok.error());
      result = rights.RequestRemoval(caller, *grant, *reason);
      break;
    case K::kReinstate:
      if (auto ok = OnlyFor(b, *kind_name, {"grant", "person"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("grant"); !ok) return std::unexpected(ok.error());
      if (auto ok = need("person"); !ok) return std::unexpected(ok.error());
      result = rights.RequestReinstate(caller, *grant, *person, *reason);
      break;
    case K::kTerminals: {
      if (auto ok = OnlyFor(b, *kind_name, {"dataset", "terminals"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("dataset"); !ok) return std::unexpected(ok.error());
      if (auto ok = need("terminals"); !ok) return std::unexpected(ok.error());
      std::vector<std::string> ids;
      const nlohmann::json& list = b["terminals"];
      if (!list.is_array() ||
          !std::all_of(list.begin(), list.end(), [](const auto& v) { return v.is_string(); })) {
        return std::unexpected(Invalid("terminals", "must be an array of terminal ids",
                                       "は端末IDの配列で指定してください"));
      }
      for (const auto& v : list) ids.push_back(v.get<std::string>());
      result = rights.RequestTerminals(caller, *dataset, ids, *reason);
      break;
    }
    case K::kMaskRule: {
      if (auto ok = OnlyFor(b, *kind_name, {"mask_scope", "mask_rule"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("mask_scope"); !ok) return std::unexpected(ok.error());
      auto scope = policy::MaskScopeFromJson(b["mask_scope"]);
      if (!scope) return std::unexpected(NestedProblem(scope.error(), "mask_scope"));
      std::optional<policy::MaskRule> rule;
      if (b.contains("mask_rule") && !b["mask_rule"].is_null()) {
        auto parsed = policy::MaskRuleFromJson(b["mask_rule"]);
        if (!parsed) return std::unexpected(NestedProblem(parsed.error(), "mask_rule"));
        rule = *parsed;
      }
      result = rights.RequestMaskRule(caller, *scope, rule, *reason);
      break;
    }
    case K::kRevocation:
      break;  // refused above: only a review writes revocations
  }
  if (!result) return std::unexpected(AuditedProblem(result.error()));
  Response r = JsonResponse(201, policy::ChangeToJson(*result));
  r.headers.emplace_back("Location", "/v1/rights/requests/" + result->id);
  return r;
}

using StepFn = Result<policy::ChangeRequest> (policy::RightsAdmin::*)(const policy::Caller&,
                                                                      std::string_view,
                                                                      std::string_view);

// POST /v1/rights/requests/{request}/<step>: the body's `member` (comment or
// reason) is the step's text.
Route StepRoute(policy::RightsAdmin* rights, Authorizer* authz, std::string_view verb,
                std::string operation, StepFn step, std::string member, bool empty_ok) {
  return {"POST",
          "/v1/rights/requests/{request}/" + std::string(verb),
          Access::kAuthenticated,
          {},
          [=](Call& call) -> HandlerResult {
            if (auto ok = Authorize(*authz, call, {operation}); !ok) {
              return std::unexpected(ok.error());
            }
            auto body = ObjectBody(call, {member}, empty_ok);
            if (!body) return std::unexpected(body.error());
            auto text = StringMember(*body, member);
            if (!text) return std::unexpected(text.error());
            auto result = (rights->*step)(CallerOf(call), call.Param("request"), *text);
            if (!result) return std::unexpected(AuditedProblem(result.error()));
            return JsonResponse(200, policy::ChangeToJson(*result));
          }};
}

}  // namespace

Status AddRightsRoutes(Router& router, const RouteDeps& deps) {
  policy::RightsAdmin* rights = deps.rights;
  policy::RightsRegister* reg = deps.rights_register;
  policy::ReviewCampaigns* reviews = deps.reviews;
  Authorizer* authz = deps.authorizer;
  if (!rights || !reg || !reviews || !authz) {
    return Status::InvalidArgument(
        "the rights routes need the rights flow, its register, reviews and an authorizer",
        "権限のルートには権限管理・管理簿・見直し・認可が必要です");
  }

  // The rights flow.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/rights/requests", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         if (auto ok = Authorize(*authz, call, {"rights.request"}); !ok) {
           return std::unexpected(ok.error());
         }
         return SubmitRequest(*rights, call);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET",
       "/v1/rights/requests",
       Access::kAuthenticated,
       {"state"},
       [=](Call& call) -> HandlerResult {
         std::optional<policy::ChangeState> state;
         if (auto s = call.Query("state"); s && !s->empty()) {
           state = policy::ParseChangeState(*s);
           if (!state) {
             return std::unexpected(Problem::Make(
                 "invalid_argument",
                 "state must be one of requested, approved, configured, rejected, withdrawn",
                 "state は requested, approved, configured, rejected, withdrawn "
                 "のいずれかで指定してください",
                 "state"));
           }
         }
         if (auto ok = Authorize(*authz, call, {"rights.register"}); !ok) {
           return std::unexpected(ok.error());
         }
         Result<std::vector<policy::ChangeRequest>> list = Fail(Status::Internal("", ""));
         if (!state) {
           list = rights->OpenRequests();
         } else {
           policy::RegisterQuery q;
           q.include_open = true;
           list = reg->Entries(q);
         }
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         nlohmann::json out = nlohmann::json::array();
         for (const auto& r : *list) {
           if (!state || r.state == *state) out.push_back(policy::ChangeToJson(r));
         }
         return JsonResponse(200, {{"requests", std::move(out)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET",
                                     "/v1/rights/requests/{request}",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       if (auto ok = Authorize(*authz, call, {"rights.register"});
                                           !ok) {
                                         return std::unexpected(ok.error());
                                       }
                                       auto r = rights->Get(call.Param("request"));
                                       if (!r)
                                         return std::unexpected(Problem::FromStatus(r.error()));
                                       return JsonResponse(200, policy::ChangeToJson(*r));
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add(StepRoute(rights, authz, "approve", "rights.approve",
                                              &policy::RightsAdmin::Approve, "comment", true)));
  MAMORI_RETURN_IF_ERROR(router.Add(StepRoute(rights, authz, "configure", "rights.configure",
                                              &policy::RightsAdmin::Configure, "comment", true)));
  MAMORI_RETURN_IF_ERROR(router.Add(StepRoute(rights, authz, "reject", "rights.reject",
                                              &policy::RightsAdmin::Reject, "reason", false)));
  MAMORI_RETURN_IF_ERROR(router.Add(StepRoute(rights, authz, "withdraw", "rights.withdraw",
                                              &policy::RightsAdmin::Withdraw, "reason", false)));

  // The register (アクセス権限管理簿).
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET",
       "/v1/rights/register",
       Access::kAuthenticated,
       {"role", "person", "dataset", "category", "since", "until", "kind", "include_open"},
       [=](Call& call) -> HandlerResult {
         auto q = RegisterQueryOf(call);
         if (!q) return std::unexpected(q.error());
         if (auto ok = Authorize(*authz, call, {"rights.register"}); !ok) {
           return std::unexpected(ok.error());
         }
         auto out = reg->Export(*q);
         if (!out) return std::unexpected(Problem::FromStatus(out.error()));
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET",
                  "/v1/rights/grants",
                  Access::kAuthenticated,
                  {"include_removed"},
                  [=](Call& call) -> HandlerResult {
                    auto removed = QueryBool(call, "include_removed");
                    if (!removed) return std::unexpected(removed.error());
                    if (auto ok = Authorize(*authz, call, {"rights.register"}); !ok) {
                      return std::unexpected(ok.error());
                    }
                    auto grants = reg->Grants(*removed);
                    if (!grants) {
                      return std::unexpected(Problem::FromStatus(grants.error()));
                    }
                    nlohmann::json out = nlohmann::json::array();
                    for (const auto& g : *grants) {
                      out.push_back(policy::GrantToJson(g));
                    }
                    return JsonResponse(200, {{"grants", std::move(out)}});
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET",
                                     "/v1/rights/grants/{grant}",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       if (auto ok = Authorize(*authz, call, {"rights.register"});
                                           !ok) {
                                         return std::unexpected(ok.error());
                                       }
                                       auto g = reg->GetGrant(call.Param("grant"));
                                       if (!g)
                                         return std::unexpected(Problem::FromStatus(g.error()));
                                       return JsonResponse(200, policy::GrantToJson(*g));
                                     }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET",
                  "/v1/rights/holdings",
                  Access::kAuthenticated,
                  {"role", "person", "dataset", "category"},
                  [=](Call& call) -> HandlerResult {
                    auto q = RegisterQueryOf(call);
                    if (!q) return std::unexpected(q.error());
                    if (auto ok = Authorize(*authz, call, {"rights.register"}); !ok) {
                      return std::unexpected(ok.error());
                    }
                    auto holdings = reg->Holdings(*q);
                    if (!holdings) return std::unexpected(Problem::FromStatus(holdings.error()));
                    nlohmann::json out = nlohmann::json::array();
                    for (const auto& h : *holdings) out.push_back(policy::HoldingToJson(h));
                    return JsonResponse(200, {{"holdings", std::move(out)}});
                  }}));

  // Review campaigns.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/reviews", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         if (auto ok = Authorize(*authz, call, {"review.start"}); !ok) {
           return std::unexpected(ok.error());
         }
         auto body = ObjectBody(call, {"title", "department", "due"}, false);
         if (!body) return std::unexpected(body.error());
         policy::CampaignSpec spec;
         auto title = StringMember(*body, "title");
         if (!title) return std::unexpected(title.error());
         spec.title = *title;
         auto department = StringMember(*body, "department");
         if (!department) return std::unexpected(department.error());
         spec.department = *department;
         auto due_text = StringMember(*body, "due");
         if (!due_text) return std::unexpected(due_text.error());
         auto due = ParseTime(*due_text, "due");
         if (!due) return std::unexpected(due.error());
         spec.due = due->value_or(0);
         auto campaign = reviews->Start(CallerOf(call), spec);
         if (!campaign) return std::unexpected(AuditedProblem(campaign.error()));
         Response r = JsonResponse(201, policy::CampaignToJson(*campaign));
         r.headers.emplace_back("Location", "/v1/reviews/" + campaign->id);
         return r;
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/reviews", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         if (auto ok = Authorize(*authz, call, {"review.list"}); !ok) {
           return std::unexpected(ok.error());
         }
         auto campaigns = reviews->Campaigns();
         if (!campaigns) return std::unexpected(Problem::FromStatus(campaigns.error()));
         const TimeMicros now = NowMicros();
         nlohmann::json out = nlohmann::json::array();
         for (const auto& c : *campaigns) {
           nlohmann::json j = policy::CampaignToJson(c);
           j["overdue"] = c.Overdue(now);
           out.push_back(std::move(j));
         }
         return JsonResponse(200, {{"campaigns", std::move(out)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/reviews/overdue", Access::kAuthenticated, {}, [=](Call& call) -> HandlerResult {
         if (auto ok = Authorize(*authz, call, {"review.list"}); !ok) {
           return std::unexpected(ok.error());
         }
         auto items = reviews->Overdue();
         if (!items) return std::unexpected(Problem::FromStatus(items.error()));
         nlohmann::json out = nlohmann::json::array();
         for (const auto& i : *items) out.push_back(policy::ReviewItemToJson(i));
         return JsonResponse(200, {{"items", std::move(out)}});
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"GET",
                                     "/v1/reviews/{campaign}",
                                     Access::kAuthenticated,
                                     {},
                                     [=](Call& call) -> HandlerResult {
                                       if (auto ok = Authorize(*authz, call, {"review.list"});
                                           !ok) {
                                         return std::unexpected(ok.error());
                                       }
                                       auto c = reviews->GetCampaign(call.Param("campaign"));
                                       if (!c)
                                         return std::unexpected(Problem::FromStatus(c.error()));
                                       nlohmann::json j = policy::CampaignToJson(*c);
                                       j["overdue"] = c->Overdue(NowMicros());
                                       return JsonResponse(200, j);
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET",
       "/v1/reviews/{campaign}/items",
       Access::kAuthenticated,
       {"reviewer", "person", "state"},
       [=](Call& call) -> HandlerResult {
         policy::ItemFilter filter;
         filter.campaign = call.Param("campaign");
         filter.reviewer = QueryString(call, "reviewer");
         filter.person = QueryString(call, "person");
         if (auto s = call.Query("state"); s && !s->empty()) {
           filter.state = ParseItemState(*s);
           if (!filter.state) {
             return std::unexpected(Problem::Make(
                 "invalid_argument", "state must be one of pending, confirmed, revoked",
                 "state は pending, confirmed, revoked のいずれかで指定してください", "state"));
           }
         }
         if (auto ok = Authorize(*authz, call, {"review.list"}); !ok) {
           return std::unexpected(ok.error());
         }
         auto campaign = reviews->GetCampaign(filter.campaign);
         if (!campaign) return std::unexpected(Problem::FromStatus(campaign.error()));
         auto items = reviews->Items(filter);
         if (!items) return std::unexpected(Problem::FromStatus(items.error()));
         nlohmann::json out = nlohmann::json::array();
         for (const auto& i : *items) out.push_back(policy::ReviewItemToJson(i));
         return JsonResponse(200, {{"items", std::move(out)}});
       }}));

  for (const bool revoke : {false, true}) {
    MAMORI_RETURN_IF_ERROR(router.Add(
        {"POST",
         std::string("/v1/reviews/{campaign}/items/{item}/") + (revoke ? "revoke" : "confirm"),
         Access::kAuthenticated,
         {},
         [=](Call& call) -> HandlerResult {
           if (auto ok = Authorize(*authz, call, {"review.decide"}); !ok) {
             return std::unexpected(ok.error());
           }
           const std::string member = revoke ? "reason" : "comment";
           auto body = ObjectBody(call, {member}, !revoke);
           if (!body) return std::unexpected(body.error());
           auto text = StringMember(*body, member);
           if (!text) return std::unexpected(text.error());
           auto item = revoke ? reviews->Revoke(CallerOf(call), call.Param("campaign"),
                                                call.Param("item"), *text)
                              : reviews->Confirm(CallerOf(call), call.Param("campaign"),
                                                 call.Param("item"), *text);
           if (!item) return std::unexpected(AuditedProblem(item.error()));
           return JsonResponse(200, policy::ReviewItemToJson(*item));
         }}));
  }
  return Status::Ok();
}

}  // namespace mamori::api
