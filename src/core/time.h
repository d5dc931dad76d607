// Time in mamori: stored and compared as UTC microseconds since the Unix epoch;
// rules, deadlines and displays are evaluated in Asia/Tokyo (JST, UTC+9, no DST).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mamori {

// Microseconds since 1970-01-01T00:00:00Z.
using TimeMicros = int64_t;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kJstOffsetSeconds = 9 * 3600;

TimeMicros NowMicros();

// A calendar date (proleptic Gregorian).
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

bool IsValidDate(int year, int month, int day);
// Days since 1970-01-01 for a valid date, and back.
int64_t DaysFromCivil(CivilDate d);
CivilDate CivilFromDays(int64_t days);
// Parses strict "YYYY-MM-DD"; nullopt for malformed or impossible dates (2023-02-29).
std::optional<CivilDate> ParseDate(std::string_view text);
std::string FormatDate(CivilDate d);
// Adds years/months (clamping the day to the month's end, so 02-29 + 1y = 02-28) and days.
CivilDate AddToDate(CivilDate d, int years, int months, int days);

// The JST calendar date of an instant.
CivilDate JstDate(TimeMicros t);
// The instant of 00:00 JST on a date.
TimeMicros JstMidnight(CivilDate d);
// "2026-11-22T03:04:05.123456Z".
std::string FormatUtc(TimeMicros t);
// "2026-11-22T12:04:05+09:00".
std::string FormatJst(TimeMicros t);
// Parses the output of FormatUtc (fraction optional).
std::optional<TimeMicros> ParseUtc(std::string_view text);

}  // namespace mamori
