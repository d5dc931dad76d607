#include "governance/register_fields.h"

#include <algorithm>
#include <set>

#include "audit/event.h"
#include "core/time.h"
#include "governance/registers.h"
#include "jp/corporate_number.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

Status BadField(std::string_view field, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument(std::string(field) + ": " + en, std::string(field) + ": " + ja,
                                 std::string(field));
}

bool IdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '/';
}

bool IsIdentifier(std::string_view s, size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), IdentifierChar);
}

// Text of 1-200 characters (UTF-8 counted in code points) without control
// characters, and without a run of ten digits: a register holds no My
// Number, telephone or account number (a 法人番号 has its own field).
bool IsText(std::string_view s) {
  if (s.empty() || s.size() > 800) return false;
  size_t chars = 0;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
    if ((c & 0xC0) != 0x80) ++chars;
  }
  return chars <= 200 && !audit::HoldsPersonalNumber(s);
}

bool Allowed(const FieldSpec& f, std::string_view code) {
  return std::find(f.codes.begin(), f.codes.end(), code) != f.codes.end();
}

std::string CodeList(const FieldSpec& f) {
  std::string out;
  for (auto c : f.codes) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

Status CheckValue(store::ReadTxn& txn, const FieldSpec& f, const json& v,
                  const std::vector<approval::Person>* people) {
  switch (f.type) {
    case FieldType::kText:
      if (!v.is_string() || !IsText(v.get<std::string>())) {
        return BadField(f.name,
                   "must be text of 1-200 characters without control characters or a number of "
                   "ten or more digits",
                   "制御文字や 10 桁以上の数字を含まない 1〜200 文字の文字列で指定します");
      }
      return Status::Ok();
    case FieldType::kCode:
      if (!v.is_string() || !Allowed(f, v.get<std::string>())) {
        return BadField(f.name, "must be one of " + CodeList(f),
                   CodeList(f) + " のいずれかを指定します");
      }
      return Status::Ok();
    case FieldType::kCodes: {
      std::set<std::string> seen;
      bool ok = v.is_array() && !v.empty() && v.size() <= f.codes.size();
      for (const auto& c : ok ? v : json::array()) {
        ok = ok && c.is_string() && Allowed(f, c.get<std::string>()) &&
             seen.insert(c.get<std::string>()).second;
      }
      if (!ok) {
        return BadField(f.name, "must be a non-empty list of distinct codes of " + CodeList(f),
                   CodeList(f) + " から重複のない 1 つ以上のコードのリストで指定します");
      }
      return Status::Ok();
    }
    case FieldType::kBool:
      if (!v.is_boolean()) return BadField(f.name, "must be true or false", "true か false です");
      return Status::Ok();
    case FieldType::kDate:
      if (!v.is_string() || !ParseDate(v.get<std::string>())) {
        return BadField(f.name, "must be a date like 2026-12-01", "2026-12-01 の形式の日付です");
      }
      return Status::Ok();
    case FieldType::kIdentifier:
      if (!v.is_string() || !IsIdentifier(v.get<std::string>(), 128) ||
          audit::HoldsPersonalNumber(v.get<std::string>())) {
        return BadField(f.name, "must be an identifier of 1-128 characters A-Z a-z 0-9 . _ - /",
                   "英数字・. _ - / からなる 1〜128 文字の識別子です");
      }
      return Status::Ok();
    case FieldType::kUser: {
      if (!v.is_string() || !IsIdentifier(v.get<std::string>(), 64)) {
        return BadField(f.name, "must be a user id", "利用者 ID で指定します");
      }
      if (!people) return Status::Ok();
      const std::string id = v.get<std::string>();
      const bool active =
          std::any_of(people->begin(), people->end(),
                      [&](const approval::Person& p) { return p.id == id && p.active; });
      if (!active) {
        return BadField(f.name, "must name an active user of the directory",
                   "有効な利用者の ID を指定します");
      }
      return Status::Ok();
    }
    case FieldType::kCountry: {
      const std::string code = v.is_string() ? v.get<std::string>() : std::string();
      const bool ok = code.size() == 2 && std::all_of(code.begin(), code.end(),
                                                      [](char c) { return c >= 'A' && c <= 'Z'; });
      if (!ok) {
        return BadField(f.name, "must be an ISO 3166-1 alpha-2 country code such as JP",
                   "JP などの ISO 3166-1 の 2 文字の国コードです");
      }
      return Status::Ok();
    }
    case FieldType::kCorporateNumber:
      if (!v.is_string() || !jp::IsValidCorporateNumber(v.get<std::string>())) {
        return BadField(f.name, "must be a 13-digit corporate number with a valid check digit",
                   "検査用数字の正しい 13 桁の法人番号です");
      }
      return Status::Ok();
    case FieldType::kEntry: {
      if (!v.is_string() || !IsIdentifier(v.get<std::string>(), 32)) {
        return BadField(f.name, "must be the id of an entry", "台帳の項目の ID で指定します");
      }
      MAMORI_ASSIGN_OR_RETURN(auto target,
                              Registers::ReadEntry(txn, f.target, v.get<std::string>()));
      if (!target) {
        return BadField(f.name,
                   "must be the id of an entry of the " + std::string(f.target) + " register",
                   std::string(f.target) + " の台帳にある項目の ID で指定します");
      }
      if (target->retired) {
        return Status::FailedPrecondition(
            std::string(f.name) + ": the entry referred to is retired",
            std::string(f.name) + ": 参照先の項目は廃止されています", std::string(f.name));
      }
      return Status::Ok();
    }
  }
  return Status::Internal("unknown field type");
}

}  // namespace

Status ValidateFields(store::ReadTxn& txn, const RegisterKind& kind, const json& fields,
                      const std::vector<approval::Person>* people) {
  if (!fields.is_object()) {
    return Status::InvalidArgument("the fields must be a JSON object",
                                   "項目は JSON オブジェクトで指定します",
                                   std::string(kRegisterFields));
  }
  for (const auto& [name, value] : fields.items()) {
    const FieldSpec* f = kind.Field(name);
    if (!f) {
      // The name is the caller's: not repeated back.
      return Status::InvalidArgument(
          "a field is not in the schema of the " + std::string(kind.title_en),
          std::string(kind.title_ja) + "にない項目が指定されています",
          std::string(kRegisterFields));
    }
    MAMORI_RETURN_IF_ERROR(CheckValue(txn, *f, value, people));
  }
  for (const auto& f : kind.fields) {
    if (f.required && !fields.contains(f.name)) {
      return BadField(f.name, "is required in the " + std::string(kind.title_en),
                 std::string(kind.title_ja) + "の必須項目です");
    }
  }
  return Status::Ok();
}

}  // namespace mamori::governance
