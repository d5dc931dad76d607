// Datasets, records and the audit log through HTTPS, with the real access
// rules (identity + policy, stack_fixture.h): the happy paths of a handler
// holding grants given through the three-person flow, the purpose rules,
// bad input (each refused with its problem, nothing changed, the refusal
// audited), and that nothing under /v1 answers without authentication.
#include <sys/wait.h>

#include <algorithm>

#include "api/routes.h"
#include "api/stack_fixture.h"
#include "approval/approvals.h"

namespace mamori::api::testing {
namespace {

const std::string kRecords = std::string("/v1/datasets/") + kDataset + "/records";

class RecordsApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    AddUser("kanri", {"admin"}, "", "情報システム課");
    AddUser("kacho", {"section_manager"});
    AddUser("bucho", {"department_officer"});
    AddUser("kansa", {"auditor"}, "", "監査室");
    AddUser("alice", {"handler"}, "kacho");
    AddUser("bob", {"handler"}, "", "融資部");
    AddUser("carol", {"handler"}, "kacho");
    auto def = engine_->CreateDataset(Local(), engine::EmployeeDataset());
    ASSERT_TRUE(def.has_value()) << def.error().ToString();
    for (auto op : {policy::Operation::kWrite, policy::Operation::kRead, policy::Operation::kFind,
                    policy::Operation::kShred}) {
      policy::Right right;
      right.role = "handler";
      right.category = def->category;
      right.dataset = kDataset;
      right.operation = op;
      right.department = "総務部";
      if (policy::NeedsPurpose(op)) right.purpose = "withholding";
      right.unmask = op == policy::Operation::kRead;
      ASSERT_FALSE(GrantThroughFlow(right, "kacho", "bucho", "kanri").empty());
    }
    StartStackServer();
    token_ = Login("alice");
  }

  std::string Put(uint64_t i, const std::string& name = "山田 太郎") {
    auto r = Call("POST", kRecords + "?purpose=withholding", RecordJson(i, name));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  // An approved non-standard-work request of alice's to shred record `id`
  // (the disposal outside the retention sweep, [003 V(4)①D]); its id.
  std::string ApprovedShred(const std::string& id) {
    auto r = Call("POST", "/v1/approvals",
                  nlohmann::json{{"type", "non_standard_work"},
                                 {"subject", std::string(kDataset) + "/" + id},
                                 {"action", "record.shred"},
                                 {"reason", "retention.early_disposal"}}
                      .dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string approval = r.Json().value("id", "");
    auto ok = Send(Login("kacho"), "POST", "/v1/approvals/" + approval + "/approve");
    EXPECT_EQ(ok.status, 200) << ok.body;
    return approval;
  }

  // The problem members every error must have.
  static void ExpectProblem(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    const auto j = r.Json();
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j.value("code", ""), code) << r.body;
    EXPECT_EQ(j.value("status", 0), status);
    EXPECT_FALSE(j.value("title", "").empty());
    EXPECT_FALSE(j.value("title_ja", "").empty());
    EXPECT_FALSE(j.value("detail", "").empty());
    EXPECT_EQ(j.value("type", ""), "urn:mamori:problem:" + code);
    EXPECT_EQ(j.value("request_id", ""), r.Header("x-request-id"));
  }
};

TEST_F(RecordsApiTest, PutGetUpdateHistoryFindListShred) {
  const std::string id = Put(1);
  ASSERT_EQ(id.size(), 32u);
  const std::string one = kRecords + "/" + id;

  auto got = Call("GET", one + "?purpose=withholding");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Json()["my_number"], engine::TestMyNumber(1));
  EXPECT_EQ(got.Json()["_meta"]["version"], 1);
  EXPECT_EQ(got.Json()["_meta"]["created_by"], "alice");

  auto updated = Call("PATCH", one + "?purpose=withholding", R"({"name": "山田 花子"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["version"], 2);

  auto history = Call("GET", one + "/history?purpose=withholding");
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.Json()["versions"].size(), 2u);
  EXPECT_EQ(history.Json()["versions"][0]["name"], "山田 太郎");
  EXPECT_EQ(history.Json()["versions"][1]["name"], "山田 花子");

  // Kana search is normalised: half-width, hiragana and katakana all match.
  auto found = Call(
      "GET",
      kRecords + "?purpose=withholding&field=name_kana&value=%EF%BE%94%EF%BE%8F%EF%BE%80%EF%BE%9E");
  ASSERT_EQ(found.status, 200) << found.body;
  found = Call("GET",
               kRecords + "?purpose=withholding&field=my_number&value=" + engine::TestMyNumber(1));
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.Json()["ids"], nlohmann::json::array({id}));

  Put(2);
  Put(3);
  auto page = Call("GET", kRecords + "?purpose=withholding&limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.Json()["records"].size(), 2u);
  const std::string cursor = page.Json()["next_cursor"];
  auto rest = Call("GET", kRecords + "?purpose=withholding&limit=2&cursor=" + cursor);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(rest.Json()["records"].size(), 1u);
  EXPECT_TRUE(rest.Json()["next_cursor"].is_null());

  auto shred = Call("DELETE", one + "?reason=purpose_ended&approval=" + ApprovedShred(id));
  ASSERT_EQ(shred.status, 200) << shred.body;
  EXPECT_EQ(shred.Json()["record"], id);
  EXPECT_FALSE(shred.Json().value("signature", "").empty());
  auto gone = Call("GET", one + "?purpose=withholding");
  ExpectProblem(gone, 404, "not_found");
  EXPECT_TRUE(Verify().ok);
}

// Find is paged like the list: limit, cursor, and next_cursor saying that
// more follow (null on the last page); `ids` keeps its shape.
TEST_F(RecordsApiTest, FindPagesWithCursorAndLimit) {
  std::vector<std::string> ids = {Put(1), Put(2), Put(3)};
  std::sort(ids.begin(), ids.end());
  const std::string find =
      kRecords + "?purpose=withholding&field=name&value=%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E";
  auto first = Call("GET", find + "&limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["ids"], nlohmann::json({ids[0], ids[1]}));
  ASSERT_TRUE(first.Json()["next_cursor"].is_string());
  EXPECT_EQ(LastEvent().attrs.at("matches"), "2");
  EXPECT_EQ(LastEvent().attrs.at("more"), "true");
  auto rest =
      Call("GET", find + "&limit=2&cursor=" + first.Json()["next_cursor"].get<std::string>());
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(rest.Json()["ids"], nlohmann::json({ids[2]}));
  EXPECT_TRUE(rest.Json()["next_cursor"].is_null());
  EXPECT_EQ(LastEvent().attrs.at("matches"), "1");
  // Without a limit: the default page (100).
  auto all = Call("GET", find);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json()["ids"].size(), 3u);
  ExpectProblem(Call("GET", find + "&limit=0"), 400, "invalid_argument");
  EXPECT_EQ(LastEvent().operation, "record.find");
  EXPECT_EQ(LastEvent().result, "refused");
  ExpectProblem(Call("GET", find + "&limit=1001"), 400, "invalid_argument");
  ExpectProblem(Call("GET", find + "&cursor=not-a-record-id"), 400, "invalid_argument");
}

TEST_F(RecordsApiTest, ContextComesFromThePrincipalAndTheRequest) {
  auto r = Call("POST", kRecords + "?purpose=withholding", RecordJson(1));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.Header("location"), kRecords + "/" + r.Json()["id"].get<std::string>());
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "record.put");
  EXPECT_EQ(ev.actor, "alice");
  EXPECT_EQ(ev.terminal, kTerminalId);
  EXPECT_EQ(ev.purpose, "withholding");
  EXPECT_EQ(ev.request_id, r.Header("x-request-id"));
  EXPECT_EQ(ev.seq, r.Json()["audit_seq"]);
}

TEST_F(RecordsApiTest, MissingPurposeIsRefusedAndAudited) {
  const std::string id = Put(1);
  auto r = Call("GET", kRecords + "/" + id);
  ExpectProblem(r, 400, "purpose_required");
  EXPECT_EQ(r.Json()["subject"], "purpose");
  // Refused by policy before the engine ran, and audited there.
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "policy.authorize");
  EXPECT_EQ(AttrOf(ev, "operation"), "read");
  EXPECT_EQ(ev.reason, "policy.purpose_required");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.request_id, r.Header("x-request-id"));

  ExpectProblem(Call("POST", kRecords, RecordJson(2)), 400, "purpose_required");
  EXPECT_EQ(AttrOf(LastEvent(), "operation"), "write");
  ExpectProblem(Call("GET", kRecords + "?purpose="), 400, "purpose_required");
  EXPECT_EQ(AttrOf(LastEvent(), "operation"), "read");
  EXPECT_EQ(CountKeys("r/" + std::string(kDataset) + "/"), 1u);
}

TEST_F(RecordsApiTest, UnregisteredPurposeIsRefusedAndAudited) {
  const std::string id = Put(1);
  auto r = Call("GET", kRecords + "/" + id + "?purpose=marketing");
  ExpectProblem(r, 403, "purpose_not_registered");
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.reason, "policy.purpose_not_registered");
  // What was typed as the purpose never reaches the log or the answer.
  EXPECT_EQ(ev.purpose, audit::kUnregisteredPurpose);
  EXPECT_EQ(r.body.find("marketing"), std::string::npos);
  // The record's value is not in the problem.
  EXPECT_EQ(r.body.find(engine::TestMyNumber(1)), std::string::npos);
}

TEST_F(RecordsApiTest, MalformedJsonIsRefusedAuditedAndChangesNothing) {
  auto r = Call("POST", kRecords + "?purpose=withholding", R"({"name": "山田)");
  ExpectProblem(r, 400, "malformed_json");
  EXPECT_EQ(r.Json()["subject"], "body");
  // Authorised first, then refused by the body's decoding: the server
  // audits that refusal.
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "api.request");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.reason, "malformed_json");
  EXPECT_EQ(ev.request_id, r.Header("x-request-id"));
  EXPECT_EQ(CountKeys("r/" + std::string(kDataset) + "/"), 0u);

  // Too deep to be a record; a number out of range.
  ExpectProblem(Call("POST", kRecords + "?purpose=withholding", std::string(100, '[')), 400,
                "malformed_json");
  // A number out of range is well-formed JSON that no double holds: 400
  // naming the member (it was a 500), never the number.
  auto out_of_range = Call("POST", kRecords + "?purpose=withholding", R"({"amount": 1e400})");
  ExpectProblem(out_of_range, 400, "invalid_argument");
  EXPECT_EQ(out_of_range.Json()["subject"], "amount");
  // The administrator may register datasets; a malformed definition is
  // refused the same way.
  token_ = Login("kanri");
  ExpectProblem(Call("POST", "/v1/datasets", "{"), 400, "malformed_json");
  EXPECT_EQ(LastEvent().operation, "api.request");
}

TEST_F(RecordsApiTest, WrongContentTypeIs415) {
  auto r = Call("POST", kRecords + "?purpose=withholding", RecordJson(1),
                {{"Content-Type", "text/plain"}});
  ExpectProblem(r, 415, "unsupported_media_type");
  EXPECT_EQ(LastEvent().result, "refused");
  auto ok = Call("POST", kRecords + "?purpose=withholding", RecordJson(1),
                 {{"Content-Type", "application/json; charset=UTF-8"}});
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(RecordsApiTest, InvalidValuesAndUnknownParameters) {
  auto r = Call("POST", kRecords + "?purpose=withholding",
                R"({"my_number": "123456789012", "name": "山田 太郎"})");
  ExpectProblem(r, 400, "invalid_argument");
  EXPECT_EQ(r.Json()["subject"], "my_number");
  EXPECT_EQ(r.body.find("123456789012"), std::string::npos);

  ExpectProblem(Call("GET", kRecords + "?purpse=withholding"), 400, "unknown_parameter");
  ExpectProblem(Call("GET", kRecords + "?purpose=withholding&purpose=x"), 400, "bad_request");
  ExpectProblem(Call("GET", kRecords + "?purpose=withholding&limit=abc"), 400, "invalid_argument");
  ExpectProblem(Call("GET", "/v1/datasets/nope/records?purpose=withholding"), 404, "not_found");
  ExpectProblem(Call("DELETE", kRecords + "/" + std::string(32, 'a')), 400, "invalid_argument");
}

// A handler of another department holds the role the grants name, but not
// the designation: every record operation is refused, and audited.
TEST_F(RecordsApiTest, AHandlerOutsideTheDesignationIsRefused) {
  const std::string id = Put(1);
  token_ = Login("bob");
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", kRecords + "/" + id + "?purpose=withholding"},
           {"GET", kRecords + "/" + id + "/history?purpose=withholding"},
           {"GET", kRecords + "?purpose=withholding"},
           {"GET", kRecords + "?purpose=withholding&field=name&value=x"},
           {"PATCH", kRecords + "/" + id + "?purpose=withholding"},
           {"POST", kRecords + "?purpose=withholding"},
           {"DELETE", kRecords + "/" + id + "?reason=purpose_ended"}}) {
    SCOPED_TRACE(method + " " + target);
    auto r = Call(method, target, method == "GET" || method == "DELETE" ? "" : RecordJson(9));
    ExpectProblem(r, 403, "permission_denied");
    EXPECT_EQ(r.body.find(engine::TestMyNumber(1)), std::string::npos);
    EXPECT_EQ(LastEvent().operation, "policy.authorize");
    EXPECT_EQ(LastEvent().actor, "bob");
    EXPECT_EQ(LastEvent().reason, "policy.no_grant");
  }
  EXPECT_EQ(CountKeys("r/" + std::string(kDataset) + "/"), 1u);
}

// Regression: any logged-on user could shred any record. Disposal
// needs a shred grant; an auditor and the administrator hold none, and the
// purpose the route used to default to is refused as a parameter.
TEST_F(RecordsApiTest, OnlyAShredGrantHolderShredsARecord) {
  const std::string id = Put(1);
  const std::string target = kRecords + "/" + id + "?reason=purpose_ended";
  for (const std::string user : {"kansa", "kanri", "kacho", "bucho", "bob"}) {
    SCOPED_TRACE(user);
    token_ = Login(user);
    auto r = Call("DELETE", target);
    ExpectProblem(r, 403, "permission_denied");
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, "policy.authorize");
    EXPECT_EQ(ev.actor, user);
    EXPECT_EQ(AttrOf(ev, "operation"), "shred");
    EXPECT_EQ(ev.result, "refused");
  }
  EXPECT_EQ(CountKeys("r/" + std::string(kDataset) + "/"), 1u);
  EXPECT_EQ(CountKeys("x/"), 0u);  // no disposal record
  token_ = Login("alice");
  ExpectProblem(Call("DELETE", target + "&purpose=disposal"), 400, "unknown_parameter");
  auto shred = Call("DELETE", target + "&approval=" + ApprovedShred(id));
  ASSERT_EQ(shred.status, 200) << shred.body;
  EXPECT_EQ(shred.Json()["requested_by"], "alice");
  EXPECT_EQ(LastEvent().operation, "record.shred");
  EXPECT_EQ(LastEvent().purpose, engine::kDisposalPurpose);
  EXPECT_EQ(CountKeys("r/" + std::string(kDataset) + "/"), 0u);
}

TEST_F(RecordsApiTest, NoDataEndpointAnswersWithoutAuthentication) {
  const std::string id = Put(1);
  const uint64_t events = LastEvent().seq;
  for (const Route& route : api_->router().routes()) {
    if (route.spec->guard == Guard::kPublic) continue;
    std::string target = route.pattern;
    for (const auto& [param, value] :
         {std::pair{"{ds}", std::string(kDataset)}, std::pair{"{id}", id}}) {
      const size_t at = target.find(param);
      if (at != std::string::npos) target.replace(at, std::string(param).size(), value);
    }
    target += "?purpose=withholding";
    SCOPED_TRACE(route.method + " " + target);
    for (bool with_bad_token : {false, true}) {
      std::vector<std::pair<std::string, std::string>> headers;
      if (with_bad_token) headers.emplace_back("Authorization", "Bearer wrong");
      // Without a client certificate either: the terminal's would identify
      // a service account.
      auto client = NewClient();
      auto r = client->Send(route.method, target, route.method == "GET" ? "" : "{}", headers);
      ASSERT_TRUE(r.has_value());
      ExpectProblem(*r, 401, "unauthenticated");
      EXPECT_EQ(r->Header("www-authenticate"), "Bearer realm=\"mamori\"");
      EXPECT_EQ(r->body.find(engine::TestMyNumber(1)), std::string::npos);
    }
  }
  // Nothing ran but the refusals' own audit events.
  audit::EventFilter f;
  f.from_seq = events + 1;
  f.limit = 0;
  std::vector<audit::Event> after;
  ASSERT_TRUE(engine_->data_store()
                  .View([&](store::ReadTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(after, audit::Query(txn, f));
                    return Status::Ok();
                  })
                  .ok());
  for (const auto& ev : after) EXPECT_EQ(ev.result, "refused") << ev.operation;
}

TEST_F(RecordsApiTest, Datasets) {
  token_ = Login("kanri");
  auto list = Call("GET", "/v1/datasets");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["datasets"].size(), 1u);
  EXPECT_EQ(list.Json()["datasets"][0]["name"], kDataset);
  auto one = Call("GET", std::string("/v1/datasets/") + kDataset);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.Json()["purposes"][0]["id"], "withholding");
  auto ledger = Call("GET", std::string("/v1/datasets/") + kDataset + "/ledger");
  EXPECT_EQ(ledger.status, 200) << ledger.body;
  ExpectProblem(Call("POST", "/v1/datasets", engine::EmployeeDataset().dump()), 409,
                "already_exists");
  ExpectProblem(Call("GET", "/v1/datasets/no_such"), 404, "not_found");
}

TEST_F(RecordsApiTest, AuditHeadProofsAndEvents) {
  Put(1);
  auto put = Call("POST", kRecords + "?purpose=withholding", RecordJson(2));
  const uint64_t seq = put.Json()["audit_seq"];
  token_ = Login("kansa");  // an auditor reads the log
  auto head = Call("GET", "/v1/audit/head");
  ASSERT_EQ(head.status, 200) << head.body;
  const uint64_t size = head.Json()["size"];
  EXPECT_GT(size, seq);

  auto proof = Call("GET", "/v1/audit/proof?seq=" + std::to_string(seq));
  ASSERT_EQ(proof.status, 200) << proof.body;
  EXPECT_TRUE(proof.Json()["verified"].get<bool>());
  EXPECT_EQ(proof.Json()["event"]["request_id"], put.Header("x-request-id"));

  auto consistency = Call("GET", "/v1/audit/consistency?from=1&to=" + std::to_string(size));
  ASSERT_EQ(consistency.status, 200) << consistency.body;
  EXPECT_TRUE(consistency.Json()["verified"].get<bool>());

  auto events = Call("GET", "/v1/audit/events?actor=alice&operation=record.put&limit=1");
  ASSERT_EQ(events.status, 200) << events.body;
  ASSERT_EQ(events.Json()["events"].size(), 1u);
  EXPECT_FALSE(events.Json()["next_from_seq"].is_null());
  auto next = Call("GET", "/v1/audit/events?actor=alice&operation=record.put&from_seq=" +
                              std::to_string(events.Json()["next_from_seq"].get<uint64_t>()));
  EXPECT_EQ(next.Json()["events"].size(), 1u);

  ExpectProblem(Call("GET", "/v1/audit/proof"), 400, "invalid_argument");
  ExpectProblem(Call("GET", "/v1/audit/proof?seq=999999"), 404, "not_found");
  ExpectProblem(Call("GET", "/v1/audit/events?since=yesterday"), 400, "invalid_argument");
}

// Disposal outside the retention sweep is non-standard work ([003 V(4)①D]):
// every way of shredding without an approved request of one's own for this
// record is refused, audited, and destroys nothing.
TEST_F(RecordsApiTest, AShredWithoutItsApprovedRequestIsRefused) {
  const std::string id = Put(1), other = Put(2);
  const std::string one = kRecords + "/" + id + "?reason=purpose_ended";
  auto refused = [&](const HttpResponse& r, int status, const std::string& subject) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Json().value("subject", ""), subject) << r.body;
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, "record.shred_request");
    EXPECT_EQ(ev.result, "refused");
    EXPECT_EQ(ev.reason, subject);
    EXPECT_EQ(Call("GET", kRecords + "/" + id + "?purpose=withholding").status, 200);
  };
  // No approval at all.
  refused(Call("DELETE", one), 400, "approval");
  // A pending one.
  auto pending = Call("POST", "/v1/approvals",
                      nlohmann::json{{"type", "non_standard_work"},
                                     {"subject", std::string(kDataset) + "/" + id},
                                     {"action", "record.shred"},
                                     {"reason", "retention.early_disposal"}}
                          .dump());
  ASSERT_EQ(pending.status, 201) << pending.body;
  refused(Call("DELETE", one + "&approval=" + pending.Json().value("id", "")), 403,
          "disposal.not_approved");
  // One approved for another record.
  refused(Call("DELETE", one + "&approval=" + ApprovedShred(other)), 403,
          "disposal.approval_mismatch");
  // One that carol applied for and kacho approved: the work is carol's.
  const std::string alice = token_;
  token_ = Login("carol");
  const std::string carols = ApprovedShred(id);
  token_ = alice;
  refused(Call("DELETE", one + "&approval=" + carols), 403, "disposal.not_applicant");
  // One past its expiry.
  const std::string expired = ApprovedShred(id);
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto r, approval::Approvals::Read(txn, expired));
                    r->expires_at = NowMicros() - kMicrosPerSecond;
                    return txn.Put("apv/r/" + expired, approval::RequestToJson(*r).dump());
                  })
                  .ok());
  refused(Call("DELETE", one + "&approval=" + expired), 403, "disposal.approval_expired");
  // An id that names nothing.
  refused(Call("DELETE", one + "&approval=A99999999"), 404, "approval");
  EXPECT_EQ(CountKeys("x/"), 0u);  // no disposal record
}

// The local operator (`mamori record shred` at the server's console, a
// separate process on the same store) is held to the same rule: no
// disposal outside the retention sweep without an approved non-standard-work
// request for exactly this record. It applies for nothing itself, so whose
// request it was does not matter; approval, record and expiry do.
TEST_F(RecordsApiTest, TheLocalOperatorShredsOnlyUnderAnApprovedRequest) {
  const std::string id = Put(1), other = Put(2);
  auto cli = [&](const std::string& extra) {
    const std::string out = dir_ / "shred.out";
    const std::string cmd = std::string(MAMORI_BINARY) + " record shred --data '" +
                            paths_.data_dir + "' --dataset " + kDataset + " --id " + id +
                            " --reason purpose_ended " + extra + " >'" + out + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  const std::string exists = kRecords + "/" + id + "?purpose=withholding";
  EXPECT_NE(cli(""), 0);  // --approval is required
  EXPECT_EQ(Call("GET", exists).status, 200);
  auto pending = Call("POST", "/v1/approvals",
                      nlohmann::json{{"type", "non_standard_work"},
                                     {"subject", std::string(kDataset) + "/" + id},
                                     {"action", "record.shred"},
                                     {"reason", "retention.early_disposal"}}
                          .dump());
  ASSERT_EQ(pending.status, 201) << pending.body;
  EXPECT_EQ(cli("--approval " + pending.Json().value("id", "")), 1);
  EXPECT_EQ(cli("--approval " + ApprovedShred(other)), 1);
  EXPECT_EQ(cli("--approval A99999999"), 1);
  EXPECT_EQ(Call("GET", exists).status, 200);
  EXPECT_EQ(CountKeys("x/"), 0u);  // no disposal record

  const std::string approval = ApprovedShred(id);
  ASSERT_EQ(cli("--approval " + approval), 0);
  EXPECT_EQ(Call("GET", exists).status, 404);
  bool named = false;
  for (const auto& ev : EventsOf("record.shred")) {
    named |= ev.actor.starts_with("os:") && ev.result == "ok" && ev.attrs.contains("approval") &&
             ev.attrs.at("approval") == approval;
  }
  EXPECT_TRUE(named);
}

TEST_F(RecordsApiTest, TheDisposalRecordNamesWhatWhenWhomAndTheApproval) {
  const std::string id = Put(1);
  const std::string approval = ApprovedShred(id);
  auto shred = Call("DELETE", kRecords + "/" + id + "?reason=purpose_ended&approval=" + approval);
  ASSERT_EQ(shred.status, 200) << shred.body;
  const auto d = shred.Json();
  EXPECT_EQ(d["dataset"], kDataset);
  EXPECT_EQ(d["record"], id);
  EXPECT_EQ(d["requested_by"], "alice");
  EXPECT_EQ(d["approval"], approval);
  EXPECT_FALSE(d.value("disposed_at", "").empty());
  EXPECT_FALSE(d.value("signature", "").empty());
  EXPECT_EQ(LastEvent().operation, "record.shred");
  EXPECT_EQ(LastEvent().attrs.at("approval"), approval);
  // The same approval does not shred twice (the record is gone).
  EXPECT_EQ(
      Call("DELETE", kRecords + "/" + id + "?reason=purpose_ended&approval=" + approval).status,
      404);
  // The disposal records: the ledger's readers, not a handler.
  EXPECT_EQ(Call("GET", std::string("/v1/disposals?dataset=") + kDataset).status, 403);
  auto list = Send(Login("kansa"), "GET", std::string("/v1/disposals?dataset=") + kDataset);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["disposals"].size(), 1u);
  EXPECT_EQ(list.Json()["disposals"][0]["approval"], approval);
}

TEST_F(RecordsApiTest, EndOfUseIsRecordedThroughTheApi) {
  const std::string id = Put(1);
  const std::string target = kRecords + "/" + id + "/end-use?purpose=withholding";
  auto r = Call("POST", target, R"({"date":"2026-03-31"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["end_of_use"], "2026-03-31");
  EXPECT_FALSE(r.Json()["retention_deadline"].is_null()) << r.body;
  EXPECT_EQ(r.body.find(engine::TestMyNumber(1)), std::string::npos);
  EXPECT_EQ(LastEvent().operation, "record.end_use");
  ExpectProblem(Call("POST", target, R"({"date":"2026-02-30"})"), 400, "invalid_argument");
  ExpectProblem(Call("POST", target, R"({"when":"2026-03-31"})"), 400, "invalid_argument");
  token_ = Login("bob");
  ExpectProblem(Call("POST", target, R"({"date":"2026-03-31"})"), 403, "permission_denied");
}

}  // namespace
}  // namespace mamori::api::testing
