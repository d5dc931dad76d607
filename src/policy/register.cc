#include "policy/register.h"

#include "policy/holders.h"

#include <algorithm>
#include <map>
#include <set>

#include "audit/event.h"
#include "policy/change_apply.h"
#include "policy/keyspace.h"
#include "policy/records.h"

namespace mamori::policy {
namespace {

bool MatchesRight(const RegisterQuery& q, const Right& r) {
  if (!q.role.empty() && r.role != q.role) return false;
  if (!q.category.empty() && r.category != q.category) return false;
  if (!q.dataset.empty() && r.dataset != q.dataset &&
      !(r.dataset == kAllDatasets && !q.category.empty())) {
    return false;
  }
  return true;
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

nlohmann::json QueryToJson(const RegisterQuery& q) {
  nlohmann::json j = nlohmann::json::object();
  for (auto [name, value] :
       {std::pair{"role", &q.role}, std::pair{"person", &q.person},
        std::pair{"dataset", &q.dataset}, std::pair{"category", &q.category}}) {
    if (!value->empty()) j[name] = *value;
  }
  if (q.since) j["since"] = FormatUtc(*q.since);
  if (q.until) j["until"] = FormatUtc(*q.until);
  if (!q.kinds.empty()) {
    for (ChangeKind k : q.kinds) j["kinds"].push_back(ChangeKindName(k));
  }
  j["include_open"] = q.include_open;
  return j;
}

}  // namespace

nlohmann::json RegisterEntryToJson(const ChangeRequest& entry) {
  nlohmann::json j = ChangeToJson(entry);
  for (auto [from, to] :
       {std::pair{"requested", "requester"}, std::pair{"approved", "approver"},
        std::pair{"configured", "configurer"}, std::pair{"closed", "closed_by"}}) {
    if (j.contains(from)) {
      j[to] = j[from];
      j.erase(from);
    }
  }
  j["effective_at"] = FormatUtc(entry.EffectiveTime());
  return j;
}

nlohmann::json HoldingToJson(const Holding& h) {
  nlohmann::json j = GrantToJson(h.grant);
  j["holders"] = h.holders;
  j["revoked"] = h.revoked;
  return j;
}

Result<std::vector<std::string>> RightsRegister::RolesHeldBy(
    std::string_view person, const std::vector<std::string>& roles) {
  std::vector<std::string> held;
  for (const auto& role : std::set<std::string>(roles.begin(), roles.end())) {
    MAMORI_ASSIGN_OR_RETURN(auto holders, directory_.HoldersOf(role));
    if (Contains(holders, person)) held.push_back(role);
  }
  return held;
}

Result<std::vector<ChangeRequest>> RightsRegister::Entries(const RegisterQuery& q) {
  std::vector<ChangeRequest> all;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, ScanJson(txn, keyspace::kRequests));
    for (const auto& json : rows) {
      MAMORI_ASSIGN_OR_RETURN(ChangeRequest r, ChangeFromJson(json));
      all.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  std::vector<std::string> person_roles;
  if (!q.person.empty()) {
    std::vector<std::string> roles;
    for (const auto& r : all) {
      if (r.right) roles.push_back(r.right->role);
    }
    MAMORI_ASSIGN_OR_RETURN(person_roles, RolesHeldBy(q.person, roles));
  }
  const bool by_right = !q.role.empty() || !q.dataset.empty() || !q.category.empty();
  std::vector<ChangeRequest> out;
  for (auto& r : all) {
    if (!q.include_open && r.state != ChangeState::kConfigured) continue;
    if (!q.kinds.empty() && std::find(q.kinds.begin(), q.kinds.end(), r.kind) == q.kinds.end()) {
      continue;
    }
    const TimeMicros t = r.EffectiveTime();
    if ((q.since && t < *q.since) || (q.until && t >= *q.until)) continue;
    if (by_right && (!r.right || !MatchesRight(q, *r.right))) continue;
    if (!q.person.empty() && r.person != q.person &&
        !(r.right && Contains(person_roles, r.right->role))) {
      continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Grant>> RightsRegister::Grants(bool include_removed) {
  std::vector<Grant> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, ScanJson(txn, keyspace::kGrants));
    for (const auto& json : rows) {
      MAMORI_ASSIGN_OR_RETURN(Grant g, GrantFromJson(json));
      if (g.active || include_removed) out.push_back(std::move(g));
    }
    return Status::Ok();
  }));
  return out;
}

Result<Grant> RightsRegister::GetGrant(std::string_view id) {
  std::optional<Grant> found;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(found, ReadGrant(txn, id));
    return Status::Ok();
  }));
  if (!found) {
    return Fail(Status::NotFound("no grant " + audit::EventIdentifier(id),
                                 "権限 " + audit::EventIdentifier(id) + " はありません", "grant"));
  }
  return std::move(*found);
}

Result<std::vector<Holding>> RightsRegister::Holdings(const RegisterQuery& q) {
  std::vector<Grant> grants;
  std::set<std::pair<std::string, std::string>> excluded;  // (grant, person)
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, ScanJson(txn, keyspace::kGrants));
    for (const auto& json : rows) {
      MAMORI_ASSIGN_OR_RETURN(Grant g, GrantFromJson(json));
      if (g.active && MatchesRight(q, g.right)) grants.push_back(std::move(g));
    }
    const std::string_view prefix = keyspace::kExclusions;
    MAMORI_ASSIGN_OR_RETURN(auto keys, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& kv : keys) {
      std::string_view rest = std::string_view(kv.key).substr(prefix.size());
      const size_t slash = rest.find('/');
      if (slash == std::string_view::npos) continue;
      excluded.emplace(std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1)));
    }
    return Status::Ok();
  }));
  HolderResolver resolver(directory_);
  std::vector<Holding> out;
  for (auto& g : grants) {
    MAMORI_ASSIGN_OR_RETURN(auto holders, resolver.HoldersOf(g.right));
    if (!q.person.empty() && !Contains(holders, q.person)) continue;
    Holding h;
    for (const auto& person : holders) {
      (excluded.contains({g.id, person}) ? h.revoked : h.holders).push_back(person);
    }
    h.grant = std::move(g);
    out.push_back(std::move(h));
  }
  return out;
}

Result<nlohmann::json> RightsRegister::Export(const RegisterQuery& q, TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(auto entries, Entries(q));
  MAMORI_ASSIGN_OR_RETURN(auto holdings, Holdings(q));
  nlohmann::json j = {{"title", "アクセス権限管理簿 / access-rights register"},
                      {"generated_at", FormatUtc(now ? now : NowMicros())},
                      {"query", QueryToJson(q)},
                      {"entries", nlohmann::json::array()},
                      {"holdings", nlohmann::json::array()}};
  for (const auto& e : entries) j["entries"].push_back(RegisterEntryToJson(e));
  for (const auto& h : holdings) j["holdings"].push_back(HoldingToJson(h));
  return j;
}

}  // namespace mamori::policy
