// jp/business_calendar: which days the organisation works — not Saturdays,
// Sundays, national holidays (holidays.h) or its own closed days, by default
// the year-end and New Year closure 12/29–1/3 (年末年始休暇, as 行政機関の
// 休日に関する法律 第1条 sets for government offices and banks follow) —
// and business-day arithmetic for due dates.
//
// The closed days are the organisation's policy: the caller passes them in
// (analysis keeps them among its policy parameters); this header only knows
// the default. Dates are calendar days in JST. Supported dates: the years of
// holidays.h (1948..2099); a date outside them, or arithmetic that would
// leave them, is kInvalidArgument naming the date.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace mamori::jp {

// An annual closure from one month-day to another, both included; it wraps
// the year end when it ends before it starts (12-29 to 01-03).
struct AnnualClosure {
  int from_month = 12, from_day = 29;
  int to_month = 1, to_day = 3;
  bool operator==(const AnnualClosure&) const = default;
};

// The default annual closure: 12-29..01-03.
std::vector<AnnualClosure> DefaultAnnualClosures();

struct ClosedDays {
  bool saturdays = true;
  bool sundays = true;
  bool national_holidays = true;
  std::vector<AnnualClosure> annual = DefaultAnnualClosures();
  std::vector<CivilDate> dates;  // one-off closures, e.g. a foundation day
  bool operator==(const ClosedDays&) const = default;
};

// "12-29..01-03" and back; the parser refuses anything but MM-DD..MM-DD with
// real month-days (02-29 allowed: it closes leap years only).
std::string FormatAnnualClosure(const AnnualClosure& c);
Result<AnnualClosure> ParseAnnualClosure(std::string_view text);

// Why a day is not a business day.
enum class DayKind { kBusiness, kSaturday, kSunday, kHoliday, kOrganisation };
// "business", "saturday", "sunday", "holiday", "organisation".
std::string_view DayKindName(DayKind kind);

class BusinessCalendar {
 public:
  // The default closed days.
  BusinessCalendar();
  // kInvalidArgument for an annual closure that is no month-day, or a
  // one-off date outside the supported years.
  static Result<BusinessCalendar> Make(const ClosedDays& closed);

  const ClosedDays& closed() const { return closed_; }

  Result<DayKind> Kind(CivilDate d) const;
  Result<bool> IsBusinessDay(CivilDate d) const;
  // The n-th business day after `d` (n >= 1; `d` itself never counts):
  // NextBusinessDay(2024-12-27) is 2025-01-06 under the default closure.
  // n = 0 is `d` when it is a business day, else the next one.
  // kInvalidArgument for n outside 0..3660.
  Result<CivilDate> NextBusinessDay(CivilDate d, int n = 1) const;

  // The same on days since 1970-01-01, without errors: for the analysis,
  // which asks once per event. Days outside the supported years count as
  // closed.
  bool IsBusinessDayNumber(int64_t day) const;

 private:
  struct Unbuilt {};
  explicit BusinessCalendar(Unbuilt) {}
  static Status Build(BusinessCalendar& cal);
  std::shared_ptr<const std::vector<uint8_t>> kinds_;  // DayKind per supported day
  ClosedDays closed_;
};

}  // namespace mamori::jp
