// Witnessed heads on a real engine (engine/witnessing.h): what is written to
// a real directory witness and when, the start-up check against a store
// replaced by an earlier copy of itself or forked, failures retried, and the
// audit signing key held apart from the key store.
#include "engine/witnessing.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audit/trusted_head.h"
#include "engine/engine_fixture.h"
#include "keys/audit_signer.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::engine {
namespace {

namespace fs = std::filesystem;

size_t Lines(const std::string& path) {
  const std::string text = ReadFileBytes(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class WitnessingTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    CreateEmployees();
    witness_dir_ = dir_ / "witness";
  }

  std::unique_ptr<Witnessing> Make(std::vector<std::string>* log = nullptr) {
    std::string warning;
    auto w = audit::OpenDirectoryWitness(witness_dir_, paths_.data_dir, &warning);
    EXPECT_TRUE(w.has_value()) << w.error().ToString();
    std::vector<std::unique_ptr<audit::Witness>> ws;
    ws.push_back(std::move(*w));
    WitnessingOptions o;
    o.interval = std::chrono::milliseconds(3'600'000);  // driven by hand here
    if (log) o.log = [log](bool, std::string_view m) { log->emplace_back(m); };
    return std::make_unique<Witnessing>(*engine_, std::move(ws), std::move(o));
  }

  std::string WitnessFile() const { return witness_dir_ + "/" + audit::kWitnessFileName; }

  uint64_t LogSize() {
    uint64_t n = 0;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                      n = head.size;
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  // The data directory copied as it is on disk, with the engine closed.
  void CopyData(const std::string& to) {
    engine_.reset();
    fs::copy(paths_.data_dir, to, fs::copy_options::recursive);
    Reopen();
  }
  void RestoreData(const std::string& from) {
    engine_.reset();
    fs::remove_all(paths_.data_dir);
    fs::copy(from, paths_.data_dir, fs::copy_options::recursive);
    Reopen();
  }

  std::string witness_dir_;
};

TEST_F(WitnessingTest, WritesASignedHeadOnlyWhenTheLogHasGrownAndNoEvent) {
  auto w = Make();
  ASSERT_TRUE(w->CheckStore().ok());
  ASSERT_TRUE(w->PublishNow().ok());
  const uint64_t size = LogSize();
  auto latest = w->witnesses()[0]->Latest();
  ASSERT_TRUE(latest.has_value() && latest->has_value());
  EXPECT_EQ((*latest)->size, size);
  EXPECT_TRUE(engine_->audit_signer()
                  .PublicKey()
                  .Verify(audit::SignedHeadMessage(**latest), (*latest)->signature)
                  .ok());
  // Idle: nothing signed, nothing written, no event.
  ASSERT_TRUE(w->PublishNow().ok());
  EXPECT_EQ(Lines(WitnessFile()), 1u);
  EXPECT_EQ(LogSize(), size);
  PutEmployee(1);
  ASSERT_TRUE(w->PublishNow().ok());
  EXPECT_EQ(Lines(WitnessFile()), 2u);
  EXPECT_EQ((*w->witnesses()[0]->Latest())->size, size + 1);
  const WitnessState st = w->State();
  EXPECT_EQ(st.failures, 0u);
  EXPECT_FALSE(st.behind);
  EXPECT_GT(st.last_success, 0);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(WitnessingTest, AStoreReplacedByAnEarlierCopyOfItselfIsRefusedAtStart) {
  {
    auto w = Make();
    ASSERT_TRUE(w->PublishNow().ok());
  }
  const std::string copy = dir_ / "data-copy";
  CopyData(copy);
  {
    auto w = Make();
    ASSERT_TRUE(w->CheckStore().ok());
    for (uint64_t i = 0; i < 5; ++i) PutEmployee(i);
    ASSERT_TRUE(w->PublishNow().ok());
  }
  RestoreData(copy);
  EXPECT_TRUE(Verify().ok) << "the earlier copy is consistent with itself";
  auto w = Make();
  const Status s = w->CheckStore();
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_EQ(s.subject(), "witness");
  EXPECT_NE(s.message().find("behind_trusted_head"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("replaced by an earlier copy"), std::string::npos) << s.message();
  EXPECT_NE(s.message_ja().find("起動を中止します"), std::string::npos) << s.message_ja();
}

TEST_F(WitnessingTest, AStoreRefusedWhileOpeningIsLeftExactlyAsFound) {
  {
    auto w = Make();
    ASSERT_TRUE(w->PublishNow().ok());
  }
  const std::string copy = dir_ / "data-copy";
  CopyData(copy);
  PutEmployee(1);
  {
    auto w = Make();
    ASSERT_TRUE(w->PublishNow().ok());
  }
  RestoreData(copy);
  engine_.reset();
  const std::string before = ReadFileBytes(paths_.DataStore());
  std::string warning;
  std::vector<std::unique_ptr<audit::Witness>> ws;
  ws.push_back(*audit::OpenDirectoryWitness(witness_dir_, paths_.data_dir, &warning));
  EngineOptions o;
  o.paths = paths_;
  o.check_store = [&](store::Storage& data, keys::AuditSigner& signer) {
    return CheckAgainstWitnesses(data, signer.PublicKey(), ws);
  };
  auto refused = Engine::Open(std::move(o), TestContext());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), Code::kFailedPrecondition);
  EXPECT_EQ(ReadFileBytes(paths_.DataStore()), before);
  EXPECT_FALSE(fs::exists(paths_.DataStore() + "-wal") &&
               fs::file_size(paths_.DataStore() + "-wal") > 0);
}

TEST_F(WitnessingTest, AForkedStoreIsRefusedAtStart) {
  const std::string copy = dir_ / "data-copy";
  CopyData(copy);
  PutEmployee(1, "山田 太郎");
  {
    auto w = Make();
    ASSERT_TRUE(w->PublishNow().ok());
  }
  RestoreData(copy);  // the same history up to the copy, then another event
  PutEmployee(2, "鈴木 花子");
  PutEmployee(3, "鈴木 花子");
  auto w = Make();
  const Status s = w->CheckStore();
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("diverged_from_trusted_head"), std::string::npos) << s.message();
}

TEST_F(WitnessingTest, AFailedWriteIsLoggedCountedAndRetried) {
  std::vector<std::string> log;
  auto w = Make(&log);
  fs::remove_all(witness_dir_);  // the witness's volume went away
  const Status s = w->PublishNow();
  EXPECT_EQ(s.code(), Code::kIoError) << s.ToString();
  WitnessState st = w->State();
  EXPECT_TRUE(st.behind);
  EXPECT_EQ(st.failures, 1u);
  EXPECT_EQ(st.last_success, 0);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("(retried)"), std::string::npos) << log[0];
  // The head is durable in the store all the same.
  EXPECT_TRUE(Verify().ok);
  fs::create_directory(witness_dir_);
  ASSERT_TRUE(w->PublishNow().ok());
  st = w->State();
  EXPECT_FALSE(st.behind);
  EXPECT_TRUE(st.last_error.empty());
  EXPECT_EQ((*w->witnesses()[0]->Latest())->size, LogSize());
}

TEST_F(WitnessingTest, TheThreadPublishesAtTheIntervalAndStops) {
  std::string warning;
  auto dir_witness = audit::OpenDirectoryWitness(witness_dir_, paths_.data_dir, &warning);
  ASSERT_TRUE(dir_witness.has_value());
  std::vector<std::unique_ptr<audit::Witness>> ws;
  ws.push_back(std::move(*dir_witness));
  WitnessingOptions o;
  o.interval = std::chrono::milliseconds(20);
  Witnessing w(*engine_, std::move(ws), o);
  w.Start();
  PutEmployee(1);
  // Waits for an outcome, not for a time: the witness holds the head.
  for (int i = 0; i < 500 && !fs::exists(WitnessFile()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  w.Stop();
  ASSERT_TRUE(fs::exists(WitnessFile()));
  EXPECT_GE(Lines(WitnessFile()), 1u);
}

// ---- the signing key held apart ----

class ApartKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    paths_.data_dir = dir_ / "data";
    key_file_ = dir_ / "audit.key";
    auto pub = keys::CreateAuditKeyFile(key_file_);
    ASSERT_TRUE(pub.has_value());
    fingerprint_ = pub->Fingerprint();
    auto signer = keys::OpenAuditKeyFile(key_file_);
    ASSERT_TRUE(signer.has_value());
    ASSERT_TRUE(Engine::Init(paths_, nullptr, TestContext(), signer->get()).ok());
  }
  Result<std::unique_ptr<Engine>> Open(bool with_key) {
    EngineOptions o;
    o.paths = paths_;
    if (with_key) {
      auto signer = keys::OpenAuditKeyFile(key_file_);
      if (!signer) return Fail(signer.error());
      o.audit_signer = std::move(*signer);
    }
    return Engine::Open(std::move(o), TestContext());
  }

  testing::TempDir dir_;
  Paths paths_;
  std::string key_file_, fingerprint_;
};

TEST_F(ApartKeyTest, HeadsAreSignedByTheKeyFileAndItsPublicHalfIsPublished) {
  auto engine = Open(true);
  ASSERT_TRUE(engine.has_value()) << engine.error().ToString();
  auto head = (*engine)->SignTreeHead(TestContext());
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ((*head)["key"], fingerprint_);
  auto published = crypto::EcdsaP256PublicKey::FromPem(ReadFileBytes(paths_.AuditPublicKey()));
  ASSERT_TRUE(published.has_value());
  EXPECT_EQ(published->Fingerprint(), fingerprint_);
  audit::VerifyReport r;
  ASSERT_TRUE((*engine)
                  ->data_store()
                  .View([&](store::ReadTxn& txn) {
                    r = audit::VerifyLog(txn, &*published);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_GE(r.heads_checked, 2u);
}

TEST_F(ApartKeyTest, OpeningWithoutTheKeyHeldApartIsRefusedAndChangesNothing) {
  const std::string before = ReadFileBytes(paths_.DataStore());
  auto engine = Open(false);
  ASSERT_FALSE(engine.has_value());
  EXPECT_EQ(engine.error().code(), Code::kFailedPrecondition);
  EXPECT_EQ(engine.error().subject(), "audit-signer");
  EXPECT_NE(engine.error().message().find(fingerprint_), std::string::npos);
  EXPECT_FALSE(engine.error().message_ja().empty());
  EXPECT_EQ(ReadFileBytes(paths_.DataStore()), before);
}

TEST_F(ApartKeyTest, ALogRewrittenAndResignedWithoutTheKeyHeldApartFailsPinnedVerification) {
  audit::SignedTreeHead kept;
  {
    auto engine = Open(true);
    ASSERT_TRUE(engine.has_value()) << engine.error().ToString();
    ASSERT_TRUE((*engine)->CreateDataset(TestContext(), EmployeeDataset()).has_value());
    auto head = (*engine)->SignCurrentHead();
    ASSERT_TRUE(head.has_value());
    kept = *head;
  }
  // The insider holds the data and the root key, not the key file: rewrites
  // who created the dataset, rebuilds every hash, drops the heads...
  {
    auto data = store::OpenSqliteStorage({.path = paths_.DataStore()});
    ASSERT_TRUE(data.has_value());
    ASSERT_TRUE((*data)
                    ->Update([&](store::WriteTxn& txn) -> Status {
                      std::vector<audit::Event> events;
                      for (uint64_t seq = 0;; ++seq) {
                        MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, seq));
                        if (!ev) break;
                        events.push_back(std::move(*ev));
                      }
                      events.back().actor = "os:someone-else";
                      for (std::string_view prefix :
                           {audit::kEventPrefix, audit::kNodePrefix, audit::kHeadPrefix}) {
                        MAMORI_ASSIGN_OR_RETURN(auto rows,
                                                txn.Scan(prefix, store::PrefixEnd(prefix), 0));
                        for (const auto& kv : rows) MAMORI_RETURN_IF_ERROR(txn.Delete(kv.key));
                      }
                      MAMORI_RETURN_IF_ERROR(txn.Delete(audit::kStateKey));
                      for (auto& ev : events)
                        MAMORI_RETURN_IF_ERROR(StatusOf(audit::Append(txn, ev)));
                      return Status::Ok();
                    })
                    .ok());
  }
  // ...and signs it again: with no head left, the engine opens with the key
  // store's own key, the only one the insider has (`audit head --sign`).
  {
    auto engine = Open(false);
    ASSERT_TRUE(engine.has_value()) << engine.error().ToString();
    ASSERT_TRUE((*engine)->SignTreeHead(TestContext()).has_value());
  }
  auto pinned = crypto::EcdsaP256PublicKey::FromPem(ReadFileBytes(paths_.AuditPublicKey()));
  ASSERT_TRUE(pinned.has_value());
  auto data = store::OpenSqliteStorage({.path = paths_.DataStore()});
  ASSERT_TRUE(data.has_value());
  ASSERT_TRUE((*data)
                  ->View([&](store::ReadTxn& txn) -> Status {
                    // Trusting the keys the log stores, the rewrite passes...
                    EXPECT_TRUE(audit::VerifyLog(txn, nullptr).ok);
                    // ...pinned to the key held apart, it does not.
                    const audit::VerifyReport r = audit::VerifyLog(txn, &*pinned);
                    EXPECT_FALSE(r.ok);
                    EXPECT_EQ(audit::ProblemName(r.problem), "head_invalid") << r.reason;
                    EXPECT_NE(r.reason.find("not the pinned key"), std::string::npos) << r.reason;
                    // And a head kept from before shows the rewrite itself.
                    const audit::TrustedHeadReport t =
                        audit::CheckAgainstTrustedHead(txn, kept, &*pinned);
                    EXPECT_EQ(audit::ProblemName(t.problem), "diverged_from_trusted_head")
                        << t.reason;
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace mamori::engine
