#include "analysis/parameters.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "analysis/store_util.h"
#include "audit/audited.h"

namespace mamori::analysis {
namespace {

using nlohmann::json;

Status OutOfRange(std::string_view name, uint32_t lo, uint32_t hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  return Status::InvalidArgument(
      "analysis parameter " + std::string(name) + " must be in " + range,
      "分析ポリシーの " + std::string(name) + " は " + range + " の範囲で指定してください",
      "policy." + std::string(name));
}

bool In(uint32_t v, uint32_t lo, uint32_t hi) { return v >= lo && v <= hi; }

struct UintParam {
  std::string_view name;
  uint32_t Parameters::*member;
  uint32_t lo, hi;
};

// Every numeric parameter with its range: the ranges keep a rule able to
// fire (no threshold of 0) and its state bounded (windows of at most a day).
constexpr UintParam kUints[] = {
    {"off_hours_high_count", &Parameters::off_hours_high_count, 1, 100'000},
    {"spike_percent", &Parameters::spike_percent, 110, 10'000},
    {"spike_min_count", &Parameters::spike_min_count, 1, 1'000'000},
    {"baseline_days", &Parameters::baseline_days, 1, 60},
    {"baseline_min_days", &Parameters::baseline_min_days, 1, 60},
    {"bulk_records_per_hour", &Parameters::bulk_records_per_hour, 1, 1'000'000},
    {"bulk_records_per_export", &Parameters::bulk_records_per_export, 1, 1'000'000},
    {"rare_purpose_percent", &Parameters::rare_purpose_percent, 1, 50},
    {"rare_purpose_min_history", &Parameters::rare_purpose_min_history, 1, 1'000'000},
    {"failures_per_user", &Parameters::failures_per_user, 2, 1000},
    {"failures_per_source", &Parameters::failures_per_source, 2, 1000},
    {"failure_window_minutes", &Parameters::failure_window_minutes, 1, 1440},
    {"concurrent_window_minutes", &Parameters::concurrent_window_minutes, 1, 1440},
    {"due_days_high", &Parameters::due_days_high, 0, 60},
    {"due_days_medium", &Parameters::due_days_medium, 0, 60},
    {"due_days_low", &Parameters::due_days_low, 0, 60},
    {"list_grace_minutes", &Parameters::list_grace_minutes, 0, 720},
    {"behind_seconds", &Parameters::behind_seconds, 10, 86'400},
};

std::string FormatMinute(uint32_t m) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02u:%02u", (m / 60) % 100, m % 60);
  return buf;
}

// "HH:MM", 00:00..24:00.
std::optional<uint32_t> ParseMinute(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const uint32_t h = (s[0] - '0') * 10 + (s[1] - '0');
  const uint32_t m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

Status Bad(const std::string& name, std::string_view type, std::string_view type_ja) {
  return Status::InvalidArgument(
      "analysis parameter " + name + " must be " + std::string(type),
      "分析ポリシーの " + name + " は" + std::string(type_ja) + "で指定してください",
      "policy." + name);
}

json ClosedToJson(const jp::ClosedDays& c) {
  json annual = json::array();
  for (const auto& a : c.annual) annual.push_back(jp::FormatAnnualClosure(a));
  json dates = json::array();
  for (const auto& d : c.dates) dates.push_back(FormatDate(d));
  return {{"saturdays", c.saturdays},
          {"sundays", c.sundays},
          {"national_holidays", c.national_holidays},
          {"annual", annual},
          {"dates", dates}};
}

Result<jp::ClosedDays> ClosedFromJson(const json& j, jp::ClosedDays c) {
  const std::string name = "closed";
  if (!j.is_object()) return Fail(Bad(name, "an object", "オブジェクト"));
  for (const auto& [key, value] : j.items()) {
    if (key == "saturdays" || key == "sundays" || key == "national_holidays") {
      if (!value.is_boolean()) return Fail(Bad(name + "." + key, "a boolean", "真偽値"));
      bool& b = key == "saturdays" ? c.saturdays
                : key == "sundays" ? c.sundays
                                   : c.national_holidays;
      b = value.get<bool>();
    } else if (key == "annual") {
      if (!value.is_array() || value.size() > 50) {
        return Fail(Bad(name + ".annual", "up to 50 closures like \"12-29..01-03\"",
                        "\"12-29..01-03\" 形式の期間の配列 (50件まで)"));
      }
      c.annual.clear();
      for (const auto& a : value) {
        auto closure = a.is_string() ? jp::ParseAnnualClosure(a.get<std::string>())
                                     : jp::ParseAnnualClosure("");
        if (!closure) {
          return Fail(Bad(name + ".annual", "closures like \"12-29..01-03\"",
                          "\"12-29..01-03\" 形式の期間"));
        }
        c.annual.push_back(*closure);
      }
    } else if (key == "dates") {
      if (!value.is_array() || value.size() > 1000) {
        return Fail(Bad(name + ".dates", "up to 1000 dates like \"2026-06-01\"",
                        "\"2026-06-01\" 形式の日付の配列 (1000件まで)"));
      }
      c.dates.clear();
      for (const auto& d : value) {
        auto date = d.is_string() ? ParseDate(d.get<std::string>()) : std::nullopt;
        if (!date) {
          return Fail(
              Bad(name + ".dates", "dates like \"2026-06-01\"", "\"2026-06-01\" 形式の日付"));
        }
        c.dates.push_back(*date);
      }
    } else {
      return Fail(Status::InvalidArgument("unknown member of the closed days",
                                          "休業日の設定に未知の項目があります", "policy.closed"));
    }
  }
  return c;
}

}  // namespace

Status ValidateParameters(const Parameters& p) {
  if (!In(p.business_start_minute, 0, 24 * 60 - 1)) {
    return OutOfRange("business_start (minutes)", 0, 24 * 60 - 1);
  }
  if (!In(p.business_end_minute, p.business_start_minute + 1, 24 * 60)) {
    return Status::InvalidArgument(
        "analysis parameter business_end must be after business_start",
        "分析ポリシーの business_end は business_start より後の時刻で指定してください",
        "policy.business_end");
  }
  for (const UintParam& u : kUints) {
    if (!In(p.*(u.member), u.lo, u.hi)) return OutOfRange(u.name, u.lo, u.hi);
  }
  if (p.baseline_min_days > p.baseline_days) {
    return OutOfRange("baseline_min_days", 1, p.baseline_days);
  }
  auto cal = jp::BusinessCalendar::Make(p.closed);
  if (!cal) {
    return Status::InvalidArgument(cal.error().message(), cal.error().message_ja(),
                                   "policy.closed");
  }
  return Status::Ok();
}

json ParametersToJson(const Parameters& p) {
  json j = {{"business_start", FormatMinute(p.business_start_minute)},
            {"business_end", FormatMinute(p.business_end_minute)},
            {"closed", ClosedToJson(p.closed)}};
  for (const UintParam& u : kUints) j[std::string(u.name)] = p.*(u.member);
  return j;
}

Result<Parameters> ParametersFromJson(const json& j, const Parameters& base) {
  if (!j.is_object()) {
    return Fail(Status::InvalidArgument("the analysis policy must be a JSON object",
                                        "分析ポリシーは JSON オブジェクトで指定してください",
                                        "policy"));
  }
  Parameters p = base;
  for (const auto& [key, value] : j.items()) {
    const auto* u = std::find_if(std::begin(kUints), std::end(kUints),
                                 [&](const UintParam& m) { return m.name == key; });
    if (u != std::end(kUints)) {
      const bool in_range = value.is_number_unsigned()
                                ? value.get<uint64_t>() <= UINT32_MAX
                                : value.is_number_integer() && value.get<int64_t>() >= 0 &&
                                      value.get<int64_t>() <= static_cast<int64_t>(UINT32_MAX);
      if (!in_range) return Fail(Bad(key, "a non-negative integer", "0以上の整数"));
      p.*(u->member) = value.get<uint32_t>();
    } else if (key == "business_start" || key == "business_end") {
      auto m = value.is_string() ? ParseMinute(value.get<std::string>()) : std::nullopt;
      if (!m) return Fail(Bad(key, "a time like \"08:00\"", "\"08:00\" 形式の時刻"));
      (key == "business_start" ? p.business_start_minute : p.business_end_minute) = *m;
    } else if (key == "closed") {
      MAMORI_ASSIGN_OR_RETURN(p.closed, ClosedFromJson(value, p.closed));
    } else {
      // The member's name is not repeated: it is whatever the caller sent.
      return Fail(Status::InvalidArgument(
          "unknown analysis parameter (see docs/ANALYSIS.md for the list)",
          "未知の分析ポリシー項目です (docs/ANALYSIS.md を参照してください)", "policy"));
    }
  }
  MAMORI_RETURN_IF_ERROR(ValidateParameters(p));
  return p;
}

Result<Parameters> ReadParameters(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto stored, internal::ReadJson(txn, internal::kPolicyKey, "policy"));
  if (!stored) return Parameters{};
  auto p = ParametersFromJson(*stored);
  if (!p) return Fail(internal::Corrupt("policy"));
  return p;
}

Result<Parameters> GetParameters(store::Storage& store) {
  Parameters out;
  MAMORI_RETURN_IF_ERROR(store.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadParameters(txn));
    return Status::Ok();
  }));
  return out;
}

Status SetParameters(store::Storage& store, const engine::Context& ctx, const Parameters& p) {
  return SetParameters(store, ctx, p, {});
}

Status SetParameters(store::Storage& store, const engine::Context& ctx, const Parameters& p,
                     const std::function<Status(store::WriteTxn&, audit::Event&)>& gate) {
  const TimeMicros now = ctx.time ? ctx.time : NowMicros();
  const json j = ParametersToJson(p);
  audit::Event ev = internal::MakeEvent(ctx, "analysis.policy_set", now);
  for (const auto& [k, v] : j.items()) {
    ev.attrs[k] = audit::EventJsonAttr(v.dump());
  }
  const Status valid = ValidateParameters(p);
  return audit::RunAudited(store, ev, {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
                             MAMORI_RETURN_IF_ERROR(valid);
                             if (gate) MAMORI_RETURN_IF_ERROR(gate(txn, e));
                             return internal::WriteJson(txn, internal::kPolicyKey, j);
                           }});
}

Result<jp::BusinessCalendar> CalendarOf(const Parameters& p) {
  return jp::BusinessCalendar::Make(p.closed);
}

}  // namespace mamori::analysis
