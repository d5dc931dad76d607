// engine: the transactional heart — datasets (台帳), records, search,
// retention and disposal. Every operation runs as one storage transaction
// that also appends its audit event (docs/ARCHITECTURE.md decision 1).
//
// This header: dataset definitions — what a 台帳 entry declares (fields,
// purposes, classification, handling restrictions, retention, department,
// management category) — their strict JSON form and the compatibility rule
// between versions.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"

namespace mamori::engine {

enum class FieldType {
  kMyNumber,
  kCorporateNumber,
  kName,
  kKana,
  kAddress,
  kPostalCode,
  kDate,
  kPhone,
  kEmail,
  kBankAccount,
  kAmount,
  kText,
  kInteger,
  kBool,
  kBytes,
};
std::string_view FieldTypeName(FieldType type);
std::string_view FieldTypeLabelJa(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);

struct FieldDef {
  std::string name;
  FieldType type = FieldType::kText;
  bool required = false;
  bool indexed = false;  // exact search through a blind index
  size_t max_bytes = 0;  // 0: the type's default limit
  std::string title;     // display name, e.g. 氏名
};

struct Purpose {
  std::string id;
  std::string title;  // 利用目的
  std::string basis;  // legal basis, e.g. 所得税法第226条
};

// Three-axis classification (002 第5条, 別表1).
struct Classification {
  int confidentiality = 1;                                            // 1..3
  int integrity = 1;                                                  // 1..2
  int availability = 1;                                               // 1..2
  bool NeedsConfidentiality() const { return confidentiality >= 2; }  // 要機密
  bool NeedsIntegrity() const { return integrity >= 2; }              // 要保全
  bool NeedsAvailability() const { return availability >= 2; }        // 要安定
  bool NeedsProtection() const {                                      // 要保護
    return NeedsConfidentiality() || NeedsIntegrity() || NeedsAvailability();
  }
  // e.g. ["要機密", "要保全", "要保護"].
  std::vector<std::string> DerivedLabels() const;
};

struct RetentionRule {
  enum class From { kCreated, kEndOfUse };
  bool defined = false;
  int years = 0, months = 0, days = 0;
  From from = From::kEndOfUse;
  // e.g. "利用終了日から7年 / 7 years from end of use".
  std::string Describe() const;
  CivilDate DeadlineFrom(CivilDate start) const { return AddToDate(start, years, months, days); }
};

struct DatasetDef {
  std::string name;  // [a-z][a-z0-9_]{0,63}, immutable
  std::string title;
  std::string department;
  std::string category;  // management category (管理区分)
  std::string description;
  Classification classification;
  std::vector<std::string> handling;  // 取扱制限
  RetentionRule retention;
  std::vector<Purpose> purposes;
  std::vector<FieldDef> fields;
  // Two-person control of inquiries ([003 VI(1)①]): one of
  // InquiryControlNames(), or empty for a dataset that is not inquired
  // about (approval/inquiry.h says what each scheme enforces).
  std::string inquiry_control;
  // Set by the engine, not by the caller's JSON.
  uint32_t version = 0;
  TimeMicros created_at = 0, updated_at = 0;
  std::string created_by, updated_by;

  const FieldDef* Field(std::string_view name) const;
  const Purpose* FindPurpose(std::string_view id) const;
  bool HasHandling(std::string_view restriction) const;
};

// Handling restrictions with a defined meaning; organisation-specific ones
// must start with "custom_" so that a typo of a known one is caught.
std::string_view HandlingLabelJa(std::string_view restriction);  // "" for custom ones

// The schemes a dataset may name in "inquiry_control": "pre_approval",
// "one_time_number", "held_answer", "daily_list".
std::span<const std::string_view> InquiryControlNames();

// Strict: unknown members, wrong types, duplicate names, out-of-range
// classification and unknown field types are refused with an error naming
// the member. Engine-managed members (version, created_*) are ignored.
Result<DatasetDef> ParseDatasetDef(const nlohmann::json& json);
nlohmann::json DatasetDefToJson(const DatasetDef& def);

// Refuses a new definition that would strand existing data: a removed field
// that still has values, or a changed type of a field that has values.
// Also refuses newly indexing a field that already has values (the blind
// index would miss them).
Status CheckCompatible(const DatasetDef& old_def, const DatasetDef& new_def,
                       const std::set<std::string>& fields_with_values);

bool IsValidName(std::string_view name);  // dataset, field, purpose ids

}  // namespace mamori::engine
