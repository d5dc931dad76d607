// Periodic review of rights (REQUIREMENTS.md §4 "periodic review; also on
// transfer, promotion, long absence, leave, retirement"; 003 II.5(4) C;
// 002 第131条): campaigns, their items, and their stored JSON form.
// The operations are in review.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "policy/change.h"
#include "policy/right.h"

namespace mamori::policy {

enum class CampaignScope { kAll, kDepartment, kPerson };
// What happened to the person a person review is about.
enum class PersonChange { kPositionChange, kLeave, kLongAbsence, kRetirement };
enum class ItemState { kPending, kConfirmed, kRevoked };

// "all", "department", "person".
std::string_view CampaignScopeName(CampaignScope scope);
// "position_change", "leave", "long_absence", "retirement".
std::string_view PersonChangeName(PersonChange change);
std::optional<PersonChange> ParsePersonChange(std::string_view name);
// "pending", "confirmed", "revoked".
std::string_view ItemStateName(ItemState state);

// Decision: a person away from work (leave, long absence, retirement) is
// suspended (Authorize answers policy.disabled) from the start of their
// review until its last item is decided, so their rights do not stay live
// while nobody watches them. A position change does not suspend: the person
// keeps working while the manager reviews.
inline bool SuspendsAccess(PersonChange change) { return change != PersonChange::kPositionChange; }

struct Campaign {
  std::string id;  // "C00000001"
  std::string title;
  CampaignScope scope = CampaignScope::kAll;
  std::string department;              // kDepartment
  std::string person;                  // kPerson
  std::optional<PersonChange> change;  // kPerson
  Step started;                        // by, name, at; reason = the title
  TimeMicros due = 0;
  size_t items = 0;
  size_t pending = 0;
  TimeMicros completed_at = 0;  // when the last item was decided

  bool Overdue(TimeMicros now) const { return pending > 0 && now >= due; }
};

// One right of one holder, for their manager to confirm or revoke: a grant
// that reaches them, or their membership of a role that carries rights
// beyond every role's (docs/ARCHITECTURE.md decision 12: holding such a
// role is a right, reviewed like grants).
struct ReviewItem {
  std::string id;  // "I00000001"
  std::string campaign;
  std::string person;  // the holder
  std::string grant;   // a grant item: its id; empty for a membership item
  Right right;         // a grant item: the right as it stood when the campaign started
  std::string role;    // a membership item: the role held; empty for a grant item
  // ManagerOf(person). Empty when the person has no manager (or manages
  // themselves): then any holder of an approving role other than the
  // person decides.
  std::string reviewer;
  TimeMicros due = 0;
  ItemState state = ItemState::kPending;
  Step decided;            // by, name, at, reason (free text, never audited)
  std::string revocation;  // the register entry a revocation wrote

  bool Overdue(TimeMicros now) const { return state == ItemState::kPending && now >= due; }
  bool Membership() const { return !role.empty(); }
};

nlohmann::json CampaignToJson(const Campaign& c);
Result<Campaign> CampaignFromJson(const nlohmann::json& json);  // kDataLoss
nlohmann::json ReviewItemToJson(const ReviewItem& item);
Result<ReviewItem> ReviewItemFromJson(const nlohmann::json& json);  // kDataLoss

}  // namespace mamori::policy
