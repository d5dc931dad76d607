// Validation and normalisation of one field value by its type, and the
// canonical form a blind index hashes (docs/ARCHITECTURE.md decision 3).
//
// Errors name the field and what is wrong with it, never the value.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "engine/dataset.h"

namespace mamori::engine {

// Largest value of each type when the field sets no max_bytes.
size_t DefaultMaxBytes(FieldType type);

// Checks a caller's value against the field definition and returns the form
// that is sealed: my_number and corporate_number as bare digits, kana as
// full-width katakana, postal codes as "123-4567", dates as YYYY-MM-DD, etc.
Result<nlohmann::json> NormalizeValue(const FieldDef& field, const nlohmann::json& value);

// The string a blind index hashes for an already-normalised value: the same
// person written differently ("ﾔﾏﾀﾞ" / "やまだ", "1234 5678 9012" /
// "123456789012") gives the same form.
std::string IndexForm(const FieldDef& field, const nlohmann::json& normalized);

// The index form of a search value given as text (from the CLI or a query
// string): numbers and booleans are parsed per the field's type.
Result<std::string> IndexFormOfQuery(const FieldDef& field, std::string_view text);

}  // namespace mamori::engine
