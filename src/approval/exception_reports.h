// The periodic status reports of exception measures to the chief security
// manager (統括情報セキュリティ責任者, chief_officer), and the view of their
// trends ([002 第26条2] "定期的に申請状況の報告を求める", [002 第27条3-4]).
//
// A report covers one JST calendar month ("2026-11") and lists, by id, the
// exceptions of the ledger (exceptions.h) that in that month were
//   applied      filed (created_at in the month)
//   approved     finally approved (the last approving decision in the month)
//   rejected     rejected (the rejecting decision in the month)
//   in_force     approved by the month's end, their period overlapping the
//                month, not ended before it began
//   ended        ended early by their applicant in the month
//   lapsed       approved, their period's last day in the month
//   emergencies  filed after the measure was taken ([002 第27条] ただし書)
//   late         of those, filed after their deadline
// with the count of each. Reports are produced on request (by the CISO
// line) and by the server itself once a month for the month before
// (Tick, actor "system:exceptions/mamori"), kept at "exc/rep/<id>", and
// acknowledged once by a chief security manager — nobody else
// ("exception.not_chief_officer"), and not twice
// ("exception.report_acknowledged"). Production and acknowledgement are
// audited ("exception.report", "exception.report_ack"); a refusal changes
// nothing and is audited.
//
// Trends: per month of application (JST) over a range of at most 36 months,
// the count of applications per rule cited, per department and per ledger
// state now.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "approval/exceptions.h"

namespace mamori::approval {

inline constexpr std::string_view kReportNotChiefOfficer = "exception.not_chief_officer";
inline constexpr std::string_view kReportAcknowledged = "exception.report_acknowledged";
inline constexpr std::string_view kReportNotFound = "exception.report";
inline constexpr std::string_view kReportSystemActor = "system:exceptions/mamori";

// A JST calendar month.
struct Month {
  int year = 1970, month = 1;
  auto operator<=>(const Month&) const = default;
};
// Strict "YYYY-MM"; nullopt otherwise.
std::optional<Month> ParseMonth(std::string_view text);
std::string FormatMonth(Month m);
Month MonthOf(TimeMicros t);  // JST
Month NextMonth(Month m);

struct ExceptionReport {
  std::string id;  // "XR00000001"
  Month period;
  std::string produced_by;
  TimeMicros produced_at = 0;
  // category → exception ids (the categories above, in that order).
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
  std::string acknowledged_by;
  TimeMicros acknowledged_at = 0;
};
nlohmann::json ReportToJson(const ExceptionReport& r);

// The report of `period` over `ledger` as it stood at `now` (not stored).
ExceptionReport Compile(const std::vector<ExceptionEntry>& ledger, Month period, TimeMicros now);

// `from`..`to` inclusive; kInvalidArgument beyond 36 months or reversed.
Result<nlohmann::json> Trends(const std::vector<ExceptionEntry>& ledger, Month from, Month to,
                              TimeMicros now);

class ExceptionReports {
 public:
  explicit ExceptionReports(store::Storage& storage) : storage_(storage) {}

  // Produces and keeps the report of `period` (a month already begun).
  // `caller` null: the server's schedule.
  Result<ExceptionReport> Produce(const Caller* caller, Month period, TimeMicros now);
  Result<ExceptionReport> Acknowledge(const Caller& caller, std::string_view id);
  // Every report, in id order; one.
  Result<std::vector<ExceptionReport>> List();
  Result<ExceptionReport> Get(std::string_view id);

  // The schedule: produces the report of the month before `now` unless one
  // exists (produced on request or by an earlier tick). nullopt when nothing was due.
  Result<std::optional<ExceptionReport>> Tick(TimeMicros now);

 private:
  store::Storage& storage_;
};

}  // namespace mamori::approval
