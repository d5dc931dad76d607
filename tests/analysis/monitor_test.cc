// The continuous evaluation over a real store: findings raised and owned,
// evidence provable, lists produced every business day (also without
// access), overdue on the right business day, nothing twice across a
// restart, and the analysis's own lateness found.
#include "analysis/analysis_fixture.h"
#include "analysis/assign.h"

namespace mamori::analysis::testing {
namespace {

constexpr CivilDate kHoliday{2025, 1, 13};  // 成人の日
constexpr CivilDate kTuesday{2025, 1, 14};

TEST_F(AnalysisTest, AHolidayReadAt2340IsFoundOwnedDueAndProvable) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst(kHoliday, 23, 40));
  ReadPayroll("hana", Jst(kTuesday, 10, 0));  // the same read on a weekday: nothing
  RoundAt(*m, Jst(kTuesday, 10, 1));
  auto found = AllFindings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.actor, "hana");
  EXPECT_EQ(f.department, "経理課");
  EXPECT_EQ(f.owner, "sato");  // the section manager of her department
  EXPECT_EQ(f.status, FindingStatus::kNew);
  EXPECT_EQ(f.count, 1u);
  EXPECT_EQ(f.from, Jst(kHoliday, 23, 40));
  EXPECT_EQ(f.due, (CivilDate{2025, 1, 17}));  // medium: 3 business days from Tuesday
  ASSERT_EQ(f.evidence.size(), 1u);
  EXPECT_TRUE(Included(f.evidence[0]));
  auto raised = RaisedEvents(Rule::kOffHours);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].attrs.at("finding"), f.id);
  EXPECT_EQ(raised[0].attrs.at("about"), "hana");
  EXPECT_EQ(raised[0].attrs.at("owner"), "sato");
}

TEST_F(AnalysisTest, EvidenceJoinsTheOpenFindingAndAClosedOneIsNotReopened) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst(kHoliday, 21, 0));
  RoundAt(*m, Jst(kHoliday, 21, 1));
  ReadPayroll("hana", Jst(kHoliday, 22, 0));
  RoundAt(*m, Jst(kHoliday, 22, 1));
  auto found = AllFindings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].count, 2u);
  EXPECT_EQ(RaisedEvents(Rule::kOffHours).size(), 1u);
  // Reviewed and explained; a third read that night is a new finding.
  ASSERT_TRUE(findings_->Review(CallerOf("sato", Jst(kHoliday, 22, 5)), found[0].id).has_value());
  ASSERT_TRUE(findings_
                  ->Explain(CallerOf("sato", Jst(kHoliday, 22, 6)), found[0].id,
                            "給与計算の締めに伴う休日出勤 (課長承認済み)")
                  .has_value());
  ReadPayroll("hana", Jst(kHoliday, 23, 0));
  RoundAt(*m, Jst(kHoliday, 23, 1));
  found = AllFindings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].status, FindingStatus::kExplained);
  EXPECT_EQ(found[0].count, 2u);
  EXPECT_EQ(found[1].status, FindingStatus::kNew);
  EXPECT_EQ(found[1].count, 1u);
}

TEST_F(AnalysisTest, FindingStepsAndTheirRefusals) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst(kHoliday, 23, 40));
  RoundAt(*m, Jst(kTuesday, 9, 0));
  const std::string id = AllFindings(Rule::kOffHours).at(0).id;
  const TimeMicros t = Jst(kTuesday, 9, 30);
  // The person it is about cannot touch it; another handler neither.
  auto own = findings_->Review(CallerOf("hana", t), id);
  ASSERT_FALSE(own.has_value());
  EXPECT_EQ(own.error().subject(), kOwnFinding);
  auto other = findings_->Review(CallerOf("jiro", t), id);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().subject(), kNotFindingOwner);
  // A section manager of another department neither.
  auto tanaka = findings_->Review(CallerOf("tanaka", t), id);
  ASSERT_FALSE(tanaka.has_value());
  EXPECT_EQ(tanaka.error().subject(), kNotFindingOwner);
  // Explained before it is reviewed: refused; without a reason: refused.
  auto early = findings_->Explain(CallerOf("sato", t), id, "reason");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().subject(), kFindingStep);
  ASSERT_TRUE(findings_->Review(CallerOf("sato", t), id).has_value());
  auto no_reason = findings_->Explain(CallerOf("sato", t), id, "");
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().subject(), "reason");
  // The department officer escalates it to an incident.
  auto done = findings_->Escalate(CallerOf("suzuki", t), id, "私用での参照の疑い");
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(done->status, FindingStatus::kEscalated);
  ASSERT_EQ(done->history.size(), 3u);
  EXPECT_EQ(done->history[2].by, "suzuki");
  auto again = findings_->Explain(CallerOf("sato", t), id, "x");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().subject(), kFindingClosed);
  // Every step and refusal is in the log, and no reason text is.
  auto steps = EventsOf("analysis.finding.review");
  size_t refused = 0;
  for (const auto& ev : steps) refused += ev.result == "refused";
  EXPECT_EQ(refused, 3u);
  EXPECT_EQ(steps.size(), 4u);
  auto escalated = EventsOf("analysis.finding.escalate");
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_EQ(escalated[0].attrs.at("status"), "escalated");
  for (const auto& ev : EventsOf("analysis.finding.explain")) {
    for (const auto& [k, v] : ev.attrs) EXPECT_EQ(v.find("reason"), std::string::npos);
  }
}

TEST_F(AnalysisTest, AListOnADayWithoutAccessExistsAndSaysSo) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  const CivilDate quiet{2025, 1, 7};
  RoundAt(*m, Jst({2025, 1, 8}, 0, 5));  // within the grace period after 1/7
  EXPECT_TRUE(ListsOf(quiet).empty());
  RoundAt(*m, Jst({2025, 1, 8}, 0, 11));
  auto lists = ListsOf(quiet);
  ASSERT_EQ(lists.size(), 2u);  // one per dataset
  for (const auto& l : lists) {
    EXPECT_EQ(l.counts.total, 0u) << l.dataset;
    EXPECT_TRUE(l.counts.users.empty());
    EXPECT_FALSE(ListToJson(l)["accessed"].get<bool>());
    EXPECT_EQ(ListToJson(l)["note_ja"], "期間中、この台帳へのアクセスはありませんでした");
    EXPECT_EQ(l.due, (CivilDate{2025, 1, 8}));
    EXPECT_EQ(l.state, ListState::kPending);
  }
  const auto& payroll = lists[0].dataset == "payroll" ? lists[0] : lists[1];
  EXPECT_EQ(payroll.confirmer, "kato");
  // The first day's lists hold the setup's record puts at 09:00, and begin
  // after the business day before (12/27: the year-end closure is in them).
  auto first = ListsOf(kSetupDay);
  ASSERT_EQ(first.size(), 2u);
  for (const auto& l : first) {
    EXPECT_EQ(l.counts.total, 1u) << l.dataset;
    EXPECT_EQ(l.counts.users.at("os:tester"), 1u);
    EXPECT_EQ(l.period_from, (CivilDate{2024, 12, 28}));
  }
  EXPECT_EQ(EventsOf("analysis.list").size(), 4u);
}

TEST_F(AnalysisTest, ListsCountEachPersonsAccessesAndSkipThemAsConfirmers) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  const CivilDate day{2025, 1, 8};
  ReadPayroll("hana", Jst(day, 10, 0));
  ReadPayroll("hana", Jst(day, 11, 0));
  ReadPayroll("kato", Jst(day, 12, 0));  // the confirmer read the data that day
  RoundAt(*m, Jst({2025, 1, 9}, 1, 0));
  auto lists = ListsOf(day);
  ASSERT_EQ(lists.size(), 2u);
  const auto& l = lists[0].dataset == "payroll" ? lists[0] : lists[1];
  EXPECT_EQ(l.counts.total, 3u);
  EXPECT_EQ(l.counts.users.at("hana"), 2u);
  EXPECT_EQ(l.counts.users.at("kato"), 1u);
  ASSERT_EQ(l.counts.subjects.size(), 1u);
  EXPECT_EQ(l.counts.subjects.begin()->second.count, 3u);
  EXPECT_EQ(l.confirmer, "sato");  // kato accessed: the section manager instead
  // kato may not confirm it, even by role; sato may.
  const TimeMicros t = Jst({2025, 1, 9}, 10, 0);
  auto refused = lists_->Confirm(CallerOf("kato", t), l.id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().subject(), kConfirmerAccessed);
  auto stranger = lists_->Confirm(CallerOf("ken", t), l.id);
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().subject(), kNotConfirmer);
  auto ok = lists_->Confirm(CallerOf("sato", t), l.id, "業務上の参照と確認");
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(ok->state, ListState::kConfirmed);
  EXPECT_FALSE(ok->late);
  auto twice = lists_->Confirm(CallerOf("suzuki", t), l.id);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().subject(), kListConfirmed);
  auto events = EventsOf("analysis.list.confirm");
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].result, "refused");
  EXPECT_EQ(events[0].reason, kConfirmerAccessed);
  EXPECT_EQ(events[2].result, "ok");
}

TEST_F(AnalysisTest, WeekendAccessesGoToMondaysList) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst({2025, 1, 11}, 10, 0));  // Saturday
  ReadPayroll("hana", Jst({2025, 1, 12}, 10, 0));  // Sunday
  RoundAt(*m, Jst({2025, 1, 15}, 1, 0));
  EXPECT_TRUE(ListsOf({2025, 1, 11}).empty());
  EXPECT_TRUE(ListsOf({2025, 1, 13}).empty());  // 成人の日: no list of its own
  auto tuesday = ListsOf(kTuesday);
  ASSERT_EQ(tuesday.size(), 2u);
  const auto& l = tuesday[0].dataset == "payroll" ? tuesday[0] : tuesday[1];
  EXPECT_EQ(l.period_from, (CivilDate{2025, 1, 11}));
  EXPECT_EQ(l.counts.total, 2u);
}

// An unconfirmed list is overdue from the start of the business day after
// its due date: at `last_ok` there is no list_overdue finding, at
// `first_overdue` one for each dataset's list of `day`.
class OverdueTest : public AnalysisTest {
 protected:
  void Check(CivilDate start, CivilDate day, CivilDate due, TimeMicros last_ok,
             TimeMicros first_overdue) {
    auto m = NewMonitor();
    RoundAt(*m, Jst(start, 9, 0));
    RoundAt(*m, last_ok);
    auto lists = ListsOf(day);
    ASSERT_EQ(lists.size(), 2u);
    for (const auto& l : lists) {
      EXPECT_EQ(l.due, due) << l.dataset;
      EXPECT_EQ(l.overdue_at, first_overdue) << l.dataset;
    }
    EXPECT_TRUE(AllFindings(Rule::kListOverdue).empty());
    RoundAt(*m, first_overdue);
    auto overdue = AllFindings(Rule::kListOverdue);
    ASSERT_EQ(overdue.size(), 2u);
    for (const auto& f : overdue) {
      auto l = lists_->Get(f.detail);
      ASSERT_TRUE(l.has_value());
      EXPECT_EQ(l->date, day);
      EXPECT_EQ(l->escalation, f.id);
      EXPECT_EQ(f.actor, l->confirmer);
      EXPECT_EQ(f.owner, l->dataset == "payroll" ? "suzuki" : "bucho");  // department officers
    }
    // Escalated once only.
    RoundAt(*m, first_overdue + 3'600 * kMicrosPerSecond);
    EXPECT_EQ(AllFindings(Rule::kListOverdue).size(), 2u);
    // Still confirmable, and the confirmation says it was late.
    const auto& payroll = lists[0].dataset == "payroll" ? lists[0] : lists[1];
    auto late = lists_->Confirm(CallerOf(payroll.confirmer, first_overdue + 60 * kMicrosPerSecond),
                                payroll.id);
    ASSERT_TRUE(late.has_value()) << late.error().ToString();
    EXPECT_TRUE(late->late);
  }
};

TEST_F(OverdueTest, AcrossAThreeDayWeekend) {
  // Friday 1/10 → due Tuesday 1/14 (Monday 1/13 is 成人の日) → overdue Wednesday.
  Check({2025, 1, 10}, {2025, 1, 10}, {2025, 1, 14}, Jst({2025, 1, 14}, 23, 59),
        JstMidnight({2025, 1, 15}));
}

TEST_F(OverdueTest, AcrossTheYearEndClosure) {
  // Friday 2024-12-27 → due 2025-01-06 (12/28-1/5 closed) → overdue 1/7.
  Check({2024, 12, 27}, {2024, 12, 27}, {2025, 1, 6}, Jst({2025, 1, 6}, 23, 59),
        JstMidnight({2025, 1, 7}));
}

// An overdue list reaches someone: the department officer, else the CISO
// line, else SIRT, other than the late confirmer — and the confirmer when
// they alone hold any of these roles (a CISO confirming the lists of a
// department without officers), never no one.
TEST_F(AnalysisTest, AnOverdueListAlwaysHasAnOwner) {
  Assigner a(people_);
  EXPECT_EQ(a.EscalationOwner("経理課", "kato").value_or("?"), "suzuki");
  EXPECT_EQ(a.EscalationOwner("税務課", "kato").value_or("?"), "ciso");
  EXPECT_EQ(a.EscalationOwner("税務課", "ciso").value_or("?"), "ciso");
  Person("sirt1", "sirt", "情報セキュリティ室");
  Assigner b(people_);
  EXPECT_EQ(b.EscalationOwner("税務課", "ciso").value_or("?"), "sirt1");
}

TEST_F(AnalysisTest, NothingTwiceAcrossARestart) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst(kHoliday, 21, 0));
  RoundAt(*m, Jst(kHoliday, 21, 1));
  m.reset();
  auto again = NewMonitor();
  RoundAt(*again, Jst(kHoliday, 21, 2));  // replays without reporting
  ReadPayroll("hana", Jst(kHoliday, 22, 0));
  RoundAt(*again, Jst(kHoliday, 22, 1));
  auto found = AllFindings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].count, 2u);
  EXPECT_EQ(found[0].evidence.size(), 2u);
  EXPECT_EQ(RaisedEvents(Rule::kOffHours).size(), 1u);
}

TEST_F(AnalysisTest, TwoMonitorsOnOneStoreEvaluateEachEventOnce) {
  // Several servers on one store (PostgreSQL) each run a monitor. Here b's
  // round commits after a read its cursor: a's next round must commit
  // nothing and rebuild, or the holiday read would be counted twice.
  auto a = NewMonitor();
  auto b = NewMonitor();
  RoundAt(*a, Jst(kSetupDay, 9, 30));
  RoundAt(*b, Jst(kSetupDay, 9, 31));
  ReadPayroll("hana", Jst(kHoliday, 21, 0));
  auto lost = a->Round(Jst(kHoliday, 21, 1));
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().code(), Code::kUnavailable);
  RoundAt(*b, Jst(kHoliday, 21, 2));
  RoundAt(*a, Jst(kHoliday, 21, 3));  // rebuilt from the stored cursor
  auto found = AllFindings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].count, 1u);
  EXPECT_EQ(found[0].evidence.size(), 1u);
}

TEST_F(AnalysisTest, ABaselineSurvivesARestart) {
  Parameters p;
  p.behind_seconds = 86'400;
  p.spike_min_count = 5;
  p.baseline_min_days = 3;
  ASSERT_TRUE(SetParameters(engine_->data_store(), At(kSetup), p).ok());
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  CivilDate d{2025, 1, 7};
  for (int day = 0; day < 4; ++day) {
    ReadPayroll("hana", Jst(d, 10, 0));
    ReadPayroll("hana", Jst(d, 11, 0));
    d = CivilFromDays(DaysFromCivil(d) + 1);
  }
  RoundAt(*m, Jst(d, 9, 0));
  m.reset();
  auto again = NewMonitor();
  for (int i = 0; i < 8; ++i) ReadPayroll("hana", Jst(d, 10, i));
  RoundAt(*again, Jst(d, 10, 30));
  auto spikes = AllFindings(Rule::kFrequencySpike);
  ASSERT_EQ(spikes.size(), 1u);
  EXPECT_EQ(spikes[0].count, 8u);
}

TEST_F(AnalysisTest, FallingBehindIsAFindingOncePerEpisode) {
  ASSERT_TRUE(SetParameters(engine_->data_store(), At(kSetup), Parameters{}).ok());
  auto m = NewMonitor(/*batch=*/2);
  while (RoundAt(*m, Jst(kSetupDay, 9, 1)) > 0) {
  }
  EXPECT_TRUE(AllFindings(Rule::kAnalysisBehind).empty());
  for (int i = 0; i < 6; ++i) ReadPayroll("hana", Jst(kTuesday, 10, i));
  // Ten minutes later only two are read per round: behind (300 s).
  const TimeMicros now = Jst(kTuesday, 10, 20);
  RoundAt(*m, now);
  auto beat = m->heartbeat();
  EXPECT_TRUE(beat.Behind(now));
  EXPECT_GT(beat.LagSeconds(now), 300.0);
  RoundAt(*m, now);
  auto behind = AllFindings(Rule::kAnalysisBehind);
  ASSERT_EQ(behind.size(), 1u);
  EXPECT_EQ(behind[0].owner, "ciso");
  EXPECT_EQ(behind[0].severity, Severity::kHigh);
  while (RoundAt(*m, now) > 0) {
  }
  beat = m->heartbeat();
  EXPECT_FALSE(beat.Behind(now));
  EXPECT_EQ(beat.evaluated, beat.log_size);
  EXPECT_EQ(AllFindings(Rule::kAnalysisBehind).size(), 1u);
}

TEST_F(AnalysisTest, TheThreadFollowsTheLog) {
  auto m = NewMonitor();
  ASSERT_TRUE(m->Start().ok());
  ReadPayroll("hana", Jst(kHoliday, 23, 40));
  uint64_t size = 0;
  ASSERT_TRUE(engine_->data_store()
                  .View([&](store::ReadTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                    size = head.size;
                    return Status::Ok();
                  })
                  .ok());
  for (int i = 0; i < 500 && m->heartbeat().evaluated < size; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m->Stop();
  EXPECT_GE(m->heartbeat().evaluated, size);
  EXPECT_EQ(AllFindings(Rule::kOffHours).size(), 1u);
}

}  // namespace
}  // namespace mamori::analysis::testing
