// Stores written before envelopes were authenticated: their rows had no "m"
// (code) and no "p" (previous version's hash), and their key store no
// marker. Such a store is made here from a current one by taking exactly
// those away with a raw sqlite3 connection; the first Open upgrades it.
#include "engine/engine_fixture.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/raw_db.h"

namespace mamori::engine {
namespace {

class UpgradeTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    CreateEmployees();
  }
  // Closes the engine and rewrites the store as the previous format left
  // it; `also` may damage it further before it is opened again.
  template <class Fn>
  void MakeLegacy(Fn also) {
    engine_.reset();
    {
      RawDb data(paths_.DataStore());
      for (const char* prefix : {"r/", "h/"}) {
        for (const auto& key : data.Keys(prefix)) {
          auto j = nlohmann::json::parse(*data.Get(key));
          j.erase("m");
          j.erase("p");
          data.Put(key, j.dump());
        }
      }
      for (const auto& key : data.Keys("p/")) {
        auto j = nlohmann::json::parse(*data.Get(key));
        j.erase("m");
        data.Put(key, j.dump());
      }
      also(data);
    }
    RawDb keys(paths_.KeyStore());
    ASSERT_TRUE(keys.Get("mark/" + std::string(kEnvelopesAuthenticatedMarker)).has_value());
    keys.Delete("mark/" + std::string(kEnvelopesAuthenticatedMarker));
  }
  void MakeLegacy() {
    MakeLegacy([](RawDb&) {});
  }
  // The store.upgrade summary event, the last of its kind.
  audit::Event UpgradeEvent() {
    audit::Event found;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      audit::EventFilter filter;
                      filter.operation = "store.upgrade";
                      filter.limit = 0;
                      MAMORI_ASSIGN_OR_RETURN(auto events, audit::Query(txn, filter));
                      for (const auto& ev : events) {
                        if (ev.record.empty()) found = ev;
                      }
                      return Status::Ok();
                    })
                    .ok());
    return found;
  }
};

TEST_F(UpgradeTest, OldStoreOpensAndEveryRecordReadsAsBefore) {
  const std::string a = PutEmployee(1, "山田 太郎");
  ASSERT_TRUE(engine_->Update(TestContext(), kDs, a, {{"name", "田中 太郎"}}).has_value());
  ASSERT_TRUE(engine_->EndUse(TestContext(), kDs, a, {2024, 3, 31}).has_value());
  ASSERT_TRUE(engine_->Update(TestContext(), kDs, a, {{"birth_date", nullptr}}).has_value());
  const std::string b = PutEmployee(2, "鈴木 一郎");
  MakeLegacy();
  Reopen();
  auto get = engine_->Get(TestContext(), kDs, a);
  ASSERT_TRUE(get.has_value()) << get.error().ToString();
  EXPECT_EQ(get->version, 3u);
  EXPECT_EQ(get->values["name"], "田中 太郎");
  ASSERT_TRUE(get->end_of_use.has_value());
  auto history = engine_->History(TestContext(), kDs, a);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].values["name"], "山田 太郎");
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, b).has_value());
  auto found = Find("name", "鈴木 一郎");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(found->ids, std::vector<std::string>{b});
  auto list = engine_->List(TestContext(), kDs, "", 10);
  ASSERT_TRUE(list.has_value()) << list.error().ToString();
  EXPECT_EQ(list->records.size(), 2u);
  const audit::Event ev = UpgradeEvent();
  EXPECT_EQ(ev.attrs.at("envelopes_authenticated"), "2");
  EXPECT_EQ(ev.attrs.at("inconsistent"), "0");
  // Every row now carries its code, and the store is writable as before.
  ASSERT_TRUE(engine_->Update(TestContext(), kDs, a, {{"name", "田中 一郎"}}).has_value());
  EXPECT_EQ(engine_->History(TestContext(), kDs, a)->size(), 4u);
  EXPECT_TRUE(Verify().ok);
}

// After the upgrade, the rolled-back rows it could still see are refused,
// as in a store that always had codes.
TEST_F(UpgradeTest, UpgradedStoreRefusesAnOlderVersionOverCurrent) {
  const std::string id = PutEmployee(1);
  ASSERT_TRUE(engine_->Update(TestContext(), kDs, id, {{"name", "田中 太郎"}}).has_value());
  MakeLegacy();
  Reopen();
  engine_.reset();
  {
    RawDb db(paths_.DataStore());
    db.CopyOver(keyspace::History(kDs, id, 1), keyspace::Record(kDs, id));
  }
  Reopen();
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  EXPECT_EQ(get.error().code(), Code::kDataLoss);
  EXPECT_NE(get.error().message().find(id), std::string::npos);
}

// The upgrade runs once: an old-format row written into the store after it
// (the code stripped from a row) is refused, and reopening does not bless it.
TEST_F(UpgradeTest, UpgradeRunsOnceAndRowsWithoutCodesAreRefusedAfterIt) {
  const std::string id = PutEmployee(1);
  MakeLegacy();
  Reopen();
  ASSERT_TRUE(engine_->Get(TestContext(), kDs, id).has_value());
  engine_.reset();
  {
    RawDb db(paths_.DataStore());
    auto j = nlohmann::json::parse(*db.Get(keyspace::Record(kDs, id)));
    j.erase("m");
    db.Put(keyspace::Record(kDs, id), j.dump());
  }
  Reopen();
  Reopen();
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  EXPECT_EQ(get.error().code(), Code::kDataLoss);
  EXPECT_NE(get.error().message().find("no authentication code"), std::string::npos);
}

// A record whose history was already inconsistent before the upgrade (an
// older version over the current one) is not blessed: it stays without a
// code, reads of it fail, and the upgrade's audit events name it.
TEST_F(UpgradeTest, RecordAlreadyRolledBackIsNotBlessed) {
  const std::string id = PutEmployee(1);
  ASSERT_TRUE(engine_->Update(TestContext(), kDs, id, {{"name", "田中 太郎"}}).has_value());
  ASSERT_TRUE(engine_->Update(TestContext(), kDs, id, {{"name", "田中 一郎"}}).has_value());
  const std::string good = PutEmployee(2);
  MakeLegacy(
      [&](RawDb& db) { db.CopyOver(keyspace::History(kDs, id, 1), keyspace::Record(kDs, id)); });
  Reopen();
  auto get = engine_->Get(TestContext(), kDs, id);
  ASSERT_FALSE(get.has_value());
  EXPECT_EQ(get.error().code(), Code::kDataLoss);
  EXPECT_TRUE(engine_->Get(TestContext(), kDs, good).has_value());
  EXPECT_EQ(UpgradeEvent().attrs.at("inconsistent"), "1");
  bool named = false;
  ASSERT_TRUE(engine_->data_store()
                  .View([&](store::ReadTxn& txn) -> Status {
                    audit::EventFilter filter;
                    filter.operation = "store.upgrade";
                    filter.limit = 0;
                    MAMORI_ASSIGN_OR_RETURN(auto events, audit::Query(txn, filter));
                    for (const auto& ev : events) named = named || ev.record == id;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(named);
}

// An interrupted shred of the old format is finished after the upgrade.
TEST_F(UpgradeTest, OldPendingShredIsFinished) {
  const std::string id = PutEmployee(1);
  ASSERT_TRUE(
      engine_->data_store()
          .Update([&](store::WriteTxn& txn) -> Status {
            MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(keyspace::Record(kDs, id)));
            MAMORI_ASSIGN_OR_RETURN(Envelope env, Envelope::Decode(*raw));
            nlohmann::json pending = {
                {"reason", "test"},         {"actor", "os:tester"},        {"terminal", "t"},
                {"purpose", "withholding"}, {"requested_at", NowMicros()}, {"key_id", env.key_id}};
            return txn.Put(keyspace::PendingShred(kDs, id), pending.dump());
          })
          .ok());
  MakeLegacy();
  Reopen();
  EXPECT_EQ(CountKeys("p/"), 0u);
  EXPECT_EQ(CountKeys("r/"), 0u);
  EXPECT_EQ(CountKeys("x/"), 1u);
}

}  // namespace
}  // namespace mamori::engine
