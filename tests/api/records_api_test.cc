// Datasets, records and the audit log through HTTPS: the happy paths, the
// purpose rules, bad input (each refused with its problem, nothing changed,
// the refusal audited), and that nothing under /v1 answers without
// authentication.
#include "api/api_fixture.h"
#include "api/routes.h"

namespace mamori::api::testing {
namespace {

const std::string kRecords = std::string("/v1/datasets/") + kDataset + "/records";

class RecordsApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    StartServer();
    auto r = Call("POST", "/v1/datasets", engine::EmployeeDataset().dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }

  std::string Put(uint64_t i, const std::string& name = "山田 太郎") {
    auto r = Call("POST", kRecords + "?purpose=withholding", RecordJson(i, name));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
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

  auto shred = Call("DELETE", one + "?reason=%E9%80%80%E8%81%B7%E5%BE%8C7%E5%B9%B4");
  ASSERT_EQ(shred.status, 200) << shred.body;
  EXPECT_EQ(shred.Json()["record"], id);
  EXPECT_FALSE(shred.Json().value("signature", "").empty());
  auto gone = Call("GET", one + "?purpose=withholding");
  ExpectProblem(gone, 404, "not_found");
  EXPECT_TRUE(Verify().ok);
}

TEST_F(RecordsApiTest, ContextComesFromThePrincipalAndTheRequest) {
  auto r = Call("POST", kRecords + "?purpose=withholding", RecordJson(1));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.Header("location"), kRecords + "/" + r.Json()["id"].get<std::string>());
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "record.put");
  EXPECT_EQ(ev.actor, "alice");
  EXPECT_EQ(ev.terminal, "remote:127.0.0.1");
  EXPECT_EQ(ev.purpose, "withholding");
  EXPECT_EQ(ev.request_id, r.Header("x-request-id"));
  EXPECT_EQ(ev.seq, r.Json()["audit_seq"]);
}

TEST_F(RecordsApiTest, MissingPurposeIsRefusedAndAudited) {
  const std::string id = Put(1);
  auto r = Call("GET", kRecords + "/" + id);
  ExpectProblem(r, 400, "purpose_required");
  EXPECT_EQ(r.Json()["subject"], "purpose");
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "record.get");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.request_id, r.Header("x-request-id"));

  ExpectProblem(Call("POST", kRecords, RecordJson(2)), 400, "purpose_required");
  EXPECT_EQ(LastEvent().operation, "record.put");
  ExpectProblem(Call("GET", kRecords + "?purpose="), 400, "purpose_required");
  EXPECT_EQ(LastEvent().operation, "record.list");
  EXPECT_EQ(CountKeys("r/" + std::string(kDataset) + "/"), 1u);
}

TEST_F(RecordsApiTest, UnregisteredPurposeIsRefusedAndAudited) {
  const std::string id = Put(1);
  auto r = Call("GET", kRecords + "/" + id + "?purpose=marketing");
  ExpectProblem(r, 403, "purpose_not_registered");
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.purpose, "marketing");
  // The record's value is not in the problem.
  EXPECT_EQ(r.body.find(engine::TestMyNumber(1)), std::string::npos);
}

TEST_F(RecordsApiTest, MalformedJsonIsRefusedAuditedAndChangesNothing) {
  const uint64_t before = LastEvent().seq;
  auto r = Call("POST", kRecords + "?purpose=withholding", R"({"name": "山田)");
  ExpectProblem(r, 400, "malformed_json");
  EXPECT_EQ(r.Json()["subject"], "body");
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.seq, before + 1);
  EXPECT_EQ(ev.operation, "record.put");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(CountKeys("r/" + std::string(kDataset) + "/"), 0u);

  // Too deep to be a record.
  ExpectProblem(Call("POST", kRecords + "?purpose=withholding", std::string(100, '[')), 400,
                "malformed_json");
  ExpectProblem(Call("POST", "/v1/datasets", "{"), 400, "malformed_json");
  EXPECT_EQ(LastEvent().operation, "dataset.create");
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

TEST_F(RecordsApiTest, AuthorizerRefusalIs403) {
  authorizer_.Deny("record.get");
  const std::string id = Put(1);
  ExpectProblem(Call("GET", kRecords + "/" + id + "?purpose=withholding"), 403,
                "permission_denied");
}

TEST_F(RecordsApiTest, NoDataEndpointAnswersWithoutAuthentication) {
  const std::string id = Put(1);
  const int authorizer_calls = authorizer_.calls();
  const uint64_t events = LastEvent().seq;
  for (const Route& route : api_->router().routes()) {
    if (route.access == Access::kPublic) continue;
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
      auto r = Call(route.method, target, route.method == "GET" ? "" : "{}", headers, false);
      ExpectProblem(r, 401, "unauthenticated");
      EXPECT_EQ(r.Header("www-authenticate"), "Bearer realm=\"mamori\"");
      EXPECT_EQ(r.body.find(engine::TestMyNumber(1)), std::string::npos);
    }
  }
  EXPECT_EQ(authorizer_.calls(), authorizer_calls);
  EXPECT_EQ(LastEvent().seq, events);  // no engine operation ran
}

TEST_F(RecordsApiTest, Datasets) {
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

}  // namespace
}  // namespace mamori::api::testing
