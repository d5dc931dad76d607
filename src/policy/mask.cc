#include "policy/mask.h"

#include <array>
#include <string_view>
#include <utility>

#include "policy/json_util.h"

namespace mamori::policy {
namespace {

constexpr std::array<std::pair<ClearTo, std::string_view>, 3> kClearNames = {{
    {ClearTo::kReaders, "readers"},
    {ClearTo::kUnmaskHolders, "unmask"},
    {ClearTo::kNobody, "nobody"},
}};
constexpr std::array<std::pair<MaskStyle, std::string_view>, 3> kStyleNames = {{
    {MaskStyle::kPartial, "partial"},
    {MaskStyle::kFull, "full"},
    {MaskStyle::kHidden, "hidden"},
}};

template <class E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& names, E e) {
  for (const auto& [value, name] : names) {
    if (value == e) return name;
  }
  return "";
}
template <class E, size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, std::string_view>, N>& names,
                         std::string_view s) {
  for (const auto& [value, name] : names) {
    if (name == s) return value;
  }
  return std::nullopt;
}

const std::string kMask = "***";

// UTF-8 code points of s, each as its bytes; a stray byte is its own unit so
// that masking never fails on malformed input.
std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 1;
    if (i + n > s.size()) n = 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string MaskName(std::string_view s) {
  const size_t space = s.find(' ');
  if (space != std::string_view::npos && space > 0) return std::string(s.substr(0, space)) + " *";
  const auto cps = CodePoints(s);
  if (cps.size() < 2) return "*";
  return std::string(cps[0]) + "*";
}

std::string MaskAddress(std::string_view s) {
  static constexpr std::array<std::string_view, 5> kMunicipal = {"市", "区", "町", "村", "郡"};
  const auto cps = CodePoints(s);
  std::string kept;
  for (size_t i = 0; i < cps.size() && i < 10; ++i) {
    kept += cps[i];
    for (auto m : kMunicipal) {
      if (cps[i] == m && i + 1 < cps.size()) return kept + kMask;
    }
  }
  return kMask;
}

std::string MaskPhone(std::string_view s) {
  size_t digits = 0;
  for (char c : s) digits += (c >= '0' && c <= '9');
  std::string out(s);
  size_t seen = 0;
  for (char& c : out) {
    if (c >= '0' && c <= '9' && ++seen + 4 <= digits) c = '*';
  }
  return digits > 4 ? out : kMask;
}

std::string MaskEmail(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return kMask;
  const std::string domain(s.substr(at));
  // Only an ASCII first character is kept: a multi-byte one is a whole letter
  // of a name written in kana or kanji.
  const bool ascii = static_cast<unsigned char>(s[0]) < 0x80;
  return (ascii ? std::string(1, s[0]) : std::string()) + kMask + domain;
}

nlohmann::json MaskBankAccount(const nlohmann::json& v) {
  if (!v.is_object()) return kMask;
  nlohmann::json out = nlohmann::json::object();
  for (const char* kept : {"bank_code", "branch_code", "type"}) {
    if (v.contains(kept)) out[kept] = v[kept];
  }
  if (auto it = v.find("number"); it != v.end() && it->is_string()) {
    const std::string& n = it->get_ref<const std::string&>();
    out["number"] = n.size() > 3 ? std::string(n.size() - 3, '*') + n.substr(n.size() - 3) : kMask;
  }
  if (auto it = v.find("holder"); it != v.end() && it->is_string()) {
    out["holder"] = MaskName(it->get_ref<const std::string&>());
  }
  return out;
}

nlohmann::json Full(engine::FieldType type) {
  if (type == engine::FieldType::kMyNumber) return std::string(12, '*');
  if (type == engine::FieldType::kCorporateNumber) return std::string(13, '*');
  return kMask;
}

}  // namespace

MaskRule DefaultMaskRule(engine::FieldType type) {
  if (type == engine::FieldType::kMyNumber || type == engine::FieldType::kCorporateNumber) {
    return {ClearTo::kUnmaskHolders, {}, MaskStyle::kFull};
  }
  return {ClearTo::kReaders, {}, MaskStyle::kPartial};
}

Status ValidateMaskRule(const MaskRule& rule) {
  for (const auto& p : rule.purposes) {
    if (!engine::IsValidName(p)) {
      return Status::InvalidArgument("mask rule purposes must be purpose ids",
                                     "マスク規則の purposes は利用目的 ID でなければなりません",
                                     "purposes");
    }
  }
  return Status::Ok();
}

Status ValidateMaskScope(const MaskScope& scope) {
  const bool by_field = !scope.dataset.empty() || !scope.field.empty();
  if (scope.type.has_value() == by_field) {
    return Status::InvalidArgument(
        "a mask scope names either a field type or a dataset and field",
        "マスクの適用範囲はデータ型か、データセットと項目のどちらか一方を指定します", "scope");
  }
  if (by_field && (!engine::IsValidName(scope.dataset) || !engine::IsValidName(scope.field))) {
    return Status::InvalidArgument(
        "mask scope dataset and field must be identifiers",
        "マスクの適用範囲のデータセットと項目は識別子でなければなりません", "scope");
  }
  return Status::Ok();
}

nlohmann::json MaskRuleToJson(const MaskRule& rule) {
  return {{"clear_to", NameOf(kClearNames, rule.clear_to)},
          {"purposes", rule.purposes},
          {"otherwise", NameOf(kStyleNames, rule.otherwise)}};
}

Result<MaskRule> MaskRuleFromJson(const nlohmann::json& json) {
  JsonReader in(json, "mask_rule", Code::kInvalidArgument);
  MAMORI_RETURN_IF_ERROR(in.Only({"clear_to", "purposes", "otherwise"}));
  MaskRule rule;
  MAMORI_ASSIGN_OR_RETURN(std::string clear, in.String("clear_to", true));
  MAMORI_ASSIGN_OR_RETURN(std::string style, in.String("otherwise", true));
  auto c = ValueOf(kClearNames, clear);
  auto s = ValueOf(kStyleNames, style);
  if (!c) return Fail(in.Corrupt("clear_to"));
  if (!s) return Fail(in.Corrupt("otherwise"));
  rule.clear_to = *c;
  rule.otherwise = *s;
  MAMORI_ASSIGN_OR_RETURN(rule.purposes, in.Strings("purposes"));
  MAMORI_RETURN_IF_ERROR(ValidateMaskRule(rule));
  return rule;
}

nlohmann::json MaskScopeToJson(const MaskScope& scope) {
  if (scope.type) return {{"type", engine::FieldTypeName(*scope.type)}};
  return {{"dataset", scope.dataset}, {"field", scope.field}};
}

Result<MaskScope> MaskScopeFromJson(const nlohmann::json& json) {
  JsonReader in(json, "mask_scope", Code::kInvalidArgument);
  MAMORI_RETURN_IF_ERROR(in.Only({"type", "dataset", "field"}));
  MaskScope scope;
  MAMORI_ASSIGN_OR_RETURN(std::string type, in.String("type", false));
  if (!type.empty()) {
    scope.type = engine::ParseFieldType(type);
    if (!scope.type) return Fail(in.Corrupt("type"));
  }
  MAMORI_ASSIGN_OR_RETURN(scope.dataset, in.String("dataset", false));
  MAMORI_ASSIGN_OR_RETURN(scope.field, in.String("field", false));
  MAMORI_RETURN_IF_ERROR(ValidateMaskScope(scope));
  return scope;
}

nlohmann::json MaskValue(engine::FieldType type, MaskStyle style, const nlohmann::json& value) {
  using engine::FieldType;
  if (style != MaskStyle::kPartial) return Full(type);
  if (type == FieldType::kBankAccount) return MaskBankAccount(value);
  if (!value.is_string()) return Full(type);
  const std::string& s = value.get_ref<const std::string&>();
  switch (type) {
    case FieldType::kName:
    case FieldType::kKana:
      return MaskName(s);
    case FieldType::kAddress:
      return MaskAddress(s);
    case FieldType::kPostalCode:
      return s.size() == 8 && s[3] == '-' ? s.substr(0, 3) + "-****" : kMask;
    case FieldType::kDate:
      return s.size() == 10 ? s.substr(0, 4) + "-**-**" : kMask;
    case FieldType::kPhone:
      return MaskPhone(s);
    case FieldType::kEmail:
      return MaskEmail(s);
    default:
      return Full(type);
  }
}

bool ShowsClear(const MaskRule& rule, std::string_view purpose, bool unmask) {
  if (rule.clear_to == ClearTo::kNobody) return false;
  if (!rule.purposes.empty()) {
    bool listed = false;
    for (const auto& p : rule.purposes) listed = listed || p == purpose;
    if (!listed) return false;
  }
  return rule.clear_to == ClearTo::kReaders || unmask;
}

}  // namespace mamori::policy
