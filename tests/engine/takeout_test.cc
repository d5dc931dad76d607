// Engine::Export and the take-out register (engine/takeout.h) on a real
// store, with a real PKI: every file is opened by `openssl cms -decrypt` in
// a separate process and compared with the records; every refusal is
// audited and leaves no file and no register entry behind.
#include <sys/stat.h>

#include <filesystem>

#include "crypto/hash.h"
#include "crypto/recipient_certificate.h"
#include "engine/engine_fixture.h"
#include "engine/integrity.h"
#include "engine/takeout_rules.h"
#include "engine/takeout_store.h"
#include "testing/test_pki.h"

namespace mamori::engine {
namespace {

using mamori::testing::ReadAll;
using mamori::testing::TestPki;

constexpr const char* kExporter = "sato_hanako";

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = text.find('\n', at);
    out.push_back(nlohmann::json::parse(text.substr(at, end - at)));
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

class TakeoutTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    std::filesystem::create_directories(dir_ / "pki");
    pki_ = std::make_unique<TestPki>(dir_ / "pki");
    ASSERT_TRUE(pki_->ok());
    ASSERT_TRUE(pki_->MakeRecipient("bob"));
    ASSERT_TRUE(pki_->MakeRecipient("carol", "rsa"));
    std::filesystem::create_directories(dir_ / "out");
  }
  // employee_my_number's shape under another name, classification and
  // handling restrictions.
  void CreateDataset(const std::string& name, int confidentiality,
                     std::vector<std::string> handling) {
    nlohmann::json def = EmployeeDataset();
    def["name"] = name;
    def["classification"]["confidentiality"] = confidentiality;
    def["handling"] = handling;
    auto created = engine_->CreateDataset(TestContext(), def);
    ASSERT_TRUE(created.has_value()) << created.error().ToString();
  }
  std::vector<std::string> PutRecords(const std::string& ds, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto r = engine_->Put(TestContext(), ds,
                            {{"my_number", TestMyNumber(100 + i)},
                             {"name", i % 2 ? "山田 太郎" : "佐藤 花子"},
                             {"name_kana", "やまだ たろう"},
                             {"birth_date", "1980-04-01"}});
      EXPECT_TRUE(r.has_value()) << r.error().ToString();
      if (r) ids.push_back(r->id);
    }
    return ids;
  }
  Context Exporter() {
    Context ctx = TestContext();
    ctx.actor = kExporter;
    return ctx;
  }
  TakeoutRequest Request(const std::string& ds, std::vector<std::string> ids,
                         const std::string& recipient = "bob") {
    TakeoutRequest req;
    req.dataset = ds;
    req.record_ids = std::move(ids);
    req.recipient_certificate = pki_->Cert(recipient);
    req.approval = "apv-takeout-7";
    req.approvers = {{"tanaka_kacho", "section_manager"}, {"suzuki_bucho", "department_officer"}};
    req.until = AddToDate(JstDate(NowMicros()), 0, 0, 7);
    req.out_path = dir_ / "out/takeout.p7m";
    return req;
  }
  // Decrypts with openssl as `recipient`; the JSON lines.
  std::vector<nlohmann::json> Open(const std::string& file, const std::string& recipient = "bob") {
    EXPECT_EQ(pki_->Decrypt(recipient, file, dir_ / "plain"), 0);
    plain_ = ReadAll(dir_ / "plain");
    return JsonLines(plain_);
  }
  // The promises of every refusal: the code and subject, an audited
  // record.export refusal naming the subject, no file and no register entry.
  void ExpectRefused(const TakeoutRequest& req, Code code, const std::string& subject,
                     const Context* ctx = nullptr) {
    const size_t takeouts = CountKeys("to/");
    const size_t manifests = CountKeys("tom/");
    auto r = engine_->Export(ctx ? *ctx : Exporter(), req);
    ASSERT_FALSE(r.has_value()) << subject;
    EXPECT_EQ(r.error().code(), code) << r.error().ToString();
    EXPECT_EQ(r.error().subject(), subject) << r.error().ToString();
    EXPECT_FALSE(r.error().message_ja().empty());
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, "record.export");
    EXPECT_NE(ev.result, "ok");
    EXPECT_EQ(ev.code, std::string(CodeName(code)));
    EXPECT_EQ(ev.reason, subject);
    EXPECT_EQ(CountKeys("to/"), takeouts);
    EXPECT_EQ(CountKeys("tom/"), manifests);
    EXPECT_EQ(CountKeys("tp/"), 0u);
    EXPECT_FALSE(std::filesystem::exists(req.out_path));
    EXPECT_FALSE(std::filesystem::exists(req.out_path + ".partial"));
  }

  std::unique_ptr<TestPki> pki_;
  std::string plain_;
};

TEST_F(TakeoutTest, OpensslDecryptsTheFileAndItMatchesTheRecords) {
  CreateDataset("staff_c3", 3, {"encrypt_required"});
  const auto ids = PutRecords("staff_c3", 5);
  const TakeoutRequest req = Request("staff_c3", ids);
  auto r = engine_->Export(Exporter(), req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->path, req.out_path);
  EXPECT_FALSE(std::filesystem::exists(req.out_path + ".partial"));
  struct stat st;
  ASSERT_EQ(::stat(req.out_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const audit::Event ev = LastEvent();  // before the reads below add theirs
  const auto lines = Open(req.out_path);
  ASSERT_EQ(lines.size(), ids.size() + 2);
  // The label: classification and handling restrictions, in Japanese too.
  const auto& header = lines.front();
  EXPECT_EQ(header["mamori_takeout"], 1);
  EXPECT_EQ(header["takeout"], r->record.id);
  EXPECT_EQ(header["dataset"], "staff_c3");
  EXPECT_EQ(header["approval"], "apv-takeout-7");
  EXPECT_EQ(header["label"]["classification"]["confidentiality"], 3);
  EXPECT_EQ(header["label"]["classification"]["label"], "機密性3 完全性2 可用性2");
  EXPECT_EQ(header["label"]["handling"][0]["id"], "encrypt_required");
  EXPECT_EQ(header["label"]["handling"][0]["label_ja"], "暗号化必須");
  EXPECT_EQ(header["records"], ids.size());
  EXPECT_EQ(header["until"], FormatDate(req.until));
  // Every record, as the engine itself returns it.
  for (size_t i = 0; i < ids.size(); ++i) {
    auto got = engine_->Get(TestContext(), "staff_c3", ids[i]);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(lines[i + 1], got->ToJson()) << i;
  }
  // The trailer: the count and the hash of everything before it.
  const auto& trailer = lines.back();
  EXPECT_EQ(trailer["end"], true);
  EXPECT_EQ(trailer["records"], ids.size());
  const std::string before = plain_.substr(0, plain_.rfind('\n', plain_.size() - 2) + 1);
  EXPECT_EQ(trailer["sha256"], HexEncode(crypto::DigestView(crypto::Sha256(before))));

  // The register and the event say what, how many, to whom, until when.
  const TakeoutRecord& rec = r->record;
  EXPECT_EQ(rec.state, "out");
  EXPECT_EQ(rec.records, ids.size());
  EXPECT_EQ(rec.recipient_fingerprint,
            HexEncode(crypto::DigestView(
                crypto::Sha256(crypto::RecipientCertificate::Parse(pki_->Cert("bob"))->Der()))));
  EXPECT_EQ(rec.file_sha256, HexEncode(crypto::DigestView(crypto::Sha256(ReadAll(req.out_path)))));
  EXPECT_EQ(rec.content_sha256, trailer["sha256"]);
  EXPECT_EQ(ev.operation, "record.export");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.seq, rec.export_seq);
  EXPECT_EQ(ev.actor, kExporter);
  EXPECT_EQ(ev.dataset, "staff_c3");
  EXPECT_EQ(ev.attrs.at("takeout"), rec.id);
  EXPECT_EQ(ev.attrs.at("approval"), "apv-takeout-7");
  EXPECT_EQ(ev.attrs.at("count"), std::to_string(ids.size()));
  EXPECT_EQ(ev.attrs.at("recipient"), rec.recipient_fingerprint);
  EXPECT_EQ(ev.attrs.at("recipient_key"), "ec-p256");
  EXPECT_EQ(ev.attrs.at("until"), FormatDate(req.until));
  EXPECT_EQ(ev.attrs.at("file"), rec.file_sha256);
  EXPECT_EQ(ev.attrs.at("approvers"),
            R"(["tanaka_kacho:section_manager","suzuki_bucho:department_officer"])");
  // No value reaches the log.
  EXPECT_EQ(audit::CanonicalJson(ev).find(TestMyNumber(100)), std::string::npos);
  EXPECT_EQ(CountKeys("tom/" + rec.id + "/"), 1u);
  EXPECT_EQ(CountKeys("tp/"), 0u);
  auto got = engine_->GetTakeout(TestContext(), rec.id);
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->file_sha256, rec.file_sha256);
  EXPECT_EQ(got->export_seq, rec.export_seq);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(TakeoutTest, RsaRecipientSelectedFieldsAndAllRecords) {
  CreateDataset("staff_c2", 2, {});
  const auto ids = PutRecords("staff_c2", 3);
  TakeoutRequest req = Request("staff_c2", {}, "carol");
  req.all = true;
  req.fields = {"name", "birth_date"};
  req.approvers = {{"tanaka_kacho", "section_manager"}};  // C2: the section manager suffices
  auto r = engine_->Export(Exporter(), req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->record.recipient_key, "rsa-3072");
  const auto lines = Open(req.out_path, "carol");
  ASSERT_EQ(lines.size(), ids.size() + 2);
  EXPECT_EQ(lines[0]["fields"], nlohmann::json({"name", "birth_date"}));
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(lines[i + 1]["_meta"]["id"], ids[i]);
    EXPECT_TRUE(lines[i + 1].contains("name"));
    EXPECT_FALSE(lines[i + 1].contains("my_number")) << "a field not selected was written";
    EXPECT_FALSE(lines[i + 1].contains("name_kana"));
  }
  EXPECT_EQ(LastEvent().attrs.at("fields"), R"(["name","birth_date"])");
}

TEST_F(TakeoutTest, ManyRecordsStreamAndTheManifestIsChunked) {
  CreateDataset("staff_c2", 2, {});
  const auto ids = PutRecords("staff_c2", 1205);
  TakeoutRequest req = Request("staff_c2", {});
  req.all = true;
  auto r = engine_->Export(Exporter(), req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const auto lines = Open(req.out_path);
  ASSERT_EQ(lines.size(), ids.size() + 2);
  EXPECT_EQ(lines.back()["records"], 1205);
  EXPECT_EQ(CountKeys("tom/" + r->record.id + "/"), 2u);  // 1000 + 205 lines
}

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

TEST_F(TakeoutTest, ReturnOrDestructionIsConfirmedOnceBySomeoneElse) {
  CreateDataset("staff_c2", 2, {});
  auto r = engine_->Export(Exporter(), Request("staff_c2", PutRecords("staff_c2", 2)));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const std::string id = r->record.id;

  auto self = engine_->ConfirmTakeout(Exporter(), id, TakeoutDisposition::kReturned);
  ASSERT_FALSE(self.has_value());
  EXPECT_EQ(self.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(self.error().subject(), "confirmer");
  EXPECT_EQ(LastEvent().operation, "takeout.confirm");
  EXPECT_EQ(LastEvent().result, "refused");

  Context manager = TestContext();
  manager.actor = "tanaka_kacho";
  auto done = engine_->ConfirmTakeout(manager, id, TakeoutDisposition::kReturned);
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(done->state, "returned");
  EXPECT_EQ(done->confirmed_by, "tanaka_kacho");
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "takeout.confirm");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.attrs.at("takeout"), id);
  EXPECT_EQ(ev.attrs.at("disposition"), "returned");
  EXPECT_EQ(ev.attrs.count("late"), 0u);
  EXPECT_EQ(done->confirm_seq, ev.seq);

  auto again = engine_->ConfirmTakeout(manager, id, TakeoutDisposition::kDestroyed);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), Code::kFailedPrecondition);
  auto unknown =
      engine_->ConfirmTakeout(manager, std::string(32, 'b'), TakeoutDisposition::kDestroyed);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), Code::kNotFound);
  auto malformed = engine_->ConfirmTakeout(manager, "x'; drop", TakeoutDisposition::kDestroyed);
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(LastEvent().result, "refused");
  auto stored = engine_->GetTakeout(TestContext(), id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, "returned");
}

TEST_F(TakeoutTest, DisposeAfterReadingEndsDestroyedAndLateConfirmationIsMarked) {
  CreateDataset("readonce", 2, {"dispose_after_reading"});
  auto r = engine_->Export(Exporter(), Request("readonce", PutRecords("readonce", 1)));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_TRUE(r->record.destroy_only);
  Context manager = TestContext();
  manager.actor = "tanaka_kacho";
  manager.time = JstMidnight(AddToDate(r->record.until, 0, 0, 2));  // two days late
  auto returned = engine_->ConfirmTakeout(manager, r->record.id, TakeoutDisposition::kReturned);
  ASSERT_FALSE(returned.has_value());
  EXPECT_EQ(returned.error().subject(), "dispose_after_reading");
  auto destroyed = engine_->ConfirmTakeout(manager, r->record.id, TakeoutDisposition::kDestroyed);
  ASSERT_TRUE(destroyed.has_value()) << destroyed.error().ToString();
  EXPECT_EQ(destroyed->state, "destroyed");
  EXPECT_EQ(LastEvent().attrs.at("late"), "true");
}

TEST_F(TakeoutTest, TheRegisterListsWhatIsStillOutAndDue) {
  CreateDataset("staff_c2", 2, {});
  const auto ids = PutRecords("staff_c2", 2);
  TakeoutRequest first = Request("staff_c2", {ids[0]});
  first.until = AddToDate(JstDate(NowMicros()), 0, 0, 3);
  TakeoutRequest second = Request("staff_c2", {ids[1]});
  second.out_path = dir_ / "out/second.p7m";
  second.until = AddToDate(JstDate(NowMicros()), 0, 0, 10);
  auto a = engine_->Export(Exporter(), first);
  auto b = engine_->Export(Exporter(), second);
  ASSERT_TRUE(a.has_value() && b.has_value());

  auto all = engine_->ListTakeouts(TestContext(), {});
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a->record.id);  // in export order
  TakeoutFilter due;
  due.open_only = true;
  due.due_before = AddToDate(first.until, 0, 0, 1);
  auto overdue = engine_->ListTakeouts(TestContext(), due);
  ASSERT_TRUE(overdue.has_value());
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_EQ((*overdue)[0].id, a->record.id);
  EXPECT_TRUE((*overdue)[0].ToJson(AddToDate(first.until, 0, 0, 1))["overdue"]);
  EXPECT_EQ(LastEvent().operation, "takeout.list");
  EXPECT_EQ(LastEvent().attrs.at("count"), "1");

  Context manager = TestContext();
  manager.actor = "tanaka_kacho";
  ASSERT_TRUE(engine_->ConfirmTakeout(manager, a->record.id, TakeoutDisposition::kDestroyed));
  auto after = engine_->ListTakeouts(TestContext(), due);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->empty());
}

TEST_F(TakeoutTest, AnAlteredRegisterEntryIsRefused) {
  CreateDataset("staff_c2", 2, {});
  auto r = engine_->Export(Exporter(), Request("staff_c2", PutRecords("staff_c2", 1)));
  ASSERT_TRUE(r.has_value());
  // Someone with write access to mamori.db marks it returned.
  const std::string key = "to/" + r->record.id;
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
                    auto j = nlohmann::json::parse(*raw);
                    j["state"] = "returned";
                    return txn.Put(key, j.dump());
                  })
                  .ok());
  auto got = engine_->GetTakeout(TestContext(), r->record.id);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), Code::kDataLoss);
  EXPECT_EQ(LastEvent().result, "error");
  auto listed = engine_->ListTakeouts(TestContext(), {});
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code(), Code::kDataLoss);
}

TEST_F(TakeoutTest, AnExportInterruptedBeforeItsCommitIsCleanedAtOpen) {
  auto key = engine_->DeriveModuleKey(kEnvelopeKeyLabel);
  ASSERT_TRUE(key.has_value());
  const std::string id(32, 'c');
  const std::string partial = dir_ / "out/crashed.p7m.partial";
  const std::string planted = dir_ / "out/victim.partial";
  { std::ofstream(partial) << "half a file"; }
  { std::ofstream(planted) << "not ours"; }
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_RETURN_IF_ERROR(txn.Put(
                        "tp/" + id, nlohmann::json({{"path", partial},
                                                    {"dataset", "staff_c2"},
                                                    {"m", PendingExportMac(*key, id, partial)}})
                                        .dump()));
                    // A marker planted without the key names another file.
                    return txn.Put("tp/" + std::string(32, 'd'),
                                   nlohmann::json({{"path", planted},
                                                   {"dataset", "staff_c2"},
                                                   {"m", std::string(64, '0')}})
                                       .dump());
                  })
                  .ok());
  Reopen();
  EXPECT_FALSE(std::filesystem::exists(partial));
  EXPECT_TRUE(std::filesystem::exists(planted));
  EXPECT_EQ(CountKeys("tp/"), 1u);  // the planted one stays for the operator
  // The interruption and the invalid marker are both in the log.
  bool interrupted = false, invalid = false;
  ASSERT_TRUE(engine_->data_store()
                  .View([&](store::ReadTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                    for (uint64_t s = 0; s < head.size; ++s) {
                      MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, s));
                      if (!ev || ev->operation != "record.export") continue;
                      interrupted |= ev->reason == "interrupted" && ev->result == "error";
                      invalid |= ev->reason == "pending_marker_invalid" && ev->result == "error";
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(interrupted);
  EXPECT_TRUE(invalid);
  EXPECT_TRUE(Verify().ok);
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
