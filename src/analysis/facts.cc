#include "analysis/facts.h"

#include <nlohmann/json.hpp>

#include "engine/dataset.h"
#include "identity/service_accounts.h"
#include "identity/terminals.h"

namespace mamori::analysis {

Result<Facts> LoadFacts(store::Storage& store) {
  Facts facts;
  MAMORI_ASSIGN_OR_RETURN(auto terminals, identity::TerminalRegistry(store).List());
  for (const auto& t : terminals) {
    if (t.active()) facts.terminals.insert(t.id);
  }
  MAMORI_ASSIGN_OR_RETURN(auto accounts, identity::ServiceAccountRegistry(store).List());
  for (const auto& a : accounts) facts.service_accounts.insert(a.id);
  // The engine's current definitions (engine/keyspace.h "ds/<name>").
  MAMORI_RETURN_IF_ERROR(store.View([&](store::ReadTxn& txn) -> Status {
    return txn.ScanEach(
        "ds/", store::PrefixEnd("ds/"),
        [&](std::string_view, std::string_view value) -> Result<bool> {
          auto json = nlohmann::json::parse(value, nullptr, false);
          auto def = engine::ParseDatasetDef(json);
          if (!def) {
            return Fail(Status::DataLoss("a stored dataset definition does not parse",
                                         "保存された台帳定義を解析できません", "dataset"));
          }
          facts.confidentiality[def->name] = def->classification.confidentiality;
          facts.department[def->name] = def->department;
          if (!def->inquiry_control.empty()) facts.inquiry.insert(def->name);
          return true;
        });
  }));
  return facts;
}

std::vector<std::string> DatasetNames(const Facts& facts) {
  std::vector<std::string> out;
  for (const auto& [name, c] : facts.confidentiality) out.push_back(name);
  return out;
}

}  // namespace mamori::analysis
