// Review campaigns (定期的な権限の見直し, docs/REQUIREMENTS.md §4; [003 II.5(4) C]):
// a campaign lists each holder's rights for their manager, who confirms or
// revokes each item; a revocation takes effect at once and is a register
// entry.
//
//   POST|GET /v1/reviews, GET /v1/reviews/overdue, GET /v1/reviews/{campaign}[/items]
//   POST /v1/reviews/{campaign}/items/{item}/confirm {"comment"} | /revoke {"reason"}
//
// The lists page with limit and cursor (paging.h); the overdue items of
// several campaigns are keyed "<campaign>/<item>". The route table
// (route_table.h) authorises each route first (review.start, review.list,
// review.decide; the campaign it acts on is the target), auditing refusals
// and the reads, and decodes the body. Policy decides who may decide an
// item, and audits the decisions and their refusals (AuditedProblem).
#include <string>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "policy/review_types.h"

namespace mamori::api {
namespace {

std::optional<policy::ItemState> ParseItemState(std::string_view name) {
  for (auto s :
       {policy::ItemState::kPending, policy::ItemState::kConfirmed, policy::ItemState::kRevoked}) {
    if (policy::ItemStateName(s) == name) return s;
  }
  return std::nullopt;
}

// POST /v1/reviews: a campaign over the body's department (or everyone).
HandlerResult StartCampaign(policy::ReviewCampaigns& reviews, Call& call) {
  const nlohmann::json& body = call.body;
  policy::CampaignSpec spec;
  spec.title = StringOf(body, "title");
  spec.department = StringOf(body, "department");
  auto due = UtcArgument(StringOf(body, "due"), "due");
  if (!due) return std::unexpected(due.error());
  spec.due = due->value_or(0);
  auto campaign = reviews.Start(CallerOf(call), spec);
  if (!campaign) return std::unexpected(AuditedProblem(campaign.error()));
  Response r = JsonResponse(201, policy::CampaignToJson(*campaign));
  r.headers.emplace_back("Location", "/v1/reviews/" + campaign->id);
  return r;
}

}  // namespace

Status AddReviewRoutes(Router& router, const RouteDeps& deps) {
  policy::ReviewCampaigns* reviews = deps.reviews;
  if (!reviews) {
    return Status::InvalidArgument("the review routes need review campaigns and an authorizer",
                                   "見直しのルートには見直しと認可が必要です");
  }

  MAMORI_RETURN_IF_ERROR(router.Add({"POST", "/v1/reviews", [=](Call& call) -> HandlerResult {
                                       return StartCampaign(*reviews, call);
                                     }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/reviews", [=](Call& call) -> HandlerResult {
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto campaigns = reviews->Campaigns();
         if (!campaigns) return std::unexpected(Problem::FromStatus(campaigns.error()));
         const TimeMicros now = NowMicros();
         auto out = JsonPage(
             "campaigns", *campaigns, *page, [](const policy::Campaign& c) { return c.id; },
             [now](const policy::Campaign& c) {
               nlohmann::json j = policy::CampaignToJson(c);
               j["overdue"] = c.Overdue(now);
               return j;
             });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/reviews/overdue", [=](Call& call) -> HandlerResult {
                    auto page = PageParamsOf(call);
                    if (!page) return std::unexpected(page.error());
                    auto items = reviews->Overdue();
                    if (!items) return std::unexpected(Problem::FromStatus(items.error()));
                    // Item ids are unique only within a campaign, and this list spans
                    // campaigns: the cursor names both.
                    auto out = JsonPage(
                        "items", *items, *page,
                        [](const policy::ReviewItem& i) { return i.campaign + "/" + i.id; },
                        [](const policy::ReviewItem& i) { return policy::ReviewItemToJson(i); });
                    if (!out) return std::unexpected(out.error());
                    return JsonResponse(200, *out);
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/reviews/{campaign}", [=](Call& call) -> HandlerResult {
                    const std::string& campaign = call.Param("campaign");
                    auto c = reviews->GetCampaign(campaign);
                    if (!c) return std::unexpected(Problem::FromStatus(c.error()));
                    nlohmann::json j = policy::CampaignToJson(*c);
                    j["overdue"] = c->Overdue(NowMicros());
                    return JsonResponse(200, j);
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/reviews/{campaign}/items", [=](Call& call) -> HandlerResult {
         policy::ItemFilter filter;
         filter.campaign = call.Param("campaign");
         filter.reviewer = call.QueryText("reviewer");
         filter.person = call.QueryText("person");
         if (auto s = call.Query("state"); s && !s->empty()) {
           filter.state = ParseItemState(*s);
           if (!filter.state) {
             return std::unexpected(Problem::Make(
                 "invalid_argument", "state must be one of pending, confirmed, revoked",
                 "state は pending, confirmed, revoked のいずれかで指定してください", "state"));
           }
         }
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto campaign = reviews->GetCampaign(filter.campaign);
         if (!campaign) return std::unexpected(Problem::FromStatus(campaign.error()));
         auto items = reviews->Items(filter);
         if (!items) return std::unexpected(Problem::FromStatus(items.error()));
         auto out = JsonPage(
             "items", *items, *page, [](const policy::ReviewItem& i) { return i.id; },
             [](const policy::ReviewItem& i) { return policy::ReviewItemToJson(i); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  for (const bool revoke : {false, true}) {
    MAMORI_RETURN_IF_ERROR(router.Add(
        {"POST",
         std::string("/v1/reviews/{campaign}/items/{item}/") + (revoke ? "revoke" : "confirm"),
         [=](Call& call) -> HandlerResult {
           const std::string& campaign = call.Param("campaign");
           // A revocation needs a reason, which policy refuses (and audits)
           // when missing; a confirmation's comment is optional.
           const std::string member = revoke ? "reason" : "comment";
           const std::string text = StringOf(call.body, member);
           auto item = revoke
                           ? reviews->Revoke(CallerOf(call), campaign, call.Param("item"), text)
                           : reviews->Confirm(CallerOf(call), campaign, call.Param("item"), text);
           if (!item) return std::unexpected(AuditedProblem(item.error()));
           return JsonResponse(200, policy::ReviewItemToJson(*item));
         }}));
  }
  return Status::Ok();
}

}  // namespace mamori::api
