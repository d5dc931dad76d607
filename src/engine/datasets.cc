// The engine's datasets (台帳): their definitions, versions, cache and the
// ledger view (engine.h). Split from engine.cc, which opens and closes the
// engine and writes its events.
#include <mutex>

#include "audit/audited.h"
#include "audit/log.h"
#include "engine/data_store.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/keyspace.h"
#include "engine/takeout_rules.h"

namespace mamori::engine {
namespace {

// A stored definition that does not parse: the parser's findings name
// members of the stored JSON and may quote its bytes, so only the dataset
// (a checked identifier) is named.
Status StoredDefinitionCorrupt(std::string_view dataset) {
  return Status::DataLoss(
      "the stored definition of dataset " + std::string(dataset) + " does not parse",
      "台帳 " + std::string(dataset) + " の保存された定義を解析できません", "dataset");
}

// The engine-managed members of a stored definition (ParseDatasetDef
// ignores them); false when one has the wrong type.
bool ReadStoredMembers(const nlohmann::json& json, DatasetDef& def) {
  auto text = [&](const char* key, std::string& out) {
    auto it = json.find(key);
    if (it == json.end()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  auto version = json.find("version");
  if (version != json.end()) {
    if (!version->is_number_unsigned() || version->get<uint64_t>() > UINT32_MAX) return false;
    def.version = version->get<uint32_t>();
  }
  std::string created_at, updated_at;
  if (!text("created_at", created_at) || !text("updated_at", updated_at) ||
      !text("created_by", def.created_by) || !text("updated_by", def.updated_by)) {
    return false;
  }
  def.created_at = ParseUtc(created_at).value_or(0);
  def.updated_at = ParseUtc(updated_at).value_or(0);
  return true;
}

}  // namespace

Result<std::shared_ptr<const DatasetDef>> Engine::CachedDefinition(std::string_view name) {
  {
    std::lock_guard lock(datasets_mu_);
    auto it = datasets_.find(name);
    if (it != datasets_.end()) return it->second;
  }
  return LoadDataset(name);
}

Result<std::shared_ptr<const DatasetDef>> Engine::LoadDataset(std::string_view name) {
  if (!IsValidName(name)) {
    return Fail(Status::InvalidArgument("dataset name must be lower-case letters, digits and _",
                                        "台帳名は英小文字・数字・_ で指定してください", "dataset"));
  }
  std::optional<std::string> raw, version;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(version, txn.Get(keyspace::DatasetVersionCurrent(name)));
    {
      std::lock_guard lock(datasets_mu_);
      auto it = datasets_.find(name);
      if (version && it != datasets_.end() && std::to_string(it->second->version) == *version) {
        return Status::Ok();
      }
    }
    MAMORI_ASSIGN_OR_RETURN(raw, txn.Get(keyspace::Dataset(name)));
    return Status::Ok();
  }));
  std::lock_guard lock(datasets_mu_);
  if (!raw) {
    auto it = datasets_.find(name);
    if (version && it != datasets_.end()) return it->second;
    return Fail(Status::NotFound("dataset '" + std::string(name) + "' does not exist",
                                 "台帳 '" + std::string(name) + "' は存在しません", "dataset"));
  }
  auto json = nlohmann::json::parse(*raw, nullptr, false);
  auto parsed = ParseDatasetDef(json);
  if (!parsed) return Fail(StoredDefinitionCorrupt(name));
  DatasetDef def = std::move(*parsed);
  if (!ReadStoredMembers(json, def)) return Fail(StoredDefinitionCorrupt(name));
  auto shared = std::make_shared<const DatasetDef>(std::move(def));
  datasets_[std::string(name)] = shared;
  return shared;
}

Result<DatasetDef> Engine::CreateDataset(const Context& ctx_in, const nlohmann::json& definition) {
  const Context ctx = WithTime(ctx_in);
  const std::string requested = definition.is_object() ? definition.value("name", "") : "";
  auto parsed = ParseDatasetDef(definition);
  if (!parsed) return Fail(Refuse(ctx, "dataset.create", requested, "", parsed.error()));
  DatasetDef def = std::move(*parsed);
  def.version = 1;
  def.created_at = def.updated_at = ctx.time;
  def.created_by = def.updated_by = ctx.actor;
  if (!keys_->HasDataset(def.name)) {
    if (Status s = keys_->CreateDataset(def.name); !s.ok() && s.code() != Code::kAlreadyExists)
      return Fail(s);
  }
  const std::string body = DatasetDefToJson(def).dump();
  Status domain;
  audit::Event ev = MakeEvent(ctx, "dataset.create", def.name, "");
  ev.attrs["version"] = "1";
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto existing, txn.Get(keyspace::Dataset(def.name)));
    if (existing) {
      domain = Status::AlreadyExists("dataset '" + def.name + "' already exists",
                                     "台帳 '" + def.name + "' は既に存在します", "name");
      ev.result = "refused";
      ev.code = std::string(CodeName(domain.code()));
      ev.reason = "name";
      return StatusOf(AppendEvent(txn, ev));
    }
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Dataset(def.name), body));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::DatasetVersion(def.name, 1), body));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::DatasetVersionCurrent(def.name), "1"));
    return StatusOf(AppendEvent(txn, ev));
  }));
  if (!domain.ok()) return Fail(domain);
  return def;
}

Result<DatasetDef> Engine::UpdateDataset(const Context& ctx_in, const nlohmann::json& definition) {
  const Context ctx = WithTime(ctx_in);
  const std::string requested = definition.is_object() ? definition.value("name", "") : "";
  auto parsed = ParseDatasetDef(definition);
  if (!parsed) return Fail(Refuse(ctx, "dataset.update", requested, "", parsed.error()));
  auto current = LoadDataset(parsed->name);
  if (!current) return Fail(Refuse(ctx, "dataset.update", parsed->name, "", current.error()));
  // Which fields hold values: field names are in the clear in envelopes.
  std::set<std::string> with_values;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefixes[] = {keyspace::RecordsPrefix(parsed->name),
                                    "h/" + parsed->name + "/"};
    for (const auto& prefix : prefixes) {
      std::string cursor = prefix;
      const std::string end = store::PrefixEnd(prefix);
      for (;;) {
        MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(cursor, end, 1000));
        for (const auto& row : rows) {
          MAMORI_ASSIGN_OR_RETURN(Envelope env, Envelope::Decode(row.value));
          for (const auto& [field, _] : env.sealed) with_values.insert(field);
        }
        if (rows.size() < 1000) break;
        cursor = rows.back().key + std::string(1, '\0');
      }
    }
    return Status::Ok();
  }));
  if (Status s = CheckCompatible(**current, *parsed, with_values); !s.ok()) {
    return Fail(Refuse(ctx, "dataset.update", parsed->name, "", s));
  }
  DatasetDef def = std::move(*parsed);
  def.version = (*current)->version + 1;
  def.created_at = (*current)->created_at;
  def.created_by = (*current)->created_by;
  def.updated_at = ctx.time;
  def.updated_by = ctx.actor;
  const std::string body = DatasetDefToJson(def).dump();
  const uint32_t expected = (*current)->version;
  Status domain;
  audit::Event ev = MakeEvent(ctx, "dataset.update", def.name, "");
  ev.attrs["version"] = std::to_string(def.version);
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto version, txn.Get(keyspace::DatasetVersionCurrent(def.name)));
    if (!version || *version != std::to_string(expected)) {
      domain = Status::Unavailable("dataset changed concurrently; try again",
                                   "台帳が同時に変更されました。再試行してください");
      return Status::Ok();
    }
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Dataset(def.name), body));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::DatasetVersion(def.name, def.version), body));
    MAMORI_RETURN_IF_ERROR(
        txn.Put(keyspace::DatasetVersionCurrent(def.name), std::to_string(def.version)));
    return StatusOf(AppendEvent(txn, ev));
  }));
  if (!domain.ok()) return Fail(domain);
  return def;
}

Result<std::vector<DatasetDef>> Engine::ListDatasets(const Context& ctx_in) {
  const Context ctx = WithTime(ctx_in);
  std::vector<std::string> names;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan("ds/", store::PrefixEnd("ds/"), 0));
    for (const auto& row : rows) names.push_back(row.key.substr(3));
    return Status::Ok();
  }));
  std::vector<DatasetDef> out;
  for (const auto& name : names) {
    MAMORI_ASSIGN_OR_RETURN(auto def, LoadDataset(name));
    out.push_back(*def);
  }
  audit::Event ev = MakeEvent(ctx, "dataset.list", "", "");
  ev.attrs["count"] = std::to_string(out.size());
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return out;
}

Result<DatasetDef> Engine::GetDataset(const Context& ctx_in, std::string_view name) {
  const Context ctx = WithTime(ctx_in);
  auto def = LoadDataset(name);
  if (!def) return Fail(Refuse(ctx, "dataset.show", name, "", def.error()));
  audit::Event ev = MakeEvent(ctx, "dataset.show", name, "");
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return **def;
}

Result<std::vector<DatasetDef>> Engine::DatasetVersions(const Context& ctx_in,
                                                        std::string_view name) {
  const Context ctx = WithTime(ctx_in);
  auto current = LoadDataset(name);
  if (!current) return Fail(Refuse(ctx, "dataset.versions", name, "", current.error()));
  std::vector<DatasetDef> out;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix = keyspace::DatasetVersionsPrefix(name);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      auto json = nlohmann::json::parse(row.value, nullptr, false);
      auto parsed = ParseDatasetDef(json);
      if (!parsed) return StoredDefinitionCorrupt(name);
      DatasetDef def = std::move(*parsed);
      if (!ReadStoredMembers(json, def)) return StoredDefinitionCorrupt(name);
      out.push_back(std::move(def));
    }
    return Status::Ok();
  }));
  audit::Event ev = MakeEvent(ctx, "dataset.versions", name, "");
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return out;
}

Result<nlohmann::json> Engine::Ledger(const Context& ctx_in, std::string_view name) {
  const Context ctx = WithTime(ctx_in);
  auto loaded = LoadDataset(name);
  if (!loaded) return Fail(Refuse(ctx, "dataset.ledger", name, "", loaded.error()));
  const DatasetDef& def = **loaded;
  uint64_t records = 0, disposals = 0;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    // Counted here rather than kept in a counter: a counter is one more
    // B-tree page rewritten by every put and shred, and the ledger view is
    // rare. Reads keys and envelopes in order: O(records).
    const std::string records_prefix = keyspace::RecordsPrefix(name);
    MAMORI_RETURN_IF_ERROR(txn.ScanEach(records_prefix, store::PrefixEnd(records_prefix),
                                        [&](std::string_view, std::string_view) -> Result<bool> {
                                          ++records;
                                          return true;
                                        }));
    const std::string prefix = keyspace::DisposalsPrefix(name);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    disposals = rows.size();
    return Status::Ok();
  }));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& f : def.fields) {
    items.push_back({{"name", f.name},
                     {"title", f.title},
                     {"type", FieldTypeName(f.type)},
                     {"type_ja", FieldTypeLabelJa(f.type)},
                     {"required", f.required},
                     {"indexed", f.indexed}});
  }
  nlohmann::json handling = nlohmann::json::array();
  for (const auto& h : def.handling) {
    const auto label = HandlingLabelJa(h);
    handling.push_back({{"id", h}, {"label_ja", label.empty() ? h : std::string(label)}});
  }
  nlohmann::json purposes = nlohmann::json::array();
  for (const auto& p : def.purposes)
    purposes.push_back({{"id", p.id}, {"title", p.title}, {"basis", p.basis}});
  nlohmann::json ledger = {
      {"name", def.name},
      {"title", def.title},
      {"department", def.department},
      {"management_category", def.category},
      {"description", def.description},
      {"items_collected", items},
      {"purposes", purposes},
      {"classification",
       {{"confidentiality", def.classification.confidentiality},
        {"integrity", def.classification.integrity},
        {"availability", def.classification.availability},
        {"label", "機密性" + std::to_string(def.classification.confidentiality) + " 完全性" +
                      std::to_string(def.classification.integrity) + " 可用性" +
                      std::to_string(def.classification.availability)},
        {"derived", def.classification.DerivedLabels()}}},
      {"handling_restrictions", handling},
      // What the restrictions and the classification mean for a take-out
      // (takeout_rules.h): refused, to whom, approved by whom.
      {"takeout", TakeoutRulesToJson(TakeoutRulesFor(def))},
      {"retention", {{"rule", def.retention.Describe()}, {"defined", def.retention.defined}}},
      {"storage",
       {{"place", DataStoreName(options_.paths)},
        {"backend", data_->Backend()},
        {"key_store", options_.paths.KeyStore()},
        {"method",
         "AES-256-GCM per-record keys (envelope encryption); blind indexes HMAC-SHA-256; "
         "key store separate from data store / レコード単位の鍵で暗号化、索引は鍵付きハッシュ"}}},
      {"access_restrictions",
       {{"purpose_binding",
         "every record operation must name a registered purpose / 登録済みの利用目的の指定が必須"},
        {"audit",
         "every operation, including reads and refusals, is recorded in the verifiable audit log / "
         "参照・拒否を含む全操作を監査ログに記録"},
        {"handling", handling}}},
      {"records", records},
      {"disposals", disposals},
      {"definition_version", def.version},
      {"created_at", FormatJst(def.created_at)},
      {"created_by", def.created_by},
      {"updated_at", FormatJst(def.updated_at)},
      {"updated_by", def.updated_by},
  };
  audit::Event ev = MakeEvent(ctx, "dataset.ledger", name, "");
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return ledger;
}

}  // namespace mamori::engine
