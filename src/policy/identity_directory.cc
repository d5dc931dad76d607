#include "policy/identity_directory.h"

#include <algorithm>

#include "identity/ids.h"

namespace mamori::policy {
namespace {

bool Holds(const std::vector<std::string>& roles, std::string_view role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Result<std::vector<std::string>> Holders(identity::Directory& people,
                                         identity::ServiceAccountRegistry& services,
                                         std::string_view role, bool include_disabled) {
  std::vector<std::string> out;
  MAMORI_ASSIGN_OR_RETURN(auto users, people.ListUsers());
  for (const auto& u : users) {
    if ((include_disabled || u.active()) && Holds(u.roles, role)) out.push_back(u.id);
  }
  MAMORI_ASSIGN_OR_RETURN(auto accounts, services.List());
  for (const auto& s : accounts) {
    if ((include_disabled || s.active()) && Holds(s.roles, role)) out.push_back(s.id);
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> IdentityDirectory::HoldersOf(std::string_view role) const {
  return Holders(people_, services_, role, false);
}

Result<std::vector<std::string>> IdentityDirectory::HoldersOfIncludingDisabled(
    std::string_view role) const {
  return Holders(people_, services_, role, true);
}

Result<std::optional<std::string>> IdentityDirectory::ManagerOf(std::string_view person) const {
  // An actor who is no person of the directory — the local operator
  // ("os:<name>"), the analysis, a service account — has no manager; its
  // name is no user id, which the directory would refuse as bad input.
  if (!identity::IsValidId(person)) return std::optional<std::string>();
  auto user = people_.GetUser(person);
  if (!user) {
    if (user.error().code() == Code::kNotFound) return std::optional<std::string>();
    return Fail(user.error());
  }
  if (user->manager.empty()) return std::optional<std::string>();
  return std::optional<std::string>(user->manager);
}

Result<std::string> IdentityDirectory::DepartmentOf(std::string_view person) const {
  if (!identity::IsValidId(person)) return std::string();  // as in ManagerOf
  auto user = people_.GetUser(person);
  if (!user) {
    if (user.error().code() == Code::kNotFound) return std::string();
    return Fail(user.error());
  }
  return user->department;
}

PersonChange PersonChangeFor(identity::ReviewReason reason) {
  switch (reason) {
    case identity::ReviewReason::kLeave:
    case identity::ReviewReason::kNoLongerNeeded:
      return PersonChange::kRetirement;
    case identity::ReviewReason::kLongAbsence:
      return PersonChange::kLongAbsence;
    case identity::ReviewReason::kTransfer:
    case identity::ReviewReason::kDepartmentChange:
    case identity::ReviewReason::kPositionChange:
      return PersonChange::kPositionChange;
  }
  return PersonChange::kPositionChange;
}

Result<Campaign> StartReviewFor(ReviewCampaigns& reviews, const Caller& caller,
                                const identity::ReviewTrigger& trigger) {
  return reviews.StartPersonReview(caller, trigger.user_id, PersonChangeFor(trigger.reason));
}

Status IdentityDirectory::ApplyRole(store::WriteTxn& txn, const engine::Context& ctx,
                                    std::string_view person, std::string_view role, bool add,
                                    std::string_view request) {
  return people_.ApplyRoleChange(txn, ctx, person, role, add, request);
}

}  // namespace mamori::policy
