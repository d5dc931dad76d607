// The compliance report (GET /v1/reports/compliance, `mamori report
// compliance`) and its attestations (/v1/reports/attestations, `mamori
// report attest`) on the real server, store and policy: the demo
// organisation's report lists every clause of every source with a status; a
// daily access list left unconfirmed past its due time makes the clauses
// its probe judges not met, with the reason, and confirming it makes them
// met; --source filters; every format parses (the XLSX is opened as the zip
// it is); only the CISO line and internal audit read it, only the CISO line
// attests, and each refusal changes nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "analysis/monitor.h"
#include "api/demo_org_fixture.h"
#include "governance/catalogue.h"

namespace mamori::api::testing {
namespace {

using nlohmann::json;

const governance::ControlRow* FirstRowOf(std::string_view source, governance::Mode mode) {
  static const auto rows = governance::EmbeddedCatalogue();
  if (!rows) return nullptr;
  for (const auto& r : *rows) {
    if (r.source == source && r.mode == mode) return &r;
  }
  return nullptr;
}

// RFC 4180 records of a CSV text (quoted fields may hold commas, quotes
// doubled, CRLF line ends).
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field.push_back(c);
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

class ComplianceReportTest : public DemoOrgTest {
 protected:
  HttpResponse Report(const std::string& who, const std::string& query = "") {
    return Send(tokens_[who], "GET", "/v1/reports/compliance" + query);
  }
  HttpResponse Attest(const std::string& who, const json& body) {
    return Send(tokens_[who], "POST", "/v1/reports/attestations", body.dump());
  }
  static json AttestBody(const governance::ControlRow& row) {
    return {{"source", row.source},
            {"clause", row.clause},
            {"statement", "SEC-2026-014"},
            {"until", FormatDate(CivilFromDays(DaysFromCivil(JstDate(NowMicros())) + 180))}};
  }
  static const json* ClauseOf(const json& report, const std::string& source,
                              const std::string& clause) {
    for (const auto& c : report["clauses"]) {
      if (c["source"] == source && c["clause"] == clause) return &c;
    }
    return nullptr;
  }
};

TEST_F(ComplianceReportTest, TheDemoOrganisationsReportListsEveryClauseOfEverySource) {
  auto r = Report("yamamoto_ciso");
  ASSERT_EQ(r.status, 200) << r.body;
  const json report = r.Json();
  auto rows = governance::EmbeddedCatalogue();
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(report["clauses"].size(), rows->size());
  const std::set<std::string> statuses = {"met", "partly", "not_met", "not_applicable"};
  std::set<std::string> sources;
  size_t i = 0;
  for (const auto& c : report["clauses"]) {
    const auto& row = (*rows)[i++];
    EXPECT_EQ(c["source"], row.source);
    EXPECT_EQ(c["clause"], row.clause);
    EXPECT_EQ(c["requirement"], row.requirement);
    EXPECT_EQ(c["control"], row.control);
    EXPECT_TRUE(statuses.count(c["status"].get<std::string>())) << c.dump();
    EXPECT_TRUE(c["evidence"].is_object()) << c.dump();
    EXPECT_TRUE(c["overdue"].is_array());
    if (c["status"] != "met") {
      EXPECT_FALSE(c["reason"].get<std::string>().empty()) << c.dump();
    }
    sources.insert(c["source"].get<std::string>());
  }
  EXPECT_EQ(sources, (std::set<std::string>{"000", "001", "002", "003", "004"}));
  size_t total = 0;
  for (const auto& [k, v] : report["counts"].items()) total += v.get<size_t>();
  EXPECT_EQ(total, rows->size());

  // The audit log verifies on the demo store, and the clauses that name it
  // carry the verified chain head as evidence.
  bool audit_seen = false;
  for (const auto& c : report["clauses"]) {
    if (!c["evidence"].contains("probes")) continue;
    for (const auto& p : c["evidence"]["probes"]) {
      if (p["probe"] != "audit_log") continue;
      audit_seen = true;
      EXPECT_EQ(p["pass"], true) << p.dump();
      EXPECT_GT(p["chain_head"]["size"].get<uint64_t>(), 0u);
      EXPECT_EQ(p["chain_head"]["root"].get<std::string>().size(), 64u);
    }
  }
  EXPECT_TRUE(audit_seen);
  // Attested clauses are not met until someone attests; planned ones carry
  // the catalogue's reason.
  const auto* attested = FirstRowOf("002", governance::Mode::kAttested);
  const auto* planned = FirstRowOf("002", governance::Mode::kPlanned);
  ASSERT_TRUE(attested && planned);
  EXPECT_EQ((*ClauseOf(report, "002", attested->clause))["reason"], "no attestation");
  EXPECT_EQ((*ClauseOf(report, "002", planned->clause))["reason"], "planned: " + planned->reason);
}

TEST_F(ComplianceReportTest, SourceFiltersAndABadSourceOrFormatIsRefused) {
  auto r = Report("nakamura_kansa", "?source=003");
  ASSERT_EQ(r.status, 200) << r.body;
  const json report = r.Json();
  ASSERT_FALSE(report["clauses"].empty());
  for (const auto& c : report["clauses"]) EXPECT_EQ(c["source"], "003");
  EXPECT_EQ(r.Json()["source"], "003");
  for (const char* q : {"?source=005", "?source=", "?source=00", "?format=pdf", "?format=JSON"}) {
    if (std::string(q) == "?source=") continue;  // empty: every source
    auto bad = Report("nakamura_kansa", q);
    EXPECT_EQ(bad.status, 400) << q << " " << bad.body;
  }
}

TEST_F(ComplianceReportTest, EveryFormatParses) {
  auto json_r = Report("nakamura_kansa", "?source=004");
  ASSERT_EQ(json_r.status, 200);
  const size_t n = json_r.Json()["clauses"].size();
  ASSERT_GT(n, 0u);

  auto html = Report("nakamura_kansa", "?format=html&source=004");
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_EQ(html.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(html.body.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.body.find("<html lang=\"ja\">"), std::string::npos);
  EXPECT_NE(html.body.find("@page { size: A4"), std::string::npos);
  EXPECT_NE(html.body.find("@media print"), std::string::npos);
  // Self-contained: nothing fetched from elsewhere.
  for (const char* external : {"<script", "<link", "src=", "http://", "https://"}) {
    EXPECT_EQ(html.body.find(external), std::string::npos) << external;
  }
  // Summary first, then one row per clause.
  EXPECT_LT(html.body.find("集計"), html.body.find("条項ごとの状況"));
  size_t rows = 0;
  for (size_t at = html.body.find("条項ごとの状況");
       (at = html.body.find("<tr><td>", at)) != std::string::npos; ++at) {
    ++rows;
  }
  EXPECT_EQ(rows, n);

  auto csv = Report("nakamura_kansa", "?format=csv&source=004");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  ASSERT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  const auto records = ParseCsv(std::string_view(csv.body).substr(3));
  ASSERT_EQ(records.size(), n + 1);
  for (const auto& rec : records) EXPECT_EQ(rec.size(), 10u);
  EXPECT_EQ(records[1][0], "004");
  EXPECT_EQ(records[1][1], json_r.Json()["clauses"][0]["clause"]);

  auto xlsx = Report("nakamura_kansa", "?format=xlsx&source=004");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.Header("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const std::string file = dir_ / "report.xlsx";
  std::ofstream(file, std::ios::binary) << xlsx.body;
  // The workbook is a zip: its second sheet holds a header row and one row
  // per clause, and the shared strings hold the clauses.
  const std::string clause = json_r.Json()["clauses"][0]["clause"];
  const std::string check =
      "python3 -c \"import sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "sheet = z.read('xl/worksheets/sheet2.xml').decode()\n"
      "strings = z.read('xl/sharedStrings.xml').decode()\n"
      "assert sheet.count('<row ') == int(sys.argv[2]) + 1, sheet.count('<row ')\n"
      "assert sys.argv[3] in strings\n\" '" +
      file + "' " + std::to_string(n) + " '" + clause + "'";
  EXPECT_EQ(std::system(check.c_str()), 0);
}

TEST_F(ComplianceReportTest, OnlyTheCisoLineAndInternalAuditReadIt) {
  for (const auto& user : users_) {
    const bool reader = user == "yamamoto_ciso" || user == "nakamura_kansa";
    for (const char* target : {"/v1/reports/compliance", "/v1/reports/compliance?format=csv",
                               "/v1/reports/attestations"}) {
      auto r = Send(tokens_[user], "GET", target);
      EXPECT_EQ(r.status, reader ? 200 : 403) << user << " " << target << " " << r.body;
      if (!reader) {
        EXPECT_EQ(r.body.find("clauses"), std::string::npos);
      }
    }
  }
  EXPECT_EQ(Send("", "GET", "/v1/reports/compliance").status, 401);
}

TEST_F(ComplianceReportTest, AnAttestationMeetsItsClauseAndOnlyTheCisoLineRecordsOne) {
  const auto* row = FirstRowOf("002", governance::Mode::kAttested);
  const auto* planned = FirstRowOf("002", governance::Mode::kPlanned);
  ASSERT_TRUE(row && planned);
  const uint64_t before = EventCount();
  // Refused: everyone outside the CISO line (internal audit reads, never
  // attests), and bad attestations; none is recorded.
  for (const auto& user : users_) {
    if (user == "yamamoto_ciso") continue;
    EXPECT_EQ(Attest(user, AttestBody(*row)).status, 403) << user;
  }
  json bad = AttestBody(*row);
  bad["statement"] = "規程第3条のとおり";  // text, not a reference
  auto r = Attest("yamamoto_ciso", bad);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body.find("規程第3条のとおり"), std::string::npos);  // never quoted back
  bad = AttestBody(*row);
  bad["until"] = "2020-01-01";
  EXPECT_EQ(Attest("yamamoto_ciso", bad).status, 400);
  bad["until"] = FormatDate(CivilFromDays(DaysFromCivil(JstDate(NowMicros())) + 400));
  EXPECT_EQ(Attest("yamamoto_ciso", bad).status, 400);
  bad = AttestBody(*row);
  bad["clause"] = "第999条";
  EXPECT_EQ(Attest("yamamoto_ciso", bad).status, 400);
  bad["source"] = "009";
  EXPECT_EQ(Attest("yamamoto_ciso", bad).status, 400);
  auto not_attested = Attest("yamamoto_ciso", AttestBody(*planned));
  EXPECT_EQ(not_attested.status, 409) << not_attested.body;
  EXPECT_EQ(not_attested.Json()["subject"], "report.not_attested_clause");
  bad = AttestBody(*row);
  bad["extra"] = 1;
  EXPECT_EQ(Attest("yamamoto_ciso", bad).status, 400);
  auto none = Send(tokens_["nakamura_kansa"], "GET", "/v1/reports/attestations");
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.Json()["attestations"].empty());
  const json still = Report("nakamura_kansa", "?source=002").Json();
  ASSERT_NE(ClauseOf(still, "002", row->clause), nullptr);
  EXPECT_EQ((*ClauseOf(still, "002", row->clause))["status"], "not_met");
  // The refusals that reached the attestations are audited as refused.
  auto events = EventsOf("report.attest");
  ASSERT_FALSE(events.empty());
  for (const auto& ev : events) EXPECT_NE(ev.result, "ok");
  EXPECT_GT(EventCount(), before);

  auto ok = Attest("yamamoto_ciso", AttestBody(*row));
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.Json()["clause"], row->clause);
  EXPECT_EQ(ok.Json()["by"], "yamamoto_ciso");
  EXPECT_EQ(ok.Json()["current"], true);
  const std::string id = ok.Json()["id"];
  const json after = Report("nakamura_kansa", "?source=002").Json();
  const json* c = ClauseOf(after, "002", row->clause);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["status"], "met") << c->dump();
  EXPECT_EQ((*c)["evidence"]["attestation"], id);
  EXPECT_EQ((*c)["evidence"]["statement"], "SEC-2026-014");
  // Its event: identifiers only, the clause's Japanese text is not in it.
  events = EventsOf("report.attest");
  ASSERT_EQ(events.back().result, "ok");
  EXPECT_EQ(events.back().attrs.at("attestation"), id);
  EXPECT_EQ(events.back().attrs.at("source"), "002");
  for (const auto& [k, v] : events.back().attrs) EXPECT_EQ(v.find(row->clause), std::string::npos);
}

TEST_F(ComplianceReportTest, AtTheConsole) {
  const auto* row = FirstRowOf("004", governance::Mode::kAttested);
  ASSERT_NE(row, nullptr);
  std::string out;
  const std::string until = FormatDate(CivilFromDays(DaysFromCivil(JstDate(NowMicros())) + 90));
  // The auditor is refused, the CISO line records it.
  ASSERT_EQ(RunMamori("report attest --user nakamura_kansa --source 004 --clause '" + row->clause +
                          "' --statement SEC-1 --until " + until,
                      kDemoChanged, &out),
            1)
      << out;
  ASSERT_EQ(RunMamori("report attest --user yamamoto_ciso --source 004 --clause '" + row->clause +
                          "' --statement SEC-1 --until " + until,
                      kDemoChanged, &out),
            0)
      << out;
  EXPECT_EQ(json::parse(out)["statement"], "SEC-1");
  ASSERT_EQ(RunMamori("report compliance --format json --source 004", "", &out), 0) << out;
  const json report = json::parse(out);
  for (const auto& c : report["clauses"]) EXPECT_EQ(c["source"], "004");
  EXPECT_EQ((*ClauseOf(report, "004", row->clause))["status"], "met");
  const std::string file = dir_ / "cli.xlsx";
  ASSERT_EQ(RunMamori("report compliance --format xlsx --out '" + file + "'", "", &out), 0) << out;
  EXPECT_EQ(std::system(("python3 -c \"import sys, zipfile; "
                         "zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet2.xml')\" '" +
                         file + "'")
                            .c_str()),
            0);
  EXPECT_EQ(RunMamori("report compliance --format pdf", "", &out), 1);
  EXPECT_EQ(RunMamori("report compliance --format xlsx", "", &out), 1);  // needs --out
}

// A daily access list (アクセス記録の確認リスト, [003 II.5(7)]) of a past
// day left unconfirmed: the clauses the list probe judges are not met with
// that reason, and met once the list is confirmed.
class ComplianceListsTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    auto def = engine_->CreateDataset(Local(), json::parse(R"({"name": "payroll",
      "title": "給与台帳", "department": "経理課", "category": "personal_information",
      "classification": {"confidentiality": 2, "integrity": 2, "availability": 1},
      "purposes": [{"id": "payroll", "title": "給与計算"}],
      "fields": [{"name": "name", "type": "name", "required": true}]})"));
    ASSERT_TRUE(def.has_value()) << def.error().ToString();
    auto r =
        engine_->Put(At(Jst({2025, 1, 6}, 9, 0), "os:tester"), "payroll", {{"name", "試験 花子"}});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    AddUser("suzuki", {"department_officer"}, "", "経理課");
    AddUser("sato", {"section_manager"}, "suzuki", "経理課");
    AddUser("hana", {"handler"}, "sato", "経理課");
    AddUser("kato", {"confirmer"}, "sato", "経理課");
    AddUser("audit1", {"auditor"}, "", "監査室");
    analysis::Monitor monitor(engine_->data_store(), stack_->directory());
    ASSERT_TRUE(monitor.Round(Jst({2025, 1, 6}, 9, 1)).has_value());
    ASSERT_TRUE(engine_->Get(At(Jst({2025, 1, 8}, 10, 0), "hana"), "payroll", r->id).has_value());
    ASSERT_TRUE(monitor.Round(Jst({2025, 1, 14}, 9, 0)).has_value());
    StartStackServer();
    for (const char* u : {"kato", "audit1"}) tokens_[u] = Login(u);
  }
  static engine::Context At(TimeMicros t, const std::string& actor) {
    engine::Context c;
    c.actor = actor;
    c.terminal = kTerminalId;
    c.purpose = "payroll";
    c.request_id = "req-compliance";
    c.time = t;
    return c;
  }
  static TimeMicros Jst(CivilDate d, int h, int m) {
    return JstMidnight(d) + (TimeMicros{h} * 3600 + m * 60) * 1000000;
  }
  // The clauses the access-list probe judges, each with that probe's
  // result as "list_probe".
  std::vector<json> ListClauses() {
    auto r = Send(tokens_["audit1"], "GET", "/v1/reports/compliance");
    EXPECT_EQ(r.status, 200) << r.body;
    const json report = r.Json();
    std::vector<json> out;
    for (const auto& c : report["clauses"]) {
      if (!c["evidence"].contains("probes")) continue;
      for (const auto& p : c["evidence"]["probes"]) {
        if (p["probe"] != "access_lists") continue;
        json with = c;
        with["list_probe"] = p;
        out.push_back(std::move(with));
      }
    }
    return out;
  }
  std::map<std::string, std::string> tokens_;
};

TEST_F(ComplianceListsTest, AnUnconfirmedDailyListIsNotMetUntilConfirmed) {
  auto lists = Send(tokens_["kato"], "GET", "/v1/lists?date=2025-01-08&dataset=payroll");
  ASSERT_EQ(lists.status, 200) << lists.body;
  ASSERT_EQ(lists.Json()["lists"].size(), 1u);
  const std::string list = lists.Json()["lists"][0]["id"];

  auto broken = ListClauses();
  ASSERT_FALSE(broken.empty());
  for (const auto& c : broken) {
    EXPECT_NE(c["status"], "met") << c.dump();
    EXPECT_EQ(c["list_probe"]["pass"], false);
    EXPECT_NE(c["reason"].get<std::string>().find("access list(s) of past days not confirmed"),
              std::string::npos)
        << c.dump();
    EXPECT_NE(c["reason_ja"].get<std::string>().find("アクセス記録の確認リスト"),
              std::string::npos);
    bool listed = false;
    for (const auto& o : c["overdue"]) {
      listed = listed || o.get<std::string>().rfind(list + " 2025-01-08 payroll", 0) == 0;
    }
    EXPECT_TRUE(listed) << c.dump();
  }

  // The confirmer confirms the lists of every day (days without access
  // have a list too).
  const json pending =
      Send(tokens_["kato"], "GET", "/v1/lists?dataset=payroll&state=pending").Json();
  ASSERT_FALSE(pending["lists"].empty());
  for (const auto& l : pending["lists"]) {
    auto confirmed =
        Send(tokens_["kato"], "POST", "/v1/lists/" + l["id"].get<std::string>() + "/confirm", "{}");
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  }
  auto fixed = ListClauses();
  ASSERT_EQ(fixed.size(), broken.size());
  size_t met = 0;
  for (const auto& c : fixed) {
    EXPECT_EQ(c["list_probe"]["pass"], true) << c.dump();
    EXPECT_EQ(c["list_probe"]["confirmed"], c["list_probe"]["lists"]);
    EXPECT_EQ(c["list_probe"]["overdue"], 0);
    EXPECT_EQ(c["reason"].get<std::string>().find("access list"), std::string::npos);
    // Met unless another probe of the clause fails (no access review is
    // held in this store).
    bool others_pass = true;
    for (const auto& p : c["evidence"]["probes"]) others_pass = others_pass && p["pass"] == true;
    EXPECT_EQ(c["status"] == "met", others_pass) << c.dump();
    met += others_pass;
  }
  EXPECT_GT(met, 0u);
}

}  // namespace
}  // namespace mamori::api::testing
