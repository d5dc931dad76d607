// A real engine on real files whose events carry chosen JST times (every
// engine and identity operation takes its time from the Context), the
// analysis over it, and a small organisation in a map-backed Directory:
//   経理課: hana, jiro (handlers), kato (confirmer), sato (section_manager),
//           suzuki (department_officer)
//   総務部: ken (handler), tanaka (section_manager), bucho (department_officer)
//   情報セキュリティ室: ciso (ciso)
// Datasets: payroll (経理課, confidentiality 2) and employee_my_number (総務部,
// confidentiality 3).
#pragma once

#include <gtest/gtest.h>

#include "analysis/findings.h"
#include "analysis/lists.h"
#include "analysis/monitor.h"
#include "audit/log.h"
#include "audit/merkle.h"
#include "engine/engine_fixture.h"
#include "identity/terminals.h"
#include "policy/policy_fixture.h"
#include "testing/audit_events.h"

namespace mamori::analysis::testing {

inline TimeMicros Jst(CivilDate d, int hh, int mm, int ss = 0) {
  return JstMidnight(d) + ((hh * 60 + mm) * 60 + ss) * kMicrosPerSecond;
}

class AnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    paths_.data_dir = dir_ / "data";
    ASSERT_TRUE(engine::Engine::Init(paths_, nullptr, At(kSetup)).ok());
    engine::EngineOptions options;
    options.paths = paths_;
    auto opened = engine::Engine::Open(std::move(options), At(kSetup));
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    engine_ = std::move(*opened);
    ASSERT_TRUE(engine_->CreateDataset(At(kSetup), engine::EmployeeDataset()).has_value());
    ASSERT_TRUE(engine_->CreateDataset(At(kSetup), policy::PayrollDataset()).has_value());
    auto r = engine_->Put(At(kSetup, "os:tester", "payroll"), "payroll",
                          {{"name", "試験 花子"}, {"salary", 300000}});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    payroll_record_ = r->id;
    auto e = engine_->Put(At(kSetup, "os:tester", "withholding"), "employee_my_number",
                          {{"my_number", engine::TestMyNumber(1)}, {"name", "試験 一郎"}});
    ASSERT_TRUE(e.has_value()) << e.error().ToString();
    employee_record_ = e->id;

    Person("hana", "handler", "経理課");
    Person("jiro", "handler", "経理課");
    Person("kato", "confirmer", "経理課");
    Person("sato", "section_manager", "経理課");
    Person("suzuki", "department_officer", "経理課");
    Person("ken", "handler", "総務部");
    Person("tanaka", "section_manager", "総務部");
    Person("bucho", "department_officer", "総務部");
    Person("ciso", "ciso", "情報セキュリティ室");
    identity::NewTerminal t;
    t.id = "t-keiri-1";
    t.fingerprint = std::string(64, 'a');
    t.description = "経理課 端末 1";
    t.controlled_area = true;
    ASSERT_TRUE(identity::TerminalRegistry(engine_->data_store()).Register(At(kSetup), t).ok());
    // Tests jump from one day to another between rounds, which the
    // heartbeat would rightly call behind; its own test sets it back.
    Parameters p;
    p.behind_seconds = 86'400;
    ASSERT_TRUE(SetParameters(engine_->data_store(), At(kSetup), p).ok());
    findings_ = std::make_unique<Findings>(engine_->data_store());
    lists_ = std::make_unique<Lists>(engine_->data_store());
  }

  // Monday 2025-01-06 09:00 JST: the datasets and records exist.
  static constexpr CivilDate kSetupDay{2025, 1, 6};
  static inline const TimeMicros kSetup = Jst(kSetupDay, 9, 0);

  static engine::Context At(TimeMicros t, const std::string& actor = "os:tester",
                            const std::string& purpose = "") {
    engine::Context c;
    c.actor = actor;
    c.terminal = "local:test";
    c.purpose = purpose;
    c.request_id = "req-analysis";
    c.time = t;
    return c;
  }

  void Person(const std::string& id, const std::string& role, const std::string& dept) {
    people_.holders[role].insert(id);
    people_.departments[id] = dept;
    principals_[id].id = id;
    principals_[id].department = dept;
    principals_[id].roles = {role};
  }

  policy::Caller CallerOf(const std::string& id, TimeMicros t) {
    policy::Caller c;
    c.principal = principals_[id];
    c.request_id = "req-" + id;
    c.time = t;
    return c;
  }

  // A read of the payroll record by `who` at `t`.
  void ReadPayroll(const std::string& who, TimeMicros t) {
    auto ctx = At(t, who, "payroll");
    ctx.terminal = "t-keiri-1";
    auto r = engine_->Get(ctx, "payroll", payroll_record_);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }

  std::unique_ptr<Monitor> NewMonitor(size_t batch = 8192) {
    MonitorOptions o;
    o.batch = batch;
    return std::make_unique<Monitor>(engine_->data_store(), people_, o);
  }

  size_t RoundAt(Monitor& m, TimeMicros now) {
    auto n = m.Round(now);
    EXPECT_TRUE(n.has_value()) << n.error().ToString();
    return n.value_or(0);
  }

  std::vector<Finding> AllFindings(std::optional<Rule> rule = std::nullopt) {
    FindingFilter f;
    f.rule = rule;
    auto out = findings_->List(f);
    EXPECT_TRUE(out.has_value()) << out.error().ToString();
    return out.value_or(std::vector<Finding>{});
  }

  std::vector<ReconciliationList> ListsOf(CivilDate date) {
    ListFilter f;
    f.date = date;
    auto out = lists_->List(f);
    EXPECT_TRUE(out.has_value()) << out.error().ToString();
    return out.value_or(std::vector<ReconciliationList>{});
  }

  std::vector<audit::Event> EventsOf(const std::string& operation) {
    return mamori::testing::EventsOf(engine_->data_store(), operation);
  }

  // The "analysis.finding" events that raised a finding of `rule`.
  std::vector<audit::Event> RaisedEvents(Rule rule) {
    std::vector<audit::Event> out;
    for (auto& ev : EventsOf("analysis.finding")) {
      if (ev.attrs.at("rule") == RuleName(rule)) out.push_back(ev);
    }
    return out;
  }

  // Whether event `seq` is proven included in the current head.
  bool Included(uint64_t seq) {
    bool ok = false;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                      MAMORI_ASSIGN_OR_RETURN(auto proof,
                                              audit::InclusionProof(txn, seq, head.size));
                      MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, seq));
                      if (!ev) return Status::NotFound("no event");
                      ok = audit::merkle::VerifyInclusion(seq, head.size, audit::EventLeafHash(*ev),
                                                          proof, head.root)
                               .ok();
                      return Status::Ok();
                    })
                    .ok());
    return ok;
  }

  mamori::testing::TempDir dir_;
  engine::Paths paths_;
  std::unique_ptr<engine::Engine> engine_;
  policy::FakeDirectory people_;
  std::map<std::string, identity::Principal> principals_;
  std::unique_ptr<Findings> findings_;
  std::unique_ptr<Lists> lists_;
  std::string payroll_record_, employee_record_;
};

}  // namespace mamori::analysis::testing
