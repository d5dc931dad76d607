// The report to the Personal Information Protection Commission (個人情報保護
// 委員会への報告, 規則 第8条): the preliminary report (速報) and the final
// report (確報), generated from an incident's fields (incidents.h) for a
// person to submit through the Commission's own form. mamori does not
// submit it; the submission date is recorded as a step of the incident.
//
// The items, in the order of the Commission's form: 概要, 漏えい等が発生し
// 又は発生したおそれがある個人データの項目, 本人の数, 原因, 二次被害又はその
// おそれの有無及びその内容, 本人への対応の実施状況, 公表の実施状況, 再発防止
// のための措置, その他参考となる事項. A field not yet known is shown as
// 未確定 (kUnknown) and listed in "unknown": a preliminary report may leave
// items open, a final report should not (the JSON says "complete").
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "governance/incidents.h"

namespace mamori::governance {

inline constexpr std::string_view kUnknown = "未確定";

// `kind`: "preliminary" or "final"; kInvalidArgument (subject "kind")
// otherwise. Members: kind, title, incident, aware, occurred_at, reportable,
// grounds, due, submitted, items (an array of {key, label, value}),
// unknown (the keys of the items not known), complete.
Result<nlohmann::json> ReportForm(const Incident& i, std::string_view kind,
                                  const ReportingPolicy& policy,
                                  const jp::BusinessCalendar& calendar);

// The form as printable text, and as one self-contained HTML page (A4,
// escaped).
std::string ReportFormText(const nlohmann::json& form);
std::string ReportFormHtml(const nlohmann::json& form);

}  // namespace mamori::governance
