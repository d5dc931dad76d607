// governance/incident_reporting: whether a leak (漏えい等事案) must be
// reported to the Personal Information Protection Commission (個人情報保護
// 委員会), and by when — the rules of 個人情報の保護に関する法律 第26条第1項
// and its enforcement rules (個人情報の保護に関する法律施行規則, below
// 規則), and for My Numbers 行政手続における特定の個人を識別するための番号
// の利用等に関する法律 (番号法) 第29条の4.
//
// Reportable (規則 第7条): a leak, or a suspected one, of
//   1. 要配慮個人情報 (sensitive personal information),
//   2. data whose misuse may cause financial damage (財産的被害のおそれ),
//   3. data taken for a wrongful purpose (不正の目的; unauthorised access,
//      an employee taking data out),
//   4. more than 1,000 people's data;
// and any leak of My Numbers (特定個人情報): mamori treats every one as
// reportable, the safe reading for an organisation that holds them, since the
// Commission's rules for 特定個人情報 report even small cases where the
// network or a wrongful purpose is involved.
//
// Deadlines (規則 第8条):
//   - the preliminary report (速報) "promptly" (速やかに) after becoming
//     aware; the Commission's guideline reads this as about 3 to 5 days, and
//     mamori's policy default is 3 business days of the organisation's
//     calendar (jp/business_calendar.h), the first day not counted;
//   - the final report (確報) within 30 days of becoming aware, 60 days for a
//     wrongful purpose (第8条第2項), in calendar days with weekends and
//     holidays included and the day of awareness not counted (民法 第140条).
//     A final day that falls on a closed day is not moved: reporting early is
//     always allowed, late never.
// The numbers are policy (ReportingPolicy), not code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "jp/business_calendar.h"

namespace mamori::governance {

// What is known about an incident that decides whether it is reportable.
struct IncidentFacts {
  bool sensitive = false;         // 要配慮個人情報 (規則 第7条第1号)
  bool financial_damage = false;  // 財産的被害のおそれ (第2号)
  bool wrongful_purpose = false;  // 不正の目的 (第3号)
  int64_t people = 0;             // 本人の数, known or estimated (第4号: > 1,000)
  bool my_number = false;         // 特定個人情報 (番号法 第29条の4)
};

// Ground codes, in this order: "sensitive", "financial_damage",
// "wrongful_purpose", "over_1000_people", "my_number".
struct Reportability {
  bool reportable = false;
  std::vector<std::string> grounds;
};

Reportability ReportabilityOf(const IncidentFacts& facts);

struct ReportingPolicy {
  int preliminary_business_days = 3;  // 1..30
  int final_days = 30;                // 1..366
  int final_days_wrongful = 60;       // 1..366
};

struct ReportDeadlines {
  CivilDate aware;
  CivilDate preliminary_report_due;
  CivilDate final_report_due;
  int final_days = 0;  // the period that applied: 30 or 60 by default
};

// The deadlines for an incident the organisation became aware of on `aware`
// (JST). kInvalidArgument for a policy number out of range or a date the
// calendar does not cover (jp/business_calendar.h), naming which.
Result<ReportDeadlines> DeadlinesFor(CivilDate aware, bool wrongful_purpose,
                                     const ReportingPolicy& policy,
                                     const jp::BusinessCalendar& calendar);

// A deadline is overdue from the day after it, JST.
inline bool Overdue(CivilDate due, CivilDate today) {
  return DaysFromCivil(today) > DaysFromCivil(due);
}

}  // namespace mamori::governance
