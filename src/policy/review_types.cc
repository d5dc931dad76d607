#include "policy/review_types.h"

#include <array>

#include "policy/json_util.h"

namespace mamori::policy {
namespace {

constexpr std::array<std::string_view, 3> kScopes = {"all", "department", "person"};
constexpr std::array<std::string_view, 4> kChanges = {"position_change", "leave", "long_absence",
                                                      "retirement"};
constexpr std::array<std::string_view, 3> kItemStates = {"pending", "confirmed", "revoked"};

template <size_t N>
std::optional<size_t> IndexOf(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return i;
  }
  return std::nullopt;
}

}  // namespace

std::string_view CampaignScopeName(CampaignScope scope) {
  return kScopes[static_cast<size_t>(scope)];
}
std::string_view PersonChangeName(PersonChange change) {
  return kChanges[static_cast<size_t>(change)];
}
std::optional<PersonChange> ParsePersonChange(std::string_view name) {
  auto i = IndexOf(kChanges, name);
  return i ? std::optional(static_cast<PersonChange>(*i)) : std::nullopt;
}
std::string_view ItemStateName(ItemState state) { return kItemStates[static_cast<size_t>(state)]; }

nlohmann::json CampaignToJson(const Campaign& c) {
  nlohmann::json j = {{"id", c.id},
                      {"title", c.title},
                      {"scope", CampaignScopeName(c.scope)},
                      {"started", StepToJson(c.started)},
                      {"due", FormatUtc(c.due)},
                      {"items", c.items},
                      {"pending", c.pending}};
  if (!c.department.empty()) j["department"] = c.department;
  if (!c.person.empty()) j["person"] = c.person;
  if (c.change) j["change"] = PersonChangeName(*c.change);
  if (c.completed_at != 0) j["completed_at"] = FormatUtc(c.completed_at);
  return j;
}

Result<Campaign> CampaignFromJson(const nlohmann::json& j) {
  JsonReader in(j, "campaign", Code::kDataLoss);
  MAMORI_RETURN_IF_ERROR(in.Only({"id", "title", "scope", "department", "person", "change",
                                  "started", "due", "items", "pending", "completed_at"}));
  Campaign c;
  MAMORI_ASSIGN_OR_RETURN(c.id, in.String("id", true));
  MAMORI_ASSIGN_OR_RETURN(c.title, in.String("title", false));
  MAMORI_ASSIGN_OR_RETURN(std::string scope, in.String("scope", true));
  auto s = IndexOf(kScopes, scope);
  if (!s) return Fail(in.Corrupt("scope"));
  c.scope = static_cast<CampaignScope>(*s);
  MAMORI_ASSIGN_OR_RETURN(c.department, in.String("department", false));
  MAMORI_ASSIGN_OR_RETURN(c.person, in.String("person", false));
  MAMORI_ASSIGN_OR_RETURN(std::string change, in.String("change", false));
  if (!change.empty()) {
    c.change = ParsePersonChange(change);
    if (!c.change) return Fail(in.Corrupt("change"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.started, StepFromJson(j, "started"));
  MAMORI_ASSIGN_OR_RETURN(c.due, in.Time("due"));
  MAMORI_ASSIGN_OR_RETURN(int64_t items, in.Int("items"));
  MAMORI_ASSIGN_OR_RETURN(int64_t pending, in.Int("pending"));
  if (items < 0 || pending < 0 || pending > items) return Fail(in.Corrupt("pending"));
  c.items = static_cast<size_t>(items);
  c.pending = static_cast<size_t>(pending);
  MAMORI_ASSIGN_OR_RETURN(c.completed_at, in.Time("completed_at"));
  return c;
}

nlohmann::json ReviewItemToJson(const ReviewItem& item) {
  nlohmann::json j = {{"id", item.id},
                      {"campaign", item.campaign},
                      {"person", item.person},
                      {"grant", item.grant},
                      {"reviewer", item.reviewer},
                      {"due", FormatUtc(item.due)},
                      {"state", ItemStateName(item.state)}};
  if (item.Membership()) {
    j["role"] = item.role;
  } else {
    j["right"] = RightToJson(item.right);
  }
  if (item.decided.taken()) j["decided"] = StepToJson(item.decided);
  if (!item.revocation.empty()) j["revocation"] = item.revocation;
  return j;
}

Result<ReviewItem> ReviewItemFromJson(const nlohmann::json& j) {
  JsonReader in(j, "review item", Code::kDataLoss);
  MAMORI_RETURN_IF_ERROR(in.Only({"id", "campaign", "person", "grant", "right", "role", "reviewer",
                                  "due", "state", "decided", "revocation"}));
  ReviewItem item;
  MAMORI_ASSIGN_OR_RETURN(item.id, in.String("id", true));
  MAMORI_ASSIGN_OR_RETURN(item.campaign, in.String("campaign", true));
  MAMORI_ASSIGN_OR_RETURN(item.person, in.String("person", true));
  MAMORI_ASSIGN_OR_RETURN(item.grant, in.String("grant", false));
  MAMORI_ASSIGN_OR_RETURN(item.role, in.String("role", false));
  MAMORI_ASSIGN_OR_RETURN(const nlohmann::json* right, in.Object("right", item.role.empty()));
  if (right) {
    auto parsed = RightFromJson(*right);
    if (!parsed) return Fail(in.Corrupt("right"));
    item.right = *parsed;
  }
  if (item.role.empty() == item.grant.empty()) return Fail(in.Corrupt("grant"));
  MAMORI_ASSIGN_OR_RETURN(item.reviewer, in.String("reviewer", false));
  MAMORI_ASSIGN_OR_RETURN(item.due, in.Time("due"));
  MAMORI_ASSIGN_OR_RETURN(std::string state, in.String("state", true));
  auto s = IndexOf(kItemStates, state);
  if (!s) return Fail(in.Corrupt("state"));
  item.state = static_cast<ItemState>(*s);
  MAMORI_ASSIGN_OR_RETURN(item.decided, StepFromJson(j, "decided"));
  MAMORI_ASSIGN_OR_RETURN(item.revocation, in.String("revocation", false));
  return item;
}

}  // namespace mamori::policy
