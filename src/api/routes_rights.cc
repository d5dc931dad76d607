// The rights flow, the rights register (アクセス権限管理簿), grants and
// holdings (docs/REQUIREMENTS.md §4; [003 II.5(4) 必須 A-B]):
//
//   POST /v1/rights/requests                       request a grant, change, removal, …
//   GET  /v1/rights/requests[?state=]              open requests (or those in one state)
//   GET  /v1/rights/requests/{request}
//   POST /v1/rights/requests/{request}/approve|configure   {"comment"}
//   POST /v1/rights/requests/{request}/reject|withdraw     {"reason"}
//   GET  /v1/rights/register                       RightsRegister::Export
//   GET  /v1/rights/grants[?include_removed=], GET /v1/rights/grants/{grant}
//   GET  /v1/rights/holdings
//
// The lists (requests, the register's entries, grants, holdings) page with
// limit and cursor (paging.h). Review campaigns are in routes_reviews.cc.
//
// The route table (route_table.h) authorises each route first (the system
// rights table: rights.request, rights.approve, …; the request or grant it
// acts on is the target), auditing refusals and the reads of the register,
// and decodes the body strictly. Who may take which step of one request is
// decided again by policy (separation.h) inside the transaction that
// records it; policy audits its state changes and refusals, so its errors
// are AuditedProblem. Free-text reasons and comments go to policy, which keeps
// them in the register and never in audit events.
#include <algorithm>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "policy/change.h"
#include "policy/mask.h"
#include "policy/right.h"

namespace mamori::api {
namespace {

// A member that must be present (any type; the caller checks it).
std::expected<void, Problem> Required(const nlohmann::json& body, const std::string& name,
                                      std::string_view kind) {
  if (body.contains(name)) return {};
  return std::unexpected(BadMember(name, "'" + name + "' is required for kind " + std::string(kind),
                                   "'" + name + "' は種別 " + std::string(kind) + " では必須です"));
}

// Members that only some kinds take: refused for the others, so that a
// client cannot believe a member it sent had an effect.
std::expected<void, Problem> OnlyFor(const nlohmann::json& body, std::string_view kind,
                                     std::initializer_list<std::string_view> allowed) {
  for (const char* member : {"right", "grant", "person", "role", "credential", "dataset",
                             "terminals", "mask_scope", "mask_rule"}) {
    if (!body.contains(member)) continue;
    if (std::find(allowed.begin(), allowed.end(), member) != allowed.end()) continue;
    const std::string name(member);
    return std::unexpected(
        BadMember(name, "'" + name + "' does not apply to kind " + std::string(kind),
                  "'" + name + "' は種別 " + std::string(kind) + " では指定できません"));
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

// The register query of ?role=&person=&dataset=&category=&since=&until=
// &kind=a,b&include_open=.
std::expected<policy::RegisterQuery, Problem> RegisterQueryOf(const Call& call) {
  policy::RegisterQuery q;
  q.role = call.QueryText("role");
  q.person = call.QueryText("person");
  q.dataset = call.QueryText("dataset");
  q.category = call.QueryText("category");
  auto since = UtcArgument(call.QueryText("since"), "since");
  if (!since) return std::unexpected(since.error());
  q.since = *since;
  auto until = UtcArgument(call.QueryText("until"), "until");
  if (!until) return std::unexpected(until.error());
  q.until = *until;
  std::string kinds = call.QueryText("kind");
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
          "mask_rule, terminals, role_add, role_remove, credential_reset",
          "kind は grant, change, removal, reinstate, revocation, mask_rule, terminals, role_add, "
          "role_remove, credential_reset のカンマ区切りで指定してください",
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

// POST /v1/rights/requests: the request of the body's kind.
HandlerResult SubmitRequest(policy::RightsAdmin& rights, Call& call) {
  // right, terminals, mask_scope and mask_rule are decoded below, per kind.
  const nlohmann::json& b = call.body;
  const std::string kind_name = StringOf(b, "kind");
  // A use application (利用申請) is a grant for named persons until an
  // expiry, approved by the section manager (RightsAdmin::RequestUse).
  const bool use = kind_name == "use";
  auto kind = use ? std::optional(policy::ChangeKind::kGrant) : policy::ParseChangeKind(kind_name);
  if (kind_name.empty() || !kind || *kind == policy::ChangeKind::kRevocation) {
    return std::unexpected(
        BadMember("kind",
                  "'kind' must be one of grant, use, change, removal, reinstate, terminals, "
                  "mask_rule, role_add, role_remove, credential_reset",
                  "'kind' は grant, use, change, removal, reinstate, terminals, mask_rule, "
                  "role_add, role_remove, credential_reset のいずれかで指定してください"));
  }
  const std::string reason = StringOf(b, "reason");
  const std::string grant = StringOf(b, "grant");
  const std::string person = StringOf(b, "person");
  const std::string role = StringOf(b, "role");
  const std::string credential = StringOf(b, "credential");
  const std::string dataset = StringOf(b, "dataset");

  auto right_of = [&]() -> std::expected<policy::Right, Problem> {
    if (auto ok = Required(b, "right", kind_name); !ok) return std::unexpected(ok.error());
    auto right = policy::RightFromJson(b["right"]);
    if (!right) return std::unexpected(NestedProblem(right.error(), "right"));
    return *right;
  };
  auto need = [&](const char* member) { return Required(b, member, kind_name); };
  using K = policy::ChangeKind;
  const policy::Caller caller = CallerOf(call);
  Result<policy::ChangeRequest> result = Fail(Status::Internal("unhandled kind", "未対応の種別"));
  switch (*kind) {
    case K::kGrant: {
      if (auto ok = OnlyFor(b, kind_name, {"right"}); !ok) return std::unexpected(ok.error());
      auto right = right_of();
      if (!right) return std::unexpected(right.error());
      result = use ? rights.RequestUse(caller, *right, reason)
                   : rights.RequestGrant(caller, *right, reason);
      break;
    }
    case K::kChange: {
      if (auto ok = OnlyFor(b, kind_name, {"right", "grant"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("grant"); !ok) return std::unexpected(ok.error());
      auto right = right_of();
      if (!right) return std::unexpected(right.error());
      result = rights.RequestChange(caller, grant, *right, reason);
      break;
    }
    case K::kRemoval:
      if (auto ok = OnlyFor(b, kind_name, {"grant"}); !ok) return std::unexpected(ok.error());
      if (auto ok = need("grant"); !ok) return std::unexpected(ok.error());
      result = rights.RequestRemoval(caller, grant, reason);
      break;
    case K::kReinstate:
      if (auto ok = OnlyFor(b, kind_name, {"grant", "person"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("grant"); !ok) return std::unexpected(ok.error());
      if (auto ok = need("person"); !ok) return std::unexpected(ok.error());
      result = rights.RequestReinstate(caller, grant, person, reason);
      break;
    case K::kTerminals: {
      if (auto ok = OnlyFor(b, kind_name, {"dataset", "terminals"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("dataset"); !ok) return std::unexpected(ok.error());
      if (auto ok = need("terminals"); !ok) return std::unexpected(ok.error());
      std::vector<std::string> ids;
      const nlohmann::json& list = b["terminals"];
      if (!list.is_array() ||
          !std::all_of(list.begin(), list.end(), [](const auto& v) { return v.is_string(); })) {
        return std::unexpected(BadMember("terminals",
                                         "'terminals' must be an array of terminal ids",
                                         "'terminals' は端末IDの配列で指定してください"));
      }
      for (const auto& v : list) ids.push_back(v.get<std::string>());
      result = rights.RequestTerminals(caller, dataset, ids, reason);
      break;
    }
    case K::kMaskRule: {
      if (auto ok = OnlyFor(b, kind_name, {"mask_scope", "mask_rule"}); !ok) {
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
      result = rights.RequestMaskRule(caller, *scope, rule, reason);
      break;
    }
    case K::kRoleAdd:
    case K::kRoleRemove:
      if (auto ok = OnlyFor(b, kind_name, {"person", "role"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("person"); !ok) return std::unexpected(ok.error());
      if (auto ok = need("role"); !ok) return std::unexpected(ok.error());
      result = rights.RequestRoleChange(caller, person, role, *kind == K::kRoleAdd, reason);
      break;
    case K::kCredentialReset:
      if (auto ok = OnlyFor(b, kind_name, {"person", "credential"}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = need("person"); !ok) return std::unexpected(ok.error());
      if (auto ok = need("credential"); !ok) return std::unexpected(ok.error());
      result = rights.RequestCredentialReset(caller, person, credential, reason);
      break;
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
// reason) is the step's text. A missing reason is policy's to refuse (and
// audit), so the member is not required here.
Route StepRoute(policy::RightsAdmin* rights, std::string_view verb, StepFn step,
                std::string member) {
  return {"POST", "/v1/rights/requests/{request}/" + std::string(verb),
          [=](Call& call) -> HandlerResult {
            const std::string& request = call.Param("request");
            auto result = (rights->*step)(CallerOf(call), request, StringOf(call.body, member));
            if (!result) return std::unexpected(AuditedProblem(result.error()));
            return JsonResponse(200, policy::ChangeToJson(*result));
          }};
}

}  // namespace

Status AddRightsRoutes(Router& router, const RouteDeps& deps) {
  policy::RightsAdmin* rights = deps.rights;
  policy::RightsRegister* reg = deps.rights_register;
  if (!rights || !reg) {
    return Status::InvalidArgument(
        "the rights routes need the rights flow, its register and an authorizer",
        "権限のルートには権限管理・管理簿・認可が必要です");
  }

  // The rights flow.
  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/rights/requests",
                  [=](Call& call) -> HandlerResult { return SubmitRequest(*rights, call); }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/rights/requests", [=](Call& call) -> HandlerResult {
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
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         Result<std::vector<policy::ChangeRequest>> list = Fail(Status::Internal("", ""));
         if (!state) {
           list = rights->OpenRequests();
         } else {
           policy::RegisterQuery q;
           q.include_open = true;
           list = reg->Entries(q);
         }
         if (!list) return std::unexpected(Problem::FromStatus(list.error()));
         if (state) {
           std::erase_if(*list, [&](const policy::ChangeRequest& r) { return r.state != *state; });
         }
         auto out = JsonPage(
             "requests", *list, *page, [](const policy::ChangeRequest& r) { return r.id; },
             [](const policy::ChangeRequest& r) { return policy::ChangeToJson(r); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/rights/uses", [=](Call& call) -> HandlerResult {
         auto right = policy::RightFromJson(call.body["right"]);
         if (!right) return std::unexpected(NestedProblem(right.error(), "right"));
         auto result = rights->RequestUse(CallerOf(call), *right, StringOf(call.body, "reason"));
         if (!result) return std::unexpected(AuditedProblem(result.error()));
         Response r = JsonResponse(201, policy::ChangeToJson(*result));
         r.headers.emplace_back("Location", "/v1/rights/requests/" + result->id);
         return r;
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/rights/requests/{request}", [=](Call& call) -> HandlerResult {
                    const std::string& request = call.Param("request");
                    auto r = rights->Get(request);
                    if (!r) return std::unexpected(Problem::FromStatus(r.error()));
                    return JsonResponse(200, policy::ChangeToJson(*r));
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add(StepRoute(rights, "approve", &policy::RightsAdmin::Approve, "comment")));
  MAMORI_RETURN_IF_ERROR(
      router.Add(StepRoute(rights, "configure", &policy::RightsAdmin::Configure, "comment")));
  MAMORI_RETURN_IF_ERROR(
      router.Add(StepRoute(rights, "reject", &policy::RightsAdmin::Reject, "reason")));
  MAMORI_RETURN_IF_ERROR(
      router.Add(StepRoute(rights, "withdraw", &policy::RightsAdmin::Withdraw, "reason")));

  // The register (アクセス権限管理簿). Its entries page; the holdings it
  // carries are the state now and come whole with every page.
  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/rights/register", [=](Call& call) -> HandlerResult {
                    auto q = RegisterQueryOf(call);
                    if (!q) return std::unexpected(q.error());
                    auto page = PageParamsOf(call);
                    if (!page) return std::unexpected(page.error());
                    auto out = reg->Export(*q);
                    if (!out) return std::unexpected(Problem::FromStatus(out.error()));
                    if (auto paged = PageJsonMember(*out, "entries", *page); !paged) {
                      return std::unexpected(paged.error());
                    }
                    return JsonResponse(200, *out);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/rights/grants", [=](Call& call) -> HandlerResult {
                    auto removed = QueryBool(call, "include_removed");
                    if (!removed) return std::unexpected(removed.error());
                    auto page = PageParamsOf(call);
                    if (!page) return std::unexpected(page.error());
                    auto grants = reg->Grants(*removed);
                    if (!grants) return std::unexpected(Problem::FromStatus(grants.error()));
                    auto out = JsonPage(
                        "grants", *grants, *page, [](const policy::Grant& g) { return g.id; },
                        [](const policy::Grant& g) { return policy::GrantToJson(g); });
                    if (!out) return std::unexpected(out.error());
                    return JsonResponse(200, *out);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/rights/grants/{grant}", [=](Call& call) -> HandlerResult {
                    const std::string& grant = call.Param("grant");
                    auto g = reg->GetGrant(grant);
                    if (!g) return std::unexpected(Problem::FromStatus(g.error()));
                    return JsonResponse(200, policy::GrantToJson(*g));
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/rights/holdings", [=](Call& call) -> HandlerResult {
         auto q = RegisterQueryOf(call);
         if (!q) return std::unexpected(q.error());
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto holdings = reg->Holdings(*q);
         if (!holdings) return std::unexpected(Problem::FromStatus(holdings.error()));
         auto out = JsonPage(
             "holdings", *holdings, *page, [](const policy::Holding& h) { return h.grant.id; },
             [](const policy::Holding& h) { return policy::HoldingToJson(h); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
