// Rows replaced in mamori.db by someone with sqlite3 and no key: an older
// version of the same record, another record's row, another dataset's row,
// altered metadata, planted shred markers and deadline entries. Each read
// refuses with data_loss naming the record id, audits the refusal, and
// discloses nothing; what reads cannot see, VerifyRecords finds in the log.
#include <set>

#include "crypto/random.h"
#include "engine/engine_fixture.h"
#include "engine/envelope.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/raw_db.h"

namespace mamori::engine {
namespace {

class IntegrityTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    CreateEmployees();
  }
  // A record at version 3: 山田 太郎 → 田中 太郎 → 田中 一郎.
  std::string ThreeVersions(uint64_t i) {
    const std::string id = PutEmployee(i, "山田 太郎");
    EXPECT_TRUE(engine_->Update(TestContext(), kDs, id, {{"name", "田中 太郎"}}).has_value());
    EXPECT_TRUE(engine_->Update(TestContext(), kDs, id, {{"name", "田中 一郎"}}).has_value());
    return id;
  }
  // Closes the engine, runs `tamper` on a raw connection, opens it again.
  template <class Fn>
  void Tamper(Fn tamper) {
    engine_.reset();
    {
      RawDb db(paths_.DataStore());
      tamper(db);
    }
    Reopen();
  }
  // The promises of a refused read: data_loss naming the record (and no
  // value), the refusal audited as an error under `op` for that record.
  void ExpectRefused(const Status& s, const std::string& id, const std::string& op) {
    EXPECT_EQ(s.code(), Code::kDataLoss) << s.ToString();
    EXPECT_NE(s.message().find(id), std::string::npos) << s.message();
    EXPECT_FALSE(s.message_ja().empty());
    for (const char* value : {"山田", "田中", "太郎", "一郎", "1980-04-01"}) {
      EXPECT_EQ(s.ToString().find(value), std::string::npos) << value;
    }
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, op);
    EXPECT_EQ(ev.result, "error");
    EXPECT_EQ(ev.code, "data_loss");
    EXPECT_EQ(ev.record, id);
    EXPECT_EQ(audit::CanonicalJson(ev).find("山田"), std::string::npos);
  }
  // Every record operation that reads the row refuses it.
  void ExpectEveryReadRefused(const std::string& id) {
    auto get = engine_->Get(TestContext(), kDs, id);
    ASSERT_FALSE(get.has_value());
    ExpectRefused(get.error(), id, "record.get");
    std::optional<Result<RecordView>> then;
    engine_->GetThen(TestContext(), kDs, id, [&](Result<RecordView> r) { then = std::move(r); });
    ASSERT_TRUE(then.has_value());
    ASSERT_FALSE(then->has_value());
    ExpectRefused(then->error(), id, "record.get");
    auto history = engine_->History(TestContext(), kDs, id);
    ASSERT_FALSE(history.has_value());
    ExpectRefused(history.error(), id, "record.history");
    auto update = engine_->Update(TestContext(), kDs, id, {{"name", "更新 試行"}});
    ASSERT_FALSE(update.has_value());
    ExpectRefused(update.error(), id, "record.update");
    auto end_use = engine_->EndUse(TestContext(), kDs, id, {2024, 3, 31});
    ASSERT_FALSE(end_use.has_value());
    ExpectRefused(end_use.error(), id, "record.end_use");
    auto list = engine_->List(TestContext(), kDs, "", 1000);
    ASSERT_FALSE(list.has_value());
    ExpectRefused(list.error(), id, "record.list");
    auto find = Find("name_kana", "やまだ たろう");
    ASSERT_FALSE(find.has_value());
    EXPECT_EQ(find.error().code(), Code::kDataLoss);
    EXPECT_EQ(LastEvent().operation, "record.find");
    EXPECT_EQ(LastEvent().result, "error");
  }
  std::string R(const std::string& id, const char* ds = kDs) { return keyspace::Record(ds, id); }
  std::string H(const std::string& id, uint32_t v, const char* ds = kDs) {
    return keyspace::History(ds, id, v);
  }
};

// The rollback as it was reproduced: version 1's row copied over the current one.
TEST_F(IntegrityTest, OlderVersionOverCurrentIsRefused) {
  const std::string id = ThreeVersions(1);
  const std::string other = PutEmployee(2);
  Tamper([&](RawDb& db) { db.CopyOver(H(id, 1), R(id)); });
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), id, "record.get");
  EXPECT_NE(get.error().message().find("history already reaches version 2"), std::string::npos)
      << get.error().message();
  ExpectEveryReadRefused(id);
  // Other records read as before.
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, other).has_value());
  EXPECT_TRUE(Verify().ok);
}

TEST_F(IntegrityTest, OlderVersionOverCurrentIsRefusedWhileTheEngineRuns) {
  const std::string id = ThreeVersions(1);
  ASSERT_TRUE(engine_->Get(TestContext(), kDs, id).has_value());
  {
    RawDb db(paths_.DataStore());
    db.CopyOver(H(id, 2), R(id));
  }
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), id, "record.get");
}

// The newest history row replaced too: still one version short of current.
TEST_F(IntegrityTest, OlderVersionOverCurrentAndOverTheNewestHistoryRowIsRefused) {
  const std::string id = ThreeVersions(1);
  Tamper([&](RawDb& db) {
    db.CopyOver(H(id, 1), R(id));
    db.CopyOver(H(id, 1), H(id, 2));
  });
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), id, "record.get");
}

TEST_F(IntegrityTest, AnotherRecordsRowIsRefused) {
  const std::string a = PutEmployee(1, "山田 太郎");
  const std::string b = PutEmployee(2, "山田 花子");
  Tamper([&](RawDb& db) { db.CopyOver(R(b), R(a)); });
  ExpectEveryReadRefused(a);
  auto get = engine_->Get(TestContext(), kDs, a);
  EXPECT_NE(get.error().message().find("moved from another record"), std::string::npos);
  // The row's owner is untouched.
  auto owner = engine_->Get(TestContext(), kDs, b);
  ASSERT_TRUE(owner.has_value()) << owner.error().ToString();
  EXPECT_EQ(owner->values["name"], "山田 花子");
}

// Shredding the record that holds another's row would destroy the other's
// key (the row names it) and leave its own: refused, nothing destroyed.
TEST_F(IntegrityTest, ShredOfARecordHoldingAnotherRecordsRowDestroysNothing) {
  const std::string a = PutEmployee(1);
  const std::string b = PutEmployee(2);
  Tamper([&](RawDb& db) { db.CopyOver(R(b), R(a)); });
  auto shred = engine_->Shred(TestContext(), kDs, a, "purpose_ended");
  ASSERT_FALSE(shred.has_value());
  ExpectRefused(shred.error(), a, "record.shred_request");
  EXPECT_EQ(CountKeys("p/"), 0u);
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, b).has_value());
}

TEST_F(IntegrityTest, AnotherDatasetsRowIsRefused) {
  auto other = EmployeeDataset();
  other["name"] = "employee_my_number_2";
  ASSERT_TRUE(engine_->CreateDataset(TestContext(), other).has_value());
  const std::string a = PutEmployee(1);
  auto b = engine_->Put(TestContext(), "employee_my_number_2",
                        {{"my_number", TestMyNumber(2)}, {"name", "山田 花子"}});
  ASSERT_TRUE(b.has_value());
  Tamper([&](RawDb& db) {
    // The other dataset's row, under this record's id: what moving it takes.
    db.Put(R(a), *db.Get(R(b->id, "employee_my_number_2")));
  });
  auto get = engine_->Get(TestContext(), kDs, a);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), a, "record.get");
  EXPECT_TRUE(engine_->Get(TestContext(), "employee_my_number_2", b->id).has_value());
}

// What protected moved rows before the authentication code: the AEAD
// associated data of each sealed value names dataset, record, version and
// field, so a value does not open under another record or dataset.
TEST(EnvelopeAeadTest, SealedValuesOpenOnlyAsTheirRecordsAndDatasets) {
  auto key = crypto::RandomSecret(32);
  ASSERT_TRUE(key.has_value());
  const std::string a(32, 'a'), b(32, 'b'), key_id(32, 'c');
  Envelope env;
  env.key_id = key_id;
  auto sealed = SealValues(*key, kDs, a, 1, key_id, {{"name", "山田 太郎"}});
  ASSERT_TRUE(sealed.has_value());
  env.sealed = *sealed;
  EXPECT_TRUE(OpenValues(*key, kDs, a, env).has_value());
  auto as_b = OpenValues(*key, kDs, b, env);
  ASSERT_FALSE(as_b.has_value());
  EXPECT_EQ(as_b.error().code(), Code::kDataLoss);
  EXPECT_FALSE(OpenValues(*key, "other_dataset", a, env).has_value());
  env.version = 2;
  EXPECT_FALSE(OpenValues(*key, kDs, a, env).has_value());
}

// Where that fell short: a row with no value to open (every field optional,
// none given) had nothing to fail, and could be moved to any record of the
// dataset; a value removed from a row went unnoticed. The row's own code
// covers both.
TEST_F(IntegrityTest, RowWithNoValuesCannotBeMoved) {
  auto def = EmployeeDataset();
  def["name"] = "optional_only";
  for (auto& f : def["fields"]) f["required"] = false;
  ASSERT_TRUE(engine_->CreateDataset(TestContext(), def).has_value());
  auto a = engine_->Put(TestContext(), "optional_only", nlohmann::json::object());
  auto b = engine_->Put(TestContext(), "optional_only", nlohmann::json::object());
  ASSERT_TRUE(a.has_value() && b.has_value());
  Tamper([&](RawDb& db) { db.CopyOver(R(b->id, "optional_only"), R(a->id, "optional_only")); });
  auto get = engine_->Get(TestContext(), "optional_only", a->id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), a->id, "record.get");
}

TEST_F(IntegrityTest, ValueRemovedFromTheRowIsRefused) {
  const std::string id = PutEmployee(1);
  Tamper([&](RawDb& db) {
    auto j = nlohmann::json::parse(*db.Get(R(id)));
    ASSERT_TRUE(j["f"].contains("birth_date"));
    j["f"].erase("birth_date");
    db.Put(R(id), j.dump());
  });
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), id, "record.get");
}

// Metadata in clear is covered too: a deadline pushed back (or removed)
// would keep a record past its retention.
TEST_F(IntegrityTest, AlteredDeadlineIsRefused) {
  const std::string id = PutEmployee(1);
  ASSERT_TRUE(engine_->EndUse(TestContext(), kDs, id, {2020, 3, 31}).has_value());
  Tamper([&](RawDb& db) {
    auto j = nlohmann::json::parse(*db.Get(R(id)));
    ASSERT_EQ(j["d"], "2027-03-31");
    j["d"] = "2099-03-31";
    db.Put(R(id), j.dump());
  });
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), id, "record.get");
}

// After the store carries codes, a row without one is not an old row to be
// accepted: stripping the code must not switch the checks off.
TEST_F(IntegrityTest, RowStrippedOfItsCodeIsRefused) {
  const std::string id = PutEmployee(1);
  Tamper([&](RawDb& db) {
    auto j = nlohmann::json::parse(*db.Get(R(id)));
    j.erase("m");
    db.Put(R(id), j.dump());
  });
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), id, "record.get");
  EXPECT_NE(get.error().message().find("no authentication code"), std::string::npos);
}

TEST_F(IntegrityTest, DeletedHistoryRowIsRefused) {
  const std::string id = ThreeVersions(1);
  Tamper([&](RawDb& db) { db.Delete(H(id, 2)); });
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  ExpectRefused(get.error(), id, "record.get");
}

TEST_F(IntegrityTest, HistoryRowReplacedByAnotherVersionIsRefusedByHistory) {
  const std::string id = ThreeVersions(1);
  // Version 1 replaced by a copy of version 2 under version 1's key: the
  // current row still reads, the history does not.
  Tamper([&](RawDb& db) { db.CopyOver(H(id, 2), H(id, 1)); });
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, id).has_value());
  auto history = engine_->History(TestContext(), kDs, id);
  ASSERT_FALSE(history.has_value());
  ExpectRefused(history.error(), id, "record.history");
}

// The limit of what a read can see: the newer history rows deleted and the
// current row rolled back leave exactly what the store held at version 1.
// The read returns version 1; the audit log, which recorded versions 2 and
// 3, tells (VerifyRecords, `mamori record verify`).
TEST_F(IntegrityTest, RollbackWithItsHistoryDeletedIsFoundByTheLogNotByReads) {
  const std::string id = ThreeVersions(1);
  const std::string untouched = ThreeVersions(2);
  auto before = engine_->VerifyRecords(TestContext(), kDs);
  ASSERT_TRUE(before.has_value()) << before.error().ToString();
  EXPECT_TRUE(before->ok());
  EXPECT_EQ(before->records_stored, 2u);
  EXPECT_EQ(before->rows_compared, 2u);
  Tamper([&](RawDb& db) {
    db.CopyOver(H(id, 1), R(id));
    db.Delete(H(id, 1));
    db.Delete(H(id, 2));
  });
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_TRUE(get.has_value()) << get.error().ToString();
  EXPECT_EQ(get->version, 1u);
  EXPECT_EQ(engine_->Get(TestContext(), kDs, untouched)->version, 3u);
  auto report = engine_->VerifyRecords(TestContext(), kDs);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].record, id);
  EXPECT_NE(report->findings[0].problem.find("rolled back"), std::string::npos)
      << report->findings[0].problem;
  EXPECT_EQ(LastEvent().operation, "dataset.verify_records");
  EXPECT_EQ(LastEvent().attrs.at("findings"), "1");
}

TEST_F(IntegrityTest, VerifyRecordsFindsDeletedRecordsAndRowsLeftAfterAShred) {
  const std::string deleted = PutEmployee(1);
  const std::string shredded = PutEmployee(2);
  engine_.reset();
  std::string kept_row;
  {
    RawDb db(paths_.DataStore());
    kept_row = *db.Get(R(shredded));
  }
  Reopen();
  ASSERT_TRUE(engine_->Shred(TestContext(), kDs, shredded, "purpose_ended").has_value());
  Tamper([&](RawDb& db) {
    db.Delete(R(deleted));
    db.Put(R(shredded), kept_row);
  });
  auto report = engine_->VerifyRecords(TestContext(), kDs);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ASSERT_EQ(report->findings.size(), 2u);
  std::set<std::string> named;
  for (const auto& f : report->findings) named.insert(f.record);
  EXPECT_TRUE(named.contains(deleted));
  EXPECT_TRUE(named.contains(shredded));
}

// A shred marker names the key to destroy: one planted in the data store
// (no valid code) is not acted on at open, whoever's key it names.
TEST_F(IntegrityTest, PlantedShredMarkerIsNotActedOn) {
  const std::string a = PutEmployee(1);
  const std::string b = PutEmployee(2);
  Tamper([&](RawDb& db) {
    auto env = nlohmann::json::parse(*db.Get(R(b)));
    nlohmann::json marker = {{"reason", "x"},     {"actor", "os:attacker"},
                             {"terminal", "t"},   {"purpose", "withholding"},
                             {"requested_at", 0}, {"key_id", env["k"]}};
    db.Put(keyspace::PendingShred(kDs, a), marker.dump());
  });
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "record.shred");
  EXPECT_EQ(ev.result, "error");
  EXPECT_EQ(ev.record, a);
  EXPECT_EQ(CountKeys("r/"), 2u);
  EXPECT_EQ(CountKeys("x/"), 0u);
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, b).has_value());
}

// A deadline entry planted in the retention index does not shred a record
// whose own (authenticated) deadline is not due.
TEST_F(IntegrityTest, PlantedDeadlineEntryDoesNotShred) {
  const std::string in_use = PutEmployee(1);
  const std::string later = PutEmployee(2);
  ASSERT_TRUE(engine_->EndUse(TestContext(), kDs, later, {2024, 3, 31}).has_value());
  Tamper([&](RawDb& db) {
    db.Put(keyspace::Deadline({2001, 1, 1}, kDs, in_use), "");
    db.Put(keyspace::Deadline({2001, 1, 1}, kDs, later), "");
  });
  auto sweep = engine_->SweepRetention(TestContext(), {2025, 4, 1});
  ASSERT_TRUE(sweep.has_value()) << sweep.error().ToString();
  EXPECT_TRUE(sweep->disposals.empty());
  EXPECT_EQ(sweep->errors.size(), 2u);
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, in_use).has_value());
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, later).has_value());
  EXPECT_EQ(CountKeys("x/"), 0u);
  // The record's true deadline still applies.
  sweep = engine_->SweepRetention(TestContext(), {2031, 4, 1});
  ASSERT_TRUE(sweep.has_value());
  ASSERT_EQ(sweep->disposals.size(), 1u);
  EXPECT_EQ(sweep->disposals[0]["record"], later);
}

// A row rolled back to an older version of the same record is still this
// record's: shredding it destroys its key, and with it every version.
TEST_F(IntegrityTest, ShredOfARolledBackRecordDestroysEveryVersion) {
  const std::string id = ThreeVersions(1);
  Tamper([&](RawDb& db) { db.CopyOver(H(id, 1), R(id)); });
  auto shred = engine_->Shred(TestContext(), kDs, id, "purpose_ended");
  ASSERT_TRUE(shred.has_value()) << shred.error().ToString();
  EXPECT_EQ(CountKeys("r/"), 0u);
  EXPECT_EQ(CountKeys("h/"), 0u);
}

TEST_F(IntegrityTest, UntamperedRecordsReadAsBefore) {
  const std::string id = ThreeVersions(1);
  ASSERT_TRUE(engine_->EndUse(TestContext(), kDs, id, {2024, 3, 31}).has_value());
  ASSERT_TRUE(engine_->Update(TestContext(), kDs, id, {{"birth_date", nullptr}}).has_value());
  Reopen();
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_TRUE(get.has_value()) << get.error().ToString();
  EXPECT_EQ(get->version, 4u);
  EXPECT_EQ(get->values["name"], "田中 一郎");
  ASSERT_TRUE(get->end_of_use.has_value());
  auto history = engine_->History(TestContext(), kDs, id);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ((*history)[0].values["name"], "山田 太郎");
  EXPECT_EQ((*history)[2].values["birth_date"], "1980-04-01");
  EXPECT_FALSE((*history)[3].values.contains("birth_date"));
  auto list = engine_->List(TestContext(), kDs, "", 10);
  ASSERT_TRUE(list.has_value()) << list.error().ToString();
  EXPECT_EQ(list->records.size(), 1u);
  auto found = Find("name", "田中 一郎");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(found->ids, std::vector<std::string>{id});
  auto report = engine_->VerifyRecords(TestContext(), kDs);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok());
  EXPECT_TRUE(Verify().ok);
}

// A stored row that does not parse: the error names the record and what
// did not parse (at most a byte offset), never the stored bytes, which here
// hold a name and a number.
TEST_F(IntegrityTest, RowThatDoesNotParseQuotesNoneOfItsBytes) {
  const std::string id = PutEmployee(1);
  const std::string secret = "山田太郎 123456789018";
  for (const std::string& stored :
       {"{\"v\": 1, \"k\": \"" + secret + "\" " + secret,  // a syntax error
        "{\"v\": \"" + secret + "\"}",                     // a mistyped member
        "{\"v\": 1, \"k\": \"" + std::string(32, 'a') +
            "\", \"dv\": 1, \"c\": 0, \"u\": 0, \"f\": {\"" + secret +
            "\": \"AA==\"}, \"x\": {}}"}) {
    Tamper([&](RawDb& db) { db.Put(R(id), stored); });
    auto get = engine_->Get(TestContext(), kDs, id);
    ASSERT_FALSE(get.has_value());
    ExpectRefused(get.error(), id, "record.get");
    for (const char* part : {"山田", "123456789018"}) {
      EXPECT_EQ(get.error().ToString().find(part), std::string::npos) << get.error().ToString();
      EXPECT_EQ(get.error().message_ja().find(part), std::string::npos);
      EXPECT_EQ(audit::CanonicalJson(LastEvent()).find(part), std::string::npos);
    }
  }
  EXPECT_NE(Envelope::Decode("{\"v\": 1").error().message().find("at byte"), std::string::npos);
}

TEST_F(IntegrityTest, StoredDefinitionThatDoesNotParseQuotesNoneOfItsBytes) {
  const std::string secret = "山田太郎123456789018";
  for (const std::string& stored :
       {"{\"name\": \"" + secret, nlohmann::json({{"name", kDs}, {secret, 1}}).dump(),
        nlohmann::json({{"name", kDs}, {"version", secret}}).dump()}) {
    Tamper([&](RawDb& db) { db.Put(keyspace::Dataset(kDs), stored); });
    auto def = engine_->GetDataset(TestContext(), kDs);
    ASSERT_FALSE(def.has_value());
    EXPECT_EQ(def.error().code(), Code::kDataLoss) << def.error().ToString();
    EXPECT_NE(def.error().message().find(kDs), std::string::npos);
    EXPECT_EQ(def.error().ToString().find("山田"), std::string::npos) << def.error().ToString();
    EXPECT_EQ(def.error().message_ja().find("山田"), std::string::npos);
  }
}

// An index entry planted for another record does not make a search return it.
TEST_F(IntegrityTest, PlantedIndexEntryIsRefusedByFind) {
  const std::string a = PutEmployee(1, "山田 太郎");
  const std::string b = PutEmployee(2, "鈴木 一郎");
  Tamper([&](RawDb& db) {
    const auto keys = db.Keys("i/" + std::string(kDs) + "/my_number/");
    ASSERT_EQ(keys.size(), 2u);
    for (const auto& k : keys) {
      if (k.ends_with(a)) db.Put(k.substr(0, k.size() - a.size()) + b, "");
    }
  });
  auto found = Find("my_number", TestMyNumber(1));
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), Code::kDataLoss);
  EXPECT_NE(found.error().message().find(b), std::string::npos);
  EXPECT_EQ(LastEvent().operation, "record.find");
  EXPECT_EQ(LastEvent().code, "data_loss");
}

}  // namespace
}  // namespace mamori::engine
