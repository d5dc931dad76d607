#include "policy/training_gate.h"

#include <nlohmann/json.hpp>

#include "policy/json_util.h"
#include "policy/records.h"

namespace mamori::policy {
namespace {

constexpr std::string_view kRuleKey = "pol/tr/rule";
constexpr std::string_view kPersons = "pol/tr/p/";
constexpr uint32_t kMaxValidityDays = 1095;  // three years

std::string PersonKey(std::string_view person) {
  return std::string(kPersons) + std::string(person);
}

Status Damaged(std::string_view what) {
  return Status::DataLoss("a stored training record is damaged",
                          "保存された研修の記録が壊れています", std::string(what));
}

Status BadMember(std::string_view name, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument(en, ja, "policy." + std::string(name));
}

}  // namespace

nlohmann::json TrainingRuleToJson(const TrainingRule& r) {
  return {{"required", r.required}, {"validity_days", r.validity_days}};
}

Result<TrainingRule> TrainingRuleFromJson(const nlohmann::json& j, const TrainingRule& base) {
  if (!j.is_object()) {
    return Fail(Status::InvalidArgument("the training policy is a JSON object",
                                        "研修のポリシーは JSON オブジェクトで指定します",
                                        "policy"));
  }
  TrainingRule r = base;
  for (const auto& [name, value] : j.items()) {
    if (name == "required") {
      if (!value.is_boolean()) {
        return Fail(BadMember(name, "required must be true or false",
                              "required は true または false で指定します"));
      }
      r.required = value.get<bool>();
    } else if (name == "validity_days") {
      const bool whole =
          value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0);
      if (!whole || value.get<uint64_t>() < 1 || value.get<uint64_t>() > kMaxValidityDays) {
        return Fail(BadMember(name, "validity_days must be a whole number of days from 1 to 1095",
                              "validity_days は 1〜1095 の日数で指定します"));
      }
      r.validity_days = value.get<uint32_t>();
    } else {
      return Fail(Status::InvalidArgument(
          "unknown training policy member (known: required, validity_days)",
          "未知の研修ポリシー項目です (required, validity_days)", "policy"));
    }
  }
  return r;
}

Result<TrainingRule> ReadTrainingRule(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, ReadJson(txn, kRuleKey));
  if (!raw) return TrainingRule{};
  auto r = TrainingRuleFromJson(*raw);
  if (!r) return Fail(Damaged(kRuleKey));
  return *r;
}

Status WriteTrainingRule(store::WriteTxn& txn, const TrainingRule& rule) {
  MAMORI_RETURN_IF_ERROR(WriteJson(txn, kRuleKey, TrainingRuleToJson(rule)));
  return BumpVersion(txn);
}

namespace {
Result<CivilDate> UntilOf(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("until") || !j["until"].is_string()) {
    return Fail(Damaged("pol/tr/p"));
  }
  auto d = ParseDate(j["until"].get<std::string>());
  if (!d) return Fail(Damaged("pol/tr/p"));
  return *d;
}
}  // namespace

Result<std::optional<CivilDate>> ReadTrainingCurrency(store::ReadTxn& txn,
                                                      std::string_view person) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, ReadJson(txn, PersonKey(person)));
  if (!raw) return std::optional<CivilDate>();
  MAMORI_ASSIGN_OR_RETURN(CivilDate until, UntilOf(*raw));
  return std::optional<CivilDate>(until);
}

Result<std::map<std::string, CivilDate, std::less<>>> ReadTrainingCurrencies(store::ReadTxn& txn) {
  std::map<std::string, CivilDate, std::less<>> out;
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kPersons, store::PrefixEnd(kPersons), 0));
  for (const auto& row : rows) {
    auto j = nlohmann::json::parse(row.value, nullptr, false);
    MAMORI_ASSIGN_OR_RETURN(CivilDate until, UntilOf(j));
    out.emplace(row.key.substr(kPersons.size()), until);
  }
  return out;
}

Status WriteTrainingCurrency(store::WriteTxn& txn, std::string_view person, CivilDate until) {
  MAMORI_ASSIGN_OR_RETURN(auto current, ReadTrainingCurrency(txn, person));
  if (current && *current >= until) return Status::Ok();
  MAMORI_RETURN_IF_ERROR(WriteJson(txn, PersonKey(person), {{"until", FormatDate(until)}}));
  return BumpVersion(txn);
}

}  // namespace mamori::policy
