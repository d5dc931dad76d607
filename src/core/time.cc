#include "core/time.h"

#include <chrono>
#include <cstdio>

namespace mamori {

TimeMicros NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {
bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeap(y)) ? 29 : kDays[m - 1];
}
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(CivilDate d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (d.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

std::optional<CivilDate> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 0 || d < 0 || !IsValidDate(y, m, d)) return std::nullopt;
  return CivilDate{y, m, d};
}

std::string FormatDate(CivilDate d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

CivilDate AddToDate(CivilDate d, int years, int months, int days) {
  int64_t total = static_cast<int64_t>(d.year) * 12 + (d.month - 1) + years * 12 + months;
  CivilDate r{static_cast<int>(FloorDiv(total, 12)),
              static_cast<int>(total - FloorDiv(total, 12) * 12) + 1, d.day};
  if (r.day > DaysInMonth(r.year, r.month)) r.day = DaysInMonth(r.year, r.month);
  return CivilFromDays(DaysFromCivil(r) + days);
}

CivilDate JstDate(TimeMicros t) {
  const int64_t secs = FloorDiv(t, kMicrosPerSecond) + kJstOffsetSeconds;
  return CivilFromDays(FloorDiv(secs, 86400));
}

TimeMicros JstMidnight(CivilDate d) {
  return (DaysFromCivil(d) * 86400 - kJstOffsetSeconds) * kMicrosPerSecond;
}

namespace {
std::string Format(TimeMicros t, int64_t offset_seconds, bool with_micros, const char* zone) {
  const int64_t secs = FloorDiv(t, kMicrosPerSecond);
  const int64_t micros = t - secs * kMicrosPerSecond;
  const int64_t local = secs + offset_seconds;
  const CivilDate d = CivilFromDays(FloorDiv(local, 86400));
  const int64_t sod = local - FloorDiv(local, 86400) * 86400;
  char buf[64];
  if (with_micros) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld%s", d.year, d.month, d.day,
                  static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                  static_cast<int>(sod % 60), static_cast<long long>(micros), zone);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", d.year, d.month, d.day,
                  static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                  static_cast<int>(sod % 60), zone);
  }
  return buf;
}
}  // namespace

std::string FormatUtc(TimeMicros t) { return Format(t, 0, true, "Z"); }
std::string FormatJst(TimeMicros t) { return Format(t, kJstOffsetSeconds, false, "+09:00"); }

std::optional<TimeMicros> ParseUtc(std::string_view s) {
  if (s.size() < 20 || s.back() != 'Z' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  auto date = ParseDate(s.substr(0, 10));
  if (!date) return std::nullopt;
  auto two = [&](size_t p) -> int {
    if (s[p] < '0' || s[p] > '9' || s[p + 1] < '0' || s[p + 1] > '9') return -1;
    return (s[p] - '0') * 10 + (s[p + 1] - '0');
  };
  const int hh = two(11), mm = two(14), ss = two(17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return std::nullopt;
  int64_t micros = 0;
  if (s.size() > 20) {
    if (s[19] != '.' || s.size() > 27) return std::nullopt;
    int digits = 0;
    for (size_t i = 20; i + 1 < s.size(); ++i, ++digits) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      micros = micros * 10 + (s[i] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 6; ++digits) micros *= 10;
  } else if (s.size() != 20) {
    return std::nullopt;
  }
  return (DaysFromCivil(*date) * 86400 + hh * 3600 + mm * 60 + ss) * kMicrosPerSecond + micros;
}

}  // namespace mamori
