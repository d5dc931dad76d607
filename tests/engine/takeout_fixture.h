// The take-out tests' fixture: a real engine, a real PKI made with the
// openssl command, and the promises every refused export keeps
// (engine/takeout.h).
#pragma once

#include <sys/stat.h>

#include <filesystem>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/recipient_certificate.h"
#include "engine/engine_fixture.h"
#include "engine/integrity.h"
#include "engine/takeout_rules.h"
#include "engine/takeout_store.h"
#include "testing/test_pki.h"

namespace mamori::engine {

using mamori::testing::ReadAll;
using mamori::testing::TestPki;

inline constexpr const char* kExporter = "sato_hanako";

inline std::vector<nlohmann::json> JsonLines(const std::string& text) {
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
                     const std::vector<std::string>& handling) {
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
    req.recipient_internal = true;  // a member of the organisation carries it
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

}  // namespace mamori::engine
