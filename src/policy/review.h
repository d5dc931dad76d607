// Review campaigns: each holder's rights listed for their manager to confirm
// or revoke, with overdue reviews visible; a position change or leave starts
// a review of that person's rights (REQUIREMENTS.md §4; types in
// review_types.h).
//
// Contract:
// - Starting a campaign reads the active grants, asks the Directory (outside
//   any transaction) who holds each role, who manages them and, for a
//   department campaign, where they belong, and then writes the campaign
//   and one item per (holder × grant), and one per holder of a role that
//   carries system rights beyond every role's (rights_gate.h: holding it is
//   a right), in one audited transaction. A holder
//   whose use of a grant was already revoked gets no item for it. The items
//   are a snapshot: grants configured later are in the next campaign.
// - Deciding an item is one audited transaction. The decider is a person
//   other than the holder: the item's reviewer when it has one, otherwise
//   any holder of an approving role (separation.h).
// - Revoke (decision): takes effect at once, for that person and that grant
//   only, as an exclusion Authorize honours; the grant stays for the role's
//   other holders. Removing access never widens it, so it does not wait for
//   the three-person flow; it is written to the register as an entry of kind
//   revocation, already configured, with requester = who started the
//   campaign, approver = the manager who revoked, configurer = "mamori" (the
//   software applied it on the decision). Only a reinstate request through
//   the full flow gives the use back.
// - Revoke of a membership item removes the role at once (through the
//   MembershipWriter, in the decision's transaction) and writes a register
//   entry of kind role_remove, already configured by "mamori".
// - Overdue items (pending at or after their due time) stay decidable; they
//   are listed by Overdue() for escalation.
// - Audit operations: policy.review.start, policy.review.person,
//   policy.review.confirm, policy.review.revoke. Events carry campaign, item,
//   grant and person ids; never the free-text reasons.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/caller.h"
#include "policy/directory.h"
#include "policy/review_types.h"
#include "store/storage.h"

namespace mamori::policy {

// Reason codes (Status subject) of review refusals.
inline constexpr std::string_view kOwnReview = "policy.sod_own_review";
inline constexpr std::string_view kNotReviewer = "policy.not_reviewer";
inline constexpr std::string_view kItemDecided = "policy.item_decided";
inline constexpr std::string_view kNotReviewStarter = "policy.not_review_starter";

// Defaults when the caller gives no due time (decision; the sources name no
// interval, so the caller or the API's policy parameters should).
inline constexpr int kDefaultCampaignDays = 30;
inline constexpr int kDefaultPersonReviewDays = 14;

struct CampaignSpec {
  std::string title;       // required, at most 256 bytes
  std::string department;  // empty: every holder
  TimeMicros due = 0;      // 0: kDefaultCampaignDays after the start
};

struct ItemFilter {
  std::string campaign;  // each: exact match when non-empty
  std::string reviewer;
  std::string person;
  std::optional<ItemState> state;
};

class ReviewCampaigns {
 public:
  // Both must outlive this object.
  ReviewCampaigns(store::Storage& storage, const Directory& directory)
      : storage_(storage), directory_(directory) {}

  // A periodic campaign. The caller is a person holding an approving role
  // (kNotReviewStarter otherwise).
  Result<Campaign> Start(const Caller& caller, const CampaignSpec& spec);

  // The review of one person's rights after `change`; for leave, long
  // absence and retirement also the suspension (review_types.h) when they
  // hold any right. Called by identity when it records the change, so the
  // caller is the local operator or a person holding admin or an approving
  // role. due = 0: kDefaultPersonReviewDays after the start.
  Result<Campaign> StartPersonReview(const Caller& caller, std::string_view person,
                                     PersonChange change, TimeMicros due = 0);

  // Where a revoked role membership is ended (identity, through
  // IdentityDirectory); set before use, not owned.
  void SetMembershipWriter(MembershipWriter* writer) { members_ = writer; }

  Result<ReviewItem> Confirm(const Caller& caller, std::string_view campaign, std::string_view item,
                             std::string_view comment = {});
  // reason is required (1-1024 bytes).
  Result<ReviewItem> Revoke(const Caller& caller, std::string_view campaign, std::string_view item,
                            std::string_view reason);

  // Reads (not audited: the API audits the request that asks).
  Result<Campaign> GetCampaign(std::string_view id);
  Result<std::vector<Campaign>> Campaigns();  // oldest first
  Result<std::vector<ReviewItem>> Items(const ItemFilter& filter);
  // Pending items at or past their due time, by campaign then item.
  Result<std::vector<ReviewItem>> Overdue(TimeMicros now = 0);

 private:
  struct Plan;
  Result<Plan> PlanItems(CampaignScope scope, std::string_view department, std::string_view person);
  Result<Campaign> Create(const Caller& caller, Campaign campaign, const Plan& plan,
                          std::string_view operation);
  Result<ReviewItem> Decide(const Caller& caller, std::string_view campaign, std::string_view item,
                            bool revoke, std::string_view text);

  store::Storage& storage_;
  const Directory& directory_;
  MembershipWriter* members_ = nullptr;
};

}  // namespace mamori::policy
