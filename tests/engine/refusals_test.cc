// Bad input: a clear error naming the field or purpose, nothing written, the
// refusal itself audited.
#include "engine/disposal_reason.h"
#include "engine/engine_fixture.h"

namespace mamori::engine {
namespace {

class RefusalTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    CreateEmployees();
    PutEmployee(1);
  }
  // Runs a put that must be refused and checks the three promises.
  void ExpectRefusedPut(const nlohmann::json& values, Code code, const std::string& subject,
                        const std::string& purpose = "withholding") {
    const size_t records = CountKeys("r/");
    const size_t index = CountKeys("i/");
    auto r = engine_->Put(TestContext(purpose), "employee_my_number", values);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), code) << r.error().ToString();
    EXPECT_EQ(r.error().subject(), subject) << r.error().ToString();
    EXPECT_NE(r.error().message().find(subject), std::string::npos) << r.error().message();
    EXPECT_FALSE(r.error().message_ja().empty());
    EXPECT_EQ(CountKeys("r/"), records);
    EXPECT_EQ(CountKeys("i/"), index);
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, "record.put");
    EXPECT_NE(ev.result, "ok");
    EXPECT_EQ(ev.code, std::string(CodeName(code)));
    EXPECT_EQ(ev.reason, subject);
    // Never the value itself, in the error or the event.
    for (const auto& [_, v] : values.items()) {
      if (!v.is_string() || v.get<std::string>().size() < 4) continue;
      EXPECT_EQ(r.error().message().find(v.get<std::string>()), std::string::npos);
      EXPECT_EQ(audit::CanonicalJson(ev).find(v.get<std::string>()), std::string::npos);
    }
  }
  std::string BadCheckDigit() {
    std::string n = TestMyNumber(5);
    n.back() = static_cast<char>('0' + (n.back() - '0' + 1) % 10);
    return n;
  }
};

TEST_F(RefusalTest, InvalidCheckDigit) {
  ExpectRefusedPut({{"my_number", BadCheckDigit()}, {"name", "検査 太郎"}}, Code::kInvalidArgument,
                   "my_number");
}
TEST_F(RefusalTest, UnknownField) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}, {"name", "検査 太郎"}, {"salary", 1}},
                   Code::kInvalidArgument, "salary");
}
TEST_F(RefusalTest, MissingRequiredField) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}}, Code::kInvalidArgument, "name");
}
TEST_F(RefusalTest, WrongType) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}, {"name", 12345}}, Code::kInvalidArgument,
                   "name");
}
TEST_F(RefusalTest, ImpossibleDate) {
  ExpectRefusedPut(
      {{"my_number", TestMyNumber(6)}, {"name", "検査 太郎"}, {"birth_date", "2023-02-29"}},
      Code::kInvalidArgument, "birth_date");
}
TEST_F(RefusalTest, OversizeValue) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}, {"name", std::string(300, 'a')}},
                   Code::kInvalidArgument, "name");
}
TEST_F(RefusalTest, InvalidUtf8) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}, {"name", std::string("\xC0\xAF\xE3\x81")}},
                   Code::kInvalidArgument, "name");
}
TEST_F(RefusalTest, KanaFieldWithKanji) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}, {"name", "検査 太郎"}, {"name_kana", "検査"}},
                   Code::kInvalidArgument, "name_kana");
}
TEST_F(RefusalTest, PurposeNotRegistered) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}, {"name", "検査 太郎"}}, Code::kPermissionDenied,
                   "purpose", "marketing");
  // What was typed as the purpose is neither echoed nor logged.
  EXPECT_EQ(LastEvent().purpose, audit::kUnregisteredPurpose);
}

// A purpose field is free text to a client: a My Number typed there must not
// reach the log, which cannot be shredded, nor the error.
TEST_F(RefusalTest, AValueTypedAsThePurposeNeverReachesTheLog) {
  const std::string typed = "個人番号" + TestMyNumber(3);
  const std::string id = PutEmployee(9);
  for (const std::string& purpose : {typed, TestMyNumber(3), std::string("x") + TestMyNumber(3)}) {
    auto r = engine_->Get(TestContext(purpose), "employee_my_number", id);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().ToString().find(TestMyNumber(3)), std::string::npos);
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.purpose, audit::kUnregisteredPurpose);
    EXPECT_EQ(audit::CanonicalJson(ev).find(TestMyNumber(3)), std::string::npos);
    auto put = engine_->Put(TestContext(purpose), "employee_my_number",
                            {{"my_number", TestMyNumber(6)}, {"name", "検査 太郎"}});
    ASSERT_FALSE(put.has_value());
    EXPECT_EQ(audit::CanonicalJson(LastEvent()).find(TestMyNumber(3)), std::string::npos);
    auto shred = engine_->Shred(TestContext(purpose), "employee_my_number", id, "purpose_ended");
    ASSERT_FALSE(shred.has_value());
    EXPECT_EQ(audit::CanonicalJson(LastEvent()).find(TestMyNumber(3)), std::string::npos);
  }
}
TEST_F(RefusalTest, PurposeMissing) {
  ExpectRefusedPut({{"my_number", TestMyNumber(6)}, {"name", "検査 太郎"}}, Code::kPermissionDenied,
                   "purpose", "");
}
TEST_F(RefusalTest, NotAnObject) {
  ExpectRefusedPut(nlohmann::json::array({1, 2}), Code::kInvalidArgument, "record");
}

TEST_F(RefusalTest, GetWithUnregisteredPurposeIsRefusedAndAudited) {
  const std::string id = PutEmployee(9);
  auto r = engine_->Get(TestContext("marketing"), "employee_my_number", id);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(LastEvent().operation, "record.get");
  EXPECT_EQ(LastEvent().result, "refused");
  EXPECT_EQ(LastEvent().purpose, audit::kUnregisteredPurpose);
}

TEST_F(RefusalTest, DuplicateDataset) {
  const size_t before = CountKeys("ds/");
  auto r = engine_->CreateDataset(TestContext(), EmployeeDataset());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kAlreadyExists);
  EXPECT_EQ(CountKeys("ds/"), before);
  EXPECT_EQ(LastEvent().operation, "dataset.create");
  EXPECT_EQ(LastEvent().result, "refused");
}

TEST_F(RefusalTest, BadDefinitionsNameTheMember) {
  auto def = EmployeeDataset();
  def["name"] = "other";
  def["fields"][0]["type"] = "ssn";
  auto r = engine_->CreateDataset(TestContext(), def);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "fields[0].type");
  def = EmployeeDataset();
  def["name"] = "other";
  def["classification"]["confidentiality"] = 4;
  r = engine_->CreateDataset(TestContext(), def);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "classification.confidentiality");
  def = EmployeeDataset();
  def["name"] = "other";
  def["handling"] = {"no_coppy"};
  r = engine_->CreateDataset(TestContext(), def);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "handling");
  EXPECT_EQ(LastEvent().result, "refused");
}

TEST_F(RefusalTest, DefinitionChangesThatStrandDataAreRefused) {
  auto def = EmployeeDataset();
  def["fields"].erase(3);  // birth_date has a value in PutEmployee's record
  auto r = engine_->UpdateDataset(TestContext(), def);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kFailedPrecondition);
  EXPECT_EQ(r.error().subject(), "birth_date");
  def = EmployeeDataset();
  def["fields"][3]["type"] = "text";
  r = engine_->UpdateDataset(TestContext(), def);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "birth_date");
  // Adding an optional field and a purpose is fine, and versioned.
  def = EmployeeDataset();
  def["fields"].push_back({{"name", "phone"}, {"type", "phone"}});
  def["purposes"].push_back({{"id", "social_insurance"}, {"title", "社会保険関係事務"}});
  r = engine_->UpdateDataset(TestContext(), def);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->version, 2u);
  auto versions = engine_->DatasetVersions(TestContext(), "employee_my_number");
  ASSERT_TRUE(versions.has_value());
  EXPECT_EQ(versions->size(), 2u);
  EXPECT_TRUE(
      engine_
          ->Put(TestContext("social_insurance"), "employee_my_number",
                {{"my_number", TestMyNumber(77)}, {"name", "追加 項目"}, {"phone", "03-1234-5678"}})
          .has_value());
}

// Operations keep the dataset's definition between calls; a change made
// through another handle on the same store (another process) is seen by the
// next operation all the same: a new purpose is accepted at once, and a
// removed one is refused (and the refusal audited) although it was allowed
// by the definition this engine had cached.
TEST_F(RefusalTest, DefinitionChangedElsewhereAppliesToTheNextOperation) {
  const std::string id = PutEmployee(5);
  ASSERT_TRUE(engine_->Get(TestContext(), "employee_my_number", id).has_value());
  EngineOptions options;
  options.paths = paths_;
  options.record_key_pool = 1;
  auto other = Engine::Open(std::move(options), TestContext());
  ASSERT_TRUE(other.has_value()) << other.error().ToString();
  auto def = EmployeeDataset();
  def["purposes"].push_back({{"id", "social_insurance"}, {"title", "社会保険関係事務"}});
  ASSERT_TRUE((*other)->UpdateDataset(TestContext(), def).has_value());
  auto got = engine_->Get(TestContext("social_insurance"), "employee_my_number", id);
  EXPECT_TRUE(got.has_value()) << got.error().ToString();
  def["purposes"].erase(0);  // withholding withdrawn
  ASSERT_TRUE((*other)->UpdateDataset(TestContext(), def).has_value());
  ASSERT_TRUE((*other)->Close().ok());
  got = engine_->Get(TestContext("withholding"), "employee_my_number", id);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(got.error().subject(), "purpose");
  const audit::Event refused = LastEvent();
  EXPECT_EQ(refused.operation, "record.get");
  EXPECT_EQ(refused.result, "refused");
  auto put = engine_->Put(TestContext("withholding"), "employee_my_number",
                          {{"my_number", TestMyNumber(6)}, {"name", "山田 花子"}});
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), Code::kPermissionDenied);
}

// The engine checks what it is given whatever its caller checked before.

TEST_F(RefusalTest, FieldNamesThatAreNotIdentifiersAreNotRepeated) {
  const std::string name = "山田太郎123456789018";
  auto put = engine_->Put(TestContext(), kDs,
                          {{"my_number", TestMyNumber(6)}, {"name", "検査 太郎"}, {name, 1}});
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(put.error().subject(), "record");
  EXPECT_EQ(put.error().ToString().find("山田"), std::string::npos) << put.error().ToString();
  EXPECT_EQ(audit::CanonicalJson(LastEvent()).find("山田"), std::string::npos);
  auto find = engine_->Find(TestContext(), kDs, name, "x", "", 10);
  ASSERT_FALSE(find.has_value());
  EXPECT_EQ(find.error().subject(), "field");
  EXPECT_EQ(find.error().ToString().find("山田"), std::string::npos) << find.error().ToString();
  EXPECT_EQ(audit::CanonicalJson(LastEvent()).find("山田"), std::string::npos);
}

TEST_F(RefusalTest, RecordOperationsNeedAnActor) {
  const std::string id = PutEmployee(7);
  Context anonymous = TestContext();
  anonymous.actor.clear();
  auto get = engine_->Get(anonymous, kDs, id);
  ASSERT_FALSE(get.has_value());
  EXPECT_EQ(get.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(get.error().subject(), "actor");
  EXPECT_EQ(LastEvent().operation, "record.get");
  EXPECT_EQ(LastEvent().result, "refused");
  const size_t records = CountKeys("r/");
  EXPECT_FALSE(
      engine_->Put(anonymous, kDs, {{"my_number", TestMyNumber(8)}, {"name", "x"}}).has_value());
  EXPECT_EQ(CountKeys("r/"), records);
  auto shred = engine_->Shred(anonymous, kDs, id, "purpose_ended");
  ASSERT_FALSE(shred.has_value());
  EXPECT_EQ(shred.error().subject(), "actor");
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, id).has_value());
}

TEST_F(RefusalTest, EndOfUseMustBeACalendarDate) {
  const std::string id = PutEmployee(7);
  for (CivilDate bad : {CivilDate{2023, 2, 29}, CivilDate{2024, 13, 1}, CivilDate{9995, 1, 1}}) {
    auto r = engine_->EndUse(TestContext(), kDs, id, bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.error().subject(), "date");
    EXPECT_EQ(LastEvent().operation, "record.end_use");
    EXPECT_EQ(LastEvent().result, "refused");
  }
  EXPECT_EQ(CountKeys("t/"), 0u);
  auto got = engine_->Get(TestContext(), kDs, id);
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_FALSE(got->end_of_use.has_value());
}

TEST_F(RefusalTest, SweepNeedsARealDate) {
  auto r = engine_->SweepRetention(TestContext(), {2025, 2, 30});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "today");
  EXPECT_EQ(LastEvent().operation, "retention.sweep");
  EXPECT_EQ(LastEvent().result, "refused");
}

// A reason is stored in the signed disposal record. Bytes that are not
// UTF-8 made the marker's JSON throw before; now they are not a code.
TEST_F(RefusalTest, ShredReasonMustBeUtf8) {
  const std::string id = PutEmployee(7);
  auto r = engine_->Shred(TestContext(), kDs, id, std::string("\xC0\xAF\xE3\x81"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "reason");
  EXPECT_EQ(CountKeys("p/"), 0u);
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, id).has_value());
}

// The disposal record and its events are kept for good: a reason is a code
// from the fixed list and a reference an id, so that a name or a number
// typed there cannot outlive the record it is about. Each refusal names
// what was wrong, repeats nothing, destroys nothing and is audited.
TEST_F(RefusalTest, ShredReasonIsACodeAndItsReferenceAnId) {
  const std::string id = PutEmployee(7);
  const std::string number = TestMyNumber(7);
  const std::vector<std::pair<std::string, std::string>> bad_reasons = {
      {"", ""},
      {"退職後7年経過", ""},
      {"本人 山田太郎 からの削除請求", ""},
      {"RETENTION_EXPIRED", ""},
      {"retention_expired ", ""},
      {"subject_request:R00000012", ""},
      {number, ""},
  };
  const std::vector<std::pair<std::string, std::string>> bad_references = {
      {"other", ""},                    // other says nothing by itself
      {"subject_request", "山田太郎"},  // text
      {"subject_request", number},      // a My Number
      {"subject_request", "T-" + number},
      {"subject_request", "1234-5678-90"},  // a run across hyphens
      {"duplicate", "4111111111111111"},    // a card number is all hex digits
      {"duplicate", "../../etc/passwd"},
      {"duplicate", "R 1"},
      {"duplicate", "-R1"},
      {"duplicate", std::string(kMaxDisposalReference + 1, 'a')},
      {"duplicate", "R\"x"},
  };
  auto expect_refused = [&](const std::string& reason, const std::string& reference,
                            const std::string& subject) {
    SCOPED_TRACE(reason + " / " + reference);
    auto r = engine_->Shred(TestContext(), kDs, id, reason, reference);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.error().subject(), subject);
    EXPECT_FALSE(r.error().message_ja().empty());
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, "record.shred");
    EXPECT_EQ(ev.result, "refused");
    EXPECT_EQ(ev.reason, subject);
    for (const std::string& typed : {reason, reference}) {
      // A code of the list may be named ("other needs a reference").
      if (typed.size() < 4 || CheckDisposalReason(typed, "INC-1").ok()) continue;
      EXPECT_EQ(r.error().message().find(typed), std::string::npos);
      EXPECT_EQ(r.error().message_ja().find(typed), std::string::npos);
      EXPECT_EQ(audit::CanonicalJson(ev).find(typed), std::string::npos);
    }
    EXPECT_EQ(CountKeys("p/"), 0u);
    EXPECT_EQ(CountKeys("x/"), 0u);
  };
  for (const auto& [reason, reference] : bad_reasons) expect_refused(reason, reference, "reason");
  for (const auto& [reason, reference] : bad_references) {
    expect_refused(reason, reference, "reference");
  }
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, id).has_value());

  // Every code of the list passes the check; other with a ticket id shreds,
  // and the disposal record and both events carry the code and the id.
  for (const auto& code : DisposalReasonCodes()) {
    EXPECT_EQ(CheckDisposalReason(code.code, code.needs_reference ? "INC-42" : "").ok(), true)
        << code.code;
  }
  auto ok = engine_->Shred(TestContext(), kDs, id, "other", "INC-42");
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ((*ok)["reason"], "other");
  EXPECT_EQ((*ok)["reference"], "INC-42");
  const audit::Event done = LastEvent();
  EXPECT_EQ(done.operation, "record.shred");
  EXPECT_EQ(done.attrs.at("reason"), "other");
  EXPECT_EQ(done.attrs.at("reference"), "INC-42");
}

TEST_F(RefusalTest, EventsForOtherModulesTakeIdentifiersOnly) {
  const auto before = LastEvent().seq;
  auto r = engine_->RecordEvent(TestContext(), "register view 山田", kDs);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  r = engine_->RecordEvent(TestContext(), "policy.register_view", kDs, {{"山田 太郎", "x"}});
  ASSERT_FALSE(r.has_value());
  Status refused = engine_->RecordRefusal(TestContext(), "api..request", "",
                                          Status::PermissionDenied("no", "no", "x"));
  EXPECT_EQ(refused.code(), Code::kInvalidArgument);
  EXPECT_EQ(LastEvent().seq, before);
  ASSERT_TRUE(engine_->RecordEvent(TestContext(), "policy.register_view", kDs, {{"target", "x"}})
                  .has_value());
  EXPECT_EQ(LastEvent().seq, before + 1);
}

}  // namespace
}  // namespace mamori::engine
