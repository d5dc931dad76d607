// The analysis over the API, through the real server, identity, policy and
// the route table: who may list findings and see which, who may act on
// which, who may confirm which list, the refusals of anonymous callers and
// wrong bodies, CSV for Excel, and the heartbeat on /metrics. Findings and
// lists are made by the real continuous evaluation over real audit events.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include "analysis/monitor.h"
#include "api/stack_fixture.h"
#include "approval/flows.h"

namespace mamori::api::testing {
namespace {

TimeMicros Jst(CivilDate d, int hh, int mm) {
  return JstMidnight(d) + (hh * 60 + mm) * 60'000'000LL;
}
constexpr CivilDate kHoliday{2025, 1, 13};
constexpr CivilDate kWednesday{2025, 1, 8};

class AnalysisApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    auto def = engine_->CreateDataset(Local(), nlohmann::json::parse(R"({"name": "payroll",
      "title": "給与台帳", "department": "経理課", "category": "personal_information",
      "classification": {"confidentiality": 2, "integrity": 2, "availability": 1},
      "purposes": [{"id": "payroll", "title": "給与計算"}],
      "fields": [{"name": "name", "type": "name", "required": true}]})"));
    ASSERT_TRUE(def.has_value()) << def.error().ToString();
    auto r =
        engine_->Put(At(Jst({2025, 1, 6}, 9, 0), "os:tester"), "payroll", {{"name", "試験 花子"}});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    record_ = r->id;
    AddUser("suzuki", {"department_officer"}, "", "経理課");
    AddUser("sato", {"section_manager"}, "suzuki", "経理課");
    AddUser("hana", {"handler"}, "sato", "経理課");
    AddUser("kato", {"confirmer"}, "sato", "経理課");
    AddUser("tanaka", {"section_manager"}, "", "総務部");
    AddUser("audit1", {"auditor"}, "", "監査室");
    AddUser("admin1", {"admin"}, "", "情報システム課");
    AddUser("ciso1", {"ciso"}, "", "情報セキュリティ室");
    // The second person of the CISO line, who approves ciso1's policy changes.
    AddUser("chief1", {"chief_officer"}, "", "情報セキュリティ室");

    monitor_ = std::make_unique<analysis::Monitor>(engine_->data_store(), stack_->directory());
    Round(Jst({2025, 1, 6}, 9, 1));
    Read("hana", Jst(kHoliday, 23, 40));  // off hours: owned by sato
    Read("sato", Jst(kHoliday, 23, 50));  // off hours: about sato, owned by suzuki
    Read("hana", Jst(kWednesday, 10, 0));
    Read("kato", Jst(kWednesday, 11, 0));
    Round(Jst({2025, 1, 14}, 9, 0));

    config_.metrics_listen = ListenAddress{"127.0.0.1", 0};
    ApiServerOptions options = OptionsFor(*stack_, config_);
    options.monitor = monitor_.get();
    auto api = ApiServer::Start(std::move(options));
    ASSERT_TRUE(api.has_value()) << api.error().ToString();
    api_ = std::move(*api);
    client_ = NewClient(TerminalClient());
    for (const char* u :
         {"hana", "kato", "sato", "suzuki", "tanaka", "audit1", "admin1", "ciso1", "chief1"}) {
      tokens_[u] = Login(u);
    }
    for (const auto& f : Findings("ciso1")) {
      (f["actor"] == "hana" ? hana_finding_ : sato_finding_) = f["id"].get<std::string>();
    }
    ASSERT_FALSE(hana_finding_.empty());
    ASSERT_FALSE(sato_finding_.empty());
  }

  void TearDown() override {
    client_.reset();
    api_.reset();
    monitor_.reset();
    StackApiTest::TearDown();
  }

  static engine::Context At(TimeMicros t, const std::string& actor) {
    engine::Context c;
    c.actor = actor;
    c.terminal = kTerminalId;
    c.purpose = "payroll";
    c.request_id = "req-analysis";
    c.time = t;
    return c;
  }
  void Read(const std::string& who, TimeMicros t) {
    ASSERT_TRUE(engine_->Get(At(t, who), "payroll", record_).has_value());
  }
  void Round(TimeMicros now) {
    auto n = monitor_->Round(now);
    ASSERT_TRUE(n.has_value()) << n.error().ToString();
  }
  std::vector<nlohmann::json> Findings(const std::string& who, const std::string& query = "") {
    auto r = Send(tokens_[who], "GET", "/v1/findings?rule=off_hours" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    const nlohmann::json page = r.Json();
    std::vector<nlohmann::json> out;
    for (const auto& f : page["findings"]) out.push_back(f);
    return out;
  }
  HttpResponse Post(const std::string& who, const std::string& target, const nlohmann::json& body) {
    return Send(tokens_[who], "POST", target, body.dump());
  }

  std::unique_ptr<analysis::Monitor> monitor_;
  std::map<std::string, std::string> tokens_;
  std::string record_, hana_finding_, sato_finding_;
};

TEST_F(AnalysisApiTest, WhoMayListFindingsAndWhichTheySee) {
  EXPECT_EQ(Send("", "GET", "/v1/findings").status, 401);
  EXPECT_EQ(Send(tokens_["hana"], "GET", "/v1/findings").status, 403);    // a handler
  EXPECT_EQ(Send(tokens_["admin1"], "GET", "/v1/findings").status, 403);  // the administrator
  EXPECT_EQ(Findings("ciso1").size(), 2u);
  EXPECT_EQ(Findings("audit1").size(), 2u);
  EXPECT_EQ(Findings("suzuki").size(), 2u);  // his department's
  // sato sees the finding he owns, not the one about himself.
  auto sato = Findings("sato");
  ASSERT_EQ(sato.size(), 1u);
  EXPECT_EQ(sato[0]["id"], hana_finding_);
  EXPECT_EQ(sato[0]["owner"], "sato");
  // Another department's section manager sees neither, and is told so for one.
  EXPECT_TRUE(Findings("tanaka").empty());
  auto one = Send(tokens_["tanaka"], "GET", "/v1/findings/" + hana_finding_);
  EXPECT_EQ(one.status, 403);
  EXPECT_EQ(one.Json()["code"], "permission_denied") << one.body;
  bool audited = false;
  for (const auto& ev : EventsOf("finding.list")) {
    audited |=
        ev.actor == "tanaka" && ev.result == "refused" && ev.reason == "analysis.not_visible";
  }
  EXPECT_TRUE(audited);
  auto own = Send(tokens_["sato"], "GET", "/v1/findings/" + sato_finding_);
  EXPECT_EQ(own.status, 403);
  EXPECT_EQ(Send(tokens_["sato"], "GET", "/v1/findings/F99999999").status, 404);
  EXPECT_EQ(Send(tokens_["sato"], "GET", "/v1/findings?status=closed").status, 400);
  EXPECT_EQ(Send(tokens_["sato"], "GET", "/v1/findings?colour=red").status, 400);
}

// The console operator ("os:root") is no person of the directory, and no
// user could have that ID. Their off-hours work is still a finding, owned by
// the CISO line; asking the directory about them must not stop the analysis
// (it did: every round failed, and nothing after was ever analysed).
TEST_F(AnalysisApiTest, AnOperatorsOffHoursWorkIsAFindingOfTheCisoLineAndTheAnalysisGoesOn) {
  Read("os:root", Jst({2025, 1, 14}, 22, 30));
  Read("hana", Jst({2025, 1, 14}, 22, 40));
  Round(Jst({2025, 1, 15}, 9, 0));
  auto root = Findings("ciso1", "&actor=os:root");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0]["owner"], "ciso1");
  EXPECT_EQ(root[0]["department"], "");
  // What came after it in the log was analysed too: hana's holiday finding
  // of the fixture, and this one.
  auto hana = Findings("sato", "&actor=hana");
  ASSERT_EQ(hana.size(), 2u);
  for (const auto& f : hana) EXPECT_EQ(f["owner"], "sato");
}

TEST_F(AnalysisApiTest, WhoMayActOnWhichFinding) {
  const std::string hana = "/v1/findings/" + hana_finding_;
  const std::string own = "/v1/findings/" + sato_finding_;
  EXPECT_EQ(Send("", "POST", hana + "/review", "{}").status, 401);
  EXPECT_EQ(Post("hana", hana + "/review", nlohmann::json::object()).status, 403);
  EXPECT_EQ(Post("audit1", hana + "/review", nlohmann::json::object()).status, 403);
  // A section manager cannot take up (let alone close) a finding about himself.
  auto self = Post("sato", own + "/review", nlohmann::json::object());
  EXPECT_EQ(self.status, 403);
  EXPECT_EQ(self.Json()["subject"], "analysis.own_finding") << self.body;
  auto stranger = Post("tanaka", hana + "/review", nlohmann::json::object());
  EXPECT_EQ(stranger.status, 403);
  EXPECT_EQ(stranger.Json()["subject"], "analysis.not_finding_owner") << stranger.body;
  // Wrong bodies change nothing.
  EXPECT_EQ(Post("sato", hana + "/explain", {{"reason", 5}}).status, 400);
  EXPECT_EQ(Post("sato", hana + "/explain", {{"why", "x"}}).status, 400);
  EXPECT_EQ(Send(tokens_["sato"], "POST", hana + "/explain", "not json").status, 400);
  // The owner takes it up and closes it with a reason; without one, refused.
  EXPECT_EQ(Post("sato", hana + "/review", {{"comment", "本人に確認中"}}).status, 200);
  auto bare = Post("sato", hana + "/explain", nlohmann::json::object());
  EXPECT_EQ(bare.status, 400) << bare.body;
  auto done = Post("sato", hana + "/explain", {{"reason", "締め処理のため課長承認の上で作業"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["status"], "explained");
  EXPECT_EQ(Post("sato", hana + "/escalate", {{"reason", "x"}}).status, 403);  // closed
  // The department officer escalates the one about sato.
  auto escalated = Post("suzuki", own + "/escalate", {{"reason", "深夜の参照理由が不明"}});
  ASSERT_EQ(escalated.status, 200) << escalated.body;
  EXPECT_EQ(escalated.Json()["status"], "escalated");
  // The reasons are in the findings, not in the log.
  for (const auto* op : {"analysis.finding.explain", "analysis.finding.escalate"}) {
    for (const auto& ev : EventsOf(op)) {
      for (const auto& [k, v] : ev.attrs) EXPECT_EQ(v.find("理由"), std::string::npos);
    }
  }
}

TEST_F(AnalysisApiTest, WhoMayConfirmWhichList) {
  auto r = Send(tokens_["ciso1"], "GET", "/v1/lists?date=2025-01-08&dataset=payroll");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["lists"].size(), 1u);
  const nlohmann::json list = r.Json()["lists"][0];
  EXPECT_EQ(list["total"], 2);
  EXPECT_EQ(list["confirmer"], "sato");  // kato, the confirmer, accessed the data that day
  const std::string confirm = "/v1/lists/" + list["id"].get<std::string>() + "/confirm";
  EXPECT_EQ(Send("", "POST", confirm, "{}").status, 401);
  EXPECT_EQ(Post("hana", confirm, nlohmann::json::object()).status, 403);  // a handler
  EXPECT_EQ(Post("audit1", confirm, nlohmann::json::object()).status,
            403);  // auditors change nothing
  auto accessed = Post("kato", confirm, nlohmann::json::object());
  EXPECT_EQ(accessed.status, 403);
  EXPECT_EQ(accessed.Json()["subject"], "analysis.confirmer_accessed") << accessed.body;
  auto other = Post("tanaka", confirm, nlohmann::json::object());
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.Json()["subject"], "analysis.not_confirmer") << other.body;
  EXPECT_EQ(Post("sato", confirm, {{"comment", 7}}).status, 400);
  auto ok = Post("sato", confirm, {{"comment", "業務上の参照を確認"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["state"], "confirmed");
  EXPECT_EQ(Post("suzuki", confirm, nlohmann::json::object()).status, 409);
  // Lists of another department are not shown to its managers.
  auto tanaka = Send(tokens_["tanaka"], "GET", "/v1/lists?date=2025-01-08");
  ASSERT_EQ(tanaka.status, 200);
  EXPECT_TRUE(tanaka.Json()["lists"].empty());
  EXPECT_EQ(Send(tokens_["hana"], "GET", "/v1/lists").status, 403);
  EXPECT_EQ(Send(tokens_["kato"], "GET", "/v1/lists?date=2025-1-8").status, 400);
}

TEST_F(AnalysisApiTest, CsvOpensInExcel) {
  auto r = Send(tokens_["ciso1"], "GET", "/v1/findings?format=csv");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(r.body.find("\r\n"), std::string::npos);
  EXPECT_EQ(r.body.find("\n", r.body.find("\r\n") + 2) - 1,
            r.body.find("\r\n", r.body.find("\r\n") + 2));
  EXPECT_NE(r.body.find("業務時間外・休業日のアクセス"), std::string::npos);
  auto lists = Send(tokens_["ciso1"], "GET", "/v1/lists?date=2025-01-07&format=csv");
  ASSERT_EQ(lists.status, 200);
  EXPECT_NE(lists.body.find("アクセスなし (no access)"), std::string::npos);
  EXPECT_EQ(Send(tokens_["ciso1"], "GET", "/v1/lists?format=xlsx").status, 400);
}

TEST_F(AnalysisApiTest, HeartbeatStatusReportAndPolicy) {
  // On the operations listener: health only (metrics_detail is off), so
  // not the lag, which moves with activity, and never counts of findings.
  auto metrics = NewMetricsClient()->Send("GET", "/metrics");
  ASSERT_TRUE(metrics.has_value() && metrics->status == 200);
  EXPECT_NE(metrics->body.find("mamori_analysis_behind "), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("mamori_analysis_last_round_timestamp_seconds "), std::string::npos);
  EXPECT_EQ(metrics->body.find("mamori_analysis_lag_seconds"), std::string::npos);
  EXPECT_EQ(metrics->body.find("finding"), std::string::npos);
  auto ready = Send("", "GET", "/readyz");
  EXPECT_TRUE(ready.Json().contains("analysis")) << ready.body;
  EXPECT_EQ(Send(tokens_["hana"], "GET", "/v1/analysis/status").status, 403);
  auto status = Send(tokens_["admin1"], "GET", "/v1/analysis/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_GT(status.Json()["evaluated"].get<uint64_t>(), 0u);
  auto report = Send(tokens_["audit1"], "GET", "/v1/analysis/report?from=2025-01-13&to=2025-01-13");
  ASSERT_EQ(report.status, 200) << report.body;
  size_t off_hours = 0;
  const nlohmann::json found = report.Json();
  for (const auto& f : found["findings"]) off_hours += f["rule"] == "off_hours";
  EXPECT_EQ(off_hours, 2u);
  EXPECT_EQ(
      Send(tokens_["audit1"], "GET", "/v1/analysis/report?from=2025-01-01&to=2025-03-01").status,
      400);
  EXPECT_EQ(
      Send(tokens_["sato"], "GET", "/v1/analysis/report?from=2025-01-13&to=2025-01-13").status,
      403);
  EXPECT_EQ(Send(tokens_["sato"], "GET", "/v1/policy/analysis").status, 403);
  // One person changes nothing alone: the change needs an approved
  // policy_change request (exceptions_api_test.cc PolicyChangeApiTest).
  auto put = Send(
      tokens_["ciso1"], "PUT", "/v1/policy/analysis",
      R"({"business_start": "07:30", "closed": {"annual": ["12-29..01-03", "08-13..08-15"]}})");
  EXPECT_EQ(put.status, 400) << put.body;
  EXPECT_EQ(put.Json()["subject"], "policy.approval_required");
  EXPECT_EQ(Send(tokens_["ciso1"], "GET", "/v1/policy/analysis").Json()["business_start"], "08:00");
  EXPECT_EQ(
      Send(tokens_["ciso1"], "PUT", "/v1/policy/analysis", R"({"business_start": "25:00"})").status,
      400);
  EXPECT_EQ(Send(tokens_["ciso1"], "PUT", "/v1/policy/analysis", R"({"spike_percent": 0})").status,
            400);
  EXPECT_EQ(
      Send(tokens_["sato"], "PUT", "/v1/policy/analysis", R"({"business_start": "07:00"})").status,
      403);
  auto set = EventsOf("analysis.policy_set");
  ASSERT_FALSE(set.empty());
  EXPECT_EQ(set.back().actor, "ciso1");
  EXPECT_EQ(set.back().result, "refused");

  // With a policy_change request for exactly this body, approved by the
  // other person of the CISO line, the applicant makes the change.
  const nlohmann::json change = nlohmann::json::parse(
      R"({"business_start": "07:30", "closed": {"annual": ["12-29..01-03", "08-13..08-15"]}})");
  auto applied = Send(tokens_["ciso1"], "POST", "/v1/approvals",
                      nlohmann::json{{"type", "policy_change"},
                                     {"subject", "policy/analysis"},
                                     {"action", "policy.set"},
                                     {"reason", "threshold.review"},
                                     {"attachments", {approval::PolicyChangeDigest(change)}}}
                          .dump());
  ASSERT_EQ(applied.status, 201) << applied.body;
  const std::string id = applied.Json()["id"];
  auto approved = Send(tokens_["chief1"], "POST", "/v1/approvals/" + id + "/approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  auto changed = Send(tokens_["ciso1"], "PUT", "/v1/policy/analysis?approval=" + id, change.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.Json()["business_start"], "07:30");
  EXPECT_EQ(Send(tokens_["audit1"], "GET", "/v1/policy/analysis").Json()["business_start"],
            "07:30");
  set = EventsOf("analysis.policy_set");
  EXPECT_EQ(set.back().result, "ok");
  EXPECT_EQ(set.back().attrs["approval"], id);
}

}  // namespace
}  // namespace mamori::api::testing

namespace mamori::api::testing {
namespace {

// `mamori lists confirm|show` and `findings list` as a separate process on
// the same store, as an operator runs them beside the server.
class AnalysisCliTest : public AnalysisApiTest {
 protected:
  // Runs the mamori binary with `args`, the password on standard input;
  // the exit code, stdout in *out.
  int Mamori(const std::string& args, const std::string& password, std::string* out) {
    return RunMamori(args, password, out);
  }
};

TEST_F(AnalysisCliTest, ConfirmOnTheCommandLineAsAPersonWhoDidNotAccessTheData) {
  std::string out;
  ASSERT_EQ(Mamori("lists show --date 2025-01-08 --dataset payroll", "", &out), 0) << out;
  const auto lists = nlohmann::json::parse(out)["lists"];
  ASSERT_EQ(lists.size(), 1u);
  const std::string id = lists[0]["id"];
  // kato accessed the data that day: refused, as over the API, and audited.
  EXPECT_EQ(Mamori("lists confirm --list " + id + " --user kato", kStackPassword, &out), 1);
  EXPECT_NE(out.find("you accessed this data"), std::string::npos) << out;
  // A handler: refused by the system rights table before the list is read.
  EXPECT_EQ(Mamori("lists confirm --list " + id + " --user hana", kStackPassword, &out), 1);
  EXPECT_NE(out.find("none of your roles may do list.confirm"), std::string::npos) << out;
  // A wrong password: the logon fails (and counts towards the lockout).
  EXPECT_EQ(Mamori("lists confirm --list " + id + " --user sato", "Wrong#Guess-123", &out), 1);
  EXPECT_NE(out.find("logon failed"), std::string::npos) << out;
  ASSERT_EQ(Mamori("lists confirm --list " + id + " --user sato --comment 確認済み", kStackPassword,
                   &out),
            0)
      << out;
  EXPECT_EQ(nlohmann::json::parse(out)["confirmed_by"], "sato");
  // The logon, the decision and the confirmation are in the log, from the console.
  bool confirmed = false;
  for (const auto& ev : EventsOf("analysis.list.confirm")) {
    confirmed |= ev.actor == "sato" && ev.result == "ok" && ev.terminal.starts_with("local:");
  }
  EXPECT_TRUE(confirmed);
  EXPECT_EQ(Mamori("lists show --date 2025-01-08 --csv", "", &out), 0);
  EXPECT_EQ(out.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(out.find(",confirmed,sato,"), std::string::npos) << out;
  EXPECT_EQ(Mamori("findings list --rule off_hours", "", &out), 0);
  EXPECT_EQ(nlohmann::json::parse(out)["findings"].size(), 2u);
}

}  // namespace
}  // namespace mamori::api::testing
