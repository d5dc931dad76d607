#include "policy/snapshot.h"

#include "policy/json_util.h"
#include "policy/keyspace.h"
#include "policy/records.h"
#include "policy/training_gate.h"

namespace mamori::policy {

nlohmann::json SuspensionToJson(const Suspension& s) {
  return {{"campaign", s.campaign}, {"reason", s.reason}, {"since", FormatUtc(s.since)}};
}

Result<Suspension> SuspensionFromJson(const nlohmann::json& json) {
  JsonReader in(json, "suspension", Code::kDataLoss);
  MAMORI_RETURN_IF_ERROR(in.Only({"campaign", "reason", "since"}));
  Suspension s;
  MAMORI_ASSIGN_OR_RETURN(s.campaign, in.String("campaign", true));
  MAMORI_ASSIGN_OR_RETURN(s.reason, in.String("reason", false));
  MAMORI_ASSIGN_OR_RETURN(s.since, in.Time("since"));
  return s;
}

bool Snapshot::TrainingLapsed(std::string_view person, CivilDate today) const {
  if (!training_required) return false;
  auto it = trained_until.find(person);
  return !TrainingCurrent(
      it == trained_until.end() ? std::nullopt : std::optional<CivilDate>(it->second), today);
}

bool Snapshot::Excluded(std::string_view grant, std::string_view person) const {
  auto it = exclusions.find(grant);
  return it != exclusions.end() && it->second.find(person) != it->second.end();
}

const std::vector<std::string>* Snapshot::DesignatedTerminals(std::string_view dataset) const {
  auto it = terminals.find(dataset);
  return it == terminals.end() || it->second.empty() ? nullptr : &it->second;
}

MaskRule Snapshot::RuleFor(std::string_view dataset, const engine::FieldDef& field) const {
  if (auto ds = field_rules.find(dataset); ds != field_rules.end()) {
    if (auto f = ds->second.find(field.name); f != ds->second.end()) return f->second;
  }
  auto t = type_rules.find(engine::FieldTypeName(field.type));
  if (t != type_rules.end()) return t->second;
  return DefaultMaskRule(field.type);
}

namespace {

// The key's last component(s) after a prefix: "pol/x/G1/alice" → "G1/alice".
std::string_view Rest(std::string_view key, std::string_view prefix) {
  return key.substr(prefix.size());
}

Status Corrupt(const std::string& key) {
  const std::string shown = ShownKey(key);
  return Status::DataLoss("stored policy record " + shown + " is malformed",
                          "保存された権限情報 " + shown + " が壊れています", shown);
}

Result<MaskRule> StoredRule(const std::string& key, const std::string& value) {
  auto json = nlohmann::json::parse(value, nullptr, false);
  if (json.is_discarded()) return Fail(Corrupt(key));
  auto rule = MaskRuleFromJson(json);
  if (!rule) return Fail(Corrupt(key));
  return *rule;
}

}  // namespace

Result<std::shared_ptr<const Snapshot>> LoadSnapshot(store::ReadTxn& txn) {
  auto snap = std::make_shared<Snapshot>();
  MAMORI_ASSIGN_OR_RETURN(snap->version, ReadVersion(txn));

  MAMORI_ASSIGN_OR_RETURN(auto grants, ScanJson(txn, keyspace::kGrants));
  for (const auto& json : grants) {
    MAMORI_ASSIGN_OR_RETURN(Grant g, GrantFromJson(json));
    if (g.active) snap->grants_by_role[g.right.role].push_back(std::move(g));
  }

  using Rows = std::vector<store::KeyValue>;
  auto scan = [&](std::string_view prefix) -> Result<Rows> {
    return txn.Scan(prefix, store::PrefixEnd(prefix), 0);
  };
  MAMORI_ASSIGN_OR_RETURN(Rows exclusions, scan(keyspace::kExclusions));
  for (const auto& row : exclusions) {
    std::string_view rest = Rest(row.key, keyspace::kExclusions);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return Fail(Corrupt(row.key));
    snap->exclusions[std::string(rest.substr(0, slash))].emplace(rest.substr(slash + 1));
  }
  MAMORI_ASSIGN_OR_RETURN(Rows suspensions, scan(keyspace::kSuspensions));
  for (const auto& row : suspensions) {
    auto json = nlohmann::json::parse(row.value, nullptr, false);
    auto s = SuspensionFromJson(json);
    if (json.is_discarded() || !s) return Fail(Corrupt(row.key));
    snap->suspended.emplace(std::string(Rest(row.key, keyspace::kSuspensions)), *s);
  }
  MAMORI_ASSIGN_OR_RETURN(TrainingRule training, ReadTrainingRule(txn));
  snap->training_required = training.required;
  if (training.required) {
    MAMORI_ASSIGN_OR_RETURN(snap->trained_until, ReadTrainingCurrencies(txn));
  }
  MAMORI_ASSIGN_OR_RETURN(Rows terminals, scan(keyspace::kTerminals));
  for (const auto& row : terminals) {
    auto json = nlohmann::json::parse(row.value, nullptr, false);
    const nlohmann::json wrapped = {{"t", json}};
    JsonReader in(wrapped, "terminals", Code::kDataLoss);
    auto ids = in.Strings("t");
    if (json.is_discarded() || !ids) return Fail(Corrupt(row.key));
    snap->terminals.emplace(std::string(Rest(row.key, keyspace::kTerminals)), *ids);
  }
  MAMORI_ASSIGN_OR_RETURN(Rows types, scan(keyspace::kMaskTypes));
  for (const auto& row : types) {
    MAMORI_ASSIGN_OR_RETURN(MaskRule rule, StoredRule(row.key, row.value));
    snap->type_rules.emplace(std::string(Rest(row.key, keyspace::kMaskTypes)), rule);
  }
  MAMORI_ASSIGN_OR_RETURN(Rows fields, scan(keyspace::kMaskFields));
  for (const auto& row : fields) {
    MAMORI_ASSIGN_OR_RETURN(MaskRule rule, StoredRule(row.key, row.value));
    std::string_view rest = Rest(row.key, keyspace::kMaskFields);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return Fail(Corrupt(row.key));
    snap->field_rules[std::string(rest.substr(0, slash))][std::string(rest.substr(slash + 1))] =
        rule;
  }
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

}  // namespace mamori::policy
