// Integrity, disposal, retention and keys.
#include <sys/stat.h>

#include <filesystem>

#include "core/encoding.h"
#include "engine/engine_fixture.h"
#include "engine/envelope.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/retention_schedule.h"

namespace mamori::engine {
namespace {

TEST_F(EngineTest, FlippedByteInSealedValueIsAnAuthenticationFailure) {
  CreateEmployees();
  const std::string id = PutEmployee(1);
  const std::string good = PutEmployee(2);
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto raw,
                                            txn.Get(keyspace::Record("employee_my_number", id)));
                    MAMORI_ASSIGN_OR_RETURN(Envelope env, Envelope::Decode(*raw));
                    env.sealed["name"][env.sealed["name"].size() / 2] ^= 0x01;
                    return txn.Put(keyspace::Record("employee_my_number", id), env.Encode());
                  })
                  .ok());
  auto r = engine_->Get(TestContext(), "employee_my_number", id);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kDataLoss);
  EXPECT_NE(r.error().message().find(id), std::string::npos);
  // The envelope's authentication code covers the sealed bytes too, so the
  // change is caught before any value is opened.
  EXPECT_EQ(r.error().subject(), "id");
  EXPECT_EQ(LastEvent().result, "error");
  EXPECT_EQ(LastEvent().code, "data_loss");
  EXPECT_TRUE(engine_->Get(TestContext(), "employee_my_number", good).has_value());
}

TEST_F(EngineTest, SealedValueMovedToAnotherRecordDoesNotOpen) {
  CreateEmployees();
  const std::string a = PutEmployee(1, "甲 太郎");
  const std::string b = PutEmployee(2, "乙 次郎");
  ASSERT_TRUE(
      engine_->data_store()
          .Update([&](store::WriteTxn& txn) -> Status {
            MAMORI_ASSIGN_OR_RETURN(auto ra, txn.Get(keyspace::Record("employee_my_number", a)));
            MAMORI_ASSIGN_OR_RETURN(auto rb, txn.Get(keyspace::Record("employee_my_number", b)));
            MAMORI_ASSIGN_OR_RETURN(Envelope ea, Envelope::Decode(*ra));
            MAMORI_ASSIGN_OR_RETURN(Envelope eb, Envelope::Decode(*rb));
            eb.sealed["name"] = ea.sealed["name"];
            return txn.Put(keyspace::Record("employee_my_number", b), eb.Encode());
          })
          .ok());
  auto r = engine_->Get(TestContext(), "employee_my_number", b);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kDataLoss);
}

TEST_F(EngineTest, ShredMakesBackupsUnrecoverableAndSignsDisposal) {
  CreateEmployees();
  const std::string id = PutEmployee(1);
  ASSERT_TRUE(engine_->Update(TestContext(), "employee_my_number", id, {{"name", "改姓 花子"}})
                  .has_value());
  // A backup of the data store taken before the shred.
  engine_.reset();
  std::filesystem::copy(paths_.data_dir, dir_ / "backup", std::filesystem::copy_options::recursive);
  Reopen();
  auto disposal =
      engine_->Shred(TestContext(), "employee_my_number", id, "purpose_ended", "R00000007");
  ASSERT_TRUE(disposal.has_value()) << disposal.error().ToString();
  EXPECT_EQ((*disposal)["record"], id);
  EXPECT_EQ((*disposal)["versions_destroyed"], 2);
  EXPECT_EQ((*disposal)["reason"], "purpose_ended");
  EXPECT_EQ((*disposal)["reference"], "R00000007");
  // The signature verifies with the audit public key over the record without it.
  nlohmann::json unsigned_copy = *disposal;
  unsigned_copy.erase("signature");
  auto sig = Base64Decode((*disposal)["signature"].get<std::string>());
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(engine_->audit_signer().PublicKey().Verify(unsigned_copy.dump(), *sig).ok());
  auto gone = engine_->Get(TestContext(), "employee_my_number", id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code(), Code::kNotFound);
  EXPECT_EQ(CountKeys("h/"), 0u);
  EXPECT_EQ(CountKeys("i/"), 0u);
  EXPECT_EQ((*engine_->Ledger(TestContext(), "employee_my_number"))["disposals"], 1);
  EXPECT_TRUE(Verify().ok);
  // The old backup's data store with today's keys: the record stays sealed.
  engine_.reset();
  Paths backup = paths_;
  backup.data_dir = dir_ / "backup";
  backup.keys_dir = paths_.KeysDir();
  EngineOptions options;
  options.paths = backup;
  auto restored = Engine::Open(std::move(options), TestContext());
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  auto from_backup = (*restored)->Get(TestContext(), "employee_my_number", id);
  ASSERT_FALSE(from_backup.has_value());
  EXPECT_EQ(from_backup.error().code(), Code::kDataLoss);
  EXPECT_NE(from_backup.error().message().find("key was destroyed"), std::string::npos);
  // Nor does the wrapped key survive anywhere in the key store's files.
  (*restored).reset();
  Reopen();
}

TEST_F(EngineTest, InterruptedShredIsCompletedOnOpen) {
  CreateEmployees();
  const std::string id = PutEmployee(1);
  // Step (1) of a shred, as if the process died right after it.
  ASSERT_TRUE(
      engine_->data_store()
          .Update([&](store::WriteTxn& txn) -> Status {
            MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(keyspace::Record("employee_my_number", id)));
            MAMORI_ASSIGN_OR_RETURN(Envelope env, Envelope::Decode(*raw));
            nlohmann::json pending = {
                {"reason", "test"},      {"actor", "os:tester"},        {"terminal", "t"},
                {"purpose", "disposal"}, {"requested_at", NowMicros()}, {"key_id", env.key_id}};
            // Signed as step (1) signs it (integrity.h).
            MAMORI_ASSIGN_OR_RETURN(auto key, engine_->DeriveModuleKey(kEnvelopeKeyLabel));
            SignPendingShred(key, "employee_my_number", id, pending);
            return txn.Put(keyspace::PendingShred("employee_my_number", id), pending.dump());
          })
          .ok());
  Reopen();
  EXPECT_EQ(CountKeys("p/"), 0u);
  EXPECT_EQ(CountKeys("r/"), 0u);
  auto disposals = engine_->Disposals(TestContext(), "employee_my_number");
  ASSERT_TRUE(disposals.has_value());
  ASSERT_EQ(disposals->size(), 1u);
  EXPECT_EQ((*disposals)[0]["record"], id);
}

TEST_F(EngineTest, RetentionSweepShredsOnlyExpiredRecords) {
  CreateEmployees();
  const std::string old_id = PutEmployee(1);
  const std::string recent_id = PutEmployee(2);
  const std::string in_use = PutEmployee(3);
  ASSERT_TRUE(
      engine_->EndUse(TestContext(), "employee_my_number", old_id, {2015, 3, 31}).has_value());
  auto recent = engine_->EndUse(TestContext(), "employee_my_number", recent_id, {2020, 3, 31});
  ASSERT_TRUE(recent.has_value());
  ASSERT_TRUE(recent->deadline.has_value());
  EXPECT_EQ(FormatDate(*recent->deadline), "2027-03-31");
  // On the deadline day the record is still kept; the day after it is gone.
  auto sweep = engine_->SweepRetention(TestContext(), {2022, 3, 31});
  ASSERT_TRUE(sweep.has_value());
  EXPECT_TRUE(sweep->disposals.empty());
  sweep = engine_->SweepRetention(TestContext(), {2022, 4, 1});
  ASSERT_TRUE(sweep.has_value());
  ASSERT_EQ(sweep->disposals.size(), 1u);
  EXPECT_EQ(sweep->disposals[0]["record"], old_id);
  EXPECT_EQ(sweep->disposals[0]["reason"], "retention_expired");
  EXPECT_FALSE(sweep->disposals[0].contains("reference"));
  EXPECT_FALSE(engine_->Get(TestContext(), "employee_my_number", old_id).has_value());
  EXPECT_TRUE(engine_->Get(TestContext(), "employee_my_number", recent_id).has_value());
  EXPECT_TRUE(engine_->Get(TestContext(), "employee_my_number", in_use).has_value());
  EXPECT_TRUE(Verify().ok);
}

// The server's schedule: one sweep per JST day, under the retention
// actor, and a day that was swept is not swept again.
TEST_F(EngineTest, RetentionScheduleSweepsOncePerJstDay) {
  CreateEmployees();
  const std::string old_id = PutEmployee(1);
  const std::string later_id = PutEmployee(2);
  ASSERT_TRUE(
      engine_->EndUse(TestContext(), "employee_my_number", old_id, {2015, 3, 31}).has_value());
  ASSERT_TRUE(
      engine_->EndUse(TestContext(), "employee_my_number", later_id, {2016, 3, 31}).has_value());
  RetentionSchedule schedule(*engine_);
  // 2022-04-01 08:59 JST: the first tick of that day sweeps.
  const TimeMicros morning = JstMidnight({2022, 4, 1}) + 539LL * 60 * kMicrosPerSecond;
  auto first = schedule.Tick(morning);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_TRUE(first->has_value());
  ASSERT_EQ((*first)->disposals.size(), 1u);
  EXPECT_EQ((*first)->disposals[0]["record"], old_id);
  EXPECT_EQ((*first)->disposals[0]["requested_by"], std::string(kRetentionActor));
  EXPECT_FALSE((*first)->disposals[0].contains("approval"));
  // Later the same JST day: nothing to do.
  auto again = schedule.Tick(morning + 14LL * 3600 * kMicrosPerSecond);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->has_value());
  // A year later the other record's deadline has passed.
  auto next = schedule.Tick(JstMidnight({2023, 4, 1}));
  ASSERT_TRUE(next.has_value());
  ASSERT_TRUE(next->has_value());
  ASSERT_EQ((*next)->disposals.size(), 1u);
  EXPECT_EQ((*next)->disposals[0]["record"], later_id);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(EngineTest, KeyRotationKeepsRecordsReadable) {
  CreateEmployees();
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(PutEmployee(static_cast<uint64_t>(i)));
  auto rewrapped = engine_->RotateDatasetKey(TestContext(), "employee_my_number");
  ASSERT_TRUE(rewrapped.has_value()) << rewrapped.error().ToString();
  EXPECT_GE(*rewrapped, 20u);
  ASSERT_TRUE(engine_->RotateRootKey(TestContext()).ok());
  const std::string after = PutEmployee(100);
  Reopen();
  for (const auto& id : ids)
    EXPECT_TRUE(engine_->Get(TestContext(), "employee_my_number", id).has_value());
  EXPECT_TRUE(engine_->Get(TestContext(), "employee_my_number", after).has_value());
  auto info = engine_->KeyInfo(TestContext());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->root_version, 2u);
  ASSERT_EQ(info->datasets.size(), 1u);
  EXPECT_EQ(info->datasets[0].current_version, 2u);
}

TEST_F(EngineTest, WrongOrMissingRootKeyRefusesAndTouchesNothing) {
  CreateEmployees();
  PutEmployee(1);
  engine_.reset();
  const std::string data_before = ReadFileBytes(paths_.DataStore());
  const std::string keys_before = ReadFileBytes(paths_.KeyStore());
  const std::string root = ReadFileBytes(paths_.RootKeyFile());
  // A different key of the right size and mode.
  std::filesystem::remove(paths_.RootKeyFile());
  ASSERT_TRUE(keys::KeyFileProvider::CreateKeyFile(paths_.RootKeyFile()).ok());
  EngineOptions options;
  options.paths = paths_;
  auto wrong = Engine::Open(std::move(options), TestContext());
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(ReadFileBytes(paths_.DataStore()), data_before);
  EXPECT_EQ(ReadFileBytes(paths_.KeyStore()), keys_before);
  // Missing.
  std::filesystem::remove(paths_.RootKeyFile());
  EngineOptions options2;
  options2.paths = paths_;
  auto missing = Engine::Open(std::move(options2), TestContext());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), Code::kNotFound);
  EXPECT_NE(missing.error().message().find("root key file"), std::string::npos);
  // Readable by others.
  {
    std::ofstream out(paths_.RootKeyFile(), std::ios::binary);
    out << root;
  }
  ::chmod(paths_.RootKeyFile().c_str(), 0644);
  EngineOptions options3;
  options3.paths = paths_;
  auto loose = Engine::Open(std::move(options3), TestContext());
  ASSERT_FALSE(loose.has_value());
  EXPECT_EQ(loose.error().code(), Code::kPermissionDenied);
  ::chmod(paths_.RootKeyFile().c_str(), 0600);
  Reopen();
}

TEST_F(EngineTest, KeyFilesArePrivate) {
  struct stat st {};
  ASSERT_EQ(::stat(paths_.RootKeyFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(paths_.KeyStore().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  ASSERT_EQ(::stat(paths_.KeysDir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
}

TEST(EnginePassphraseTest, PassphraseRootKeyOpensOnlyWithThePassphrase) {
  testing::TempDir dir;
  Paths paths;
  paths.data_dir = dir / "data";
  crypto::Argon2Params fast{1, 8 * 1024, 1};
  keys::PassphraseProvider init_provider(crypto::SecretBytes("correct horse battery staple"),
                                         paths.PassphraseSalt(), fast);
  ASSERT_TRUE(Engine::Init(paths, &init_provider, TestContext()).ok());
  EngineOptions good;
  good.paths = paths;
  good.root = std::make_unique<keys::PassphraseProvider>(
      crypto::SecretBytes("correct horse battery staple"), paths.PassphraseSalt(), fast);
  auto opened = Engine::Open(std::move(good), TestContext());
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  opened->reset();
  EngineOptions bad;
  bad.paths = paths;
  bad.root = std::make_unique<keys::PassphraseProvider>(crypto::SecretBytes("wrong horse"),
                                                        paths.PassphraseSalt(), fast);
  auto refused = Engine::Open(std::move(bad), TestContext());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), Code::kUnauthenticated);
}

}  // namespace
}  // namespace mamori::engine
