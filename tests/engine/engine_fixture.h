// A real engine on real files in a temp dir, with the README's example
// dataset (employee_my_number) and synthetic records.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "audit/log.h"
#include "audit/verify.h"
#include "engine/engine.h"
#include "jp/my_number.h"
#include "testing/temp_dir.h"

namespace mamori::engine {

// The name of EmployeeDataset().
inline constexpr const char* kDs = "employee_my_number";

inline nlohmann::json EmployeeDataset() {
  return nlohmann::json::parse(R"({"name": "employee_my_number",
 "title": "従業員等の個人番号",
 "department": "総務部",
 "category": "specific_personal_information",
 "classification": {"confidentiality": 3, "integrity": 2, "availability": 2},
 "handling": ["no_copy", "encrypt_required"],
 "retention": {"years": 7, "from": "end_of_use"},
 "purposes": [{"id": "withholding", "title": "源泉徴収票作成事務", "basis": "所得税法第226条"}],
 "fields": [
   {"name": "my_number", "type": "my_number", "required": true, "indexed": true},
   {"name": "name", "type": "name", "required": true, "indexed": true},
   {"name": "name_kana", "type": "kana", "indexed": true},
   {"name": "birth_date", "type": "date"}]})");
}

inline Context TestContext(const std::string& purpose = "withholding") {
  Context ctx;
  ctx.actor = "os:tester";
  ctx.terminal = "local:test";
  ctx.purpose = purpose;
  ctx.request_id = "req-1";
  return ctx;
}

// Synthetic: the digits come from the counter, the check digit is computed.
inline std::string TestMyNumber(uint64_t i) {
  return jp::SyntheticMyNumber(12345678900ULL + i * 7919);
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    paths_.data_dir = dir_ / "data";
    ASSERT_TRUE(Engine::Init(paths_, nullptr, TestContext()).ok());
    Reopen();
  }
  void Reopen(size_t pool = 8) {
    engine_.reset();
    EngineOptions options;
    options.paths = paths_;
    options.record_key_pool = pool;
    auto opened = Engine::Open(std::move(options), TestContext());
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    engine_ = std::move(*opened);
  }
  void CreateEmployees() {
    auto def = engine_->CreateDataset(TestContext(), EmployeeDataset());
    ASSERT_TRUE(def.has_value()) << def.error().ToString();
  }
  std::string PutEmployee(uint64_t i, const std::string& name = "山田 太郎") {
    auto r = engine_->Put(TestContext(), "employee_my_number",
                          {{"my_number", TestMyNumber(i)},
                           {"name", name},
                           {"name_kana", "やまだ たろう"},
                           {"birth_date", "1980-04-01"}});
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? r->id : "";
  }
  // The first page (100 ids) of a find on employee_my_number.
  Result<FindPage> Find(const std::string& field, const std::string& value) {
    return engine_->Find(TestContext(), "employee_my_number", field, value, "", 100);
  }
  // The last audit event, read straight from the data store.
  audit::Event LastEvent() {
    audit::Event out;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                      MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, head.size - 1));
                      if (!ev.has_value()) return Status::NotFound("no audit event");
                      out = std::move(ev).value();
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }
  size_t CountKeys(const std::string& prefix) {
    size_t n = 0;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto rows,
                                              txn.Scan(prefix, store::PrefixEnd(prefix), 0));
                      n = rows.size();
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }
  audit::VerifyReport Verify() {
    audit::VerifyReport report;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      report = audit::VerifyLog(txn, nullptr);
                      return Status::Ok();
                    })
                    .ok());
    return report;
  }

  testing::TempDir dir_;
  Paths paths_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace mamori::engine
