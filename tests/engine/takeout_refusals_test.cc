// Every refusal of Engine::Export (engine/takeout.h): handling restrictions
// enforced by the engine itself, approvers, and bad input. Each is audited
// and leaves no file and no register entry behind (TakeoutTest::ExpectRefused).
#include "engine/takeout_fixture.h"

namespace mamori::engine {
namespace {

using mamori::testing::ReadAll;

TEST_F(TakeoutTest, HandlingRestrictionsForbidOrRestrictTheTakeout) {
  CreateDataset("locked", 2, {"no_takeout"});
  CreateDataset("nocopy", 2, {"no_copy"});
  CreateDataset("noprint", 2, {"custom_no_print"});
  CreateDataset("nodist", 2, {"no_distribution"});
  CreateDataset("noext", 2, {"no_external_provision"});
  for (const char* ds : {"locked", "nocopy", "noprint", "nodist", "noext"}) PutRecords(ds, 1);
  auto ids_of = [&](const std::string& ds) {
    auto page = engine_->List(TestContext(), ds, "", 10);
    std::vector<std::string> ids;
    for (const auto& rec : page->records) ids.push_back(rec.id);
    return ids;
  };
  ExpectRefused(Request("locked", ids_of("locked")), Code::kPermissionDenied, "no_takeout");
  ExpectRefused(Request("nocopy", ids_of("nocopy")), Code::kPermissionDenied, "no_copy");
  ExpectRefused(Request("noprint", ids_of("noprint")), Code::kPermissionDenied, "custom_no_print");
  for (const char* ds : {"nodist", "noext"}) {
    TakeoutRequest outside = Request(ds, ids_of(ds));
    outside.recipient_internal = false;
    ExpectRefused(outside, Code::kPermissionDenied, "recipient_internal");
    TakeoutRequest unstated = Request(ds, ids_of(ds));
    unstated.recipient_internal = TakeoutRequest().recipient_internal;  // the default
    ExpectRefused(unstated, Code::kPermissionDenied, "recipient_internal");
    // A member of the organisation may carry it.
    auto inside = engine_->Export(Exporter(), Request(ds, ids_of(ds)));
    ASSERT_TRUE(inside.has_value()) << inside.error().ToString();
    std::filesystem::remove(inside->path);
  }
  // The ledger shows what the restrictions mean for a take-out.
  auto ledger = engine_->Ledger(TestContext(), "locked");
  ASSERT_TRUE(ledger.has_value());
  EXPECT_EQ((*ledger)["takeout"]["permitted"], false);
  EXPECT_EQ((*ledger)["takeout"]["refused_by"], "no_takeout");
  auto nodist = engine_->Ledger(TestContext(), "nodist");
  EXPECT_EQ((*nodist)["takeout"]["permitted"], true);
  EXPECT_EQ((*nodist)["takeout"]["internal_only"], true);
  EXPECT_EQ((*nodist)["takeout"]["approver_roles"], nlohmann::json({"section_manager"}));
}

TEST_F(TakeoutTest, TheDemoDatasetsRestrictionsAreKept) {
  // employee_my_number is no_copy (the fixture's definition, as the demo's).
  CreateEmployees();
  const std::string id = PutEmployee(1);
  ExpectRefused(Request(kDs, {id}), Code::kPermissionDenied, "no_copy");
}

TEST_F(TakeoutTest, ConfidentialityThreeNeedsBothOfficersAndNeverTheExporter) {
  CreateDataset("staff_c3", 3, {});
  const auto ids = PutRecords("staff_c3", 1);
  TakeoutRequest one = Request("staff_c3", ids);
  one.approvers = {{"tanaka_kacho", "section_manager"}};
  ExpectRefused(one, Code::kPermissionDenied, "approvers");
  TakeoutRequest officer_only = Request("staff_c3", ids);
  officer_only.approvers = {{"suzuki_bucho", "department_officer"}};
  ExpectRefused(officer_only, Code::kPermissionDenied, "approvers");
  TakeoutRequest self = Request("staff_c3", ids);
  self.approvers = {{kExporter, "section_manager"}, {"suzuki_bucho", "department_officer"}};
  ExpectRefused(self, Code::kPermissionDenied, "approvers");
  TakeoutRequest twice = Request("staff_c3", ids);
  twice.approvers = {{"tanaka_kacho", "section_manager"}, {"tanaka_kacho", "department_officer"}};
  ExpectRefused(twice, Code::kPermissionDenied, "approvers");
  TakeoutRequest none = Request("staff_c3", ids);
  none.approvers.clear();
  ExpectRefused(none, Code::kPermissionDenied, "approvers");
  TakeoutRequest garbage = Request("staff_c3", ids);
  garbage.approvers[0].person = "田中";
  ExpectRefused(garbage, Code::kInvalidArgument, "approvers");
}

TEST_F(TakeoutTest, BadRequestsAreRefusedAndAudited) {
  CreateDataset("staff_c2", 2, {});
  const auto ids = PutRecords("staff_c2", 2);
  auto req = [&] { return Request("staff_c2", ids); };
  for (const std::string& bad :
       std::vector<std::string>{"", "with space", "apv\"q", "12345678901", std::string(129, 'a')}) {
    TakeoutRequest r = req();
    r.approval = bad;
    ExpectRefused(r, Code::kInvalidArgument, "approval");
  }
  TakeoutRequest past = req();
  past.until = AddToDate(JstDate(NowMicros()), 0, 0, -1);
  ExpectRefused(past, Code::kInvalidArgument, "until");
  TakeoutRequest far = req();
  far.until = AddToDate(JstDate(NowMicros()), 0, 0, kMaxTakeoutDays + 1);
  ExpectRefused(far, Code::kInvalidArgument, "until");
  TakeoutRequest impossible = req();
  impossible.until = {2026, 2, 30};
  ExpectRefused(impossible, Code::kInvalidArgument, "until");

  TakeoutRequest no_cert = req();
  no_cert.recipient_certificate = "not a certificate";
  ExpectRefused(no_cert, Code::kInvalidArgument, "certificate");
  TakeoutRequest ca = req();
  ca.recipient_certificate = ReadAll(dir_ / "pki/ca.crt");
  ExpectRefused(ca, Code::kFailedPrecondition, "certificate");
  // Past the certificate's notAfter (30 days): expired at the time of export.
  Context later = Exporter();
  later.time = NowMicros() + 40LL * 86400 * kMicrosPerSecond;
  TakeoutRequest expired = req();
  expired.until = AddToDate(JstDate(later.time), 0, 0, 1);
  ExpectRefused(expired, Code::kFailedPrecondition, "certificate", &later);

  TakeoutRequest field = req();
  field.fields = {"salary"};
  ExpectRefused(field, Code::kInvalidArgument, "salary");
  TakeoutRequest dup_field = req();
  dup_field.fields = {"name", "name"};
  ExpectRefused(dup_field, Code::kInvalidArgument, "name");
  TakeoutRequest malformed = req();
  malformed.record_ids = {"../../etc"};
  ExpectRefused(malformed, Code::kInvalidArgument, "records");
  TakeoutRequest dup = req();
  dup.record_ids = {ids[0], ids[0]};
  ExpectRefused(dup, Code::kInvalidArgument, "records");
  TakeoutRequest empty = req();
  empty.record_ids.clear();
  ExpectRefused(empty, Code::kInvalidArgument, "records");
  TakeoutRequest both = req();
  both.all = true;
  ExpectRefused(both, Code::kInvalidArgument, "records");
  TakeoutRequest relative = req();
  relative.out_path = "out.p7m";
  ExpectRefused(relative, Code::kInvalidArgument, "out_path");
  TakeoutRequest exists = req();
  { std::ofstream(exists.out_path) << "someone else's"; }
  {
    auto r = engine_->Export(Exporter(), exists);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), Code::kAlreadyExists);
    EXPECT_EQ(ReadAll(exists.out_path), "someone else's");
    EXPECT_EQ(LastEvent().reason, "out_path");
    std::filesystem::remove(exists.out_path);
  }
  Context unregistered = Exporter();
  unregistered.purpose = "marketing";
  ExpectRefused(req(), Code::kPermissionDenied, "purpose", &unregistered);
  Context nobody = Exporter();
  nobody.actor.clear();
  auto r = engine_->Export(nobody, req());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(CountKeys("to/"), 0u);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(TakeoutTest, AMissingRecordRefusesTheWholeTakeoutAndRemovesTheFile) {
  CreateDataset("staff_c2", 2, {});
  auto ids = PutRecords("staff_c2", 3);
  ids.insert(ids.begin() + 1, std::string(32, 'a'));  // well formed, not stored
  TakeoutRequest req = Request("staff_c2", ids);
  auto r = engine_->Export(Exporter(), req);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kNotFound);
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "record.export");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.record, std::string(32, 'a'));
  EXPECT_FALSE(std::filesystem::exists(req.out_path));
  EXPECT_FALSE(std::filesystem::exists(req.out_path + ".partial"));
  EXPECT_EQ(CountKeys("to/"), 0u);
  EXPECT_EQ(CountKeys("tp/"), 0u);
}

TEST(TakeoutRulesTest, EveryKnownRestrictionHasAnEffect) {
  DatasetDef def;
  def.classification.confidentiality = 2;
  EXPECT_TRUE(TakeoutRulesFor(def).permitted.ok());
  EXPECT_EQ(TakeoutRulesFor(def).approver_roles, std::vector<std::string>({"section_manager"}));
  def.classification.confidentiality = 3;
  EXPECT_EQ(TakeoutRulesFor(def).approver_roles,
            std::vector<std::string>({"section_manager", "department_officer"}));
  def.handling = {"encrypt_required", "dispose_after_reading", "no_distribution"};
  const TakeoutRules r = TakeoutRulesFor(def);
  EXPECT_TRUE(r.permitted.ok());
  EXPECT_TRUE(r.destroy_only);
  EXPECT_TRUE(r.internal_only);
  EXPECT_EQ(r.internal_because, "no_distribution");
  def.handling = {"encrypt_required", "no_takeout"};
  EXPECT_EQ(TakeoutRulesFor(def).permitted.subject(), "no_takeout");
}

}  // namespace
}  // namespace mamori::engine
