#include "governance/registers.h"

#include <algorithm>
#include <cstdio>

#include "audit/audited.h"
#include "governance/register_fields.h"
#include "governance/register_rules.h"
#include "policy/system_rights.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

constexpr std::string_view kEntries = "reg/e/";
constexpr std::string_view kVersions = "reg/v/";
constexpr std::string_view kCounters = "reg/n/";
constexpr int kMaxEntries = 99999;

std::string EntryPrefix(std::string_view kind) {
  return std::string(kEntries) + std::string(kind) + "/";
}
std::string EntryKey(std::string_view kind, std::string_view id) {
  return EntryPrefix(kind) + std::string(id);
}
std::string VersionPrefix(std::string_view kind, std::string_view id) {
  return std::string(kVersions) + std::string(kind) + "/" + std::string(id) + "/";
}
std::string VersionKey(std::string_view kind, std::string_view id, int version) {
  char n[16];
  std::snprintf(n, sizeof n, "%06d", version);
  return VersionPrefix(kind, id) + n;
}

Status DamagedEntry() {
  return Status::DataLoss("a stored register entry is damaged",
                          "保存された台帳の項目が壊れています", "register");
}

Status UnknownKind() {
  return Status::NotFound("no such register", "その台帳はありません",
                          std::string(kRegisterKindUnknown));
}

Status NoEntry(const RegisterKind& kind, std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no entry " + shown + " in the " + std::string(kind.title_en),
                          std::string(kind.title_ja) + "に項目 " + shown + " はありません",
                          std::string(kRegisterEntryUnknown));
}

json CheckToJson(const RegisterCheck& c) {
  json j = {
      {"date", FormatDate(c.date)}, {"result", c.result}, {"by", c.by}, {"at", FormatUtc(c.at)}};
  if (!c.note.empty()) j["note"] = c.note;
  return j;
}

// The stored form: EntryToJson without what depends on the time of reading.
json StoredJson(const RegisterEntry& e) {
  json j = {{"kind", e.kind},
            {"id", e.id},
            {"version", e.version},
            {"fields", e.fields},
            {"created_by", e.created_by},
            {"created_at", FormatUtc(e.created_at)},
            {"updated_by", e.updated_by},
            {"updated_at", FormatUtc(e.updated_at)},
            {"retired", e.retired}};
  if (e.retired) {
    j["retired_by"] = e.retired_by;
    j["retired_at"] = FormatUtc(e.retired_at);
    j["retire_reason"] = e.retire_reason;
  }
  j["check_due"] = e.check_due ? json(FormatDate(*e.check_due)) : json(nullptr);
  json checks = json::array();
  for (const auto& c : e.checks) checks.push_back(CheckToJson(c));
  j["checks"] = std::move(checks);
  j["approval"] =
      e.approval ? json{{"by", e.approval->by}, {"at", FormatUtc(e.approval->at)}} : json(nullptr);
  return j;
}

std::optional<TimeMicros> Utc(const json& j, const char* name) {
  if (!j.contains(name) || !j.at(name).is_string()) return std::nullopt;
  return ParseUtc(j.at(name).get<std::string>());
}

Result<RegisterEntry> EntryFromJson(const json& j) {
  RegisterEntry e;
  try {
    e.kind = j.at("kind").get<std::string>();
    e.id = j.at("id").get<std::string>();
    e.version = j.at("version").get<int>();
    e.fields = j.at("fields");
    e.created_by = j.at("created_by").get<std::string>();
    e.updated_by = j.at("updated_by").get<std::string>();
    auto created = Utc(j, "created_at"), updated = Utc(j, "updated_at");
    if (!created || !updated || !e.fields.is_object()) return Fail(DamagedEntry());
    e.created_at = *created;
    e.updated_at = *updated;
    e.retired = j.at("retired").get<bool>();
    if (e.retired) {
      auto at = Utc(j, "retired_at");
      if (!at) return Fail(DamagedEntry());
      e.retired_at = *at;
      e.retired_by = j.at("retired_by").get<std::string>();
      e.retire_reason = j.at("retire_reason").get<std::string>();
    }
    if (j.at("check_due").is_string()) {
      e.check_due = ParseDate(j.at("check_due").get<std::string>());
      if (!e.check_due) return Fail(DamagedEntry());
    }
    for (const auto& c : j.at("checks")) {
      RegisterCheck k;
      auto date = ParseDate(c.at("date").get<std::string>());
      auto at = Utc(c, "at");
      if (!date || !at) return Fail(DamagedEntry());
      k.date = *date;
      k.at = *at;
      k.result = c.at("result").get<std::string>();
      k.by = c.at("by").get<std::string>();
      k.note = c.value("note", "");
      e.checks.push_back(std::move(k));
    }
    if (j.at("approval").is_object()) {
      auto at = Utc(j.at("approval"), "at");
      if (!at) return Fail(DamagedEntry());
      e.approval = RegisterApproval{j.at("approval").at("by").get<std::string>(), *at};
    }
  } catch (const json::exception&) {
    return Fail(DamagedEntry());
  }
  return e;
}

CivilDate DueAfter(CivilDate from, int days) { return CivilFromDays(DaysFromCivil(from) + days); }

}  // namespace

std::string RegisterEntry::Text(std::string_view field) const {
  auto it = fields.find(std::string(field));
  return it != fields.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool IsOverdue(const RegisterEntry& e, CivilDate today) {
  return !e.retired && e.check_due && *e.check_due < today;
}

json EntryToJson(const RegisterEntry& e, TimeMicros now) {
  json j = StoredJson(e);
  j["overdue"] = IsOverdue(e, JstDate(now));
  j["approved"] = e.approval.has_value();
  return j;
}

json VersionToJson(const RegisterVersion& v) {
  return {{"version", v.version},
          {"action", v.action},
          {"by", v.by},
          {"at", FormatUtc(v.at)},
          {"changed", v.changed}};
}

json KindToJson(const RegisterKind& kind) {
  static constexpr const char* kTypes[] = {
      "text", "code", "codes", "bool", "date", "identifier", "user", "country", "corporate_number",
      "entry"};
  json fields = json::array();
  for (const auto& f : kind.fields) {
    json fj = {
        {"name", f.name}, {"type", kTypes[static_cast<int>(f.type)]}, {"required", f.required}};
    if (!f.codes.empty()) fj["codes"] = f.codes;
    if (!f.target.empty()) fj["register"] = f.target;
    fields.push_back(std::move(fj));
  }
  json j = {{"kind", kind.name},
            {"title_ja", kind.title_ja},
            {"title_en", kind.title_en},
            {"fields", std::move(fields)},
            {"check_days", kind.check_days},
            {"check_results", kind.check_results},
            {"keep_operation", kind.keep_operation}};
  if (!kind.approve_operation.empty()) j["approve_operation"] = kind.approve_operation;
  return j;
}

Registers::Registers(store::Storage& storage, const approval::People* people)
    : storage_(storage), people_(people) {}

Result<RegisterEntry> Registers::Run(const approval::Caller& caller, std::string_view operation,
                                     std::string_view kind_name, std::string_view id, bool keeper,
                                     const Step& step) {
  const RegisterKind* kind = FindRegisterKind(kind_name);
  RegisterEntry out;
  audit::Event ev = approval::CallerEvent(caller, operation);
  ev.attrs["kind"] = audit::EventIdentifier(kind_name);
  if (!id.empty()) ev.attrs["entry"] = audit::EventIdentifier(id);
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (!kind) return UnknownKind();
        if (keeper && !policy::SystemAllows(caller.principal, kind->keep_operation)) {
          return Status::PermissionDenied(
              "the caller does not keep the " + std::string(kind->title_en),
              std::string(kind->title_ja) + "を管理する権限がありません",
              std::string(kRegisterNotKeeper));
        }
        RegisterVersion v;
        if (!id.empty()) {
          MAMORI_ASSIGN_OR_RETURN(auto found, ReadEntry(txn, kind->name, id));
          if (!found) return NoEntry(*kind, id);
          out = std::move(*found);
          if (out.retired) {
            return Status::FailedPrecondition(
                "entry " + out.id + " is retired: it is not changed or checked again",
                "項目 " + out.id + " は廃止されています: 変更・点検はできません",
                std::string(kRegisterRetired));
          }
        }
        MAMORI_RETURN_IF_ERROR(step(txn, *kind, out, v, e));
        out.version += 1;
        out.updated_by = caller.principal.id;
        out.updated_at = caller.Now();
        v.version = out.version;
        v.by = caller.principal.id;
        v.at = out.updated_at;
        e.attrs["entry"] = out.id;
        e.attrs["version"] = std::to_string(out.version);
        // Names only; a JSON list (one string of them all would pass the
        // event's 256-byte limit for a large schema).
        if (v.action != "create" && !v.changed.empty()) e.attrs["changed"] = json(v.changed).dump();
        MAMORI_RETURN_IF_ERROR(
            txn.Put(VersionKey(kind->name, out.id, out.version), VersionToJson(v).dump()));
        return txn.Put(EntryKey(kind->name, out.id), StoredJson(out).dump());
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<RegisterEntry> Registers::Create(const approval::Caller& caller, std::string_view kind,
                                        const json& fields) {
  // The directory is read outside the transaction (People's contract).
  std::optional<std::vector<approval::Person>> people;
  if (people_) {
    MAMORI_ASSIGN_OR_RETURN(auto all, people_->All());
    people = std::move(all);
  }
  return Run(caller, "register.create", kind, "", true,
             [&](store::WriteTxn& txn, const RegisterKind& k, RegisterEntry& e, RegisterVersion& v,
                 audit::Event&) -> Status {
               MAMORI_RETURN_IF_ERROR(ValidateFields(txn, k, fields, people ? &*people : nullptr));
               MAMORI_ASSIGN_OR_RETURN(auto last,
                                       txn.Get(std::string(kCounters) + std::string(k.name)));
               const int n = last ? std::atoi(last->c_str()) + 1 : 1;
               if (n > kMaxEntries) {
                 return Status::FailedPrecondition("the register is full", "台帳が満杯です",
                                                   "register.full");
               }
               char id[16];
               std::snprintf(id, sizeof id, "%05d", n);
               e.kind = std::string(k.name);
               e.id = std::string(k.id_prefix) + id;
               e.fields = fields;
               e.created_by = caller.principal.id;
               e.created_at = caller.Now();
               if (k.check_days > 0) e.check_due = DueAfter(JstDate(e.created_at), k.check_days);
               for (const auto& [name, value] : fields.items()) v.changed.push_back(name);
               v.action = "create";
               MAMORI_RETURN_IF_ERROR(CheckEntryRules(txn, k, nullptr, e, v.changed));
               return txn.Put(std::string(kCounters) + std::string(k.name), std::to_string(n));
             });
}

Result<RegisterEntry> Registers::Change(const approval::Caller& caller, std::string_view kind,
                                        std::string_view id, const json& changes) {
  std::optional<std::vector<approval::Person>> people;
  if (people_) {
    MAMORI_ASSIGN_OR_RETURN(auto all, people_->All());
    people = std::move(all);
  }
  return Run(caller, "register.change", kind, id, true,
             [&](store::WriteTxn& txn, const RegisterKind& k, RegisterEntry& e, RegisterVersion& v,
                 audit::Event&) -> Status {
               if (!changes.is_object() || changes.empty()) {
                 return Status::InvalidArgument("give the fields to change as a JSON object",
                                                "変更する項目を JSON オブジェクトで指定します",
                                                std::string(kRegisterFields));
               }
               const RegisterEntry before = e;
               json next = e.fields;
               for (const auto& [name, value] : changes.items()) {
                 if (value.is_null()) {
                   next.erase(name);
                 } else {
                   next[name] = value;
                 }
               }
               MAMORI_RETURN_IF_ERROR(ValidateFields(txn, k, next, people ? &*people : nullptr));
               for (const auto& f : k.fields) {
                 const std::string name(f.name);
                 if (before.fields.value(name, json()) != next.value(name, json())) {
                   v.changed.push_back(name);
                 }
               }
               if (v.changed.empty()) {
                 return Status::InvalidArgument("no field changes", "変更される項目がありません",
                                                std::string(kRegisterFields));
               }
               e.fields = std::move(next);
               v.action = "change";
               MAMORI_RETURN_IF_ERROR(CheckEntryRules(txn, k, &before, e, v.changed));
               if (before.approval && !e.approval) v.changed.push_back("approval");
               return Status::Ok();
             });
}

Result<RegisterEntry> Registers::Retire(const approval::Caller& caller, std::string_view kind,
                                        std::string_view id, std::string_view reason) {
  return Run(caller, "register.retire", kind, id, true,
             [&](store::WriteTxn&, const RegisterKind& k, RegisterEntry& e, RegisterVersion& v,
                 audit::Event& ev) -> Status {
               if (!reason.empty()) {
                 MAMORI_RETURN_IF_ERROR(approval::ValidateCode(reason, "reason"));
                 ev.attrs["retire_reason"] = std::string(reason);
               }
               MAMORI_RETURN_IF_ERROR(CheckRetireRules(k, e));
               e.retired = true;
               e.retired_by = caller.principal.id;
               e.retired_at = caller.Now();
               e.retire_reason = std::string(reason);
               v.action = "retire";
               return Status::Ok();
             });
}

Result<RegisterEntry> Registers::RecordCheck(const approval::Caller& caller, std::string_view kind,
                                             std::string_view id, CivilDate date,
                                             std::string_view result, std::string_view note) {
  return Run(caller, "register.check", kind, id, true,
             [&](store::WriteTxn&, const RegisterKind& k, RegisterEntry& e, RegisterVersion& v,
                 audit::Event& ev) -> Status {
               if (k.check_days <= 0) {
                 return Status::FailedPrecondition(
                     "the " + std::string(k.title_en) + " has no periodic checks",
                     std::string(k.title_ja) + "は定期点検の対象ではありません",
                     std::string(kRegisterNoCheck));
               }
               if (std::find(k.check_results.begin(), k.check_results.end(), result) ==
                   k.check_results.end()) {
                 std::string list;
                 for (auto r : k.check_results) list += (list.empty() ? "" : ", ") + std::string(r);
                 return Status::InvalidArgument("result must be one of " + list,
                                                "result は " + list + " のいずれかです", "result");
               }
               if (!note.empty()) MAMORI_RETURN_IF_ERROR(approval::ValidateCode(note, "note"));
               const CivilDate today = JstDate(caller.Now());
               if (today < date || date < JstDate(e.created_at)) {
                 return Status::InvalidArgument(
                     "date: a check is dated between the entry's registration and today",
                     "date: 点検日は登録日から今日までの日付です", "date");
               }
               e.checks.push_back(RegisterCheck{date, std::string(result), std::string(note),
                                                caller.principal.id, caller.Now()});
               e.check_due = DueAfter(date, k.check_days);
               v.action = "check";
               ev.attrs["result"] = std::string(result);
               ev.attrs["check_due"] = FormatDate(*e.check_due);
               return Status::Ok();
             });
}

Result<RegisterEntry> Registers::Approve(const approval::Caller& caller, std::string_view kind,
                                         std::string_view id) {
  return Run(caller, "register.approve", kind, id, false,
             [&](store::WriteTxn&, const RegisterKind& k, RegisterEntry& e, RegisterVersion& v,
                 audit::Event&) -> Status {
               MAMORI_RETURN_IF_ERROR(CheckApproval(k, e, caller));
               if (e.approval) {
                 return Status::FailedPrecondition("the entry is approved already",
                                                   "この項目は承認済みです", "register.approved");
               }
               e.approval = RegisterApproval{caller.principal.id, caller.Now()};
               v.action = "approve";
               v.changed = {"approval"};
               return Status::Ok();
             });
}

Result<std::optional<RegisterEntry>> Registers::ReadEntry(store::ReadTxn& txn,
                                                          std::string_view kind,
                                                          std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(EntryKey(kind, id)));
  if (!raw) return std::optional<RegisterEntry>();
  auto j = json::parse(*raw, nullptr, false);
  if (j.is_discarded()) return Fail(DamagedEntry());
  MAMORI_ASSIGN_OR_RETURN(auto e, EntryFromJson(j));
  return std::optional<RegisterEntry>(std::move(e));
}

Result<std::vector<RegisterEntry>> Registers::ReadKind(store::ReadTxn& txn, std::string_view kind) {
  std::vector<RegisterEntry> out;
  const std::string prefix = EntryPrefix(kind);
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
  for (const auto& row : rows) {
    auto j = json::parse(row.value, nullptr, false);
    if (j.is_discarded()) return Fail(DamagedEntry());
    MAMORI_ASSIGN_OR_RETURN(auto e, EntryFromJson(j));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<RegisterEntry>> Registers::ReadOverdue(store::ReadTxn& txn, TimeMicros now) {
  std::vector<RegisterEntry> out;
  const CivilDate today = JstDate(now);
  for (const auto& k : RegisterKinds()) {
    MAMORI_ASSIGN_OR_RETURN(auto entries, ReadKind(txn, k.name));
    for (auto& e : entries) {
      if (IsOverdue(e, today)) out.push_back(std::move(e));
    }
  }
  return out;
}

Result<RegisterEntry> Registers::Get(std::string_view kind, std::string_view id) {
  const RegisterKind* k = FindRegisterKind(kind);
  if (!k) return Fail(UnknownKind());
  std::optional<RegisterEntry> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadEntry(txn, kind, id));
    return Status::Ok();
  }));
  if (!out) return Fail(NoEntry(*k, id));
  return std::move(*out);
}

Result<std::vector<RegisterEntry>> Registers::List(std::string_view kind) {
  if (!FindRegisterKind(kind)) return Fail(UnknownKind());
  std::vector<RegisterEntry> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadKind(txn, kind));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<RegisterVersion>> Registers::Versions(std::string_view kind,
                                                         std::string_view id) {
  MAMORI_RETURN_IF_ERROR(Get(kind, id));
  std::vector<RegisterVersion> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix = VersionPrefix(kind, id);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      auto j = json::parse(row.value, nullptr, false);
      RegisterVersion v;
      try {
        v.version = j.at("version").get<int>();
        v.action = j.at("action").get<std::string>();
        v.by = j.at("by").get<std::string>();
        auto at = Utc(j, "at");
        if (!at) return DamagedEntry();
        v.at = *at;
        v.changed = j.at("changed").get<std::vector<std::string>>();
      } catch (const json::exception&) {
        return DamagedEntry();
      }
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace mamori::governance
