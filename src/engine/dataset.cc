#include "engine/dataset.h"

#include <algorithm>
#include <array>
#include <map>

namespace mamori::engine {
namespace {

struct TypeInfo {
  FieldType type;
  std::string_view name;
  std::string_view label_ja;
};
constexpr std::array<TypeInfo, 15> kTypes = {{
    {FieldType::kMyNumber, "my_number", "個人番号"},
    {FieldType::kCorporateNumber, "corporate_number", "法人番号"},
    {FieldType::kName, "name", "氏名"},
    {FieldType::kKana, "kana", "フリガナ"},
    {FieldType::kAddress, "address", "住所"},
    {FieldType::kPostalCode, "postal_code", "郵便番号"},
    {FieldType::kDate, "date", "日付"},
    {FieldType::kPhone, "phone", "電話番号"},
    {FieldType::kEmail, "email", "メールアドレス"},
    {FieldType::kBankAccount, "bank_account", "口座情報"},
    {FieldType::kAmount, "amount", "金額"},
    {FieldType::kText, "text", "テキスト"},
    {FieldType::kInteger, "integer", "整数"},
    {FieldType::kBool, "bool", "真偽値"},
    {FieldType::kBytes, "bytes", "バイナリ"},
}};

const std::map<std::string, std::string, std::less<>>& HandlingLabels() {
  static const auto* labels = new std::map<std::string, std::string, std::less<>>{
      {"no_copy", "複製禁止"},
      {"no_takeout", "持出禁止"},
      {"no_distribution", "配布禁止"},
      {"encrypt_required", "暗号化必須"},
      {"dispose_after_reading", "読後廃棄"},
      {"no_external_provision", "外部提供禁止"},
  };
  return *labels;
}

Status Bad(const std::string& member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("dataset definition: " + member + ": " + en,
                                 "台帳定義: " + member + ": " + ja, member);
}

Status CheckMembers(const nlohmann::json& obj, const std::string& where,
                    std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object())
    return Bad(where, "must be a JSON object", "JSONオブジェクトでなければなりません");
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) {
      const std::string member = where.empty() ? key : where + "." + key;
      return Bad(member, "unknown member", "不明な項目です");
    }
  }
  return Status::Ok();
}

Result<std::string> GetString(const nlohmann::json& obj, const std::string& where, const char* key,
                              bool required, size_t max_bytes = 512) {
  const std::string member = where.empty() ? key : where + "." + key;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return Fail(Bad(member, "is required", "必須です"));
    return std::string();
  }
  if (!it->is_string()) return Fail(Bad(member, "must be a string", "文字列でなければなりません"));
  const auto& s = it->get_ref<const std::string&>();
  if (required && s.empty()) return Fail(Bad(member, "must not be empty", "空にできません"));
  if (s.size() > max_bytes) {
    return Fail(Bad(member, "is longer than " + std::to_string(max_bytes) + " bytes",
                    std::to_string(max_bytes) + "バイトを超えています"));
  }
  return s;
}

Result<int> GetInt(const nlohmann::json& obj, const std::string& where, const char* key, int lo,
                   int hi, int fallback) {
  const std::string member = where + "." + key;
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    return Fail(
        Bad(member, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi),
            std::to_string(lo) + "から" + std::to_string(hi) + "までの整数でなければなりません"));
  }
  return static_cast<int>(it->get<int64_t>());
}

Result<bool> GetBool(const nlohmann::json& obj, const std::string& where, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (!it->is_boolean())
    return Fail(
        Bad(where + "." + key, "must be true or false", "true か false でなければなりません"));
  return it->get<bool>();
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}
std::string_view FieldTypeLabelJa(FieldType type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return t.label_ja;
  }
  return "不明";
}
std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (const auto& t : kTypes) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::vector<std::string> Classification::DerivedLabels() const {
  std::vector<std::string> out;
  if (NeedsConfidentiality()) out.push_back("要機密");
  if (NeedsIntegrity()) out.push_back("要保全");
  if (NeedsAvailability()) out.push_back("要安定");
  if (NeedsProtection()) out.push_back("要保護");
  return out;
}

std::string RetentionRule::Describe() const {
  if (!defined) return "保管期限の定めなし / no retention deadline";
  std::string ja = from == From::kCreated ? "登録日から" : "利用終了日から";
  std::string en;
  auto part = [&](int n, const char* unit_ja, const char* unit_en) {
    if (n == 0) return;
    ja += std::to_string(n) + unit_ja;
    if (!en.empty()) en += " ";
    en += std::to_string(n) + " " + unit_en;
  };
  part(years, "年", "years");
  part(months, "か月", "months");
  part(days, "日", "days");
  en += from == From::kCreated ? " from registration" : " from end of use";
  return ja + " / " + en;
}

const FieldDef* DatasetDef::Field(std::string_view field) const {
  for (const auto& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}
const Purpose* DatasetDef::FindPurpose(std::string_view id) const {
  for (const auto& p : purposes) {
    if (p.id == id) return &p;
  }
  return nullptr;
}
bool DatasetDef::HasHandling(std::string_view restriction) const {
  for (const auto& h : handling) {
    if (h == restriction) return true;
  }
  return false;
}

std::string_view HandlingLabelJa(std::string_view restriction) {
  auto it = HandlingLabels().find(restriction);
  return it == HandlingLabels().end() ? std::string_view() : std::string_view(it->second);
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::span<const std::string_view> InquiryControlNames() {
  static constexpr std::string_view kNames[] = {"pre_approval", "one_time_number", "held_answer",
                                                "daily_list"};
  return kNames;
}

Result<DatasetDef> ParseDatasetDef(const nlohmann::json& json) {
  MAMORI_RETURN_IF_ERROR(
      CheckMembers(json, "",
                   {"name", "title", "department", "category", "description", "classification",
                    "handling", "retention", "purposes", "fields", "version", "created_at",
                    "updated_at", "created_by", "updated_by", "inquiry_control"}));
  DatasetDef def;
  MAMORI_ASSIGN_OR_RETURN(def.name, GetString(json, "", "name", true, 64));
  if (!IsValidName(def.name)) {
    return Fail(Bad("name",
                    "must be lower-case letters, digits and _ starting with a letter (at most 64)",
                    "英小文字で始まり英小文字・数字・_ のみ (64文字以内) でなければなりません"));
  }
  MAMORI_ASSIGN_OR_RETURN(def.title, GetString(json, "", "title", true));
  MAMORI_ASSIGN_OR_RETURN(def.department, GetString(json, "", "department", true));
  MAMORI_ASSIGN_OR_RETURN(def.category, GetString(json, "", "category", true, 64));
  if (!IsValidName(def.category)) {
    return Fail(Bad("category", "must be an identifier such as specific_personal_information",
                    "specific_personal_information のような識別子でなければなりません"));
  }
  MAMORI_ASSIGN_OR_RETURN(def.description, GetString(json, "", "description", false, 4096));

  auto cls = json.find("classification");
  if (cls == json.end()) return Fail(Bad("classification", "is required", "必須です"));
  MAMORI_RETURN_IF_ERROR(
      CheckMembers(*cls, "classification", {"confidentiality", "integrity", "availability"}));
  for (const char* axis : {"confidentiality", "integrity", "availability"}) {
    if (!cls->contains(axis))
      return Fail(Bad(std::string("classification.") + axis, "is required", "必須です"));
  }
  MAMORI_ASSIGN_OR_RETURN(def.classification.confidentiality,
                          GetInt(*cls, "classification", "confidentiality", 1, 3, 1));
  MAMORI_ASSIGN_OR_RETURN(def.classification.integrity,
                          GetInt(*cls, "classification", "integrity", 1, 2, 1));
  MAMORI_ASSIGN_OR_RETURN(def.classification.availability,
                          GetInt(*cls, "classification", "availability", 1, 2, 1));

  if (auto h = json.find("handling"); h != json.end()) {
    if (!h->is_array())
      return Fail(Bad("handling", "must be an array of restrictions",
                      "取扱制限の配列でなければなりません"));
    for (const auto& item : *h) {
      if (!item.is_string())
        return Fail(Bad("handling", "entries must be strings", "要素は文字列でなければなりません"));
      const auto& r = item.get_ref<const std::string&>();
      const bool custom = r.starts_with("custom_") && IsValidName(r);
      if (HandlingLabelJa(r).empty() && !custom) {
        // Named only when it is an identifier: the definition is input.
        const std::string named = IsValidName(r) ? " '" + r + "'" : "";
        return Fail(
            Bad("handling",
                "unknown restriction" + named +
                    " (known: no_copy, no_takeout, no_distribution, encrypt_required, "
                    "dispose_after_reading, no_external_provision; own ones start with custom_)",
                "不明な取扱制限" + named + " (独自の制限は custom_ で始めてください)"));
      }
      for (const auto& seen : def.handling) {
        if (seen == r)
          return Fail(Bad("handling", "duplicate restriction '" + r + "'",
                          "取扱制限 '" + r + "' が重複しています"));
      }
      def.handling.push_back(r);
    }
  }

  if (auto r = json.find("retention"); r != json.end() && !r->is_null()) {
    MAMORI_RETURN_IF_ERROR(CheckMembers(*r, "retention", {"years", "months", "days", "from"}));
    def.retention.defined = true;
    MAMORI_ASSIGN_OR_RETURN(def.retention.years, GetInt(*r, "retention", "years", 0, 100, 0));
    MAMORI_ASSIGN_OR_RETURN(def.retention.months, GetInt(*r, "retention", "months", 0, 1200, 0));
    MAMORI_ASSIGN_OR_RETURN(def.retention.days, GetInt(*r, "retention", "days", 0, 36500, 0));
    MAMORI_ASSIGN_OR_RETURN(std::string from, GetString(*r, "retention", "from", false, 32));
    if (from.empty() || from == "end_of_use") {
      def.retention.from = RetentionRule::From::kEndOfUse;
    } else if (from == "created") {
      def.retention.from = RetentionRule::From::kCreated;
    } else {
      return Fail(Bad("retention.from", "must be \"end_of_use\" or \"created\"",
                      "\"end_of_use\" か \"created\" でなければなりません"));
    }
    if (def.retention.years + def.retention.months + def.retention.days == 0) {
      return Fail(Bad("retention", "needs a period in years, months or days",
                      "年・月・日のいずれかで期間を指定してください"));
    }
  }

  if (auto ic = json.find("inquiry_control"); ic != json.end() && !ic->is_null()) {
    const auto names = InquiryControlNames();
    if (!ic->is_string() ||
        std::find(names.begin(), names.end(), ic->get_ref<const std::string&>()) == names.end()) {
      return Fail(Bad("inquiry_control",
                      "must be one of pre_approval, one_time_number, held_answer, daily_list",
                      "pre_approval, one_time_number, held_answer, daily_list のいずれかです"));
    }
    def.inquiry_control = ic->get<std::string>();
  }

  auto purposes = json.find("purposes");
  if (purposes == json.end() || !purposes->is_array() || purposes->empty()) {
    return Fail(
        Bad("purposes", "at least one purpose is required", "利用目的を1つ以上登録してください"));
  }
  for (size_t i = 0; i < purposes->size(); ++i) {
    const auto& p = (*purposes)[i];
    const std::string where = "purposes[" + std::to_string(i) + "]";
    MAMORI_RETURN_IF_ERROR(CheckMembers(p, where, {"id", "title", "basis"}));
    Purpose purpose;
    MAMORI_ASSIGN_OR_RETURN(purpose.id, GetString(p, where, "id", true, 64));
    if (!IsValidName(purpose.id))
      return Fail(Bad(where + ".id", "must be an identifier", "識別子でなければなりません"));
    MAMORI_ASSIGN_OR_RETURN(purpose.title, GetString(p, where, "title", true));
    MAMORI_ASSIGN_OR_RETURN(purpose.basis, GetString(p, where, "basis", false));
    if (def.FindPurpose(purpose.id))
      return Fail(Bad(where + ".id", "duplicate purpose '" + purpose.id + "'",
                      "利用目的 '" + purpose.id + "' が重複しています"));
    def.purposes.push_back(std::move(purpose));
  }

  auto fields = json.find("fields");
  if (fields == json.end() || !fields->is_array() || fields->empty()) {
    return Fail(
        Bad("fields", "at least one field is required", "取得項目を1つ以上定義してください"));
  }
  if (fields->size() > 256)
    return Fail(Bad("fields", "at most 256 fields", "取得項目は256個までです"));
  for (size_t i = 0; i < fields->size(); ++i) {
    const auto& f = (*fields)[i];
    const std::string where = "fields[" + std::to_string(i) + "]";
    MAMORI_RETURN_IF_ERROR(
        CheckMembers(f, where, {"name", "type", "required", "indexed", "max_bytes", "title"}));
    FieldDef field;
    MAMORI_ASSIGN_OR_RETURN(field.name, GetString(f, where, "name", true, 64));
    if (!IsValidName(field.name))
      return Fail(Bad(where + ".name", "must be an identifier", "識別子でなければなりません"));
    MAMORI_ASSIGN_OR_RETURN(std::string type, GetString(f, where, "type", true, 32));
    auto parsed = ParseFieldType(type);
    if (!parsed) {
      return Fail(
          Bad(where + ".type", "unknown field type '" + type + "'", "不明な項目型 '" + type + "'"));
    }
    field.type = *parsed;
    MAMORI_ASSIGN_OR_RETURN(field.required, GetBool(f, where, "required"));
    MAMORI_ASSIGN_OR_RETURN(field.indexed, GetBool(f, where, "indexed"));
    if (field.indexed && (field.type == FieldType::kBool || field.type == FieldType::kBytes)) {
      return Fail(Bad(where + ".indexed", "fields of type " + type + " cannot be indexed",
                      type + " 型の項目は索引にできません"));
    }
    MAMORI_ASSIGN_OR_RETURN(int max_bytes, GetInt(f, where, "max_bytes", 1, 1 << 20, 0));
    field.max_bytes = static_cast<size_t>(max_bytes);
    MAMORI_ASSIGN_OR_RETURN(field.title, GetString(f, where, "title", false));
    if (def.Field(field.name))
      return Fail(Bad(where + ".name", "duplicate field '" + field.name + "'",
                      "項目 '" + field.name + "' が重複しています"));
    def.fields.push_back(std::move(field));
  }
  return def;
}

nlohmann::json DatasetDefToJson(const DatasetDef& def) {
  nlohmann::json j;
  j["name"] = def.name;
  j["title"] = def.title;
  j["department"] = def.department;
  j["category"] = def.category;
  if (!def.description.empty()) j["description"] = def.description;
  j["classification"] = {{"confidentiality", def.classification.confidentiality},
                         {"integrity", def.classification.integrity},
                         {"availability", def.classification.availability}};
  j["handling"] = def.handling;
  if (def.retention.defined) {
    nlohmann::json r;
    if (def.retention.years) r["years"] = def.retention.years;
    if (def.retention.months) r["months"] = def.retention.months;
    if (def.retention.days) r["days"] = def.retention.days;
    r["from"] = def.retention.from == RetentionRule::From::kCreated ? "created" : "end_of_use";
    j["retention"] = r;
  }
  if (!def.inquiry_control.empty()) j["inquiry_control"] = def.inquiry_control;
  j["purposes"] = nlohmann::json::array();
  for (const auto& p : def.purposes) {
    nlohmann::json pj = {{"id", p.id}, {"title", p.title}};
    if (!p.basis.empty()) pj["basis"] = p.basis;
    j["purposes"].push_back(pj);
  }
  j["fields"] = nlohmann::json::array();
  for (const auto& f : def.fields) {
    nlohmann::json fj = {{"name", f.name}, {"type", FieldTypeName(f.type)}};
    if (f.required) fj["required"] = true;
    if (f.indexed) fj["indexed"] = true;
    if (f.max_bytes) fj["max_bytes"] = f.max_bytes;
    if (!f.title.empty()) fj["title"] = f.title;
    j["fields"].push_back(fj);
  }
  j["version"] = def.version;
  j["created_at"] = FormatUtc(def.created_at);
  j["updated_at"] = FormatUtc(def.updated_at);
  j["created_by"] = def.created_by;
  j["updated_by"] = def.updated_by;
  return j;
}

Status CheckCompatible(const DatasetDef& old_def, const DatasetDef& new_def,
                       const std::set<std::string>& fields_with_values) {
  for (const auto& old_field : old_def.fields) {
    const bool has_values = fields_with_values.contains(old_field.name);
    const FieldDef* now = new_def.Field(old_field.name);
    if (!now) {
      if (has_values) {
        return Status::FailedPrecondition("field '" + old_field.name +
                                              "' still has values in stored records and cannot be "
                                              "removed; shred or update those records first",
                                          "項目 '" + old_field.name +
                                              "' "
                                              "には登録済みの値があるため削除できません。先に該当レ"
                                              "コードを更新または廃棄してください",
                                          old_field.name);
      }
      continue;
    }
    if (now->type != old_field.type && has_values) {
      return Status::FailedPrecondition(
          "field '" + old_field.name + "' has values of type " +
              std::string(FieldTypeName(old_field.type)) + " and cannot change to " +
              std::string(FieldTypeName(now->type)),
          "項目 '" + old_field.name + "' には " + std::string(FieldTypeName(old_field.type)) +
              " 型の値があるため型を変更できません",
          old_field.name);
    }
    if (now->indexed && !old_field.indexed && has_values) {
      return Status::FailedPrecondition(
          "field '" + old_field.name + "' already has values; an index cannot be added to it",
          "項目 '" + old_field.name + "' には既に値があるため索引を追加できません", old_field.name);
    }
  }
  return Status::Ok();
}

}  // namespace mamori::engine
