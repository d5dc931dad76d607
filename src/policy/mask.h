// Field masking by role and purpose (docs/REQUIREMENTS.md §4, least privilege): a
// handler sees a My Number only under a purpose whose grant says so; others
// see a masked form or nothing.
//
// A MaskRule is data: the built-in default per field type below, replaced by a
// rule stored for the field type, replaced in turn by a rule stored for one
// dataset field. Stored rules change only through the three-person flow
// (ChangeKind::kMaskRule), like grants.
//
// Built-in defaults (decision):
//   my_number, corporate_number  clear only through an unmask grant; otherwise
//                                fully masked — no digit is shown, because the
//                                last digits of a My Number are still
//                                特定個人情報 and a partial number invites
//                                matching across systems.
//   every other type             clear to anyone whose read grant allows the
//                                record; the partial masks below apply when a
//                                stored rule narrows visibility.
//
// Masked forms (MaskStyle::kPartial), chosen to let a handler recognise a
// record without disclosing the value:
//   name, kana         the first word and " *" ("山田 太郎" → "山田 *"); one
//                      word: its first character and "*"
//   address            up to the first 市/区/町/村/郡 within 10 characters,
//                      then "***" ("東京都練馬区豊玉北…" → "東京都練馬区***")
//   postal_code        "123-****"
//   date               the year: "1980-**-**"
//   phone              every digit but the last four as "*"
//   email              first character of the local part: "t***@example.jp"
//   bank_account       codes and type kept, number "****567", holder as a name
//   my_number, corporate_number, amount, integer, bool, text, bytes
//                      the full mask
// MaskStyle::kFull is "*" per character for my_number (12) and
// corporate_number (13) and "***" for everything else; kHidden omits the
// field from the result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "engine/dataset.h"

namespace mamori::policy {

enum class ClearTo {
  kReaders,        // anyone the grant lets read the record
  kUnmaskHolders,  // only through a grant with unmask = true
  kNobody,         // always masked
};

enum class MaskStyle { kPartial, kFull, kHidden };

struct MaskRule {
  ClearTo clear_to = ClearTo::kReaders;
  // Non-empty: the value is clear only under one of these purposes (and when
  // clear_to holds); e.g. a bank account only for "payroll_transfer".
  std::vector<std::string> purposes;
  MaskStyle otherwise = MaskStyle::kPartial;
  bool operator==(const MaskRule&) const = default;
};

MaskRule DefaultMaskRule(engine::FieldType type);

// Where a stored rule applies: a field type (every dataset), or one field of
// one dataset.
struct MaskScope {
  std::optional<engine::FieldType> type;
  std::string dataset, field;
  bool operator==(const MaskScope&) const = default;
};

Status ValidateMaskRule(const MaskRule& rule);
// Exactly one of type, or dataset + field (identifiers).
Status ValidateMaskScope(const MaskScope& scope);

nlohmann::json MaskRuleToJson(const MaskRule& rule);
Result<MaskRule> MaskRuleFromJson(const nlohmann::json& json);  // kInvalidArgument, validated
nlohmann::json MaskScopeToJson(const MaskScope& scope);
Result<MaskScope> MaskScopeFromJson(const nlohmann::json& json);  // kInvalidArgument, validated

// The masked form of a normalised value (engine/field_value.h) of `type`.
// Never returns any part of the value the style above does not name. Not
// for kHidden (the caller omits the field).
nlohmann::json MaskValue(engine::FieldType type, MaskStyle style, const nlohmann::json& value);

// Whether a value stays clear: `unmask` is whether one of the caller's
// matching grants carries unmask.
bool ShowsClear(const MaskRule& rule, std::string_view purpose, bool unmask);

}  // namespace mamori::policy
