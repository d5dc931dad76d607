#include "policy/change.h"

#include <array>
#include <utility>

#include "policy/json_util.h"

namespace mamori::policy {
namespace {

constexpr std::array<std::string_view, 10> kKinds = {
    "grant",     "change",    "removal",  "reinstate",   "revocation",
    "mask_rule", "terminals", "role_add", "role_remove", "credential_reset"};
constexpr std::array<std::string_view, 5> kStates = {"requested", "approved", "configured",
                                                     "rejected", "withdrawn"};

template <class E, size_t N>
std::optional<E> Parse(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

nlohmann::json StepToJson(const Step& s) {
  nlohmann::json j = {{"by", s.by}, {"by_name", s.by_name}, {"at", FormatUtc(s.at)}};
  if (!s.reason.empty()) j["reason"] = s.reason;
  return j;
}

Result<Step> StepFromJson(const nlohmann::json& json, std::string_view member) {
  JsonReader parent(json, "record", Code::kDataLoss);
  auto it = json.find(member);
  if (it == json.end()) return Step{};
  JsonReader in(*it, std::string(member), Code::kDataLoss);
  if (!in.Only({"by", "by_name", "at", "reason"}).ok()) return Fail(parent.Corrupt(member));
  Step s;
  MAMORI_ASSIGN_OR_RETURN(s.by, in.String("by", true));
  MAMORI_ASSIGN_OR_RETURN(s.by_name, in.String("by_name", false));
  MAMORI_ASSIGN_OR_RETURN(s.at, in.Time("at"));
  MAMORI_ASSIGN_OR_RETURN(s.reason, in.String("reason", false));
  return s;
}

std::string_view ChangeKindName(ChangeKind kind) { return kKinds[static_cast<size_t>(kind)]; }
std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  return Parse<ChangeKind>(kKinds, name);
}
std::string_view ChangeStateName(ChangeState state) { return kStates[static_cast<size_t>(state)]; }
std::optional<ChangeState> ParseChangeState(std::string_view name) {
  return Parse<ChangeState>(kStates, name);
}

nlohmann::json ChangeToJson(const ChangeRequest& r) {
  nlohmann::json j = {{"id", r.id},
                      {"kind", ChangeKindName(r.kind)},
                      {"state", ChangeStateName(r.state)},
                      {"requested", StepToJson(r.requested)}};
  if (r.right) j["right"] = RightToJson(*r.right);
  if (r.previous) j["previous"] = RightToJson(*r.previous);
  if (!r.grant_id.empty()) j["grant"] = r.grant_id;
  if (r.grant_version != 0) j["grant_version"] = r.grant_version;
  if (!r.person.empty()) j["person"] = r.person;
  if (!r.role.empty()) j["role"] = r.role;
  if (!r.credential.empty()) j["credential"] = r.credential;
  if (r.mask_scope) j["mask_scope"] = MaskScopeToJson(*r.mask_scope);
  if (r.kind == ChangeKind::kMaskRule) {
    j["mask_rule"] = r.mask_rule ? MaskRuleToJson(*r.mask_rule) : nlohmann::json();
  }
  if (!r.dataset.empty()) j["dataset"] = r.dataset;
  if (r.kind == ChangeKind::kTerminals) j["terminals"] = r.terminals;
  if (!r.campaign.empty()) j["campaign"] = r.campaign;
  if (!r.item.empty()) j["item"] = r.item;
  if (!r.approval.empty()) j["approval"] = r.approval;
  if (r.use) j["use"] = true;
  if (r.approved.taken()) j["approved"] = StepToJson(r.approved);
  if (r.configured.taken()) j["configured"] = StepToJson(r.configured);
  if (r.closed.taken()) j["closed"] = StepToJson(r.closed);
  return j;
}

Result<ChangeRequest> ChangeFromJson(const nlohmann::json& j) {
  JsonReader in(j, "change request", Code::kDataLoss);
  MAMORI_RETURN_IF_ERROR(in.Only(
      {"id",       "kind", "state",      "right",      "previous",   "grant",   "grant_version",
       "person",   "role", "credential", "mask_scope", "mask_rule",  "dataset", "terminals",
       "campaign", "item", "requested",  "approved",   "configured", "closed",  "approval",
       "use"}));
  ChangeRequest r;
  MAMORI_ASSIGN_OR_RETURN(r.id, in.String("id", true));
  MAMORI_ASSIGN_OR_RETURN(std::string kind, in.String("kind", true));
  MAMORI_ASSIGN_OR_RETURN(std::string state, in.String("state", true));
  auto k = ParseChangeKind(kind);
  auto s = ParseChangeState(state);
  if (!k) return Fail(in.Corrupt("kind"));
  if (!s) return Fail(in.Corrupt("state"));
  r.kind = *k;
  r.state = *s;
  for (auto [member, target] : {std::pair{"right", &r.right}, std::pair{"previous", &r.previous}}) {
    MAMORI_ASSIGN_OR_RETURN(const nlohmann::json* obj, in.Object(member, false));
    if (!obj) continue;
    auto right = RightFromJson(*obj);
    if (!right) return Fail(in.Corrupt(member));
    *target = *right;
  }
  MAMORI_ASSIGN_OR_RETURN(r.grant_id, in.String("grant", false));
  MAMORI_ASSIGN_OR_RETURN(int64_t version, in.Int("grant_version"));
  r.grant_version = static_cast<uint32_t>(version);
  MAMORI_ASSIGN_OR_RETURN(r.person, in.String("person", false));
  MAMORI_ASSIGN_OR_RETURN(r.role, in.String("role", false));
  MAMORI_ASSIGN_OR_RETURN(r.credential, in.String("credential", false));
  MAMORI_ASSIGN_OR_RETURN(const nlohmann::json* scope, in.Object("mask_scope", false));
  if (scope) {
    auto parsed = MaskScopeFromJson(*scope);
    if (!parsed) return Fail(in.Corrupt("mask_scope"));
    r.mask_scope = *parsed;
  }
  MAMORI_ASSIGN_OR_RETURN(const nlohmann::json* rule, in.Object("mask_rule", false));
  if (rule) {
    auto parsed = MaskRuleFromJson(*rule);
    if (!parsed) return Fail(in.Corrupt("mask_rule"));
    r.mask_rule = *parsed;
  }
  // What the flow relies on for each kind (ValidateDraft checked it when the
  // request was made): a stored request without it is not what policy wrote.
  if ((r.kind == ChangeKind::kGrant || r.kind == ChangeKind::kChange ||
       r.kind == ChangeKind::kRemoval) &&
      !r.right) {
    return Fail(in.Corrupt("right"));
  }
  if (r.kind == ChangeKind::kMaskRule && !r.mask_scope) return Fail(in.Corrupt("mask_scope"));
  if ((r.kind == ChangeKind::kRoleAdd || r.kind == ChangeKind::kRoleRemove) &&
      (r.role.empty() || r.person.empty())) {
    return Fail(in.Corrupt("role"));
  }
  if (r.kind == ChangeKind::kCredentialReset && (r.credential.empty() || r.person.empty())) {
    return Fail(in.Corrupt("credential"));
  }
  MAMORI_ASSIGN_OR_RETURN(r.dataset, in.String("dataset", false));
  MAMORI_ASSIGN_OR_RETURN(r.terminals, in.Strings("terminals"));
  MAMORI_ASSIGN_OR_RETURN(r.campaign, in.String("campaign", false));
  MAMORI_ASSIGN_OR_RETURN(r.item, in.String("item", false));
  MAMORI_ASSIGN_OR_RETURN(r.approval, in.String("approval", false));
  MAMORI_ASSIGN_OR_RETURN(r.use, in.Bool("use"));
  if (r.use && r.kind != ChangeKind::kGrant) return Fail(in.Corrupt("use"));
  MAMORI_ASSIGN_OR_RETURN(r.requested, StepFromJson(j, "requested"));
  MAMORI_ASSIGN_OR_RETURN(r.approved, StepFromJson(j, "approved"));
  MAMORI_ASSIGN_OR_RETURN(r.configured, StepFromJson(j, "configured"));
  MAMORI_ASSIGN_OR_RETURN(r.closed, StepFromJson(j, "closed"));
  return r;
}

}  // namespace mamori::policy
