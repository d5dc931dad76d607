// calendar commands: the national holidays, business days and 和暦 that the
// analysis of access records uses (jp/holidays.h, jp/business_calendar.h,
// jp/wareki.h). Their output is plain text, exactly:
//   calendar holidays --from YEAR --to YEAR   YYYY-MM-DD<TAB>name, one a line
//   calendar next-business-day DATE [--days N]  YYYY-MM-DD
//   calendar wareki DATE                       e.g. 令和元年5月1日
// Business days are counted with the default closed days (Saturdays,
// Sundays, national holidays, 12/29–1/3); `--data DIR` uses the closed days
// of that store's analysis policy instead (read-only, no key needed).
#include <iostream>

#include "analysis/parameters.h"
#include "cli/common.h"
#include "jp/business_calendar.h"
#include "jp/holidays.h"
#include "jp/wareki.h"

namespace mamori::cli {

Result<std::unique_ptr<store::Storage>> OpenDataStore(const StoreFlags& flags);

Result<CivilDate> DateArgument(const std::string& text, const std::string& name) {
  auto d = ParseDate(text);
  if (!d) {
    return Fail(Status::InvalidArgument(name + " must be a date like 2025-01-06",
                                        name + " は 2025-01-06 の形式の日付で指定してください",
                                        name));
  }
  return *d;
}

Result<jp::BusinessCalendar> CalendarFor(const std::string& data) {
  if (data.empty()) return jp::BusinessCalendar();
  StoreFlags flags;
  flags.data = data;
  MAMORI_ASSIGN_OR_RETURN(auto storage, OpenDataStore(flags));
  MAMORI_ASSIGN_OR_RETURN(auto params, analysis::GetParameters(*storage));
  return analysis::CalendarOf(params);
}

void AddCalendarCommands(CLI::App& app, int& exit_code) {
  auto* cal = app.add_subcommand("calendar",
                                 "national holidays, business days and 和暦 / 祝日・営業日・和暦");
  cal->require_subcommand(1);

  auto* holidays = cal->add_subcommand("holidays", "national holidays, one a line / 祝日の一覧");
  auto from = std::make_shared<int>(0);
  auto to = std::make_shared<int>(0);
  holidays->add_option("--from", *from, "first year")->required();
  holidays->add_option("--to", *to, "last year (inclusive)")->required();
  holidays->callback([from, to, &exit_code] {
    if (*to < *from) {
      exit_code = ReportError(Status::InvalidArgument(
          "--to must not be before --from", "--to は --from 以降の年を指定してください", "to"));
      return;
    }
    std::string out;
    for (int year = *from; year <= *to; ++year) {
      auto days = jp::HolidaysOfYear(year);
      if (!days) {
        exit_code = ReportError(days.error());
        return;
      }
      for (const auto& h : *days) {
        out += FormatDate(h.date);
        out += '\t';
        out += h.name;
        out += '\n';
      }
    }
    std::cout << out;
  });

  auto* next =
      cal->add_subcommand("next-business-day", "the next business day after DATE / 翌営業日");
  auto date = std::make_shared<std::string>();
  auto days = std::make_shared<int>(1);
  auto data = std::make_shared<std::string>();
  next->add_option("DATE", *date, "YYYY-MM-DD")->required();
  next->add_option("--days", *days, "the N-th business day after DATE (0: DATE itself if open)")
      ->capture_default_str();
  next->add_option("--data", *data,
                   "count with the closed days of this store's analysis policy / "
                   "このストアの休業日で数える");
  next->callback([date, days, data, &exit_code] {
    auto d = DateArgument(*date, "DATE");
    auto calendar = CalendarFor(*data);
    if (!calendar) {
      exit_code = ReportError(calendar.error());
      return;
    }
    Result<CivilDate> result = d ? calendar->NextBusinessDay(*d, *days) : d;
    if (!result) {
      exit_code = ReportError(result.error());
      return;
    }
    std::cout << FormatDate(*result) << "\n";
  });

  auto* wareki = cal->add_subcommand("wareki", "a date in 和暦 / 和暦表記");
  auto wdate = std::make_shared<std::string>();
  wareki->add_option("DATE", *wdate, "YYYY-MM-DD")->required();
  wareki->callback([wdate, &exit_code] {
    auto d = DateArgument(*wdate, "DATE");
    Result<std::string> text =
        d ? jp::FormatWareki(*d) : Result<std::string>(std::unexpected(d.error()));
    if (!text) {
      exit_code = ReportError(text.error());
      return;
    }
    std::cout << *text << "\n";
  });
}

}  // namespace mamori::cli
