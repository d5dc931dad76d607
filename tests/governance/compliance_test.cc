// The control catalogue inside the binary and the compliance report's rules
// (governance/catalogue.h, compliance_evidence.h, compliance_report.h): the
// embedded catalogue is the repository's, byte for byte; probes judge the
// rows naming their code; a clause is met, partly or not met by its probes,
// met by a current attestation only, and planned / not_applicable rows carry
// their reason.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "governance/attestations.h"
#include "governance/catalogue.h"
#include "governance/compliance_report.h"
#include "governance/report_formats.h"
#include "store_fixture.h"

namespace mamori::governance {
namespace {

std::string ReadRepoFile(const std::string& rel) {
  std::ifstream in(std::string(MAMORI_SOURCE_DIR) + "/" + rel, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(EmbeddedCatalogue, EqualsTheFilesInTheRepository) {
  const auto& files = EmbeddedCatalogueFiles();
  ASSERT_EQ(files.size(), std::size(kSources));
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i].source, kSources[i]);
    const std::string on_disk = ReadRepoFile("controls/" + files[i].source + ".tsv");
    ASSERT_FALSE(on_disk.empty()) << files[i].source;
    EXPECT_TRUE(files[i].text == on_disk) << files[i].source << ".tsv differs from the binary's";
  }
  auto rows = EmbeddedCatalogue();
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  size_t lines = 0;
  for (const auto& f : files) {
    for (char c : f.text) lines += c == '\n';
    --lines;  // the header
  }
  EXPECT_EQ(rows->size(), lines);
  EXPECT_NE(FindRow(*rows, "002", "第3条"), nullptr);
}

TEST(EmbeddedCatalogue, AMalformedFileIsRefused) {
  EXPECT_FALSE(ParseCatalogue("002", "clause\trequirement\n").has_value());
  EXPECT_FALSE(ParseCatalogue("002",
                              "clause\trequirement\tcontrol\tmode\treason\tcode\ttests\n"
                              "第1条\tx\ty\tsometimes\t\t\t\n")
                   .has_value());
  auto ok = ParseCatalogue("002",
                           "clause\trequirement\tcontrol\tmode\treason\tcode\ttests\n"
                           "第1条\tx\ty\tenforced\t\tsrc/a.h src/b.h#F\tA.B\n");
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].code, (std::vector<std::string>{"src/a.h", "src/b.h#F"}));
}

Probe Fixed(std::string name, std::vector<std::string> code, bool pass) {
  return {std::move(name), std::move(code), [pass](const EvidenceSources&) -> Result<ProbeResult> {
            ProbeResult r;
            r.pass = pass;
            if (!pass) {
              r.reason = "broken";
              r.reason_ja = "不備";
              r.overdue = {"X1 (due 2025-01-09)"};
            }
            r.evidence = {{"count", 3}};
            return r;
          }};
}

TEST(ProbeRegistry, JudgesTheRowsNamingItsCode) {
  ProbeRegistry r;
  ASSERT_TRUE(r.Register(Fixed("lists", {"src/analysis/lists."}, true)).ok());
  ASSERT_TRUE(r.Register(Fixed("export", {"src/engine/engine.h#Engine::Export"}, true)).ok());
  EXPECT_FALSE(r.Register(Fixed("lists", {"src/x"}, true)).ok());  // twice
  EXPECT_FALSE(r.Register(Fixed("none", {}, true)).ok());
  EXPECT_EQ(r.For({"src/analysis/lists.cc#Lists::Confirm"}).size(), 1u);
  EXPECT_EQ(r.For({"src/analysis/lists.h"}).size(), 1u);
  EXPECT_TRUE(r.For({"src/analysis/listsx.h"}).empty());
  EXPECT_TRUE(r.For({"src/engine/engine.h"}).empty());
  EXPECT_EQ(r.For({"src/engine/engine.h#Engine::Export", "src/analysis/lists.h"}).size(), 2u);
}

class ComplianceRulesTest : public GovernanceStoreTest {
 protected:
  static ControlRow Row(std::string clause, Mode mode, std::vector<std::string> code = {}) {
    ControlRow r;
    r.source = "002";
    r.clause = std::move(clause);
    r.requirement = "要求";
    r.control = "control";
    r.mode = mode;
    r.code = std::move(code);
    if (mode == Mode::kPlanned || mode == Mode::kNotApplicable) r.reason = "why";
    if (!r.code.empty()) r.tests = {"A.B"};
    return r;
  }
};

TEST_F(ComplianceRulesTest, StatusFollowsProbesAttestationsAndTheCatalogue) {
  ProbeRegistry probes;
  ASSERT_TRUE(probes.Register(Fixed("good", {"src/good"}, true)).ok());
  ASSERT_TRUE(probes.Register(Fixed("bad", {"src/bad"}, false)).ok());
  const std::vector<ControlRow> rows = {
      Row("第1条", Mode::kEnforced, {"src/good.h"}),
      Row("第2条", Mode::kEnforced, {"src/good.h", "src/bad.h"}),
      Row("第3条", Mode::kEvidenced, {"src/bad.h"}),
      Row("第4条", Mode::kEnforced, {"src/unprobed.h"}),
      Row("第5条", Mode::kAttested),
      Row("第6条", Mode::kAttested),
      Row("第7条", Mode::kAttested),
      Row("第8条", Mode::kPlanned),
      Row("第9条", Mode::kNotApplicable),
  };
  const TimeMicros day = TimeMicros{24} * 3600 * 1000000;
  std::vector<Attestation> att(2);
  att[0] = {"AT00000001",
            "002",
            "第5条",
            "SEC-1",
            "ciso1",
            "",
            sources_.now - day,
            JstDate(sources_.now + 30 * day)};
  att[1] = {"AT00000002",
            "002",
            "第6条",
            "SEC-2",
            "ciso1",
            "",
            sources_.now - 40 * day,
            JstDate(sources_.now - 2 * day)};
  auto report = BuildComplianceReport(rows, probes, sources_, att, "");
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  const auto& c = report->clauses;
  ASSERT_EQ(c.size(), rows.size());
  EXPECT_EQ(c[0].status, ClauseStatus::kMet);
  EXPECT_EQ(c[1].status, ClauseStatus::kPartly);
  EXPECT_EQ(c[1].reason, "broken");
  EXPECT_EQ(c[1].overdue, (std::vector<std::string>{"X1 (due 2025-01-09)"}));
  EXPECT_EQ(c[2].status, ClauseStatus::kNotMet);
  EXPECT_EQ(c[3].status, ClauseStatus::kMet);
  EXPECT_EQ(c[3].evidence["basis"], "tests");
  EXPECT_EQ(c[4].status, ClauseStatus::kMet);
  EXPECT_EQ(c[4].evidence["attestation"], "AT00000001");
  EXPECT_EQ(c[5].status, ClauseStatus::kNotMet);  // lapsed
  EXPECT_NE(c[5].reason.find("lapsed"), std::string::npos);
  EXPECT_EQ(c[6].status, ClauseStatus::kNotMet);
  EXPECT_EQ(c[6].reason, "no attestation");
  EXPECT_EQ(c[7].status, ClauseStatus::kNotMet);
  EXPECT_EQ(c[7].reason, "planned: why");
  EXPECT_EQ(c[8].status, ClauseStatus::kNotApplicable);
  EXPECT_EQ(report->counts.at("met"), 3u);
  EXPECT_EQ(report->counts.at("partly"), 1u);
  EXPECT_EQ(report->counts.at("not_met"), 4u);
  EXPECT_EQ(report->counts.at("not_applicable"), 1u);

  // Another source's rows are left out; an unknown source is refused.
  auto other = BuildComplianceReport(rows, probes, sources_, att, "003");
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(other->clauses.empty());
  EXPECT_FALSE(BuildComplianceReport(rows, probes, sources_, att, "005").has_value());
}

TEST_F(ComplianceRulesTest, AnAttestationNotYetMadeOrLapsedIsNotCurrent) {
  const TimeMicros day = TimeMicros{24} * 3600 * 1000000;
  Attestation a;
  a.at = sources_.now;
  a.until = JstDate(sources_.now);
  EXPECT_TRUE(a.CurrentAt(sources_.now));
  EXPECT_FALSE(a.CurrentAt(sources_.now - day));
  EXPECT_FALSE(a.CurrentAt(sources_.now + day));
}

TEST_F(ComplianceRulesTest, TheHtmlEscapesWhatItShows) {
  ComplianceReport r;
  ClauseReport c;
  c.source = "002";
  c.clause = "<script>";
  c.requirement = "a & b";
  r.clauses.push_back(c);
  const std::string html = ReportHtml(r);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a &amp; b"), std::string::npos);
  EXPECT_NE(html.find("@page { size: A4"), std::string::npos);
}

}  // namespace
}  // namespace mamori::governance
