// The compliance probes of the records and their connections
// (record_probes.cc) over a real engine and store: a record held past its
// retention deadline is not met until the sweep shreds it; a connection
// whose certificate has expired or expires within 30 days, or whose
// registration has lapsed, is not met, and a suspended one is not judged.
#include <nlohmann/json.hpp>

#include "analysis/analysis_fixture.h"
#include "exchange/compliance_probe.h"
#include "exchange/connection.h"
#include "exchange/node_identity.h"
#include "governance/compliance_evidence.h"

namespace mamori::governance {
namespace {

using analysis::testing::Jst;
using json = nlohmann::json;

class RecordProbesTest : public analysis::testing::AnalysisTest {
 protected:
  void SetUp() override {
    AnalysisTest::SetUp();
    auto probes = StandardProbes();
    ASSERT_TRUE(probes.has_value()) << probes.error().ToString();
    probes_ = std::move(*probes);
    ASSERT_TRUE(exchange::AddConnectionsProbe(probes_).ok());
    sources_.storage = &engine_->data_store();
    sources_.engine = engine_.get();
  }

  ProbeResult Run(std::string_view name, TimeMicros now) {
    sources_.now = now;
    for (const auto& p : probes_.probes()) {
      if (p.name != name) continue;
      auto r = p.run(sources_);
      EXPECT_TRUE(r.has_value()) << r.error().ToString();
      return r.value_or(ProbeResult{});
    }
    ADD_FAILURE() << "no probe " << name;
    return {};
  }

  // A connection to a peer whose certificate is `pem`, stored as the
  // register stores it (exchange/connections.cc).
  void Store(const std::string& id, const std::string& pem, const std::string& valid_until,
             bool suspended = false) {
    json def = {{"id", id},
                {"counterpart", "peer"},
                {"local_role", "account_manager"},
                {"counterpart_role", "account_manager"},
                {"url", "https://127.0.0.1:9443"},
                {"certificate", pem},
                {"pin_kind", "certificate"},
                {"direction", "send"},
                {"sends",
                 {{{"kind", "transfer"},
                   {"dataset", "customer_my_number"},
                   {"items", {"account_code", "holder_name", "my_number"}}}}},
                {"receives", json::array()},
                {"legal_basis", "mynumber_act_19"},
                {"approval", "R00000001"},
                {"valid_from", "2026-01-01T00:00:00Z"},
                {"valid_until", valid_until},
                {"responsible", "suzuki"},
                {"location", "JP"},
                {"purpose", "振替"},
                {"counterpart_name", "株式会社テスト"},
                {"counterpart_address", "東京都中央区"},
                {"security_measures", {"専用回線"}}};
    auto c = exchange::ParseConnection(def);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    if (suspended) c->state = exchange::ConnectionState::kSuspended;
    ASSERT_TRUE(engine_->data_store()
                    .Update([&](store::WriteTxn& txn) {
                      return txn.Put("exchange/connection/" + id, exchange::ToJson(*c).dump());
                    })
                    .ok());
  }

  ProbeRegistry probes_;
  EvidenceSources sources_;
};

TEST_F(RecordProbesTest, RowsNamingRetentionAndConnectionsAreJudgedByTheirProbes) {
  auto names = [&](std::vector<std::string> code) {
    std::vector<std::string> out;
    for (const auto* p : probes_.For(code)) out.push_back(p->name);
    return out;
  };
  EXPECT_EQ(names({"src/engine/retention_schedule.h"}), std::vector<std::string>{"retention"});
  EXPECT_EQ(names({"src/exchange/connections.h#Connections"}),
            std::vector<std::string>{"exchange_connections"});
}

TEST_F(RecordProbesTest, ARecordHeldPastItsRetentionIsNotMetUntilTheSweepShredsIt) {
  // Ended 2018-03-31, kept seven years: through 2025-03-31.
  auto ended = engine_->EndUse(At(Jst(CivilDate{2025, 1, 7}, 10, 0), "os:tester", "withholding"),
                               "employee_my_number", employee_record_, CivilDate{2018, 3, 31});
  ASSERT_TRUE(ended.has_value()) << ended.error().ToString();
  ASSERT_TRUE(ended->deadline.has_value());
  const CivilDate deadline = *ended->deadline;
  const auto day = [&](int after) { return CivilFromDays(DaysFromCivil(deadline) + after); };

  // Held through its deadline, and on the day after (the sweep's day).
  EXPECT_TRUE(Run("retention", Jst(day(0), 12, 0)).pass);
  EXPECT_TRUE(Run("retention", Jst(day(1), 23, 0)).pass);
  ProbeResult late = Run("retention", Jst(day(2), 9, 0));
  EXPECT_FALSE(late.pass);
  EXPECT_EQ(late.evidence["records_past_retention"], 1);
  ASSERT_EQ(late.overdue.size(), 1u);
  EXPECT_EQ(late.overdue[0].rfind("employee_my_number/" + employee_record_, 0), 0u);
  EXPECT_NE(late.reason.find("1 record(s) held past their retention deadline"), std::string::npos);

  auto swept = engine_->SweepRetention(At(Jst(day(2), 9, 5)), day(2));
  ASSERT_TRUE(swept.has_value()) << swept.error().ToString();
  ASSERT_EQ(swept->disposals.size(), 1u);
  EXPECT_TRUE(Run("retention", Jst(day(2), 9, 10)).pass);
}

TEST_F(RecordProbesTest, AConnectionsCertificateExpiringOrExpiredIsNotMet) {
  auto peer = exchange::EnsureNodeIdentity(dir_ / "peer", "peer");
  ASSERT_TRUE(peer.has_value()) << peer.error().ToString();
  auto parsed = exchange::ParsePeerCertificate(peer->certificate_pem);
  ASSERT_TRUE(parsed.has_value());
  const TimeMicros end = parsed->not_after;
  const TimeMicros day = 86'400 * kMicrosPerSecond;
  EXPECT_GT(end, NowMicros() + 800 * day) << "a node's certificate is valid 825 days";

  ProbeResult none = Run("exchange_connections", NowMicros());
  EXPECT_TRUE(none.pass) << none.reason;
  EXPECT_EQ(none.evidence["connections"], 0);

  Store("am1-peer", peer->certificate_pem, "2099-01-01T00:00:00Z");
  Store("am1-old", peer->certificate_pem, "2099-01-01T00:00:00Z", /*suspended=*/true);
  EXPECT_TRUE(Run("exchange_connections", end - 31 * day).pass);

  ProbeResult soon = Run("exchange_connections", end - 29 * day);
  EXPECT_FALSE(soon.pass);
  EXPECT_EQ(soon.evidence["certificate_expiring_30_days"], 1) << "the suspended one is not judged";
  ASSERT_EQ(soon.overdue.size(), 1u);
  EXPECT_EQ(soon.overdue[0].rfind("am1-peer (certificate expires", 0), 0u);

  ProbeResult expired = Run("exchange_connections", end + day);
  EXPECT_FALSE(expired.pass);
  EXPECT_EQ(expired.evidence["not_valid"], 1);
  EXPECT_NE(expired.reason.find("1 active connection(s) no longer valid"), std::string::npos);

  // A registration whose validity period has ended, its certificate good.
  Store("am1-lapsed", peer->certificate_pem, "2026-02-01T00:00:00Z");
  ProbeResult lapsed = Run("exchange_connections", end - 100 * day);
  EXPECT_FALSE(lapsed.pass);
  EXPECT_EQ(lapsed.evidence["not_valid"], 1);
  EXPECT_EQ(lapsed.overdue[0].rfind("am1-lapsed (registered until", 0), 0u);
}

}  // namespace
}  // namespace mamori::governance
