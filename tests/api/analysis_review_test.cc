// The analysis routes attacked as a bank's security reviewer would, on the
// demo organisation of `make run` (demo_org_fixture.h: the real server,
// identity, policy and route table; findings and lists made by the real
// continuous evaluation over real audit events). Who may see the monitoring
// of whom, who may act on a finding and close it with what, who may confirm
// which list, and what junk in a path, a query or a body does — each
// refusal through the real authoriser, leaving one event and no text.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "analysis/monitor.h"
#include "api/demo_org_fixture.h"

namespace mamori::api::testing {
namespace {

TimeMicros ReviewJst(CivilDate d, int hh, int mm) {
  return JstMidnight(d) + (hh * 60 + mm) * 60'000'000LL;
}
// 成人の日 2027 (the second Monday of January) and the Tuesday after it.
constexpr CivilDate kReviewHoliday{2027, 1, 11};
constexpr CivilDate kReviewTuesday{2027, 1, 12};

class AnalysisReviewTest : public DemoOrgTest {
 protected:
  void SetUp() override {
    DemoOrgTest::SetUp();
    monitor_ = std::make_unique<analysis::Monitor>(engine_->data_store(), stack_->directory());
    Round(ReviewJst({2027, 1, 8}, 9, 0));
    // At night on the holiday: the handler, her section manager and the
    // chief officer read an employee's record; on Tuesday morning the
    // handler reads it again (no finding).
    Read("sato_hanako", ReviewJst(kReviewHoliday, 23, 40));
    Read("tanaka_kacho", ReviewJst(kReviewHoliday, 23, 45));
    Read("yamamoto_ciso", ReviewJst(kReviewHoliday, 23, 50));
    Read("sato_hanako", ReviewJst(kReviewTuesday, 10, 0));
    Round(ReviewJst({2027, 1, 13}, 9, 0));
    for (const auto& f : All()) {
      // Employee My Numbers are confidentiality 3: a read at night is its
      // own high finding.
      if (f["rule"] == "c3_off_hours") night_[f["actor"].get<std::string>()] = f["id"];
    }
    ASSERT_EQ(night_.size(), 3u);
  }
  void TearDown() override {
    monitor_.reset();
    DemoOrgTest::TearDown();
  }

  void Read(const std::string& who, TimeMicros t) {
    engine::Context c;
    c.actor = who;
    c.terminal = kTerminalId;
    c.purpose = "withholding";
    c.request_id = "req-review";
    c.time = t;
    ASSERT_TRUE(engine_->Get(c, "employee_my_number", EmployeeRecord()).has_value());
  }
  void Round(TimeMicros now) {
    auto n = monitor_->Round(now);
    ASSERT_TRUE(n.has_value()) << n.error().ToString();
  }
  const std::string& EmployeeRecord() { return records_.at("employee_my_number"); }

  // Every finding, as the auditor (who sees every one about others) lists it.
  std::vector<nlohmann::json> All() { return FindingsOf("nakamura_kansa"); }
  std::vector<nlohmann::json> FindingsOf(const std::string& who) {
    auto r = Send(tokens_.at(who), "GET", "/v1/findings?limit=1000");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<nlohmann::json> out;
    const nlohmann::json page = r.Json();
    for (const auto& f : page["findings"]) out.push_back(f);
    return out;
  }
  std::set<std::string> ActorsSeenBy(const std::string& who) {
    std::set<std::string> out;
    for (const auto& f : FindingsOf(who)) {
      // Not about a person: the evaluation behind the log (the test jumps days).
      if (f["actor"] != "") out.insert(f["actor"].get<std::string>());
    }
    return out;
  }
  HttpResponse Post(const std::string& who, const std::string& target, const std::string& body) {
    return Send(tokens_.at(who), "POST", target, body);
  }
  std::string Subject(const HttpResponse& r) { return r.Json().value("subject", ""); }
  nlohmann::json Finding(const std::string& id) {
    auto f = stack_->findings().Get(id);
    EXPECT_TRUE(f.has_value());
    return f ? analysis::FindingToJson(*f) : nlohmann::json();
  }
  // The list of employee My Numbers for the Tuesday (it covers the
  // holiday weekend too).
  nlohmann::json TuesdayList() {
    auto r = Send(tokens_.at("yamamoto_ciso"), "GET",
                  "/v1/lists?date=2027-01-12&dataset=employee_my_number");
    EXPECT_EQ(r.status, 200) << r.body;
    auto lists = r.Json()["lists"];
    EXPECT_EQ(lists.size(), 1u) << r.body;
    return lists.empty() ? nlohmann::json() : lists[0];
  }

  std::unique_ptr<analysis::Monitor> monitor_;
  std::map<std::string, std::string> night_;  // actor → c3_off_hours finding id
};

// The monitoring of a person is never shown to that person: not to the
// section manager whose night read was found, and not to the chief officer
// either, who oversees every other finding — in the list, by id, in the CSV
// and in the on-demand report. Someone else in the line sees it.
TEST_F(AnalysisReviewTest, NobodySeesTheMonitoringOfThemselves) {
  const std::string own = night_.at("yamamoto_ciso");
  EXPECT_FALSE(ActorsSeenBy("yamamoto_ciso").contains("yamamoto_ciso"));
  EXPECT_TRUE(ActorsSeenBy("yamamoto_ciso").contains("tanaka_kacho"));
  const uint64_t before = EventCount();
  auto one = Send(tokens_.at("yamamoto_ciso"), "GET", "/v1/findings/" + own);
  EXPECT_EQ(one.status, 403) << one.body;
  EXPECT_EQ(Subject(one), "analysis.not_visible");
  // The refusal is recorded (after the read the route table records
  // before the handler looks).
  auto events = EventsOfRequest(before, one);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().result, "refused");
  EXPECT_EQ(events.back().reason, "analysis.not_visible");
  auto csv = Send(tokens_.at("yamamoto_ciso"), "GET", "/v1/findings?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.find(own), std::string::npos);
  EXPECT_NE(csv.body.find(night_.at("tanaka_kacho")), std::string::npos);
  auto report =
      Send(tokens_.at("yamamoto_ciso"), "GET", "/v1/analysis/report?from=2027-01-11&to=2027-01-11");
  ASSERT_EQ(report.status, 200) << report.body;
  std::set<std::string> reported;
  const nlohmann::json found = report.Json();
  for (const auto& f : found["findings"]) reported.insert(f["actor"].get<std::string>());
  EXPECT_FALSE(reported.contains("yamamoto_ciso"));
  EXPECT_TRUE(reported.contains("sato_hanako"));

  // The section manager: his handler's finding, not his own.
  EXPECT_EQ(ActorsSeenBy("tanaka_kacho"), std::set<std::string>{"sato_hanako"});
  EXPECT_EQ(
      Send(tokens_.at("tanaka_kacho"), "GET", "/v1/findings/" + night_.at("tanaka_kacho")).status,
      403);
  // His department officer, who owns it, and the auditor see it.
  EXPECT_TRUE(ActorsSeenBy("suzuki_bucho").contains("tanaka_kacho"));
  auto audit = ActorsSeenBy("nakamura_kansa");
  EXPECT_TRUE(audit.contains("yamamoto_ciso") && audit.contains("tanaka_kacho"));
  // Another department's section manager and the handlers see none.
  EXPECT_TRUE(ActorsSeenBy("kato_kacho").empty());
  EXPECT_EQ(Send(tokens_.at("sato_hanako"), "GET", "/v1/findings").status, 403);
  EXPECT_EQ(Send(tokens_.at("ito_ken"), "GET", "/v1/findings").status, 403);
  EXPECT_EQ(Send(tokens_.at("soumu_kanri"), "GET", "/v1/findings").status, 403);
}

// Nobody acts on a finding about themselves, nobody outside its line acts
// on it at all; each refusal leaves one event and the finding as it was.
TEST_F(AnalysisReviewTest, OnlyTheLineActsOnAFindingAndNeverItsSubject) {
  const std::string target = "/v1/findings/" + night_.at("tanaka_kacho");
  struct Attempt {
    std::string who, step;
    int status;
    std::string subject;
  };
  const std::vector<Attempt> attempts = {
      {"tanaka_kacho", "review", 403, "analysis.own_finding"},
      {"tanaka_kacho", "escalate", 403, "analysis.own_finding"},
      {"kato_kacho", "review", 403, "analysis.not_finding_owner"},      // another department
      {"nakamura_kansa", "review", 403, "analysis.not_finding_owner"},  // not audit's to act on
      {"sato_hanako", "review", 403, ""},                               // a handler
      {"soumu_kanri", "escalate", 403, ""},                             // the administrator
  };
  for (const auto& a : attempts) {
    SCOPED_TRACE(a.who + " " + a.step);
    const uint64_t before = EventCount();
    auto r = Post(a.who, target + "/" + a.step, a.step == "review" ? "{}" : R"({"reason":"理由"})");
    EXPECT_EQ(r.status, a.status) << r.body;
    if (!a.subject.empty()) {
      EXPECT_EQ(Subject(r), a.subject);
    }
    auto events = EventsOfRequest(before, r);
    ASSERT_EQ(events.size(), 1u) << LogTextSince(before);
    EXPECT_EQ(events[0].result, "refused");
  }
  EXPECT_EQ(Finding(night_.at("tanaka_kacho"))["status"], "new");
  // A finding about the handler may not be closed by the handler, though
  // her section manager owns it and may.
  EXPECT_EQ(
      Post("sato_hanako", "/v1/findings/" + night_.at("sato_hanako") + "/review", "{}").status,
      403);
  EXPECT_EQ(
      Post("tanaka_kacho", "/v1/findings/" + night_.at("sato_hanako") + "/review", "{}").status,
      200);
}

// The chief officer is the only person of the CISO line in the demo
// organisation: a finding about them goes to the SIRT (kobayashi_sirt; the
// chain of analysis/assign.h reaches SIRT before internal audit), who takes
// it up and closes it; they themselves cannot, nor can internal audit, which
// acts only on the findings it owns.
TEST_F(AnalysisReviewTest, AFindingAboutTheWholeCisoLineGoesToTheSirt) {
  const std::string id = night_.at("yamamoto_ciso");
  EXPECT_EQ(Finding(id)["owner"], "kobayashi_sirt");
  const std::string target = "/v1/findings/" + id;
  EXPECT_EQ(Subject(Post("yamamoto_ciso", target + "/review", "{}")), "analysis.own_finding");
  EXPECT_EQ(Subject(Post("nakamura_kansa", target + "/review", "{}")),
            "analysis.not_finding_owner");
  auto taken = Post("kobayashi_sirt", target + "/review", "{}");
  EXPECT_EQ(taken.status, 200) << taken.body;
  auto closed = Post("kobayashi_sirt", target + "/explain", R"({"reason":"年末調整の締切対応"})");
  EXPECT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Finding(id)["status"], "explained");
}

// The local operator ("os:<name>", `mamori record get` at the server's
// console) is no person of the directory, and its name is no user id: a
// finding about it goes to the CISO line, and the round that raises it
// does not fail (which would stall the whole analysis behind it).
TEST_F(AnalysisReviewTest, AFindingAboutTheLocalOperatorGoesToTheCisoLine) {
  Read("os:operator", ReviewJst({2027, 1, 16}, 23, 30));  // a Saturday night
  Round(ReviewJst({2027, 1, 18}, 9, 0));
  bool found = false;
  for (const auto& f : All()) {
    if (f["actor"] != "os:operator") continue;
    found = true;
    EXPECT_EQ(f["owner"], "yamamoto_ciso") << f.dump();
  }
  EXPECT_TRUE(found);
}

// Closing a finding needs a reason that says something: white space (ASCII
// or 全角), control characters, a person's number, more than 4096 bytes or a
// value that is not text are refused, naming "reason", quoting nothing,
// leaving one event and the finding as it was.
TEST_F(AnalysisReviewTest, AFindingIsClosedOnlyWithAReasonThatSaysSomething) {
  const std::string id = night_.at("tanaka_kacho");
  const std::string target = "/v1/findings/" + id;
  ASSERT_EQ(Post("suzuki_bucho", target + "/review", "{}").status, 200);
  const std::string number = engine::TestMyNumber(4);
  const std::vector<nlohmann::json> bodies = {
      nlohmann::json::object(),
      {{"reason", ""}},
      {{"reason", "   "}},
      {{"reason", "\xE3\x80\x80\xE3\x80\x80"}},  // 全角空白
      {{"reason", "\n\t \r\n"}},
      {{"reason", "課長に確認\x01済み"}},
      {{"reason", "本人 (" + number + ") に確認済み"}},
      {{"reason", "口座 1234-5678-90 の照会"}},
      {{"reason", std::string(4097, 'x')}},
      {{"reason", 5}},
      {{"reason", nullptr}},
      {{"reason", {"課長に確認済み"}}},
  };
  for (const auto& step : {"explain", "escalate"}) {
    for (const auto& body : bodies) {
      SCOPED_TRACE(std::string(step) + " " + body.dump().substr(0, 60));
      const uint64_t before = EventCount();
      auto r = Post("suzuki_bucho", target + "/" + step, body.dump());
      EXPECT_EQ(r.status, 400) << r.body;
      EXPECT_EQ(Subject(r), "reason");
      EXPECT_EQ(r.body.find(number), std::string::npos);
      EXPECT_EQ(r.body.find("課長に確認"), std::string::npos);
      auto events = EventsOfRequest(before, r);
      ASSERT_EQ(events.size(), 1u) << LogTextSince(before);
      EXPECT_EQ(events[0].result, "refused");
      const std::string logged = LogTextSince(before);
      EXPECT_EQ(logged.find(number), std::string::npos);
      EXPECT_EQ(logged.find("1234-5678-90"), std::string::npos);
    }
  }
  nlohmann::json f = Finding(id);
  EXPECT_EQ(f["status"], "under_review");
  EXPECT_EQ(f["history"].size(), 2u) << f.dump();
  // A comment when taking a finding up follows the same rules, without
  // being required.
  const std::string handler = "/v1/findings/" + night_.at("sato_hanako") + "/review";
  auto comment =
      Post("suzuki_bucho", handler, nlohmann::json{{"comment", "照会番号 " + number}}.dump());
  EXPECT_EQ(comment.status, 400) << comment.body;
  EXPECT_EQ(Subject(comment), "comment");
  EXPECT_EQ(Finding(night_.at("sato_hanako"))["status"], "new");
  // A reason that says why closes it, and stays out of the log.
  auto done =
      Post("suzuki_bucho", target + "/explain",
           nlohmann::json{{"reason", "締め処理のため部長承認の上で作業 (申請 R00000031)"}}.dump());
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["status"], "explained");
  for (const auto& ev : EventsOf("analysis.finding.explain")) {
    EXPECT_EQ(audit::CanonicalJson(ev).find("締め処理"), std::string::npos);
  }
}

// The daily list of employee My Numbers: the handler and her section
// manager read them in its period, so neither confirms it; a confirmer of
// another department, an auditor, a loan handler and the administrator may
// not either. Its comment may not hold a person's number.
TEST_F(AnalysisReviewTest, WhoMayConfirmTheDemoList) {
  const nlohmann::json list = TuesdayList();
  ASSERT_FALSE(list.is_null());
  EXPECT_EQ(list["period_from"], "2027-01-09");
  std::set<std::string> users;
  for (const auto& u : list["users"]) users.insert(u["user"].get<std::string>());
  EXPECT_TRUE(users.contains("sato_hanako") && users.contains("tanaka_kacho"));
  EXPECT_EQ(list["confirmer"], "suzuki_bucho");  // the first in the line who did not read it
  const std::string confirm = "/v1/lists/" + list["id"].get<std::string>() + "/confirm";
  struct Attempt {
    std::string who;
    std::string subject;
  };
  const std::vector<Attempt> attempts = {
      {"tanaka_kacho", "analysis.confirmer_accessed"},
      {"kato_kacho", "analysis.not_confirmer"},  // a confirmer, of 融資部
      {"sato_hanako", ""},
      {"ito_ken", ""},
      {"nakamura_kansa", ""},
      {"soumu_kanri", ""},
  };
  for (const auto& a : attempts) {
    SCOPED_TRACE(a.who);
    const uint64_t before = EventCount();
    auto r = Post(a.who, confirm, "{}");
    EXPECT_EQ(r.status, 403) << r.body;
    if (!a.subject.empty()) {
      EXPECT_EQ(Subject(r), a.subject);
    }
    auto events = EventsOfRequest(before, r);
    ASSERT_EQ(events.size(), 1u) << LogTextSince(before);
    EXPECT_EQ(events[0].result, "refused");
  }
  const std::string number = engine::TestMyNumber(5);
  for (const nlohmann::json& body :
       std::vector<nlohmann::json>{nlohmann::json{{"comment", "本人 " + number + " 分を確認"}},
                                   nlohmann::json{{"comment", "確認\x07"}},
                                   nlohmann::json{{"comment", std::string(4097, 'a')}},
                                   nlohmann::json{{"comment", 7}}, nlohmann::json{{"note", "x"}}}) {
    SCOPED_TRACE(body.dump().substr(0, 60));
    const uint64_t before = EventCount();
    auto r = Post("suzuki_bucho", confirm, body.dump());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.body.find(number), std::string::npos);
    EXPECT_EQ(LogTextSince(before).find(number), std::string::npos);
  }
  EXPECT_EQ(TuesdayList()["state"], "pending");
  auto ok = Post("suzuki_bucho", confirm, R"({"comment":"業務上の参照を確認"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["confirmed_by"], "suzuki_bucho");
  EXPECT_EQ(Post("suzuki_bucho", confirm, "{}").status, 409);
  // The chief officer read the data in the period too.
  auto chief = Post("yamamoto_ciso", confirm, "{}");
  EXPECT_EQ(chief.status, 403);
  EXPECT_EQ(Subject(chief), "analysis.confirmer_accessed");
}

// Junk where an id, a date or a body belongs: refused with 400, 404 or
// 413, never quoted back, never in the log.
TEST_F(AnalysisReviewTest, JunkInPathsQueriesAndBodiesIsRefusedAndNeverQuoted) {
  const std::string number = engine::TestMyNumber(6);
  const std::string name = "%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E";  // 山田太郎
  const std::string ciso = tokens_.at("yamamoto_ciso");
  const uint64_t before = EventCount();
  for (const std::string& target : std::vector<std::string>{
           "/v1/findings/" + name, "/v1/findings/" + number, "/v1/findings/..%2F..%2Fkeys",
           "/v1/findings/" + std::string(300, 'F'), "/v1/lists/" + name, "/v1/lists/" + number,
           "/v1/lists/..%2F..%2Fmamori.db", "/v1/lists/L" + std::string(300, '0')}) {
    SCOPED_TRACE(target.substr(0, 60));
    auto r = Send(ciso, "GET", target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << r.status << " " << r.body;
    EXPECT_EQ(r.body.find("山田"), std::string::npos);
    EXPECT_EQ(r.body.find(number), std::string::npos);
    auto post = Send(ciso, "POST",
                     target + (target.starts_with("/v1/lists") ? "/confirm" : "/review"), "{}");
    EXPECT_TRUE(post.status == 400 || post.status == 404) << post.status << " " << post.body;
    EXPECT_EQ(post.body.find(number), std::string::npos);
  }
  for (const std::string& query : std::vector<std::string>{
           "/v1/findings?actor=" + number, "/v1/findings?owner=" + name,
           "/v1/findings?rule=" + name, "/v1/findings?status=" + number, "/v1/lists?date=" + number,
           "/v1/lists?dataset=" + name, "/v1/lists?state=" + name,
           "/v1/analysis/report?from=" + number + "&to=2027-01-11",
           "/v1/findings?format=" + name}) {
    SCOPED_TRACE(query.substr(0, 60));
    auto r = Send(ciso, "GET", query);
    EXPECT_TRUE(r.status == 200 || r.status == 400) << r.status << " " << r.body;
    EXPECT_EQ(r.body.find("山田"), std::string::npos);
    EXPECT_EQ(r.body.find(number), std::string::npos);
  }
  const std::string logged = LogTextSince(before);
  EXPECT_EQ(logged.find(number), std::string::npos);
  EXPECT_EQ(logged.find("山田"), std::string::npos);
  EXPECT_EQ(Finding(night_.at("tanaka_kacho"))["status"], "new");
}

}  // namespace
}  // namespace mamori::api::testing
