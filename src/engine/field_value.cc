#include "engine/field_value.h"

#include <charconv>

#include "core/encoding.h"
#include "core/time.h"
#include "jp/corporate_number.h"
#include "jp/my_number.h"
#include "jp/text.h"

namespace mamori::engine {
namespace {

Status Invalid(const FieldDef& f, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("field '" + f.name + "': " + en, "項目「" + f.name + "」: " + ja,
                                 f.name);
}

// Re-labels a jp:: error (which knows nothing of fields) with the field name.
Status Relabel(const FieldDef& f, const Status& s) {
  return Invalid(f, s.message(), s.message_ja());
}

Result<std::string> RequireString(const FieldDef& f, const nlohmann::json& v) {
  if (!v.is_string()) {
    return Fail(
        Invalid(f, "must be a string (type " + std::string(FieldTypeName(f.type)) + ")",
                "文字列でなければなりません (型 " + std::string(FieldTypeName(f.type)) + ")"));
  }
  const auto& s = v.get_ref<const std::string&>();
  if (!jp::IsValidUtf8(s))
    return Fail(Invalid(f, "is not valid UTF-8", "UTF-8 として正しくありません"));
  const size_t limit = f.max_bytes ? f.max_bytes : DefaultMaxBytes(f.type);
  if (s.size() > limit) {
    return Fail(Invalid(f, "is longer than " + std::to_string(limit) + " bytes",
                        std::to_string(limit) + "バイトを超えています"));
  }
  return s;
}

Result<std::string> Digits(const FieldDef& f, std::string_view s) {
  auto digits = jp::NormalizeDigits(s);
  if (!digits) return Fail(Relabel(f, digits.error()));
  return *digits;
}

Result<std::string> NonEmptyNormalized(const FieldDef& f, Result<std::string> r) {
  if (!r) return Fail(Relabel(f, r.error()));
  if (r->empty()) return Fail(Invalid(f, "must not be empty", "空にできません"));
  return r;
}

Result<std::string> NormalizeEmail(const FieldDef& f, std::string_view s) {
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      s.find('@', at + 1) != std::string_view::npos || s.find('.', at) == std::string_view::npos ||
      s.back() == '.' || s.size() > 254) {
    return Fail(Invalid(f, "is not an e-mail address (local@domain)",
                        "メールアドレスの形式 (local@domain) ではありません"));
  }
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f)
      return Fail(Invalid(f, "must not contain spaces or control characters",
                          "空白や制御文字を含められません"));
  }
  return std::string(s);
}

Result<nlohmann::json> NormalizeBankAccount(const FieldDef& f, const nlohmann::json& v) {
  if (!v.is_object()) {
    return Fail(Invalid(
        f, "must be an object {bank_code, branch_code, type, number, holder}",
        "{bank_code, branch_code, type, number, holder} のオブジェクトでなければなりません"));
  }
  for (const auto& [key, _] : v.items()) {
    if (key != "bank_code" && key != "branch_code" && key != "type" && key != "number" &&
        key != "holder") {
      return Fail(Invalid(f, "unknown member '" + key + "'", "不明な項目 '" + key + "'"));
    }
  }
  auto digits_of = [&](const char* key, size_t len) -> Result<std::string> {
    auto it = v.find(key);
    if (it == v.end() || !it->is_string()) {
      return Fail(Invalid(f, std::string(key) + " is required as a string",
                          std::string(key) + " は文字列で必須です"));
    }
    auto d = jp::NormalizeDigits(it->get_ref<const std::string&>());
    if (!d || d->size() != len) {
      return Fail(
          Invalid(f, std::string(key) + " must be " + std::to_string(len) + " digits",
                  std::string(key) + " は" + std::to_string(len) + "桁の数字でなければなりません"));
    }
    return *d;
  };
  nlohmann::json out;
  MAMORI_ASSIGN_OR_RETURN(out["bank_code"], digits_of("bank_code", 4));
  MAMORI_ASSIGN_OR_RETURN(out["branch_code"], digits_of("branch_code", 3));
  MAMORI_ASSIGN_OR_RETURN(out["number"], digits_of("number", 7));
  auto type = v.find("type");
  std::string t = type != v.end() && type->is_string() ? type->get<std::string>() : "";
  if (t == "普通") t = "ordinary";
  if (t == "当座") t = "current";
  if (t == "貯蓄") t = "savings";
  if (t != "ordinary" && t != "current" && t != "savings" && t != "other") {
    return Fail(
        Invalid(f, "type must be ordinary (普通), current (当座), savings (貯蓄) or other",
                "type は ordinary (普通)・current (当座)・savings (貯蓄)・other のいずれかです"));
  }
  out["type"] = t;
  if (auto holder = v.find("holder"); holder != v.end()) {
    if (!holder->is_string() || !jp::IsValidUtf8(holder->get_ref<const std::string&>()) ||
        holder->get_ref<const std::string&>().size() > 256) {
      return Fail(Invalid(f, "holder must be a string of at most 256 bytes",
                          "holder は256バイト以内の文字列です"));
    }
    auto kana = jp::NormalizeKana(holder->get_ref<const std::string&>());
    if (!kana) return Fail(Relabel(f, kana.error()));
    out["holder"] = *kana;
  }
  return out;
}

}  // namespace

size_t DefaultMaxBytes(FieldType type) {
  switch (type) {
    case FieldType::kName:
    case FieldType::kKana:
      return 256;
    case FieldType::kAddress:
      return 1024;
    case FieldType::kEmail:
      return 254;
    case FieldType::kPhone:
    case FieldType::kPostalCode:
    case FieldType::kMyNumber:
    case FieldType::kCorporateNumber:
    case FieldType::kDate:
      return 64;
    case FieldType::kText:
      return 16 * 1024;
    case FieldType::kBytes:
      return 64 * 1024;
    default:
      return 1024;
  }
}

Result<nlohmann::json> NormalizeValue(const FieldDef& f, const nlohmann::json& v) {
  switch (f.type) {
    case FieldType::kMyNumber: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      MAMORI_ASSIGN_OR_RETURN(std::string d, Digits(f, s));
      if (Status st = jp::ValidateMyNumber(d); !st.ok()) return Fail(Relabel(f, st));
      return nlohmann::json(d);
    }
    case FieldType::kCorporateNumber: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      MAMORI_ASSIGN_OR_RETURN(std::string d, Digits(f, s));
      if (Status st = jp::ValidateCorporateNumber(d); !st.ok()) return Fail(Relabel(f, st));
      return nlohmann::json(d);
    }
    case FieldType::kName:
    case FieldType::kAddress:
    case FieldType::kText: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      if (f.type != FieldType::kText) {
        MAMORI_RETURN_IF_ERROR(NonEmptyNormalized(f, jp::NormalizeName(s)));
      }
      return nlohmann::json(s);
    }
    case FieldType::kKana: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      MAMORI_ASSIGN_OR_RETURN(std::string k, NonEmptyNormalized(f, jp::NormalizeKana(s)));
      if (!jp::IsKatakanaText(k)) {
        return Fail(Invalid(f, "must be written in kana (katakana or hiragana)",
                            "カナ (カタカナまたはひらがな) で入力してください"));
      }
      return nlohmann::json(k);
    }
    case FieldType::kPostalCode: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      MAMORI_ASSIGN_OR_RETURN(std::string d, Digits(f, s));
      if (d.size() != 7)
        return Fail(
            Invalid(f, "must be 7 digits (123-4567)", "7桁 (123-4567) でなければなりません"));
      return nlohmann::json(d.substr(0, 3) + "-" + d.substr(3));
    }
    case FieldType::kDate: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      if (!ParseDate(s)) {
        return Fail(Invalid(f, "must be a real date in the form YYYY-MM-DD",
                            "実在する日付 (YYYY-MM-DD) でなければなりません"));
      }
      return nlohmann::json(s);
    }
    case FieldType::kPhone: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      std::string_view rest = s;
      const bool plus = rest.starts_with('+');
      if (plus) rest.remove_prefix(1);
      MAMORI_ASSIGN_OR_RETURN(std::string d, Digits(f, rest));
      if (d.size() < 10 || d.size() > 15)
        return Fail(Invalid(f, "must have 10 to 15 digits", "10〜15桁の番号でなければなりません"));
      auto nfkc = jp::Nfkc(s);
      if (!nfkc) return Fail(Relabel(f, nfkc.error()));
      return nlohmann::json(*nfkc);
    }
    case FieldType::kEmail: {
      MAMORI_ASSIGN_OR_RETURN(std::string s, RequireString(f, v));
      MAMORI_ASSIGN_OR_RETURN(std::string e, NormalizeEmail(f, s));
      return nlohmann::json(e);
    }
    case FieldType::kBankAccount:
      return NormalizeBankAccount(f, v);
    case FieldType::kAmount:
    case FieldType::kInteger:
      if (!v.is_number_integer()) {
        return Fail(Invalid(
            f,
            f.type == FieldType::kAmount ? "must be a whole number of yen" : "must be an integer",
            f.type == FieldType::kAmount ? "円単位の整数でなければなりません"
                                         : "整数でなければなりません"));
      }
      if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return Fail(Invalid(f, "is out of range", "範囲外です"));
      }
      return nlohmann::json(v.get<int64_t>());
    case FieldType::kBool:
      if (!v.is_boolean())
        return Fail(Invalid(f, "must be true or false", "true か false でなければなりません"));
      return v;
    case FieldType::kBytes: {
      if (!v.is_string())
        return Fail(Invalid(f, "must be a base64 string", "base64 文字列でなければなりません"));
      auto raw = Base64Decode(v.get_ref<const std::string&>());
      if (!raw) return Fail(Invalid(f, "is not valid base64", "base64 として正しくありません"));
      const size_t limit = f.max_bytes ? f.max_bytes : DefaultMaxBytes(f.type);
      if (raw->size() > limit) {
        return Fail(Invalid(f, "is larger than " + std::to_string(limit) + " bytes",
                            std::to_string(limit) + "バイトを超えています"));
      }
      return v;
    }
  }
  return Fail(Status::Internal("unhandled field type"));
}

std::string IndexForm(const FieldDef& f, const nlohmann::json& v) {
  switch (f.type) {
    case FieldType::kName:
    case FieldType::kAddress:
    case FieldType::kText:
      return jp::NormalizeName(v.get<std::string>()).value_or("");
    case FieldType::kKana:
      return jp::NormalizeKana(v.get<std::string>()).value_or("");
    case FieldType::kPhone: {
      std::string_view s = v.get_ref<const std::string&>();
      if (s.starts_with('+')) s.remove_prefix(1);
      return jp::NormalizeDigits(s).value_or("");
    }
    case FieldType::kPostalCode:
      return jp::NormalizeDigits(v.get<std::string>()).value_or("");
    case FieldType::kEmail: {
      std::string s = v.get<std::string>();
      for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      return s;
    }
    case FieldType::kBankAccount:
      return v.at("bank_code").get<std::string>() + "-" + v.at("branch_code").get<std::string>() +
             "-" + v.at("number").get<std::string>();
    case FieldType::kAmount:
    case FieldType::kInteger:
      return std::to_string(v.get<int64_t>());
    case FieldType::kBool:
      return v.get<bool>() ? "true" : "false";
    default:
      return v.is_string() ? v.get<std::string>() : v.dump();
  }
}

Result<std::string> IndexFormOfQuery(const FieldDef& f, std::string_view text) {
  nlohmann::json value;
  switch (f.type) {
    case FieldType::kAmount:
    case FieldType::kInteger: {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || p != text.data() + text.size()) {
        return Fail(
            Invalid(f, "search value must be an integer", "検索値は整数でなければなりません"));
      }
      value = n;
      break;
    }
    case FieldType::kBankAccount: {
      // "bank-branch-number", digits with any separators.
      MAMORI_ASSIGN_OR_RETURN(std::string d, Digits(f, text));
      if (d.size() != 14)
        return Fail(Invalid(f, "search value must be bank(4)-branch(3)-number(7)",
                            "検索値は 銀行(4)-支店(3)-口座番号(7) です"));
      return d.substr(0, 4) + "-" + d.substr(4, 3) + "-" + d.substr(7);
    }
    default:
      value = std::string(text);
  }
  MAMORI_ASSIGN_OR_RETURN(nlohmann::json normalized, NormalizeValue(f, value));
  return IndexForm(f, normalized);
}

}  // namespace mamori::engine
