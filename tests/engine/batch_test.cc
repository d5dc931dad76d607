// Engine::PutBatch: every record of a batch written in one transaction with
// its own event, the batch's event and the caller's effect, all or nothing;
// each record checked as Put and Update check it.
#include "audit/event.h"
#include "engine/engine_fixture.h"
#include "engine/keyspace.h"
#include "engine/kill_harness.h"

namespace mamori::engine {
namespace {

using nlohmann::json;

json Employee(uint64_t i, const std::string& name = "山田 太郎") {
  return {{"my_number", TestMyNumber(i)}, {"name", name}, {"birth_date", "1980-04-01"}};
}

class BatchTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    CreateEmployees();
  }
  uint64_t LogSize() {
    uint64_t size = 0;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                      size = head.size;
                      return Status::Ok();
                    })
                    .ok());
    return size;
  }
  // The events appended from sequence `from` on, oldest first.
  std::vector<audit::Event> EventsFrom(uint64_t from) {
    std::vector<audit::Event> out;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                      for (uint64_t s = from; s < head.size; ++s) {
                        MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, s));
                        if (ev) out.push_back(std::move(*ev));
                      }
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }
  size_t Stored() { return CountKeys(keyspace::RecordsPrefix(kDs)); }
};

TEST_F(BatchTest, WritesEveryRecordWithItsOwnEventAndTheBatchEvent) {
  const uint64_t before = LogSize();
  auto written = engine_->PutBatch(
      TestContext(), kDs, json::array({Employee(1), Employee(2), Employee(3, "佐藤 花子")}));
  ASSERT_TRUE(written.has_value()) << written.error().ToString();
  ASSERT_EQ(written->size(), 3u);
  for (const auto& w : *written) {
    EXPECT_EQ(w.version, 1u);
    EXPECT_TRUE(engine_->Get(TestContext(), kDs, w.id).has_value());
  }
  auto third = engine_->Get(TestContext(), kDs, (*written)[2].id);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->values["name"], "佐藤 花子");
  auto events = EventsFrom(before);
  ASSERT_GE(events.size(), 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].operation, "record.put");
    EXPECT_EQ(events[i].record, (*written)[i].id);
    EXPECT_EQ(events[i].seq, (*written)[i].audit_seq);
    EXPECT_TRUE(events[i].attrs.contains("envelope"));
  }
  EXPECT_EQ(events[3].operation, "record.put_batch");
  EXPECT_EQ(events[3].result, "ok");
  EXPECT_EQ(events[3].attrs["count"], "3");
  // The log's last write of each record is the row stored.
  auto check = engine_->VerifyRecords(TestContext(), kDs);
  ASSERT_TRUE(check.has_value()) << check.error().ToString();
  EXPECT_TRUE(check->ok());
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BatchTest, AMatchedRecordIsUpdatedAndTheOthersAreNew) {
  const std::string id = PutEmployee(1);
  PutBatchOptions options;
  options.match_field = "my_number";
  auto written =
      engine_->PutBatch(TestContext(), kDs,
                        json::array({{{"my_number", TestMyNumber(1)}, {"name", "山田 次郎"}},
                                     Employee(2, "鈴木 一郎")}),
                        options);
  ASSERT_TRUE(written.has_value()) << written.error().ToString();
  EXPECT_EQ((*written)[0].id, id);
  EXPECT_EQ((*written)[0].version, 2u);
  EXPECT_NE((*written)[1].id, id);
  EXPECT_EQ((*written)[1].version, 1u);
  auto got = engine_->Get(TestContext(), kDs, id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->values["name"], "山田 次郎");
  EXPECT_EQ(got->values["birth_date"], "1980-04-01");  // merged, as Update merges
  auto history = engine_->History(TestContext(), kDs, id);
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->size(), 2u);
  EXPECT_EQ(Stored(), 2u);
  // The old name no longer finds it; the new one does.
  EXPECT_TRUE(Find("name", "山田 太郎")->ids.empty());
  EXPECT_EQ(Find("name", "山田 次郎")->ids, std::vector<std::string>{id});
  auto check = engine_->VerifyRecords(TestContext(), kDs);
  ASSERT_TRUE(check.has_value());
  EXPECT_TRUE(check->ok());
}

TEST_F(BatchTest, OneBadRecordRefusesTheWholeBatchAndWritesNothing) {
  PutEmployee(1);
  const size_t stored = Stored();
  json bad_value = Employee(3);
  bad_value["my_number"] = "123456789012";  // wrong check digit
  json unknown = Employee(4);
  unknown["salary"] = "秘密の値";
  json missing = {{"my_number", TestMyNumber(5)}};
  int n = 0;
  for (const json& bad : {bad_value, unknown, missing}) {
    SCOPED_TRACE(n++);
    const uint64_t before = LogSize();
    auto r = engine_->PutBatch(TestContext(), kDs, json::array({Employee(2), Employee(6), bad}));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.error().message().find("123456789012"), std::string::npos);
    EXPECT_EQ(r.error().message().find("秘密"), std::string::npos);
    EXPECT_EQ(Stored(), stored);
    auto events = EventsFrom(before);
    ASSERT_EQ(events.size(), 1u);  // the refusal, nothing else
    EXPECT_EQ(events[0].operation, "record.put_batch");
    EXPECT_EQ(events[0].result, "refused");
    EXPECT_EQ(events[0].attrs["index"], "2");
  }
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BatchTest, RefusesWhatPutRefuses) {
  const size_t stored = Stored();
  auto wrong_purpose = engine_->PutBatch(TestContext("marketing"), kDs, json::array({Employee(1)}));
  ASSERT_FALSE(wrong_purpose.has_value());
  EXPECT_EQ(wrong_purpose.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(wrong_purpose.error().subject(), "purpose");
  Context nobody = TestContext();
  nobody.actor.clear();
  EXPECT_EQ(engine_->PutBatch(nobody, kDs, json::array({Employee(1)})).error().subject(), "actor");
  EXPECT_EQ(engine_->PutBatch(TestContext(), "no_such_dataset", json::array({Employee(1)}))
                .error()
                .code(),
            Code::kNotFound);
  EXPECT_EQ(engine_->PutBatch(TestContext(), kDs, json::array()).error().subject(), "records");
  EXPECT_EQ(engine_->PutBatch(TestContext(), kDs, Employee(1)).error().subject(), "records");
  json many = json::array();
  for (uint64_t i = 0; i <= kMaxBatchRecords; ++i) many.push_back(Employee(i));
  EXPECT_EQ(engine_->PutBatch(TestContext(), kDs, many).error().subject(), "records");
  EXPECT_EQ(Stored(), stored);
  EXPECT_EQ(LastEvent().result, "refused");
}

TEST_F(BatchTest, RefusesAMatchFieldItCannotUse) {
  PutBatchOptions not_indexed;
  not_indexed.match_field = "birth_date";
  EXPECT_EQ(engine_->PutBatch(TestContext(), kDs, json::array({Employee(1)}), not_indexed)
                .error()
                .subject(),
            "birth_date");
  PutBatchOptions by_number;
  by_number.match_field = "my_number";
  // The same value twice in one batch: which one wins would be a guess.
  auto twice =
      engine_->PutBatch(TestContext(), kDs, json::array({Employee(1), Employee(1)}), by_number);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().subject(), "my_number");
  EXPECT_EQ(LastEvent().attrs["index"], "1");
  // A record without the match value.
  auto without =
      engine_->PutBatch(TestContext(), kDs, json::array({{{"name", "山田 太郎"}}}), by_number);
  ASSERT_FALSE(without.has_value());
  EXPECT_EQ(without.error().subject(), "my_number");
  EXPECT_EQ(Stored(), 0u);
}

TEST_F(BatchTest, TheCallersEffectCommitsWithTheRecordsOrNothingDoes) {
  PutBatchOptions options;
  options.operation = "test.batch";
  options.attrs = {{"connection", "c1"}};
  std::vector<std::string> seen;
  options.also = [&](store::WriteTxn& txn, audit::Event& ev,
                     const std::vector<WriteResult>& written) -> Status {
    seen.clear();
    for (const auto& w : written) seen.push_back(w.id);
    ev.attrs["extra"] = "x1";
    return txn.Put("test/batch-marker", std::to_string(written.size()));
  };
  auto ok = engine_->PutBatch(TestContext(), kDs, json::array({Employee(1), Employee(2)}), options);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (*ok)[0].id);
  audit::Event last = LastEvent();
  EXPECT_EQ(last.operation, "test.batch");
  EXPECT_EQ(last.attrs["connection"], "c1");
  EXPECT_EQ(last.attrs["extra"], "x1");
  EXPECT_EQ(CountKeys("test/batch-marker"), 1u);

  options.also = [](store::WriteTxn& txn, audit::Event&, const std::vector<WriteResult>&) {
    Status s = txn.Put("test/other-marker", "1");
    return s.ok() ? Status::AlreadyExists("recorded already", "記録済みです", "provision") : s;
  };
  const uint64_t before = LogSize();
  auto refused =
      engine_->PutBatch(TestContext(), kDs, json::array({Employee(3), Employee(4)}), options);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), Code::kAlreadyExists);
  EXPECT_EQ(Stored(), 2u);
  EXPECT_EQ(CountKeys("test/other-marker"), 0u);
  auto events = EventsFrom(before);
  ASSERT_EQ(events.size(), 1u);  // neither record's event: only the refusal
  EXPECT_EQ(events[0].operation, "test.batch");
  EXPECT_EQ(events[0].result, "refused");
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BatchTest, GetBatchReadsEveryMatchInOneTransactionWithAnEventForEach) {
  const std::string a = PutEmployee(1);
  const std::string b = PutEmployee(2, "佐藤 花子");
  const uint64_t before = LogSize();
  auto got = engine_->GetBatch(TestContext(), kDs, "my_number",
                               {TestMyNumber(2), TestMyNumber(9), TestMyNumber(1)});
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_EQ(got->size(), 3u);
  ASSERT_TRUE((*got)[0].has_value());
  EXPECT_EQ((*got)[0]->id, b);
  EXPECT_EQ((*got)[0]->values["name"], "佐藤 花子");
  EXPECT_FALSE((*got)[1].has_value());
  ASSERT_TRUE((*got)[2].has_value());
  EXPECT_EQ((*got)[2]->id, a);
  auto events = EventsFrom(before);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].operation, "record.get");
  EXPECT_EQ(events[0].record, b);
  EXPECT_EQ(events[1].operation, "record.get");
  EXPECT_EQ(events[1].record, a);
  EXPECT_EQ(events[2].operation, "record.get_batch");
  EXPECT_EQ(events[2].attrs["count"], "3");
  EXPECT_EQ(events[2].attrs["matches"], "2");
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BatchTest, GetBatchRefusesWhatFindAndGetRefuse) {
  PutEmployee(1);
  const uint64_t before = LogSize();
  auto purpose = engine_->GetBatch(TestContext("marketing"), kDs, "my_number", {TestMyNumber(1)});
  ASSERT_FALSE(purpose.has_value());
  EXPECT_EQ(purpose.error().subject(), "purpose");
  EXPECT_EQ(engine_->GetBatch(TestContext(), kDs, "birth_date", {"1980-04-01"}).error().subject(),
            "birth_date");
  EXPECT_EQ(engine_->GetBatch(TestContext(), kDs, "my_number", {}).error().subject(), "values");
  auto twice =
      engine_->GetBatch(TestContext(), kDs, "my_number", {TestMyNumber(1), TestMyNumber(1)});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().subject(), "my_number");
  // Nothing was disclosed: only refusals were written.
  for (const auto& ev : EventsFrom(before)) {
    EXPECT_EQ(ev.operation, "record.get_batch");
    EXPECT_EQ(ev.result, "refused");
  }
}

// A real SIGKILL while batches are written: every acknowledged batch is
// stored whole, no batch is stored in part, and the log verifies.
TEST_F(BatchTest, SigkillDuringBatchesLeavesEveryBatchWholeOrAbsent) {
  constexpr uint64_t kPerBatch = 7;
  engine_.reset();  // the child opens its own engine; no threads cross fork()
  const auto acknowledged = KillWhileWriting(
      paths_, TestContext(), 20 * kPerBatch,
      [](Engine& engine, uint64_t t, uint64_t b) -> Result<std::vector<std::string>> {
        json batch = json::array();
        for (uint64_t i = 0; i < kPerBatch; ++i) {
          batch.push_back(Employee(((b * 2 + t) * kPerBatch) + i));
        }
        MAMORI_ASSIGN_OR_RETURN(auto written, engine.PutBatch(TestContext(), kDs, batch));
        std::vector<std::string> ids;
        for (const auto& w : written) ids.push_back(w.id);
        return ids;
      });
  Reopen();
  for (const auto& id : acknowledged) {
    EXPECT_TRUE(engine_->Get(TestContext(), kDs, id).has_value())
        << "acknowledged record lost: " << id;
  }
  EXPECT_GE(acknowledged.size(), 20 * kPerBatch);
  EXPECT_EQ(Stored() % kPerBatch, 0u) << "a batch was stored in part";
  auto check = engine_->VerifyRecords(TestContext(), kDs);
  ASSERT_TRUE(check.has_value());
  EXPECT_TRUE(check->ok());
  const audit::VerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.reason;
}

}  // namespace
}  // namespace mamori::engine
