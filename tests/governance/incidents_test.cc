// Incidents as records over a real store and the real system rights table:
// the issue's case (1,200 people, aware 2025-12-22: reportable, final report
// due 2026-01-21, 2026-02-20 for a wrongful purpose, overdue — a finding of
// the continuous evaluation — on 2026-01-22 and not on 2026-01-21), the flow
// in order with its refusals audited and changing nothing, who reads what,
// the escalation of a finding, and the Commission's form.
#include "governance/incidents.h"

#include <nlohmann/json.hpp>

#include "analysis/analysis_fixture.h"
#include "governance/incident_form.h"

namespace mamori::governance {
namespace {

using analysis::testing::Jst;
using json = nlohmann::json;

constexpr CivilDate kAware{2025, 12, 22};

class IncidentsTest : public analysis::testing::AnalysisTest {
 protected:
  void SetUp() override {
    AnalysisTest::SetUp();
    Person("kobayashi", "sirt", "情報セキュリティ室");
    Person("kansa", "auditor", "監査室");
    incidents_ = std::make_unique<Incidents>(engine_->data_store(), findings_.get());
  }

  // hana reports 1,200 people's data leaked, aware on 2025-12-22.
  Incident ReportBig(bool wrongful = false) {
    json body = {{"aware", "2025-12-22"},  {"people_affected", 1200},
                 {"records", 1350},        {"items", {"name", "address"}},
                 {"cause", "misdelivery"}, {"wrongful_purpose", wrongful}};
    auto i = incidents_->Report(CallerOf("hana", Jst(kAware, 10, 0)), body);
    EXPECT_TRUE(i.has_value()) << i.error().ToString();
    return i.value_or(Incident{});
  }

  Result<Incident> Take(const std::string& who, const std::string& id, const std::string& step,
                        json body = json::object(), TimeMicros t = 0) {
    return incidents_->Step(CallerOf(who, t ? t : Jst(kAware, 15, 0)), id, step, body);
  }

  json View(const Incident& i, CivilDate today) {
    auto cal = incidents_->Calendar();
    EXPECT_TRUE(cal.has_value());
    return IncidentToJson(i, incidents_->policy(), *cal, today);
  }

  // The incident_report_overdue findings now stored.
  std::vector<analysis::Finding> Overdue() {
    return AllFindings(analysis::Rule::kIncidentReportOverdue);
  }

  std::unique_ptr<analysis::Monitor> IncidentMonitor() {
    analysis::MonitorOptions o;
    Incidents* inc = incidents_.get();
    o.overdue_steps = [inc](CivilDate today, TimeMicros now) {
      return inc->OverdueFindings(today, now);
    };
    return std::make_unique<analysis::Monitor>(engine_->data_store(), people_, o);
  }

  std::unique_ptr<Incidents> incidents_;
};

TEST_F(IncidentsTest, TheIssuesCaseIsReportableDueAndOverdueTheDayAfter) {
  const Incident i = ReportBig();
  EXPECT_EQ(i.id, "I00000001");
  EXPECT_EQ(i.reporter, "hana");
  json v = View(i, kAware);
  EXPECT_TRUE(v["reportable"].get<bool>());
  EXPECT_EQ(v["grounds"], json({"over_1000_people"}));
  EXPECT_EQ(v["final_report_due"], "2026-01-21");
  // For a wrongful purpose: 60 days.
  Incident wrongful = i;
  wrongful.wrongful_purpose = true;
  EXPECT_EQ(View(wrongful, kAware)["final_report_due"], "2026-02-20");

  // The preliminary report is recorded in time; the final one never.
  ASSERT_TRUE(Take("kobayashi", i.id, "triage").has_value());
  auto pre = Take("ciso", i.id, "preliminary_report", {{"date", "2025-12-24"}},
                  Jst(CivilDate{2025, 12, 24}, 12, 0));
  ASSERT_TRUE(pre.has_value()) << pre.error().ToString();

  auto m = IncidentMonitor();
  RoundAt(*m, Jst(CivilDate{2026, 1, 21}, 23, 0));
  EXPECT_TRUE(Overdue().empty()) << "not overdue on its due date";
  auto got = incidents_->Get(i.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(View(*got, CivilDate{2026, 1, 21})["overdue"].empty());
  EXPECT_EQ(View(*got, CivilDate{2026, 1, 22})["overdue"], json({"final"}));

  RoundAt(*m, Jst(CivilDate{2026, 1, 22}, 0, 30));
  auto found = Overdue();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].detail, "I00000001.final");
  EXPECT_EQ(found[0].severity, analysis::Severity::kHigh);
  EXPECT_FALSE(found[0].owner.empty());
  // The next day's round adds nothing: the same key, the same finding.
  RoundAt(*m, Jst(CivilDate{2026, 1, 23}, 9, 0));
  EXPECT_EQ(Overdue().size(), 1u);
  EXPECT_EQ(RaisedEvents(analysis::Rule::kIncidentReportOverdue).size(), 1u);
}

TEST_F(IncidentsTest, AReportRecordedInTimeOrANonReportableIncidentIsNeverOverdue) {
  const Incident big = ReportBig();
  json small = {{"aware", "2025-12-22"}, {"people_affected", 3}};
  auto s = incidents_->Report(CallerOf("jiro", Jst(kAware, 11, 0)), small);
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE(View(*s, kAware)["reportable"].get<bool>());
  ASSERT_TRUE(Take("kobayashi", big.id, "triage").has_value());
  ASSERT_TRUE(Take("ciso", big.id, "preliminary_report", {{"date", "2025-12-23"}},
                   Jst(CivilDate{2025, 12, 23}, 9, 0))
                  .has_value());
  ASSERT_TRUE(Take("ciso", big.id, "final_report", {{"date", "2026-01-21"}},
                   Jst(CivilDate{2026, 1, 21}, 9, 0))
                  .has_value());
  auto m = IncidentMonitor();
  RoundAt(*m, Jst(CivilDate{2026, 3, 1}, 9, 0));
  EXPECT_TRUE(Overdue().empty());
}

TEST_F(IncidentsTest, TheFlowInOrderEachStepByItsRoleAndAudited) {
  json body = {{"aware", "2025-12-22"},
               {"people_affected", 2},
               {"attack", true},
               {"cause", "unauthorised_access"}};
  auto i = incidents_->Report(CallerOf("hana", Jst(kAware, 10, 0)), body);
  ASSERT_TRUE(i.has_value());
  const std::string id = i->id;
  const size_t refused_before = EventsOf("incident.triage").size();

  // A handler (the reporter herself) does not take the SIRT's step.
  auto handler = Take("hana", id, "triage");
  ASSERT_FALSE(handler.has_value());
  EXPECT_EQ(handler.error().subject(), kIncidentNotAllowed);
  auto events = EventsOf("incident.triage");
  ASSERT_EQ(events.size(), refused_before + 1);
  EXPECT_EQ(events.back().result, "refused");
  EXPECT_EQ(incidents_->Get(id)->state, "reported");

  // Out of order: containment before triage and the CISO's decision.
  auto early = Take("kobayashi", id, "contain");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().subject(), kIncidentStepOrder);
  // The Commission's reports wait for the triage.
  EXPECT_FALSE(Take("ciso", id, "no_report").has_value());

  ASSERT_TRUE(Take("kobayashi", id, "triage").has_value());
  // The CISO's decision is not the SIRT's.
  EXPECT_EQ(Take("kobayashi", id, "decide").error().subject(), kIncidentNotAllowed);
  ASSERT_TRUE(Take("ciso", id, "decide").has_value());
  ASSERT_TRUE(Take("kobayashi", id, "contain", {{"note", "遮断済み"}}).has_value());
  ASSERT_TRUE(Take("kobayashi", id, "check_systems").has_value());
  // An attack: not reporting to the police needs a recorded reason.
  auto silent = Take("ciso", id, "police", {{"reported", false}});
  ASSERT_FALSE(silent.has_value());
  EXPECT_EQ(silent.error().subject(), "reason");
  // A date after today, or before awareness, is refused.
  EXPECT_EQ(
      Take("ciso", id, "police", {{"reported", true}, {"date", "2025-12-30"}}).error().subject(),
      "date");
  EXPECT_EQ(
      Take("ciso", id, "police", {{"reported", true}, {"date", "2025-12-21"}}).error().subject(),
      "date");
  EXPECT_EQ(
      Take("ciso", id, "police", {{"reported", true}, {"date", "22-12-2025"}}).error().subject(),
      "date");
  auto police = Take("ciso", id, "police", {{"reported", true}, {"date", "2025-12-22"}});
  ASSERT_TRUE(police.has_value()) << police.error().ToString();
  EXPECT_EQ(police->police_reported, kAware);
  // Lessons wait for the reporting decision.
  EXPECT_EQ(Take("kobayashi", id, "lessons", {{"note", "x"}}).error().subject(),
            kIncidentStepOrder);
  // Two people, not sensitive: not reportable, and the decision is recorded.
  auto no_report = Take("ciso", id, "no_report", {{"reason", "not_reportable"}});
  ASSERT_TRUE(no_report.has_value()) << no_report.error().ToString();
  EXPECT_EQ(Take("kobayashi", id, "lessons").error().subject(), "note");
  ASSERT_TRUE(Take("kobayashi", id, "lessons", {{"note", "送信前の宛先確認"}}).has_value());
  auto closed = Take("ciso", id, "close");
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->state, "closed");
  // A second close, or any step on a closed incident, is refused.
  EXPECT_EQ(Take("ciso", id, "close").error().subject(), kIncidentClosed);
  EXPECT_EQ(
      Take("kobayashi", id, "amend", {{"fields", {{"people_affected", 5}}}}).error().subject(),
      kIncidentClosed);
  std::vector<std::string> steps;
  auto stored = incidents_->Get(id);  // held: a range-for over a temporary's member dangles
  ASSERT_TRUE(stored.has_value()) << stored.error().ToString();
  for (const auto& s : stored->steps) steps.push_back(s.step);
  EXPECT_EQ(steps,
            (std::vector<std::string>{"report", "triage", "decide", "contain", "check_systems",
                                      "police", "no_report", "lessons", "close"}));
  auto close_events = EventsOf("incident.close");
  ASSERT_EQ(close_events.size(), 2u);
  EXPECT_EQ(close_events[0].result, "ok");
  EXPECT_EQ(close_events[1].result, "refused");
  EXPECT_EQ(close_events[0].attrs.at("incident"), id);
}

TEST_F(IncidentsTest, AReportableIncidentCannotBeDecidedNotReportableAndReportsGoInOrder) {
  const Incident i = ReportBig();
  ASSERT_TRUE(Take("kobayashi", i.id, "triage").has_value());
  EXPECT_EQ(Take("ciso", i.id, "no_report").error().subject(), kIncidentReportable);
  EXPECT_EQ(Take("ciso", i.id, "final_report", {{"date", "2025-12-22"}}).error().subject(),
            kIncidentStepOrder);
  ASSERT_TRUE(Take("ciso", i.id, "preliminary_report", {{"date", "2025-12-22"}}).has_value());
  EXPECT_EQ(Take("ciso", i.id, "preliminary_report", {{"date", "2025-12-22"}}).error().subject(),
            kIncidentStepOrder);
  // The SIRT learns the leak was smaller; reportability follows the fields.
  auto amended = Take("kobayashi", i.id, "amend", {{"fields", {{"people_affected", 10}}}});
  ASSERT_TRUE(amended.has_value());
  EXPECT_FALSE(View(*amended, kAware)["reportable"].get<bool>());
  EXPECT_EQ(Take("kobayashi", i.id, "amend", {{"fields", {{"people_affected", "many"}}}})
                .error()
                .subject(),
            "people_affected");
  EXPECT_EQ(incidents_->Get(i.id)->affected, 10);
}

TEST_F(IncidentsTest, TheReporterReadsTheirOwnAndTheResponseTeamEveryOne) {
  const Incident i = ReportBig();
  EXPECT_TRUE(Incidents::MayRead(principals_["hana"], i));
  EXPECT_FALSE(Incidents::MayRead(principals_["jiro"], i));
  EXPECT_FALSE(Incidents::MayRead(principals_["sato"], i));  // a section manager
  EXPECT_TRUE(Incidents::MayRead(principals_["kobayashi"], i));
  EXPECT_TRUE(Incidents::MayRead(principals_["ciso"], i));
  EXPECT_TRUE(Incidents::MayRead(principals_["kansa"], i));
  // Someone who may not read it is told it does not exist, and it is audited.
  auto other = Take("jiro", i.id, "triage");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code(), Code::kNotFound);
  // Auditors read; they take no step.
  EXPECT_EQ(Take("kansa", i.id, "triage").error().subject(), kIncidentNotAllowed);
}

TEST_F(IncidentsTest, BadFieldsAreRefusedNamingTheMemberAndWriteNothing) {
  const TimeMicros t = Jst(kAware, 10, 0);
  auto refused = [&](json body) {
    auto r = incidents_->Report(CallerOf("hana", t), body);
    EXPECT_FALSE(r.has_value());
    return r ? std::string() : r.error().subject();
  };
  EXPECT_EQ(refused({{"people_affected", 3}}), "aware");
  EXPECT_EQ(refused({{"aware", "2025-13-01"}}), "aware");
  EXPECT_EQ(refused({{"aware", "2025-12-23"}}), "aware");  // after today
  EXPECT_EQ(refused({{"aware", "2025-12-22"}, {"cause", "Bad Cause!"}}), "cause");
  EXPECT_EQ(refused({{"aware", "2025-12-22"}, {"leaked", "maybe"}}), "leaked");
  EXPECT_EQ(refused({{"aware", "2025-12-22"}, {"people", {"山田 太郎"}}}), "people");
  EXPECT_EQ(refused({{"aware", "2025-12-22"}, {"records", -5}}), "records");
  EXPECT_EQ(refused({{"aware", "2025-12-22"}, {"source", "external"}}), "external_reporter");
  EXPECT_EQ(refused({{"aware", "2025-12-22"}, {"colour", "red"}}), "fields");
  EXPECT_EQ(refused({{"aware", "2025-12-22"}, {"summary", std::string(5000, 'x')}}), "summary");
  auto all = incidents_->List();
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->empty());
  // Every refusal is audited, with no text of the request in it.
  auto events = EventsOf("incident.report");
  ASSERT_EQ(events.size(), 10u);
  for (const auto& ev : events) {
    EXPECT_EQ(ev.result, "refused");
    for (const auto& [k, v] : ev.attrs) EXPECT_EQ(v.find("山田"), std::string::npos) << k;
    EXPECT_EQ(ev.reason.find("山田"), std::string::npos);
  }
  // An outside report is registered with the category of its reporter.
  auto ext = incidents_->Report(
      CallerOf("hana", t),
      {{"aware", "2025-12-22"}, {"source", "external"}, {"external_reporter", "customer"}});
  ASSERT_TRUE(ext.has_value());
  EXPECT_EQ(ext->source, "external");
  EXPECT_EQ(ext->reporter, "hana");
}

TEST_F(IncidentsTest, AFindingIsEscalatedWithItsEvidenceAndAnUnknownOneRefused) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst(CivilDate{2025, 1, 13}, 23, 40));  // a holiday
  RoundAt(*m, Jst(CivilDate{2025, 1, 14}, 9, 0));
  auto found = AllFindings(analysis::Rule::kOffHours);
  ASSERT_EQ(found.size(), 1u);
  const TimeMicros t = Jst(CivilDate{2025, 1, 14}, 10, 0);
  json body = {{"aware", "2025-01-14"}, {"people_affected", 1}};

  auto unknown = incidents_->Report(CallerOf("ciso", t), body, "F99999999");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().subject(), kIncidentUnknownFinding);
  // The person the finding is about cannot escalate it either: a finding
  // about oneself is not one's own to see.
  auto own = incidents_->Report(CallerOf("hana", t), body, found[0].id);
  ASSERT_FALSE(own.has_value());
  EXPECT_TRUE(incidents_->List()->empty());

  auto i = incidents_->Report(CallerOf("ciso", t), body, found[0].id);
  ASSERT_TRUE(i.has_value()) << i.error().ToString();
  ASSERT_TRUE(i->finding.has_value());
  EXPECT_EQ(i->finding->id, found[0].id);
  EXPECT_EQ(i->finding->rule, "off_hours");
  EXPECT_EQ(i->finding->evidence, found[0].evidence);
  EXPECT_EQ(findings_->Get(found[0].id)->status, analysis::FindingStatus::kEscalated);
  // A closed finding is not escalated twice.
  EXPECT_FALSE(incidents_->Report(CallerOf("ciso", t), body, found[0].id).has_value());
}

TEST_F(IncidentsTest, TheCommissionsFormIsFilledFromTheFieldsAndSaysWhatIsNotKnown) {
  const Incident i = ReportBig();
  auto cal = incidents_->Calendar();
  ASSERT_TRUE(cal.has_value());
  auto form = ReportForm(i, "preliminary", incidents_->policy(), *cal);
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ((*form)["incident"], i.id);
  EXPECT_EQ((*form)["items"].size(), 9u);
  EXPECT_EQ((*form)["items"][0]["label"], "概要");
  EXPECT_EQ((*form)["items"][0]["value"], "未確定");
  EXPECT_EQ((*form)["items"][2]["value"], "1200 人");
  EXPECT_FALSE((*form)["complete"].get<bool>());
  EXPECT_EQ((*form)["unknown"][0], "summary");
  auto final_form = ReportForm(i, "final", incidents_->policy(), *cal);
  ASSERT_TRUE(final_form.has_value());
  EXPECT_EQ((*final_form)["due"], "2026-01-21");
  EXPECT_FALSE(ReportForm(i, "draft", incidents_->policy(), *cal).has_value());
  Incident marked = i;
  marked.summary = "<script>alert(1)</script>";
  auto html = ReportFormHtml(*ReportForm(marked, "final", incidents_->policy(), *cal));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(ReportFormText(*form).find("本人の数"), std::string::npos);
}

}  // namespace
}  // namespace mamori::governance
