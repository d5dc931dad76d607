// policy::Directory over identity's records: the people and service accounts
// policy asks about (role holders, managers, departments). Reads the store
// on every call (View), so a role or manager change holds at once.
#pragma once

#include "identity/directory.h"
#include "identity/service_accounts.h"
#include "policy/directory.h"
#include "policy/review.h"

namespace mamori::policy {

class IdentityDirectory final : public Directory, public MembershipWriter {
 public:
  // Both must outlive this object.
  IdentityDirectory(identity::Directory& people, identity::ServiceAccountRegistry& services)
      : people_(people), services_(services) {}

  Result<std::vector<std::string>> HoldersOf(std::string_view role) const override;
  Result<std::vector<std::string>> HoldersOfIncludingDisabled(std::string_view role) const override;
  Result<std::optional<std::string>> ManagerOf(std::string_view person) const override;
  Result<std::string> DepartmentOf(std::string_view person) const override;
  // identity::Directory::ApplyRoleChange.
  Status ApplyRole(store::WriteTxn& txn, const engine::Context& ctx, std::string_view person,
                   std::string_view role, bool add, std::string_view request) override;

 private:
  identity::Directory& people_;
  identity::ServiceAccountRegistry& services_;
};

// What identity's review trigger means for a person review: 退職 and
// "no longer needed" suspend like retirement, 長期休暇 like long absence,
// transfers, department and position changes are position changes.
PersonChange PersonChangeFor(identity::ReviewReason reason);

// Starts the person review a trigger asks for (ReviewCampaigns::
// StartPersonReview); a person holding no right gets a review without items.
Result<Campaign> StartReviewFor(ReviewCampaigns& reviews, const Caller& caller,
                                const identity::ReviewTrigger& trigger);

}  // namespace mamori::policy
