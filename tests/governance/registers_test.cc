// The register mechanism (governance/registers.h) over a real engine and
// data store: schemas, versions, periodic checks and the kinds' own rules
// (register_rules.h), decided through the real policy table
// (policy/system_rights.cc). Every refusal changes nothing and is audited;
// the events name fields, never their values.
#include "governance/registers.h"

#include <gtest/gtest.h>

#include <map>

#include "engine/engine_fixture.h"
#include "governance/register_rules.h"
#include "governance/register_samples.h"
#include "testing/audit_events.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

// 2026-11-20 10:00 JST.
TimeMicros At(int year, int month, int day) {
  return JstMidnight(CivilDate{year, month, day}) + int64_t{10} * 3600 * kMicrosPerSecond;
}

class FakePeople : public approval::People {
 public:
  Result<std::vector<approval::Person>> All() const override {
    std::vector<approval::Person> out;
    for (const auto& [id, p] : people) out.push_back(p);
    return out;
  }
  std::map<std::string, approval::Person> people;
};

class RegistersTest : public engine::EngineTest {
 protected:
  void SetUp() override {
    engine::EngineTest::SetUp();
    registers_ = std::make_unique<Registers>(engine_->data_store(), &people_);
    Add("admin1", {"admin"});
    Add("mgr1", {"section_manager"});
    Add("chief1", {"chief_officer"});
    Add("chief2", {"chief_officer"});
    Add("audit1", {"auditor"});
    Add("hana", {"handler"});
    people_.people["gone"] = approval::Person{"gone", "総務部", "", {"handler"}, false, "", ""};
  }
  void Add(const std::string& id, std::vector<std::string> roles) {
    people_.people[id] = approval::Person{id, "総務部", "", std::move(roles), true, "", ""};
  }
  approval::Caller As(const std::string& id, TimeMicros t = At(2026, 11, 20)) {
    identity::Principal who;
    who.id = id;
    who.display_name = id;
    who.roles = people_.people.at(id).roles;
    return approval::Caller{who, "req-" + id, t};
  }
  static json Contractor() { return governance::testing::SampleContractor(); }
  static json Cloud() { return governance::testing::SampleCloud(); }
  std::string Created(const std::string& who, const std::string& kind, const json& fields) {
    auto e = registers_->Create(As(who), kind, fields);
    EXPECT_TRUE(e.has_value()) << (e ? "" : e.error().ToString());
    return e ? e->id : "";
  }
  std::vector<audit::Event> EventsOf(const std::string& operation) {
    return mamori::testing::EventsOf(engine_->data_store(), operation);
  }
  // Refused with `subject`, audited as such, and the kind still empty.
  void ExpectRefused(const Result<RegisterEntry>& r, std::string_view subject,
                     const std::string& operation) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().subject(), subject) << r.error().ToString();
    auto events = EventsOf(operation);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().result, "refused");
    EXPECT_EQ(events.back().reason, subject);
  }

  FakePeople people_;
  std::unique_ptr<Registers> registers_;
};

TEST_F(RegistersTest, AnEntryIsCreatedChangedCheckedAndRetiredAsVersionsThatNameFieldsOnly) {
  auto created = registers_->Create(As("mgr1"), "contractor", Contractor());
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  EXPECT_EQ(created->id, "CT00001");
  EXPECT_EQ(created->version, 1);
  ASSERT_TRUE(created->check_due.has_value());
  EXPECT_EQ(FormatDate(*created->check_due), "2027-11-20");

  auto changed =
      registers_->Change(As("mgr1", At(2026, 11, 21)), "contractor", "CT00001",
                         {{"service", "給与システムの運用・保守"}, {"contract_end", "2027-03-31"}});
  ASSERT_TRUE(changed.has_value()) << changed.error().ToString();
  EXPECT_EQ(changed->version, 2);

  auto checked =
      registers_->RecordCheck(As("mgr1", At(2027, 6, 1)), "contractor", "CT00001",
                              CivilDate{2027, 5, 31}, "improvement_required", "access_log.review");
  ASSERT_TRUE(checked.has_value()) << checked.error().ToString();
  EXPECT_EQ(FormatDate(*checked->check_due), "2028-05-30");
  ASSERT_EQ(checked->checks.size(), 1u);
  EXPECT_EQ(checked->checks[0].result, "improvement_required");

  // [002 第58条]: retired once the data came back or were erased.
  ExpectRefused(registers_->Retire(As("mgr1", At(2027, 6, 2)), "contractor", "CT00001", "ended"),
                kContractorEnd, "register.retire");
  ASSERT_TRUE(registers_
                  ->Change(As("mgr1", At(2027, 6, 2)), "contractor", "CT00001",
                           {{"end_of_contract", "returned_and_erased"}})
                  .has_value());
  auto retired =
      registers_->Retire(As("mgr1", At(2027, 6, 3)), "contractor", "CT00001", "contract.ended");
  ASSERT_TRUE(retired.has_value()) << retired.error().ToString();
  EXPECT_TRUE(retired->retired);
  EXPECT_FALSE(IsOverdue(*retired, CivilDate{2030, 1, 1}));

  auto versions = registers_->Versions("contractor", "CT00001");
  ASSERT_TRUE(versions.has_value());
  ASSERT_EQ(versions->size(), 5u);
  EXPECT_EQ((*versions)[1].action, "change");
  EXPECT_EQ((*versions)[1].changed, (std::vector<std::string>{"service", "contract_end"}));
  EXPECT_EQ((*versions)[2].action, "check");
  EXPECT_EQ((*versions)[4].action, "retire");

  // The event of the change names the fields, not what they hold.
  auto events = EventsOf("register.change");
  ASSERT_FALSE(events.empty());
  const audit::Event& ev = events.front();
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.attrs.at("kind"), "contractor");
  EXPECT_EQ(ev.attrs.at("entry"), "CT00001");
  EXPECT_EQ(ev.attrs.at("version"), "2");
  EXPECT_EQ(ev.attrs.at("changed"), R"(["service","contract_end"])");
  for (const auto& [k, v] : ev.attrs) EXPECT_EQ(v.find("給与"), std::string::npos) << k;
  EXPECT_EQ(EventsOf("register.check").back().attrs.at("check_due"), "2028-05-30");

  // Retired: neither changed nor checked again.
  ExpectRefused(registers_->Change(As("mgr1", At(2027, 6, 4)), "contractor", "CT00001",
                                   {{"service", "再開"}}),
                kRegisterRetired, "register.change");
  ExpectRefused(registers_->RecordCheck(As("mgr1", At(2027, 6, 4)), "contractor", "CT00001",
                                        CivilDate{2027, 6, 4}, "ok", ""),
                kRegisterRetired, "register.check");
  EXPECT_EQ(registers_->Get("contractor", "CT00001")->version, 5);
}

TEST_F(RegistersTest, FieldsOutsideTheSchemaAreRefusedNamingTheFieldAndWriteNothing) {
  const auto caller = As("mgr1");
  ExpectRefused(registers_->Create(caller, "vendors", Contractor()), kRegisterKindUnknown,
                "register.create");
  json unknown = Contractor();
  unknown["hobby"] = "x";
  ExpectRefused(registers_->Create(caller, "contractor", unknown), kRegisterFields,
                "register.create");
  json missing = Contractor();
  missing.erase("clause_confidentiality");
  ExpectRefused(registers_->Create(caller, "contractor", missing), "clause_confidentiality",
                "register.create");
  json code = Contractor();
  code["subcontracting"] = "anything_goes";
  ExpectRefused(registers_->Create(caller, "contractor", code), "subcontracting",
                "register.create");
  json handles = Contractor();
  handles["handles"] = {"my_number", "my_number"};
  ExpectRefused(registers_->Create(caller, "contractor", handles), "handles", "register.create");
  json date = Contractor();
  date["contract_start"] = "2026-02-30";
  ExpectRefused(registers_->Create(caller, "contractor", date), "contract_start",
                "register.create");
  json inactive = Contractor();
  inactive["supervisor"] = "gone";
  ExpectRefused(registers_->Create(caller, "contractor", inactive), "supervisor",
                "register.create");
  json corp = Contractor();
  corp["corporate_number"] = "7000012050001";  // wrong check digit
  ExpectRefused(registers_->Create(caller, "contractor", corp), "corporate_number",
                "register.create");
  json number = Contractor();
  number["service"] = "連絡先 0312345678 の保守";
  ExpectRefused(registers_->Create(caller, "contractor", number), "service", "register.create");
  json parent = Contractor();
  parent["parent"] = "CT00009";
  ExpectRefused(registers_->Create(caller, "contractor", parent), "parent", "register.create");
  EXPECT_TRUE(registers_->List("contractor")->empty());
  // No refused event holds what was given.
  for (const auto& ev : EventsOf("register.create")) {
    for (const auto& [k, v] : ev.attrs) EXPECT_EQ(v.find("hobby"), std::string::npos) << k;
  }
}

TEST_F(RegistersTest, AContractorHandlingProtectedDataNeedsEverySafetyClause) {
  json c = Contractor();
  c["clause_incident_reporting"] = false;
  ExpectRefused(registers_->Create(As("mgr1"), "contractor", c), kContractorClauses,
                "register.create");
  c["handles"] = {"none"};
  EXPECT_TRUE(registers_->Create(As("mgr1"), "contractor", c).has_value());
}

TEST_F(RegistersTest, ASubContractorIsRefusedUnlessItsPriorApprovalIsRecorded) {
  json prohibits = Contractor();
  prohibits["subcontracting"] = "prohibited";
  const std::string strict = Created("mgr1", "contractor", prohibits);
  const std::string allows = Created("mgr1", "contractor", Contractor());

  json sub = Contractor();
  sub["name"] = "再委託先株式会社";
  sub["parent"] = allows;
  ExpectRefused(registers_->Create(As("mgr1"), "contractor", sub), kSubcontractNotApproved,
                "register.create");
  sub["prior_approval_on"] = "2026-05-01";
  sub["prior_approval_ref"] = "SOUMU-2026-014";
  // Approved after the sub-contract started.
  ExpectRefused(registers_->Create(As("mgr1"), "contractor", sub), kSubcontractNotApproved,
                "register.create");
  sub["prior_approval_on"] = "2026-03-15";
  sub["parent"] = strict;
  ExpectRefused(registers_->Create(As("mgr1"), "contractor", sub), kSubcontractNotApproved,
                "register.create");
  sub["parent"] = allows;
  auto ok = registers_->Create(As("mgr1"), "contractor", sub);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(ok->Text("parent"), allows);
}

TEST_F(RegistersTest, MyNumbersOnACloudServiceOutsideJapanAreRefused) {
  json c = Cloud();
  c["storage_country"] = "US";
  ExpectRefused(registers_->Create(As("admin1"), "cloud_service", c), kCloudOutsideJapan,
                "register.create");
  c["handles"] = {"credit"};
  ExpectRefused(registers_->Create(As("admin1"), "cloud_service", c), kCloudOutsideJapan,
                "register.create");
  c["handles"] = {"confidential"};
  EXPECT_TRUE(registers_->Create(As("admin1"), "cloud_service", c).has_value());
  // Nor moved abroad afterwards.
  const std::string jp = Created("admin1", "cloud_service", Cloud());
  ExpectRefused(registers_->Change(As("admin1"), "cloud_service", jp, {{"storage_country", "SG"}}),
                kCloudOutsideJapan, "register.change");
}

TEST_F(RegistersTest, ACloudServiceIsUsedOnlyOnceAnotherChiefOfficerApprovedWhatIsRegistered) {
  json mine = Cloud();
  mine["status"] = "in_use";
  ExpectRefused(registers_->Create(As("admin1"), "cloud_service", mine), kCloudNotApproved,
                "register.create");
  const std::string id = Created("admin1", "cloud_service", Cloud());
  ExpectRefused(registers_->Change(As("admin1"), "cloud_service", id, {{"status", "in_use"}}),
                kCloudNotApproved, "register.change");
  // Only a chief_officer approves; not one who registered it.
  ExpectRefused(registers_->Approve(As("mgr1"), "cloud_service", id), kNotApprover,
                "register.approve");
  ExpectRefused(registers_->Approve(As("audit1"), "cloud_service", id), kNotApprover,
                "register.approve");
  const std::string own = Created("chief1", "cloud_service", Cloud());
  ExpectRefused(registers_->Approve(As("chief1"), "cloud_service", own), kCloudSelfApproval,
                "register.approve");
  ASSERT_TRUE(registers_->Approve(As("chief1"), "cloud_service", id).has_value());
  auto used = registers_->Change(As("admin1"), "cloud_service", id, {{"status", "in_use"}});
  ASSERT_TRUE(used.has_value()) << used.error().ToString();
  // What was approved cannot change under the approval while in use...
  ExpectRefused(
      registers_->Change(As("admin1"), "cloud_service", id, {{"disposal_method", "overwrite"}}),
      kCloudNotApproved, "register.change");
  // ...and a change once out of use withdraws it.
  auto changed = registers_->Change(As("admin1"), "cloud_service", id,
                                    {{"status", "planned"}, {"disposal_method", "overwrite"}});
  ASSERT_TRUE(changed.has_value()) << changed.error().ToString();
  EXPECT_FALSE(changed->approval.has_value());
  auto versions = registers_->Versions("cloud_service", id);
  EXPECT_EQ(versions->back().changed,
            (std::vector<std::string>{"disposal_method", "status", "approval"}));
  // Retired once ended with its account deleted [002 第71条].
  ExpectRefused(registers_->Retire(As("admin1"), "cloud_service", id, ""), kCloudNotDisposed,
                "register.retire");
  ASSERT_TRUE(registers_
                  ->Change(As("admin1"), "cloud_service", id,
                           {{"status", "ended"}, {"account_deleted", true}})
                  .has_value());
  EXPECT_TRUE(registers_->Retire(As("admin1"), "cloud_service", id, "").has_value());
}

TEST_F(RegistersTest, EachKindIsKeptOnlyByItsKeepers) {
  const json software = {{"name", "表計算ソフト"},
                         {"version", "16.0"},
                         {"publisher", "ソフト株式会社"},
                         {"scope", "terminal"},
                         {"decided_on", "2026-11-01"}};
  ExpectRefused(registers_->Create(As("mgr1"), "software", software), kRegisterNotKeeper,
                "register.create");
  ExpectRefused(registers_->Create(As("audit1"), "software", software), kRegisterNotKeeper,
                "register.create");
  ExpectRefused(registers_->Create(As("admin1"), "contractor", Contractor()), kRegisterNotKeeper,
                "register.create");
  ExpectRefused(registers_->Create(As("hana"), "media", json::object()), kRegisterNotKeeper,
                "register.create");
  EXPECT_TRUE(registers_->Create(As("admin1"), "software", software).has_value());
  EXPECT_TRUE(registers_->Create(As("mgr1"), "contractor", Contractor()).has_value());
}

TEST_F(RegistersTest, MediaAreInventoriedAndAnEntryPastItsCheckIsOverdue) {
  const json medium = {
      {"type", "usb"},       {"label", "SOUMU-USB-003"}, {"location", "総務課金庫"},
      {"custodian", "mgr1"}, {"department", "soumu"},    {"handles", {"personal"}},
      {"encrypted", true}};
  const std::string id = Created("mgr1", "media", medium);
  auto e = registers_->Get("media", id);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(FormatDate(*e->check_due), "2027-05-19");  // 180 days
  EXPECT_FALSE(IsOverdue(*e, CivilDate{2027, 5, 19}));
  EXPECT_TRUE(IsOverdue(*e, CivilDate{2027, 5, 20}));
  auto overdue = [&](TimeMicros now) {
    std::vector<RegisterEntry> out;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(out, Registers::ReadOverdue(txn, now));
                      return Status::Ok();
                    })
                    .ok());
    return out.size();
  };
  EXPECT_EQ(overdue(At(2027, 5, 19)), 0u);
  EXPECT_EQ(overdue(At(2027, 5, 20)), 1u);

  // The inventory: a result of the kind, not in the future.
  ExpectRefused(registers_->RecordCheck(As("mgr1", At(2027, 5, 20)), "media", id,
                                        CivilDate{2027, 5, 20}, "ok", ""),
                "result", "register.check");
  ExpectRefused(registers_->RecordCheck(As("mgr1", At(2027, 5, 20)), "media", id,
                                        CivilDate{2027, 5, 21}, "present", ""),
                "date", "register.check");
  ASSERT_TRUE(registers_
                  ->RecordCheck(As("mgr1", At(2027, 5, 20)), "media", id, CivilDate{2027, 5, 20},
                                "present", "")
                  .has_value());
  EXPECT_EQ(overdue(At(2027, 5, 21)), 0u);
  // Retired only once wiped or destroyed.
  ExpectRefused(registers_->Retire(As("mgr1", At(2027, 5, 21)), "media", id, ""), "disposal",
                "register.retire");
}

TEST_F(RegistersTest, WorkRecordsHaveNoPeriodicCheckAndANetworkChangeIsApprovedBySomeoneElse) {
  const std::string system = Created("admin1", "information_system",
                                     {{"name", "人事給与システム"},
                                      {"department", "soumu"},
                                      {"responsible", "mgr1"},
                                      {"purpose", "人事・給与"},
                                      {"classification", "c3"},
                                      {"handles", {"my_number"}},
                                      {"security_requirements", "閉域網、多要素認証"},
                                      {"hosting", "on_premises"},
                                      {"network", "closed"}});
  const std::string work = Created("admin1", "maintenance",
                                   {{"system", system},
                                    {"work", "OS の更新"},
                                    {"performed_on", "2026-11-19"},
                                    {"supervised_by", "admin1"},
                                    {"data_access", false},
                                    {"result", "completed"}});
  EXPECT_FALSE(registers_->Get("maintenance", work)->check_due.has_value());
  ExpectRefused(
      registers_->RecordCheck(As("admin1"), "maintenance", work, CivilDate{2026, 11, 20}, "ok", ""),
      kRegisterNoCheck, "register.check");
  const std::string router = Created("admin1", "device",
                                     {{"type", "network"},
                                      {"model", "ルータ RX-100"},
                                      {"serial", "RX100-0042"},
                                      {"location", "サーバ室"},
                                      {"manager", "admin1"}});
  json change = {{"device", router},       {"change", "ACL の追加"},  {"changed_on", "2026-11-20"},
                 {"changed_by", "admin1"}, {"approved_by", "admin1"}, {"reason", "security"}};
  ExpectRefused(registers_->Create(As("admin1"), "network_change", change), kNetworkSelfApproved,
                "register.create");
  change["approved_by"] = "chief1";
  EXPECT_TRUE(registers_->Create(As("admin1"), "network_change", change).has_value());
}

TEST_F(RegistersTest, ASocialMediaAccountNamesAnActiveResponsiblePersonAndItsPostingRules) {
  json account = {{"service", "x"},
                  {"account", "example_city_info"},
                  {"purpose", "防災・広報"},
                  {"department", "kouhou"},
                  {"responsible", "gone"},
                  {"posting_rules", "公表済みの広報情報のみ。要機密情報は発信しない"},
                  {"authentication", "mfa"}};
  ExpectRefused(registers_->Create(As("mgr1"), "social_media", account), "responsible",
                "register.create");
  account.erase("posting_rules");
  account["responsible"] = "mgr1";
  ExpectRefused(registers_->Create(As("mgr1"), "social_media", account), "posting_rules",
                "register.create");
  account["posting_rules"] = "公表済みの広報情報のみ";
  ExpectRefused(registers_->Create(As("admin1"), "social_media", account), kRegisterNotKeeper,
                "register.create");
  auto made = registers_->Create(As("mgr1"), "social_media", account);
  ASSERT_TRUE(made.has_value()) << made.error().ToString();
  EXPECT_EQ(made->id, "SM00001");
  EXPECT_EQ(made->Text("responsible"), "mgr1");
}

TEST_F(RegistersTest, ASystemOnACloudServiceNamesARegisteredOne) {
  json system = {{"name", "電子申請システム"},
                 {"department", "joho"},
                 {"responsible", "admin1"},
                 {"purpose", "電子申請の受付"},
                 {"classification", "c2"},
                 {"handles", {"personal"}},
                 {"security_requirements", "多要素認証、通信の暗号化"},
                 {"hosting", "cloud"},
                 {"network", "internet"}};
  ExpectRefused(registers_->Create(As("admin1"), "information_system", system), "cloud_service",
                "register.create");
  system["cloud_service"] = "CS00001";
  ExpectRefused(registers_->Create(As("admin1"), "information_system", system), "cloud_service",
                "register.create");
  system["cloud_service"] = Created("admin1", "cloud_service", Cloud());
  auto made = registers_->Create(As("admin1"), "information_system", system);
  ASSERT_TRUE(made.has_value()) << made.error().ToString();
  // The ledger is kept current: a change is a version naming the field.
  auto changed = registers_->Change(As("admin1"), "information_system", made->id,
                                    {{"security_requirements", "多要素認証、WAF"}});
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(registers_->Versions("information_system", made->id)->back().changed,
            std::vector<std::string>{"security_requirements"});
}

}  // namespace
}  // namespace mamori::governance
