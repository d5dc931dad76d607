#include "governance/incident_form.h"

#include <nlohmann/json.hpp>

#include "governance/html.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

std::string Joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The cause as the Commission's form groups them; the code itself besides.
std::string CauseText(std::string_view code) {
  struct Row {
    std::string_view code, ja;
  };
  static constexpr Row kCauses[] = {
      {"unauthorised_access", "不正アクセス (unauthorised access)"},
      {"malware", "マルウェア感染 (malware)"},
      {"misdelivery", "誤送付・誤送信 (misdelivery)"},
      {"loss", "紛失 (loss)"},
      {"theft", "盗難 (theft)"},
      {"insider", "従業者による持ち出し (insider)"},
      {"misconfiguration", "設定誤り (misconfiguration)"},
      {"disposal", "誤廃棄 (wrongful disposal)"},
  };
  for (const auto& r : kCauses) {
    if (r.code == code) return std::string(r.ja);
  }
  return "その他 (" + std::string(code) + ")";
}

}  // namespace

Result<json> ReportForm(const Incident& i, std::string_view kind, const ReportingPolicy& policy,
                        const jp::BusinessCalendar& calendar) {
  if (kind != "preliminary" && kind != "final") {
    return Fail(Status::InvalidArgument("kind must be preliminary or final",
                                        "kind は preliminary (速報) または final (確報) です",
                                        "kind"));
  }
  const bool final = kind == "final";
  MAMORI_ASSIGN_OR_RETURN(auto d, DeadlinesFor(i.aware, i.wrongful_purpose, policy, calendar));
  const Reportability r = ReportabilityOf(i.Facts());
  json items = json::array();
  json unknown = json::array();
  auto add = [&](std::string_view key, std::string_view label, std::string value) {
    if (value.empty()) {
      value = std::string(kUnknown);
      unknown.push_back(key);
    }
    items.push_back({{"key", key}, {"label", label}, {"value", value}});
  };
  add("summary", "概要", i.summary);
  std::string data_items = Joined(i.items);
  if (!data_items.empty() && !i.subjects.empty()) {
    data_items += " (本人の区分: " + Joined(i.subjects) + ")";
  }
  if (!data_items.empty() && i.records >= 0) {
    data_items += " 記録数 " + std::to_string(i.records) + " 件";
  }
  add("items", "漏えい等が発生し又は発生したおそれがある個人データの項目", data_items);
  add("people", "本人の数", i.affected >= 0 ? std::to_string(i.affected) + " 人" : "");
  std::string cause = i.cause.empty() ? "" : CauseText(i.cause);
  if (!cause.empty() && i.leaked != "unknown") {
    cause += i.leaked == "yes" ? " / 漏えい等: 発生" : " / 漏えい等: 発生のおそれ";
    if (!i.leaked_to.empty()) cause += " (漏えい先: " + Joined(i.leaked_to) + ")";
  }
  add("cause", "原因", cause);
  add("secondary_damage", "二次被害又はそのおそれの有無及びその内容", i.secondary_damage);
  add("subject_response", "本人への対応の実施状況", i.subject_response);
  add("publication", "公表の実施状況", i.publication);
  add("prevention", "再発防止のための措置", i.prevention);
  add("notes", "その他参考となる事項", i.notes);

  json out = {{"kind", kind},
              {"title", final ? "個人情報保護委員会への報告 (確報) / Final report to the "
                                "Personal Information Protection Commission"
                              : "個人情報保護委員会への報告 (速報) / Preliminary report to the "
                                "Personal Information Protection Commission"},
              {"incident", i.id},
              {"aware", FormatDate(i.aware)},
              {"occurred_at", i.occurred_at ? json(FormatUtc(i.occurred_at)) : json(kUnknown)},
              {"reportable", r.reportable},
              {"grounds", r.grounds},
              {"due", FormatDate(final ? d.final_report_due : d.preliminary_report_due)},
              {"items", std::move(items)},
              {"unknown", unknown},
              {"complete", unknown.empty()}};
  const auto& submitted = final ? i.final_submitted : i.preliminary_submitted;
  out["submitted"] = submitted ? json(FormatDate(*submitted)) : json(nullptr);
  return out;
}

std::string ReportFormText(const json& form) {
  std::string out = form.at("title").get<std::string>() + "\n\n";
  out += "事案番号 (incident): " + form.at("incident").get<std::string>() + "\n";
  out += "認知日 (aware): " + form.at("aware").get<std::string>() + "\n";
  out += "発生日時 (occurred): " + form.at("occurred_at").get<std::string>() + "\n";
  out += "報告期限 (due): " + form.at("due").get<std::string>() + "\n";
  std::string grounds;
  for (const auto& g : form.at("grounds"))
    grounds += (grounds.empty() ? "" : ", ") + g.get<std::string>();
  out += "報告対象事態 (grounds): " + (grounds.empty() ? std::string("なし (none)") : grounds) +
         "\n\n";
  for (const auto& item : form.at("items")) {
    out += "■ " + item.at("label").get<std::string>() + "\n  " +
           item.at("value").get<std::string>() + "\n";
  }
  return out;
}

std::string ReportFormHtml(const json& form) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" +
      HtmlEscaped(form.at("title").get<std::string>()) +
      "</title><style>@page{size:A4;margin:20mm}body{font-family:sans-serif;font-size:10.5pt}"
      "table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:4px;"
      "vertical-align:top;text-align:left}th{width:35%;background:#eee}.unknown{color:#a00}"
      "</style></head><body>\n<h1>" +
      HtmlEscaped(form.at("title").get<std::string>()) + "</h1>\n<table>\n";
  auto row = [&](std::string_view label, const std::string& value) {
    const bool unknown = value == kUnknown;
    out += "<tr><th>" + HtmlEscaped(label) + "</th><td" +
           (unknown ? std::string(" class=\"unknown\"") : std::string()) + ">" +
           HtmlEscaped(value) + "</td></tr>\n";
  };
  row("事案番号", form.at("incident").get<std::string>());
  row("認知日", form.at("aware").get<std::string>());
  row("発生日時", form.at("occurred_at").get<std::string>());
  row("報告期限", form.at("due").get<std::string>());
  std::string grounds;
  for (const auto& g : form.at("grounds"))
    grounds += (grounds.empty() ? "" : ", ") + g.get<std::string>();
  row("報告対象事態", grounds.empty() ? "なし" : grounds);
  for (const auto& item : form.at("items")) {
    row(item.at("label").get<std::string>(), item.at("value").get<std::string>());
  }
  out += "</table>\n</body></html>\n";
  return out;
}

}  // namespace mamori::governance
