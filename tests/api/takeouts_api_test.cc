// Take-outs (持ち出し) end to end over HTTPS with real logons, sessions and
// the real authoriser (stack_fixture.h): apply (POST /v1/approvals, type
// takeout), approve by both the section manager and the department officer
// for confidentiality-3 data, export under the approval (POST
// /v1/takeouts), fetch the file, decrypt it with the real `openssl cms
// -decrypt` and compare it with the records, confirm its return, and see
// the register closed. Then every refusal, each checked to change nothing
// (no take-out, no file, the approval unused) and to be audited, and the
// overdue finding across a national holiday.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/findings.h"
#include "analysis/monitor.h"
#include "api/stack_fixture.h"
#include "approval/takeout_flow.h"
#include "jp/business_calendar.h"

namespace mamori::api::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kDs[] = "payroll_account";
constexpr char kPurpose[] = "payroll_transfer";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TakeoutsApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    AddUser("admin1", {"admin"}, "", "情報システム課");
    AddUser("dept1", {"department_officer"});
    AddUser("mgr1", {"section_manager"}, "dept1");
    AddUser("mgr3", {"section_manager"}, "dept1");
    AddUser("mgr2", {"section_manager"}, "", "融資部");
    AddUser("audit1", {"auditor"}, "", "監査室");
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("kenji", {"handler"}, "mgr1");
    AddUser("nogrant", {"handler"}, "mgr2", "融資部");  // the grants are 総務部's

    nlohmann::json def =
        ReadJson(std::string(MAMORI_SOURCE_DIR) + "/scripts/demo-data/payroll_account.json");
    auto made = engine_->CreateDataset(Local(), def);
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    def["name"] = "payroll_b";
    auto b = engine_->CreateDataset(Local(), def);
    ASSERT_TRUE(b.has_value()) << b.error().ToString();
    def["name"] = "payroll_nt";
    def["handling"] = {"no_takeout"};
    auto nt = engine_->CreateDataset(Local(), def);
    ASSERT_TRUE(nt.has_value()) << nt.error().ToString();

    policy::Right right;
    right.role = "handler";
    right.category = made->category;
    right.dataset = kDs;
    right.operation = policy::Operation::kExport;
    right.purpose = kPurpose;
    right.department = "総務部";
    ASSERT_FALSE(GrantThroughFlow(right, "mgr1", "dept1", "admin1").empty());
    right.role = "section_manager";
    ASSERT_FALSE(GrantThroughFlow(right, "mgr1", "dept1", "admin1").empty());
    right.role = "handler";
    right.dataset = "payroll_b";
    ASSERT_FALSE(GrantThroughFlow(right, "mgr1", "dept1", "admin1").empty());

    for (int i = 0; i < 3; ++i) {
      auto r = engine_->Put(engine::TestContext(kPurpose), kDs,
                            {{"name", "試験 " + std::to_string(i)},
                             {"name_kana", "シケン"},
                             {"account",
                              {{"bank_code", "9999"},
                               {"branch_code", "10" + std::to_string(i)},
                               {"type", "普通"},
                               {"number", "000000" + std::to_string(i + 1)},
                               {"holder", "シケン"}}}});
      ASSERT_TRUE(r.has_value()) << r.error().ToString();
      records_.push_back(r->id);
    }

    // Two recipients: the approved one and another.
    const std::string script =
        "set -e; cd '" + pki_ + "'; " +
        "printf 'keyUsage=critical,keyAgreement\\n' > rcpt.ext; "
        "for n in rcpt other; do "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key "
        "-out $n.csr -subj /CN=$n; "
        "openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $n.crt "
        "-days 30 -extfile rcpt.ext; done";
    ASSERT_EQ(std::system(("(" + script + ") >/dev/null 2>&1").c_str()), 0);
    cert_ = ReadFile(pki_ + "/rcpt.crt");
    other_cert_ = ReadFile(pki_ + "/other.crt");
    fingerprint_ = Fingerprint(pki_ + "/rcpt.crt");
    StartStackServer();
    for (const char* u :
         {"admin1", "dept1", "mgr1", "mgr2", "mgr3", "audit1", "hana", "kenji", "nogrant"}) {
      tokens_[u] = Login(u);
    }
  }

  static nlohmann::json ReadJson(const std::string& path) {
    return nlohmann::json::parse(ReadFile(path));
  }

  static std::string Fingerprint(const std::string& cert) {
    const std::string out = (fs::path(cert).parent_path() / "fp.txt").string();
    const std::string cmd = "openssl x509 -in '" + cert +
                            "' -noout -fingerprint -sha256 | cut -d= -f2 | tr -d ':\\n' | "
                            "tr A-F a-f > '" +
                            out + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return ReadFile(out);
  }

  std::string Until(int days) const { return FormatDate(JstDate(NowMicros() + days * kDayUs)); }
  static constexpr TimeMicros kDayUs = 86'400LL * kMicrosPerSecond;

  nlohmann::json Terms() const {
    return {{"purpose", kPurpose},       {"all", true},      {"fields", {"name", "account"}},
            {"recipient", fingerprint_}, {"internal", true}, {"until", Until(7)}};
  }
  HttpResponse Apply(const std::string& who, const nlohmann::json& details,
                     const std::string& dataset = kDs) {
    return Send(tokens_[who], "POST", "/v1/approvals",
                nlohmann::json{{"type", "takeout"},
                               {"subject", dataset},
                               {"action", "record.export"},
                               {"reason", "takeout.bank_transfer"},
                               {"details", details}}
                    .dump());
  }
  std::string Applied(const std::string& who, const nlohmann::json& details) {
    auto r = Apply(who, details);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Decide(const std::string& who, const std::string& id,
                      const std::string& verb = "approve") {
    return Send(tokens_[who], "POST", "/v1/approvals/" + id + "/" + verb);
  }
  // Applied by `who` and approved by both stages.
  std::string Approved(const std::string& who = "hana", nlohmann::json details = nullptr) {
    const std::string id = Applied(who, details.is_null() ? Terms() : details);
    EXPECT_EQ(Decide("mgr1", id).status, 200);
    auto r = Decide("dept1", id);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json().value("state", ""), "approved");
    return id;
  }
  HttpResponse Export(const std::string& who, nlohmann::json body,
                      const std::string& dataset = kDs) {
    if (!body.contains("recipient_certificate")) body["recipient_certificate"] = cert_;
    return Send(tokens_[who], "POST",
                std::string("/v1/takeouts?dataset=") + dataset + "&purpose=" + kPurpose,
                body.dump());
  }

  std::string Spool() const { return engine_->paths().data_dir + "/takeouts"; }
  size_t SpoolFiles() const {
    if (!fs::exists(Spool())) return 0;
    return static_cast<size_t>(std::distance(fs::directory_iterator(Spool()), {}));
  }
  std::vector<engine::TakeoutRecord> Register() {
    auto list = engine_->ListTakeouts(Local(), {});
    EXPECT_TRUE(list.has_value());
    return list.value_or(std::vector<engine::TakeoutRecord>{});
  }
  // A refused export changed nothing and was audited with `reason`.
  void ExpectRefusedExport(const HttpResponse& r, int status, const std::string& reason,
                           const std::string& approval = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Json().value("subject", ""), reason) << r.body;
    EXPECT_TRUE(Register().empty());
    EXPECT_EQ(SpoolFiles(), 0u);
    auto events = EventsOf("record.export");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().result, "refused");
    EXPECT_EQ(events.back().reason, reason);
    if (!approval.empty()) {
      auto a = stack_->approvals().Get(approval);
      ASSERT_TRUE(a.has_value());
      EXPECT_TRUE(a->used_by.empty());
    }
  }

  std::map<std::string, std::string> tokens_;
  std::vector<std::string> records_;
  std::string cert_, other_cert_, fingerprint_;
};

TEST_F(TakeoutsApiTest, ApplyApproveExportDecryptConfirm) {
  // C3: two stages, the section manager's and the department officer's.
  auto applied = Apply("hana", Terms());
  ASSERT_EQ(applied.status, 201) << applied.body;
  const nlohmann::json req = applied.Json();
  ASSERT_EQ(req["stages"].size(), 2u);
  EXPECT_EQ(req["stages"][0]["roles"][0], "section_manager");
  EXPECT_EQ(req["stages"][1]["roles"][0], "department_officer");
  EXPECT_EQ(req["details"]["recipient"], fingerprint_);
  const std::string id = req["id"];
  ASSERT_EQ(Decide("dept1", id).status, 200);  // parallel: any order
  ASSERT_EQ(Decide("mgr1", id).status, 200);

  auto r = Export("hana", {{"approval", id}});
  ASSERT_EQ(r.status, 201) << r.body;
  const nlohmann::json t = r.Json();
  const std::string tid = t["id"];
  EXPECT_EQ(t["records"], 3);
  EXPECT_EQ(t["approval"], id);
  EXPECT_EQ(t["recipient_fingerprint"], fingerprint_);
  EXPECT_EQ(t["fields"], nlohmann::json({"name", "account"}));
  EXPECT_EQ(t["state"], "out");
  EXPECT_EQ(t["approvers"].size(), 2u);
  EXPECT_EQ(fs::status(Spool()).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(Spool() + "/" + id + ".cms").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto a = stack_->approvals().Get(id);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->used_by, tid);

  // The file, to the exporter; decrypted by the recipient with openssl.
  auto f = Send(tokens_["hana"], "GET", "/v1/takeouts/" + tid + "/file");
  ASSERT_EQ(f.status, 200);
  const std::string in = dir_ / "got.p7m", out = dir_ / "plain.jsonl";
  std::ofstream(in, std::ios::binary) << f.body;
  const std::string cmd = "openssl cms -decrypt -binary -inform DER -in '" + in + "' -inkey '" +
                          pki_ + "/rcpt.key' -recip '" + pki_ + "/rcpt.crt' -out '" + out + "'";
  ASSERT_EQ(std::system((cmd + " 2>/dev/null").c_str()), 0);
  std::istringstream lines(ReadFile(out));
  std::vector<nlohmann::json> parsed;
  for (std::string line; std::getline(lines, line);) parsed.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(parsed.size(), 5u);
  EXPECT_EQ(parsed[0]["takeout"], tid);
  EXPECT_EQ(parsed[0]["approval"], id);
  EXPECT_EQ(parsed[0]["label"]["classification"]["confidentiality"], 3);
  EXPECT_TRUE(parsed[4]["end"].get<bool>());
  std::set<std::string> seen;
  for (size_t i = 1; i <= 3; ++i) {
    const std::string rid = parsed[i]["_meta"]["id"];
    seen.insert(rid);
    auto stored = engine_->Get(engine::TestContext(kPurpose), kDs, rid);
    ASSERT_TRUE(stored.has_value());
    const nlohmann::json values = stored->ToJson();
    EXPECT_EQ(parsed[i]["name"], values["name"]);
    EXPECT_EQ(parsed[i]["account"], values["account"]);
    EXPECT_FALSE(parsed[i].contains("name_kana"));  // not an approved field
  }
  EXPECT_EQ(seen, std::set<std::string>(records_.begin(), records_.end()));

  // The manifest to an approver; the register to the auditor.
  auto m = Send(tokens_["mgr1"], "GET", "/v1/takeouts/" + tid + "/manifest");
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.Json()["records"].size(), 3u);
  auto open = Send(tokens_["audit1"], "GET", "/v1/takeouts?open=true");
  ASSERT_EQ(open.status, 200) << open.body;
  ASSERT_EQ(open.Json()["takeouts"].size(), 1u);

  // Returned, confirmed by an approver: closed, the server's copy gone.
  auto c = Send(tokens_["mgr1"], "POST", "/v1/takeouts/" + tid + "/confirm",
                R"({"disposition":"returned"})");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.Json()["state"], "returned");
  EXPECT_EQ(c.Json()["confirmed_by"], "mgr1");
  EXPECT_TRUE(c.Json()["file_removed"].get<bool>());
  EXPECT_EQ(SpoolFiles(), 0u);
  EXPECT_TRUE(Send(tokens_["audit1"], "GET", "/v1/takeouts?open=true").Json()["takeouts"].empty());
  auto all = Send(tokens_["audit1"], "GET", "/v1/takeouts");
  ASSERT_EQ(all.Json()["takeouts"].size(), 1u);
  EXPECT_EQ(all.Json()["takeouts"][0]["state"], "returned");
  EXPECT_EQ(Send(tokens_["hana"], "GET", "/v1/takeouts/" + tid + "/file").status, 404);
  auto exported = EventsOf("record.export");
  ASSERT_EQ(exported.size(), 1u);
  EXPECT_EQ(exported[0].result, "ok");
  EXPECT_EQ(AttrOf(exported[0], "approval"), id);
  EXPECT_EQ(EventsOf("takeout.confirm").back().result, "ok");
}

TEST_F(TakeoutsApiTest, ExportWithoutApprovalIsRefused) {
  ExpectRefusedExport(Export("hana", {{"approval", "A99999999"}}), 404, "approval");
  ExpectRefusedExport(Export("hana", {{"approval", ""}}), 404, "approval");
}

// The export names its dataset and purpose in the query: without them, or
// with a purpose the dataset does not register, it is refused before the
// engine, and nothing is written.
TEST_F(TakeoutsApiTest, AnExportWithoutItsDatasetOrPurposeIsRefused) {
  const std::string id = Approved();
  const std::string body =
      nlohmann::json{{"approval", id}, {"recipient_certificate", cert_}}.dump();
  for (const std::string& target :
       {std::string("/v1/takeouts?purpose=") + kPurpose, std::string("/v1/takeouts?dataset=") + kDs,
        std::string("/v1/takeouts?dataset=") + kDs + "&purpose=marketing",
        std::string("/v1/takeouts")}) {
    auto r = Send(tokens_["hana"], "POST", target, body);
    EXPECT_TRUE(r.status == 400 || r.status == 403) << target << " " << r.body;
  }
  EXPECT_TRUE(Register().empty());
  EXPECT_EQ(SpoolFiles(), 0u);
  EXPECT_TRUE(stack_->approvals().Get(id)->used_by.empty());
  // The same approval still takes the records out when asked properly.
  EXPECT_EQ(Export("hana", {{"approval", id}}).status, 201);
}

TEST_F(TakeoutsApiTest, PendingApprovalWithOnlyTheSectionManagerIsRefused) {
  const std::string id = Applied("hana", Terms());
  ASSERT_EQ(Decide("mgr1", id).status, 200);  // one of the two stages
  ExpectRefusedExport(Export("hana", {{"approval", id}}), 403,
                      std::string(approval::kTakeoutNotApproved), id);
  const std::string other = Applied("hana", Terms());
  ASSERT_EQ(Decide("dept1", other).status, 200);  // the other one only
  ExpectRefusedExport(Export("hana", {{"approval", other}}), 403,
                      std::string(approval::kTakeoutNotApproved), other);
}

TEST_F(TakeoutsApiTest, RejectedAndCancelledApprovalsAreRefused) {
  const std::string rejected = Applied("hana", Terms());
  ASSERT_EQ(Decide("mgr1", rejected).status, 200);
  ASSERT_EQ(Decide("dept1", rejected, "reject").status, 200);
  ExpectRefusedExport(Export("hana", {{"approval", rejected}}), 403,
                      std::string(approval::kTakeoutNotApproved), rejected);
  const std::string cancelled = Applied("hana", Terms());
  ASSERT_EQ(Decide("hana", cancelled, "cancel").status, 200);
  ExpectRefusedExport(Export("hana", {{"approval", cancelled}}), 403,
                      std::string(approval::kTakeoutNotApproved), cancelled);
}

TEST_F(TakeoutsApiTest, ExpiredApprovalIsRefused) {
  const std::string id = Approved();
  // Its lifetime is over (as the clock of a week later would see it).
  auto a = stack_->approvals().Get(id);
  ASSERT_TRUE(a.has_value());
  a->expires_at = NowMicros() - 1;
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) {
                    return txn.Put("apv/r/" + id, approval::RequestToJson(*a).dump());
                  })
                  .ok());
  ExpectRefusedExport(Export("hana", {{"approval", id}}), 403,
                      std::string(approval::kTakeoutExpired), id);
}

TEST_F(TakeoutsApiTest, AnApprovalIsUsedOnce) {
  const std::string id = Approved();
  ASSERT_EQ(Export("hana", {{"approval", id}}).status, 201);
  auto again = Export("hana", {{"approval", id}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.Json().value("subject", ""), approval::kAlreadyUsed);
  EXPECT_EQ(Register().size(), 1u);
  EXPECT_EQ(SpoolFiles(), 1u);
  auto events = EventsOf("record.export");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].result, "refused");
  EXPECT_EQ(events[1].reason, approval::kAlreadyUsed);
}

TEST_F(TakeoutsApiTest, ExportOutsideTheApprovedTermsIsRefused) {
  const std::string id = Approved();
  const std::string outside(approval::kTakeoutOutside);
  // Another dataset, which hana may export too.
  ExpectRefusedExport(Export("hana", {{"approval", id}}, "payroll_b"), 403,
                      std::string(approval::kTakeoutMismatch), id);
  ExpectRefusedExport(Export("hana", {{"approval", id}, {"fields", {"name", "name_kana"}}}), 403,
                      outside, id);
  ExpectRefusedExport(Export("hana", {{"approval", id}, {"recipient_certificate", other_cert_}}),
                      403, outside, id);
  ExpectRefusedExport(Export("hana", {{"approval", id}, {"until", Until(8)}}), 403, outside, id);
  // Narrower than approved is inside: fewer fields, fewer records, earlier.
  auto r = Export(
      "hana",
      {{"approval", id}, {"fields", {"name"}}, {"records", {records_[0]}}, {"until", Until(3)}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["records"], 1);
}

TEST_F(TakeoutsApiTest, AnApprovalOfSelectedRecordsAllowsNoOthers) {
  nlohmann::json terms = Terms();
  terms.erase("all");
  terms["records"] = {records_[0]};
  const std::string id = Approved("hana", terms);
  ExpectRefusedExport(Export("hana", {{"approval", id}, {"all", true}}), 403,
                      std::string(approval::kTakeoutOutside), id);
  ExpectRefusedExport(Export("hana", {{"approval", id}, {"records", {records_[1]}}}), 403,
                      std::string(approval::kTakeoutOutside), id);
  ASSERT_EQ(Export("hana", {{"approval", id}}).status, 201);
}

TEST_F(TakeoutsApiTest, ExporterMustBeTheApplicant) {
  const std::string id = Approved("hana");
  ExpectRefusedExport(Export("kenji", {{"approval", id}}), 403,
                      std::string(approval::kTakeoutNotApplicant), id);
}

TEST_F(TakeoutsApiTest, SelfApprovalAndWrongRolesCannotApprove) {
  // mgr3 (a section manager holding the export grant) applies: he cannot
  // approve his own stage; a section manager of another department cannot
  // either; a handler may not decide at all.
  const std::string id = Applied("mgr3", Terms());
  auto self = Decide("mgr3", id);
  EXPECT_EQ(self.status, 403);
  EXPECT_EQ(self.Json().value("subject", ""), approval::kSelfApproval);
  auto other = Decide("mgr2", id);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.Json().value("subject", ""), approval::kNotApprover);
  EXPECT_EQ(Decide("kenji", id).status, 403);
  // The department officer's approval alone leaves it pending.
  ASSERT_EQ(Decide("dept1", id).status, 200);
  ExpectRefusedExport(Export("mgr3", {{"approval", id}}), 403,
                      std::string(approval::kTakeoutNotApproved), id);
  // The department officer cannot take the section manager's stage too.
  auto twice = Decide("dept1", id);
  EXPECT_EQ(twice.status, 403);
}

TEST_F(TakeoutsApiTest, NoTakeoutDatasetIsRefusedAtApplicationAndAtExport) {
  auto r = Apply("hana", Terms(), "payroll_nt");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Json().value("subject", ""), "no_takeout");
  auto submitted = EventsOf("approval.submit");
  ASSERT_FALSE(submitted.empty());
  EXPECT_EQ(submitted.back().result, "refused");
  auto list = stack_->approvals().List();
  ASSERT_TRUE(list.has_value());
  for (const auto& a : *list) EXPECT_NE(a.type, "takeout");
  // The export is refused by the policy before the engine is reached,
  // whatever approval it names: audited as the authoriser's refusal.
  const std::string id = Approved();
  auto r2 = Export("hana", {{"approval", id}}, "payroll_nt");
  EXPECT_EQ(r2.status, 403) << r2.body;
  EXPECT_EQ(r2.Json().value("subject", ""), "policy.handling_no_takeout");
  EXPECT_TRUE(Register().empty());
  EXPECT_EQ(SpoolFiles(), 0u);
  auto refused = EventsOf("policy.authorize");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused.back().reason, "policy.handling_no_takeout");
  EXPECT_EQ(refused.back().dataset, "payroll_nt");
  EXPECT_TRUE(stack_->approvals().Get(id)->used_by.empty());
}

TEST_F(TakeoutsApiTest, BadApplicationsAreRefused) {
  nlohmann::json t = Terms();
  t["recipient"] = "not-a-fingerprint";
  EXPECT_EQ(Apply("hana", t).status, 400);
  t = Terms();
  t["fields"] = {"no_such_field"};
  EXPECT_EQ(Apply("hana", t).status, 400);
  t = Terms();
  t["until"] = Until(400);
  EXPECT_EQ(Apply("hana", t).status, 400);
  t = Terms();
  t["comment"] = "free text";
  EXPECT_EQ(Apply("hana", t).status, 400);
  // Details on a flow that takes none.
  auto r = Send(tokens_["hana"], "POST", "/v1/approvals",
                nlohmann::json{{"type", "non_standard_work"},
                               {"subject", "x/y"},
                               {"action", "record.shred"},
                               {"reason", "x"},
                               {"details", Terms()}}
                    .dump());
  EXPECT_EQ(r.status, 400) << r.body;
  auto list = stack_->approvals().List();
  ASSERT_TRUE(list.has_value());
  EXPECT_TRUE(std::none_of(list->begin(), list->end(),
                           [](const approval::Request& a) { return a.type == "takeout"; }));
}

TEST_F(TakeoutsApiTest, TheExporterCannotConfirmTheirOwnTakeout) {
  // mgr3 holds an approving role in the department, so only the engine's
  // rule (confirmer ≠ exporter) stands between him and his own take-out.
  const std::string id = Approved("mgr3");
  auto r = Export("mgr3", {{"approval", id}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string tid = r.Json()["id"];
  auto c = Send(tokens_["mgr3"], "POST", "/v1/takeouts/" + tid + "/confirm",
                R"({"disposition":"destroyed"})");
  EXPECT_EQ(c.status, 403) << c.body;
  auto confirms = EventsOf("takeout.confirm");
  ASSERT_FALSE(confirms.empty());
  EXPECT_EQ(confirms.back().result, "refused");
  // A section manager of another department is not a confirmer of it.
  auto other = Send(tokens_["mgr2"], "POST", "/v1/takeouts/" + tid + "/confirm",
                    R"({"disposition":"destroyed"})");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(other.Json().value("subject", ""), "takeout.not_confirmer");
  ASSERT_EQ(Register().size(), 1u);
  EXPECT_EQ(Register()[0].state, "out");
  EXPECT_EQ(SpoolFiles(), 1u);
  // An approver may.
  auto ok = Send(tokens_["mgr1"], "POST", "/v1/takeouts/" + tid + "/confirm",
                 R"({"disposition":"destroyed"})");
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(TakeoutsApiTest, OnlyTheExporterFetchesTheFile) {
  const std::string id = Approved();
  auto r = Export("hana", {{"approval", id}});
  ASSERT_EQ(r.status, 201);
  const std::string tid = r.Json()["id"];
  const size_t before = EventsOf("api.request").size();
  for (const char* who : {"kenji", "mgr1", "dept1", "audit1"}) {
    auto f = Send(tokens_[who], "GET", "/v1/takeouts/" + tid + "/file");
    EXPECT_EQ(f.status, 403) << who << " " << f.body;
    EXPECT_EQ(f.Json().value("subject", ""), "takeout.not_exporter");
  }
  // Each refusal is audited (by the pipeline: api.request, refused).
  auto refusals = EventsOf("api.request");
  ASSERT_EQ(refusals.size(), before + 4);
  for (size_t i = before; i < refusals.size(); ++i) EXPECT_EQ(refusals[i].result, "refused");
  // kenji (neither exporter nor approver nor register reader) does not
  // even see it.
  EXPECT_EQ(Send(tokens_["kenji"], "GET", "/v1/takeouts/" + tid).status, 404);
  EXPECT_EQ(Send(tokens_["kenji"], "GET", "/v1/takeouts/" + tid + "/manifest").status, 404);
  EXPECT_EQ(Send(tokens_["hana"], "GET", "/v1/takeouts/" + tid + "/file").status, 200);
}

TEST_F(TakeoutsApiTest, WithoutTheRightNothingRuns) {
  const std::string id = Approved();
  auto r = Export("nogrant", {{"approval", id}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(Register().empty());
  EXPECT_EQ(SpoolFiles(), 0u);
  EXPECT_TRUE(EventsOf("record.export").empty());  // refused by the authoriser
  // The register is not for handlers; confirmation not for auditors.
  EXPECT_EQ(Send(tokens_["hana"], "GET", "/v1/takeouts").status, 403);
  EXPECT_EQ(Send(tokens_["admin1"], "GET", "/v1/takeouts").status, 403);
  ASSERT_EQ(Export("hana", {{"approval", id}}).status, 201);
  const std::string tid = Register()[0].id;
  EXPECT_EQ(Send(tokens_["audit1"], "POST", "/v1/takeouts/" + tid + "/confirm",
                 R"({"disposition":"returned"})")
                .status,
            403);
  EXPECT_EQ(Send("", "GET", "/v1/takeouts").status, 401);
}

// Due on `until`, moved past closed days: with until on a Saturday before a
// Monday holiday the take-out is due on Tuesday, and a finding only from
// Wednesday.
TEST_F(TakeoutsApiTest, AnUnconfirmedTakeoutBecomesAFindingAfterItsDueBusinessDay) {
  jp::BusinessCalendar cal;
  const int64_t today = DaysFromCivil(JstDate(NowMicros()));
  int64_t sat = -1;
  for (int64_t d = today + 1; d < today + 360; ++d) {
    if ((d + 4) % 7 == 6 && !cal.IsBusinessDayNumber(d + 2) && cal.IsBusinessDayNumber(d + 3)) {
      sat = d;
      break;
    }
  }
  ASSERT_GT(sat, 0);
  nlohmann::json terms = Terms();
  terms["until"] = FormatDate(CivilFromDays(sat));
  const std::string id = Approved("hana", terms);
  auto r = Export("hana", {{"approval", id}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string tid = r.Json()["id"];

  analysis::MonitorOptions options;
  options.open_takeouts = analysis::OpenTakeoutsOf(*engine_);
  auto noon = [](int64_t day) {
    return JstMidnight(CivilFromDays(day)) + 12 * 3600 * kMicrosPerSecond;
  };
  auto overdue = [&] {
    analysis::FindingFilter f;
    f.rule = analysis::Rule::kTakeoutOverdue;
    auto list = stack_->findings().List(f);
    EXPECT_TRUE(list.has_value());
    return list.value_or(std::vector<analysis::Finding>{});
  };
  for (int64_t day : {sat + 2, sat + 3}) {  // the holiday, then the due day
    analysis::Monitor m(engine_->data_store(), stack_->directory(), options);
    auto round = m.Round(noon(day));
    ASSERT_TRUE(round.has_value()) << round.error().ToString();
    EXPECT_TRUE(overdue().empty()) << FormatDate(CivilFromDays(day));
  }
  analysis::Monitor m(engine_->data_store(), stack_->directory(), options);
  ASSERT_TRUE(m.Round(noon(sat + 4)).has_value());
  auto found = overdue();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].actor, "hana");
  EXPECT_EQ(found[0].detail, tid);
  EXPECT_EQ(found[0].dataset, kDs);
  // Once confirmed, no new finding on later days.
  ASSERT_EQ(Send(tokens_["mgr1"], "POST", "/v1/takeouts/" + tid + "/confirm",
                 R"({"disposition":"returned"})")
                .status,
            200);
  analysis::Monitor later(engine_->data_store(), stack_->directory(), options);
  ASSERT_TRUE(later.Round(noon(sat + 6)).has_value());
  EXPECT_EQ(overdue().size(), 1u);
}

}  // namespace
}  // namespace mamori::api::testing

namespace mamori::api::testing {
namespace {

// `mamori takeouts …` as a separate process on the same store, as a person
// at the server's console: each verb is the route's request through the
// API's own pipeline (api/console.h), with the same refusals.
class TakeoutsCliTest : public TakeoutsApiTest {
 protected:
  int Mamori(const std::string& args, std::string* out,
             const std::string& password = kStackPassword) {
    return RunMamori(args, password, out);
  }
  std::string Args(const std::string& verb, const std::string& user) const {
    return "takeouts " + verb + " --user " + user;
  }
  std::string Terms(const std::string& selection) const {
    return std::string(" --dataset ") + kDs + " --purpose " + kPurpose + " --recipient-cert '" +
           pki_ + "/rcpt.crt' --until " + Until(7) + " --reason takeout.bank_transfer " +
           selection + " --field name --field account --internal";
  }
  std::string ExportArgs(const std::string& id, const std::string& out) const {
    return std::string(" --approval ") + id + " --dataset " + kDs + " --purpose " + kPurpose +
           " --recipient-cert '" + pki_ + "/rcpt.crt' --out '" + out + "'";
  }
};

TEST_F(TakeoutsCliTest, ApplyExportDecryptAndConfirmAtTheConsole) {
  std::string out;
  ASSERT_EQ(Mamori(Args("apply", "hana") + Terms("--all"), &out), 0) << out;
  const nlohmann::json applied = nlohmann::json::parse(out);
  const std::string id = applied["id"];
  EXPECT_EQ(applied["details"]["recipient"], fingerprint_);
  EXPECT_EQ(applied["stages"].size(), 2u);
  ASSERT_EQ(Decide("mgr1", id).status, 200);
  ASSERT_EQ(Decide("dept1", id).status, 200);

  const std::string saved = dir_ / "cli.p7m";
  ASSERT_EQ(Mamori(Args("export", "hana") + ExportArgs(id, saved), &out), 0) << out;
  const nlohmann::json t = nlohmann::json::parse(out);
  const std::string tid = t["id"];
  EXPECT_EQ(t["records"], 3);
  EXPECT_GT(t["saved"]["bytes"].get<size_t>(), 0u);
  EXPECT_EQ(fs::status(saved).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  const std::string plain = dir_ / "cli.jsonl";
  const std::string cmd = "openssl cms -decrypt -binary -inform DER -in '" + saved + "' -inkey '" +
                          pki_ + "/rcpt.key' -recip '" + pki_ + "/rcpt.crt' -out '" + plain +
                          "' 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::istringstream lines(ReadFile(plain));
  size_t n = 0;
  for (std::string line; std::getline(lines, line);) ++n;
  EXPECT_EQ(n, 5u);  // label, three records, trailer
  auto exported = EventsOf("record.export");
  ASSERT_EQ(exported.size(), 1u);
  EXPECT_EQ(exported[0].actor, "hana");
  EXPECT_TRUE(exported[0].terminal.starts_with("local:")) << exported[0].terminal;

  ASSERT_EQ(Mamori(Args("show", "mgr1") + " --id " + tid, &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["state"], "out");
  ASSERT_EQ(Mamori(Args("manifest", "mgr1") + " --id " + tid, &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["records"].size(), 3u);
  ASSERT_EQ(Mamori(Args("list", "audit1") + " --open", &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["takeouts"].size(), 1u);
  ASSERT_EQ(Mamori(Args("confirm", "mgr1") + " --id " + tid + " --disposition returned", &out), 0)
      << out;
  EXPECT_EQ(nlohmann::json::parse(out)["state"], "returned");
  EXPECT_EQ(SpoolFiles(), 0u);
}

TEST_F(TakeoutsCliTest, TheConsoleRefusesWhatTheApiRefuses) {
  std::string out;
  // Neither --all nor --record, or both: refused before any logon.
  const size_t logons = EventsOf("identity.login").size();
  EXPECT_EQ(Mamori(Args("apply", "hana") + Terms(""), &out), 1);
  EXPECT_NE(out.find("--all"), std::string::npos) << out;
  EXPECT_EQ(Mamori(Args("apply", "hana") + Terms("--all --record " + records_[0]), &out), 1);
  EXPECT_EQ(EventsOf("identity.login").size(), logons);
  // A wrong password: the logon is refused and audited, nothing applied.
  EXPECT_EQ(Mamori(Args("apply", "hana") + Terms("--all"), &out, "not-the-password"), 1);
  EXPECT_EQ(EventsOf("identity.login").back().result, "refused");
  EXPECT_TRUE(EventsOf("approval.submit").empty());

  ASSERT_EQ(Mamori(Args("apply", "hana") + Terms("--all"), &out), 0) << out;
  const std::string id = nlohmann::json::parse(out)["id"];
  // The applicant cannot approve at the console either.
  EXPECT_EQ(Mamori("approvals approve --id " + id + " --user hana", &out), 1);
  // Exported before both approvals: refused, audited, nothing written.
  ASSERT_EQ(Decide("mgr1", id).status, 200);
  const std::string saved = dir_ / "early.p7m";
  EXPECT_EQ(Mamori(Args("export", "hana") + ExportArgs(id, saved), &out), 1);
  EXPECT_TRUE(Register().empty());
  EXPECT_EQ(SpoolFiles(), 0u);
  ASSERT_FALSE(EventsOf("record.export").empty());
  EXPECT_EQ(EventsOf("record.export").back().reason, "takeout.not_approved");
  EXPECT_TRUE(stack_->approvals().Get(id)->used_by.empty());
  EXPECT_FALSE(fs::exists(saved));
  // Someone without the export grant, with the approval of another.
  ASSERT_EQ(Decide("dept1", id).status, 200);
  EXPECT_EQ(Mamori(Args("export", "nogrant") + ExportArgs(id, saved), &out), 1);
  EXPECT_TRUE(Register().empty());
  EXPECT_FALSE(fs::exists(saved));

  ASSERT_EQ(Mamori(Args("export", "hana") + ExportArgs(id, saved), &out), 0) << out;
  const std::string tid = nlohmann::json::parse(out)["id"];
  // The file goes to its exporter only, and never over an existing file.
  const std::string stolen = dir_ / "stolen.p7m";
  EXPECT_EQ(Mamori(Args("file", "kenji") + " --id " + tid + " --out '" + stolen + "'", &out), 1);
  EXPECT_FALSE(fs::exists(stolen));
  const std::string before = ReadFile(saved);
  EXPECT_EQ(Mamori(Args("file", "hana") + " --id " + tid + " --out '" + saved + "'", &out), 1);
  EXPECT_NE(out.find("exists"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(saved), before);
  // The register is not a handler's; kenji does not even see the take-out.
  EXPECT_EQ(Mamori(Args("list", "hana"), &out), 1);
  EXPECT_EQ(Mamori(Args("show", "kenji") + " --id " + tid, &out), 1);
  EXPECT_NE(out.find("not_found"), std::string::npos) << out;
  // The exporter cannot confirm their own; an auditor may not confirm.
  EXPECT_EQ(Mamori(Args("confirm", "hana") + " --id " + tid + " --disposition returned", &out), 1);
  EXPECT_EQ(Mamori(Args("confirm", "audit1") + " --id " + tid + " --disposition returned", &out),
            1);
  EXPECT_EQ(Mamori(Args("confirm", "mgr1") + " --id " + tid + " --disposition lost", &out), 1);
  EXPECT_EQ(Register()[0].state, "out");
}

}  // namespace
}  // namespace mamori::api::testing
