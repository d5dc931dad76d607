#include "policy/right.h"

#include <algorithm>

#include "engine/dataset.h"
#include "identity/ids.h"
#include "policy/json_util.h"

namespace mamori::policy {
namespace {

Status Bad(const std::string& member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("right." + member + " " + en, "権限の " + member + " は" + ja,
                                 member);
}

}  // namespace

bool Right::Designates(std::string_view person, std::string_view person_department) const {
  if (!department.empty() && person_department != department) return false;
  if (!persons.empty() && std::find(persons.begin(), persons.end(), person) == persons.end()) {
    return false;
  }
  return true;
}

bool Right::SameKey(const Right& o) const {
  return role == o.role && category == o.category && dataset == o.dataset &&
         operation == o.operation && purpose == o.purpose && department == o.department &&
         persons == o.persons;
}

Status ValidateRight(const Right& r) {
  if (!engine::IsValidName(r.role)) {
    return Bad("role", "must be a role identifier such as handler",
               "handler のようなロール識別子でなければなりません");
  }
  if (!engine::IsValidName(r.category)) {
    return Bad("category", "must be a management category identifier",
               "管理区分の識別子でなければなりません");
  }
  if (r.dataset != kAllDatasets && !engine::IsValidName(r.dataset)) {
    return Bad("dataset", "must be a dataset name or *", "データセット名か * でなければなりません");
  }
  if (!NeedsPurpose(r.operation)) {
    if (!r.purpose.empty()) {
      return Bad("purpose", "must be empty for administer and shred (they disclose no values)",
                 "administer と shred では空でなければなりません (値を開示しないため)");
    }
    if (r.unmask) {
      return Bad("unmask", "has no meaning for administer and shred",
                 "administer と shred では指定できません");
    }
  } else if (!engine::IsValidName(r.purpose)) {
    return Bad("purpose", "must be one registered purpose id (no wildcard)",
               "登録済みの利用目的 ID 1つでなければなりません (ワイルドカード不可)");
  }
  if (r.expires < 0) return Bad("expires", "must not be negative", "負であってはなりません");
  if (r.department.size() > 128 ||
      std::any_of(r.department.begin(), r.department.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return Bad("department", "must be a department name of at most 128 bytes",
               "128バイト以内の部署名でなければなりません");
  }
  if (r.persons.size() > 100) {
    return Bad("persons", "may name at most 100 persons", "指定できるのは100人までです");
  }
  for (size_t i = 0; i < r.persons.size(); ++i) {
    if (!identity::IsValidId(r.persons[i])) {
      return Bad("persons", "must be user ids", "利用者IDでなければなりません");
    }
    if (std::find(r.persons.begin(), r.persons.begin() + i, r.persons[i]) !=
        r.persons.begin() + i) {
      return Bad("persons", "names a person twice", "同じ人を二度指定しています");
    }
  }
  return Status::Ok();
}

Status ValidateNewRight(const Right& r) {
  MAMORI_RETURN_IF_ERROR(ValidateRight(r));
  const bool regulated =
      std::find(std::begin(kDesignatedCategories), std::end(kDesignatedCategories), r.category) !=
      std::end(kDesignatedCategories);
  if (regulated && r.operation != Operation::kAdminister && !r.Designated()) {
    return Status::InvalidArgument(
        "right.department or right.persons is required: the holders of a right on " + r.category +
            " must be designated (a role within a department, or named persons)",
        "権限の department または persons が必要です: " + r.category +
            " の権限は取扱担当者を指定 (部署内のロール、または氏名指定) しなければなりません",
        "department");
  }
  return Status::Ok();
}

std::string DescribeRight(const Right& r) {
  std::string out = r.role + ": " + std::string(OperationName(r.operation)) + " " + r.dataset +
                    " [" + r.category + "]";
  if (!r.purpose.empty()) out += " for " + r.purpose;
  if (r.unmask) out += " (unmask)";
  if (!r.department.empty()) out += " (部署 " + r.department + ")";
  if (!r.persons.empty()) {
    out += " (persons";
    for (const auto& p : r.persons) out += " " + p;
    out += ")";
  }
  return out;
}

nlohmann::json RightToJson(const Right& r) {
  nlohmann::json j = {{"role", r.role},       {"category", r.category},
                      {"dataset", r.dataset}, {"operation", OperationName(r.operation)},
                      {"purpose", r.purpose}, {"unmask", r.unmask}};
  if (r.expires != 0) j["expires"] = FormatUtc(r.expires);
  if (!r.department.empty()) j["department"] = r.department;
  if (!r.persons.empty()) j["persons"] = r.persons;
  return j;
}

Result<Right> RightFromJson(const nlohmann::json& j) {
  JsonReader in(j, "right", Code::kInvalidArgument);
  MAMORI_RETURN_IF_ERROR(in.Only({"role", "category", "dataset", "operation", "purpose", "unmask",
                                  "expires", "department", "persons"}));
  Right r;
  MAMORI_ASSIGN_OR_RETURN(r.role, in.String("role", true));
  MAMORI_ASSIGN_OR_RETURN(r.category, in.String("category", true));
  MAMORI_ASSIGN_OR_RETURN(r.dataset, in.String("dataset", true));
  MAMORI_ASSIGN_OR_RETURN(std::string op, in.String("operation", true));
  auto parsed = ParseOperation(op);
  if (!parsed) {
    return Fail(Bad("operation", "must be read, write, find, export, shred or administer",
                    "read, write, find, export, shred, administer のいずれかでなければなりません"));
  }
  r.operation = *parsed;
  MAMORI_ASSIGN_OR_RETURN(r.purpose, in.String("purpose", false));
  MAMORI_ASSIGN_OR_RETURN(r.unmask, in.Bool("unmask"));
  MAMORI_ASSIGN_OR_RETURN(r.expires, in.Time("expires"));
  MAMORI_ASSIGN_OR_RETURN(r.department, in.String("department", false));
  MAMORI_ASSIGN_OR_RETURN(r.persons, in.Strings("persons"));
  std::sort(r.persons.begin(), r.persons.end());
  MAMORI_RETURN_IF_ERROR(ValidateRight(r));
  return r;
}

nlohmann::json GrantToJson(const Grant& g) {
  nlohmann::json j = {
      {"id", g.id},           {"right", RightToJson(g.right)}, {"active", g.active},
      {"version", g.version}, {"since", FormatUtc(g.since)},   {"request", g.request},
      {"history", g.history}};
  if (g.ended != 0) j["ended"] = FormatUtc(g.ended);
  return j;
}

Result<Grant> GrantFromJson(const nlohmann::json& j) {
  JsonReader in(j, "grant", Code::kDataLoss);
  MAMORI_RETURN_IF_ERROR(
      in.Only({"id", "right", "active", "version", "since", "ended", "request", "history"}));
  Grant g;
  MAMORI_ASSIGN_OR_RETURN(g.id, in.String("id", true));
  MAMORI_ASSIGN_OR_RETURN(const nlohmann::json* right, in.Object("right", true));
  auto parsed = RightFromJson(*right);
  if (!parsed) return Fail(in.Corrupt("right"));
  g.right = *parsed;
  MAMORI_ASSIGN_OR_RETURN(g.active, in.Bool("active"));
  MAMORI_ASSIGN_OR_RETURN(int64_t version, in.Int("version"));
  g.version = static_cast<uint32_t>(version);
  MAMORI_ASSIGN_OR_RETURN(g.since, in.Time("since"));
  MAMORI_ASSIGN_OR_RETURN(g.ended, in.Time("ended"));
  MAMORI_ASSIGN_OR_RETURN(g.request, in.String("request", false));
  MAMORI_ASSIGN_OR_RETURN(g.history, in.Strings("history"));
  return g;
}

}  // namespace mamori::policy
