#include "jp/wareki.h"

namespace mamori::jp {
namespace {

struct Era {
  std::string_view name;
  CivilDate start;
};

// Newest first. 明治 began 1868-01-25 (慶応4年1月1日, to which the era was
// applied retroactively), but only dates from 1873 are accepted (wareki.h).
constexpr Era kEras[] = {
    {"令和", {2019, 5, 1}},  {"平成", {1989, 1, 8}},  {"昭和", {1926, 12, 25}},
    {"大正", {1912, 7, 30}}, {"明治", {1868, 1, 25}},
};
constexpr CivilDate kGregorianAdopted{1873, 1, 1};

}  // namespace

Result<Wareki> ToWareki(CivilDate d) {
  if (!IsValidDate(d.year, d.month, d.day) || d < kGregorianAdopted) {
    return Fail(Status::InvalidArgument(
        "Japanese era dates (和暦) are given from 1873-01-01, when Japan adopted the Gregorian "
        "calendar",
        "和暦はグレゴリオ暦が採用された1873年(明治6年)1月1日以降の日付に対応しています", "date"));
  }
  for (const Era& e : kEras) {
    if (d >= e.start) return Wareki{e.name, d.year - e.start.year + 1, d.month, d.day};
  }
  return Fail(Status::Internal("no era for the date", "元号を決定できません", "date"));
}

Result<std::string> FormatWareki(CivilDate d) {
  MAMORI_ASSIGN_OR_RETURN(Wareki w, ToWareki(d));
  std::string out(w.era);
  out += w.year == 1 ? "元" : std::to_string(w.year);
  out += "年" + std::to_string(w.month) + "月" + std::to_string(w.day) + "日";
  return out;
}

}  // namespace mamori::jp
