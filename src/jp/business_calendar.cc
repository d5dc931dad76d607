#include "jp/business_calendar.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "jp/holidays.h"

namespace mamori::jp {
namespace {

const int64_t kFirstDay = DaysFromCivil({kFirstHolidayYear, 1, 1});
const int64_t kLastDay = DaysFromCivil({kLastHolidayYear, 12, 31});

Status DateOutOfRange() {
  return Status::InvalidArgument("business days are known for the years " +
                                     std::to_string(kFirstHolidayYear) + " to " +
                                     std::to_string(kLastHolidayYear),
                                 "営業日は" + std::to_string(kFirstHolidayYear) + "年から" +
                                     std::to_string(kLastHolidayYear) + "年まで計算できます",
                                 "date");
}

bool ValidMonthDay(int month, int day) { return IsValidDate(2000, month, day); }

// True when month-day (m, d) lies in the closure.
bool InClosure(const AnnualClosure& c, int m, int d) {
  const int at = m * 100 + d;
  const int from = c.from_month * 100 + c.from_day;
  const int to = c.to_month * 100 + c.to_day;
  return from <= to ? (at >= from && at <= to) : (at >= from || at <= to);
}

}  // namespace

std::vector<AnnualClosure> DefaultAnnualClosures() {
  std::vector<AnnualClosure> out(1);
  return out;
}

std::string FormatAnnualClosure(const AnnualClosure& c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d-%02d..%02d-%02d", c.from_month, c.from_day, c.to_month,
                c.to_day);
  return buf;
}

Result<AnnualClosure> ParseAnnualClosure(std::string_view s) {
  auto two = [&](size_t at) -> int {
    if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return -1;
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  AnnualClosure c;
  if (s.size() == 12 && s[2] == '-' && s.substr(5, 2) == ".." && s[9] == '-') {
    c = {two(0), two(3), two(7), two(10)};
    if (ValidMonthDay(c.from_month, c.from_day) && ValidMonthDay(c.to_month, c.to_day)) return c;
  }
  return Fail(Status::InvalidArgument(
      "an annual closure is written MM-DD..MM-DD, e.g. 12-29..01-03",
      "年間の休業期間は MM-DD..MM-DD の形式で指定してください (例: 12-29..01-03)", "annual"));
}

std::string_view DayKindName(DayKind kind) {
  switch (kind) {
    case DayKind::kBusiness:
      return "business";
    case DayKind::kSaturday:
      return "saturday";
    case DayKind::kSunday:
      return "sunday";
    case DayKind::kHoliday:
      return "holiday";
    case DayKind::kOrganisation:
      return "organisation";
  }
  return "business";
}

Status BusinessCalendar::Build(BusinessCalendar& cal) {
  const ClosedDays& c = cal.closed_;
  for (const AnnualClosure& a : c.annual) {
    if (!ValidMonthDay(a.from_month, a.from_day) || !ValidMonthDay(a.to_month, a.to_day)) {
      return ParseAnnualClosure("").error();
    }
  }
  auto kinds = std::make_shared<std::vector<uint8_t>>(kLastDay - kFirstDay + 1);
  for (int64_t day = kFirstDay; day <= kLastDay; ++day) {
    const CivilDate d = CivilFromDays(day);
    const int64_t w = (day + 4) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
    DayKind k = DayKind::kBusiness;
    for (const AnnualClosure& a : c.annual) {
      if (InClosure(a, d.month, d.day)) k = DayKind::kOrganisation;
    }
    if (c.saturdays && w == 6) k = DayKind::kSaturday;
    if (c.sundays && w == 0) k = DayKind::kSunday;
    (*kinds)[day - kFirstDay] = static_cast<uint8_t>(k);
  }
  if (c.national_holidays) {
    for (int year = kFirstHolidayYear; year <= kLastHolidayYear; ++year) {
      MAMORI_ASSIGN_OR_RETURN(auto holidays, HolidaysOfYear(year));
      for (const Holiday& h : holidays) {
        (*kinds)[DaysFromCivil(h.date) - kFirstDay] = static_cast<uint8_t>(DayKind::kHoliday);
      }
    }
  }
  for (const CivilDate& d : c.dates) {
    const int64_t day = DaysFromCivil(d);
    if (!IsValidDate(d.year, d.month, d.day) || day < kFirstDay || day > kLastDay) {
      return DateOutOfRange();
    }
    uint8_t& k = (*kinds)[day - kFirstDay];
    if (k == static_cast<uint8_t>(DayKind::kBusiness))
      k = static_cast<uint8_t>(DayKind::kOrganisation);
  }
  cal.kinds_ = std::move(kinds);
  return Status::Ok();
}

BusinessCalendar::BusinessCalendar() {
  // Every default calendar shares one table: building it takes a few
  // milliseconds (152 years of holidays). The defaults cannot fail to build.
  static const std::shared_ptr<const std::vector<uint8_t>> kDefault = [] {
    BusinessCalendar cal{Unbuilt{}};
    if (!Build(cal).ok()) std::abort();
    return cal.kinds_;
  }();
  kinds_ = kDefault;
}

Result<BusinessCalendar> BusinessCalendar::Make(const ClosedDays& closed) {
  BusinessCalendar cal{Unbuilt{}};
  cal.closed_ = closed;
  MAMORI_RETURN_IF_ERROR(Build(cal));
  return cal;
}

Result<DayKind> BusinessCalendar::Kind(CivilDate d) const {
  if (!IsValidDate(d.year, d.month, d.day)) return Fail(DateOutOfRange());
  const int64_t day = DaysFromCivil(d);
  if (day < kFirstDay || day > kLastDay) return Fail(DateOutOfRange());
  return static_cast<DayKind>((*kinds_)[day - kFirstDay]);
}

Result<bool> BusinessCalendar::IsBusinessDay(CivilDate d) const {
  MAMORI_ASSIGN_OR_RETURN(DayKind k, Kind(d));
  return k == DayKind::kBusiness;
}

bool BusinessCalendar::IsBusinessDayNumber(int64_t day) const {
  if (day < kFirstDay || day > kLastDay) return false;
  return (*kinds_)[day - kFirstDay] == static_cast<uint8_t>(DayKind::kBusiness);
}

Result<CivilDate> BusinessCalendar::NextBusinessDay(CivilDate d, int n) const {
  if (n < 0 || n > 3660) {
    return Fail(Status::InvalidArgument("the number of business days must be 0 to 3660",
                                        "営業日数は0から3660までで指定してください", "days"));
  }
  MAMORI_RETURN_IF_ERROR(StatusOf(Kind(d)));
  int64_t day = DaysFromCivil(d);
  if (n == 0 && IsBusinessDayNumber(day)) return d;
  for (int found = 0; found < std::max(n, 1);) {
    if (++day > kLastDay) return Fail(DateOutOfRange());
    if (IsBusinessDayNumber(day)) ++found;
  }
  return CivilFromDays(day);
}

}  // namespace mamori::jp
