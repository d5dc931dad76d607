#include "governance/ledger.h"

#include <charconv>
#include <cstdio>

#include "audit/audited.h"
#include "audit/event.h"
#include "identity/roles.h"

namespace mamori::governance {

Result<std::string> NextId(store::WriteTxn& txn, std::string_view kind, std::string_view prefix) {
  const std::string key = "gov/seq/" + std::string(kind);
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
  uint64_t n = 0;
  if (raw) {
    auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
    if (ec != std::errc() || p != raw->data() + raw->size()) return Fail(Damaged(key));
  }
  ++n;
  MAMORI_RETURN_IF_ERROR(txn.Put(key, std::to_string(n)));
  char digits[16];
  std::snprintf(digits, sizeof digits, "%06llu", static_cast<unsigned long long>(n));
  return std::string(prefix) + digits;
}

std::string RecordKey(std::string_view kind, std::string_view id) {
  return "gov/" + std::string(kind) + "/" + std::string(id);
}

Result<std::optional<nlohmann::json>> ReadRecord(store::ReadTxn& txn, std::string_view kind,
                                                 std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(RecordKey(kind, id)));
  if (!raw) return std::optional<nlohmann::json>();
  auto j = nlohmann::json::parse(*raw, nullptr, false);
  if (!j.is_object()) return Fail(Damaged(kind));
  return std::optional<nlohmann::json>(std::move(j));
}

Status WriteRecord(store::WriteTxn& txn, std::string_view kind, std::string_view id,
                   const nlohmann::json& value) {
  return txn.Put(RecordKey(kind, id), value.dump());
}

Result<std::vector<nlohmann::json>> ReadRecords(store::ReadTxn& txn, std::string_view kind) {
  const std::string prefix = "gov/" + std::string(kind) + "/";
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
  std::vector<nlohmann::json> out;
  for (const auto& row : rows) {
    auto j = nlohmann::json::parse(row.value, nullptr, false);
    if (!j.is_object()) return Fail(Damaged(kind));
    out.push_back(std::move(j));
  }
  return out;
}

Result<nlohmann::json> ChangeRecord(store::Storage& storage, audit::Event ev, std::string_view kind,
                                    std::string_view id, std::string_view not_found,
                                    std::string_view en_what, std::string_view ja_what,
                                    const RecordStep& step) {
  nlohmann::json out;
  ev.attrs["audit"] = audit::EventIdentifier(id);
  Status s = audit::RunAudited(storage, std::move(ev),
                               {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
                                 MAMORI_ASSIGN_OR_RETURN(auto found, ReadRecord(txn, kind, id));
                                 if (!found) return NotFound(not_found, id, en_what, ja_what);
                                 out = std::move(*found);
                                 MAMORI_RETURN_IF_ERROR(step(txn, out, e));
                                 return WriteRecord(txn, kind, id, out);
                               }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<nlohmann::json> GetRecord(store::Storage& storage, std::string_view kind,
                                 std::string_view id, std::string_view not_found,
                                 std::string_view en_what, std::string_view ja_what) {
  std::optional<nlohmann::json> out;
  MAMORI_RETURN_IF_ERROR(storage.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadRecord(txn, kind, id));
    return Status::Ok();
  }));
  if (!out) return Fail(NotFound(not_found, id, en_what, ja_what));
  return std::move(*out);
}

Result<std::vector<nlohmann::json>> ListRecords(store::Storage& storage, std::string_view kind) {
  std::vector<nlohmann::json> out;
  MAMORI_RETURN_IF_ERROR(storage.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadRecords(txn, kind));
    return Status::Ok();
  }));
  return out;
}

Status Damaged(std::string_view what) {
  return Status::DataLoss("a stored " + std::string(what) + " record is damaged",
                          "保存された記録 (" + std::string(what) + ") が壊れています",
                          std::string(what));
}

Status Invalid(std::string_view member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument(en, ja, std::string(member));
}

Status NotFound(std::string_view code, std::string_view id, std::string_view en_what,
                std::string_view ja_what) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no " + std::string(en_what) + " " + shown,
                          std::string(ja_what) + " " + shown + " はありません", std::string(code));
}

bool IsCisoLine(const identity::Principal& p) {
  namespace role = identity::role;
  return p.kind == identity::PrincipalKind::kUser &&
         (p.HasRole(role::kCiso) || p.HasRole(role::kDeputyCiso) || p.HasRole(role::kChiefOfficer));
}

bool IsDepartmentManager(const identity::Principal& p) {
  namespace role = identity::role;
  return p.kind == identity::PrincipalKind::kUser &&
         (p.HasRole(role::kSectionManager) || p.HasRole(role::kDepartmentOfficer) ||
          p.HasRole(role::kCreditInfoDirector));
}

int FiscalYear(CivilDate d) { return d.month >= 4 ? d.year : d.year - 1; }

}  // namespace mamori::governance
