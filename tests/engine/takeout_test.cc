// Engine::Export and the take-out register (engine/takeout.h) on a real
// store: every file is opened by `openssl cms -decrypt` in a separate
// process and compared with the records. Refusals: takeout_refusals_test.cc.
#include "engine/takeout_fixture.h"

namespace mamori::engine {
namespace {

using mamori::testing::ReadAll;

TEST_F(TakeoutTest, OpensslDecryptsTheFileAndItMatchesTheRecords) {
  CreateDataset("staff_c3", 3, {"encrypt_required"});
  const auto ids = PutRecords("staff_c3", 5);
  const TakeoutRequest req = Request("staff_c3", ids);
  auto r = engine_->Export(Exporter(), req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->path, req.out_path);
  EXPECT_FALSE(std::filesystem::exists(req.out_path + ".partial"));
  struct stat st;
  ASSERT_EQ(::stat(req.out_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const audit::Event ev = LastEvent();  // before the reads below add theirs
  const auto lines = Open(req.out_path);
  ASSERT_EQ(lines.size(), ids.size() + 2);
  // The label: classification and handling restrictions, in Japanese too.
  const auto& header = lines.front();
  EXPECT_EQ(header["mamori_takeout"], 1);
  EXPECT_EQ(header["takeout"], r->record.id);
  EXPECT_EQ(header["dataset"], "staff_c3");
  EXPECT_EQ(header["approval"], "apv-takeout-7");
  EXPECT_EQ(header["label"]["classification"]["confidentiality"], 3);
  EXPECT_EQ(header["label"]["classification"]["label"], "機密性3 完全性2 可用性2");
  EXPECT_EQ(header["label"]["handling"][0]["id"], "encrypt_required");
  EXPECT_EQ(header["label"]["handling"][0]["label_ja"], "暗号化必須");
  EXPECT_EQ(header["records"], ids.size());
  EXPECT_EQ(header["until"], FormatDate(req.until));
  // Every record, as the engine itself returns it.
  for (size_t i = 0; i < ids.size(); ++i) {
    auto got = engine_->Get(TestContext(), "staff_c3", ids[i]);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(lines[i + 1], got->ToJson()) << i;
  }
  // The trailer: the count and the hash of everything before it.
  const auto& trailer = lines.back();
  EXPECT_EQ(trailer["end"], true);
  EXPECT_EQ(trailer["records"], ids.size());
  const std::string before = plain_.substr(0, plain_.rfind('\n', plain_.size() - 2) + 1);
  EXPECT_EQ(trailer["sha256"], HexEncode(crypto::DigestView(crypto::Sha256(before))));

  // The register and the event say what, how many, to whom, until when.
  const TakeoutRecord& rec = r->record;
  EXPECT_EQ(rec.state, "out");
  EXPECT_EQ(rec.records, ids.size());
  EXPECT_EQ(rec.recipient_fingerprint,
            HexEncode(crypto::DigestView(
                crypto::Sha256(crypto::RecipientCertificate::Parse(pki_->Cert("bob"))->Der()))));
  EXPECT_EQ(rec.file_sha256, HexEncode(crypto::DigestView(crypto::Sha256(ReadAll(req.out_path)))));
  EXPECT_EQ(rec.content_sha256, trailer["sha256"].get<std::string>());
  EXPECT_EQ(ev.operation, "record.export");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.seq, rec.export_seq);
  EXPECT_EQ(ev.actor, kExporter);
  EXPECT_EQ(ev.dataset, "staff_c3");
  EXPECT_EQ(ev.attrs.at("takeout"), rec.id);
  EXPECT_EQ(ev.attrs.at("approval"), "apv-takeout-7");
  EXPECT_EQ(ev.attrs.at("count"), std::to_string(ids.size()));
  EXPECT_EQ(ev.attrs.at("recipient"), rec.recipient_fingerprint);
  EXPECT_EQ(ev.attrs.at("recipient_key"), "ec-p256");
  EXPECT_EQ(ev.attrs.at("until"), FormatDate(req.until));
  EXPECT_EQ(ev.attrs.at("file"), rec.file_sha256);
  EXPECT_EQ(ev.attrs.at("approvers"),
            R"(["tanaka_kacho:section_manager","suzuki_bucho:department_officer"])");
  // No value reaches the log.
  EXPECT_EQ(audit::CanonicalJson(ev).find(TestMyNumber(100)), std::string::npos);
  EXPECT_EQ(CountKeys("tom/" + rec.id + "/"), 1u);
  EXPECT_EQ(CountKeys("tp/"), 0u);
  auto got = engine_->GetTakeout(TestContext(), rec.id);
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->file_sha256, rec.file_sha256);
  EXPECT_EQ(got->export_seq, rec.export_seq);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(TakeoutTest, RsaRecipientSelectedFieldsAndAllRecords) {
  CreateDataset("staff_c2", 2, {});
  auto ids = PutRecords("staff_c2", 3);
  // `all` writes the records in the store's order: ascending ids (records
  // put in the same millisecond are ordered by their random part).
  std::sort(ids.begin(), ids.end());
  TakeoutRequest req = Request("staff_c2", {}, "carol");
  req.all = true;
  req.fields = {"name", "birth_date"};
  req.approvers = {{"tanaka_kacho", "section_manager"}};  // C2: the section manager suffices
  auto r = engine_->Export(Exporter(), req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->record.recipient_key, "rsa-3072");
  const auto lines = Open(req.out_path, "carol");
  ASSERT_EQ(lines.size(), ids.size() + 2);
  EXPECT_EQ(lines[0]["fields"], nlohmann::json({"name", "birth_date"}));
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(lines[i + 1]["_meta"]["id"], ids[i]);
    EXPECT_TRUE(lines[i + 1].contains("name"));
    EXPECT_FALSE(lines[i + 1].contains("my_number")) << "a field not selected was written";
    EXPECT_FALSE(lines[i + 1].contains("name_kana"));
  }
  EXPECT_EQ(LastEvent().attrs.at("fields"), R"(["name","birth_date"])");
}

TEST_F(TakeoutTest, ManyRecordsStreamAndTheManifestIsChunked) {
  CreateDataset("staff_c2", 2, {});
  const auto ids = PutRecords("staff_c2", 1205);
  TakeoutRequest req = Request("staff_c2", {});
  req.all = true;
  auto r = engine_->Export(Exporter(), req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const auto lines = Open(req.out_path);
  ASSERT_EQ(lines.size(), ids.size() + 2);
  EXPECT_EQ(lines.back()["records"], 1205);
  EXPECT_EQ(CountKeys("tom/" + r->record.id + "/"), 2u);  // 1000 + 205 lines
}

TEST_F(TakeoutTest, ReturnOrDestructionIsConfirmedOnceBySomeoneElse) {
  CreateDataset("staff_c2", 2, {});
  auto r = engine_->Export(Exporter(), Request("staff_c2", PutRecords("staff_c2", 2)));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const std::string id = r->record.id;

  auto self = engine_->ConfirmTakeout(Exporter(), id, TakeoutDisposition::kReturned);
  ASSERT_FALSE(self.has_value());
  EXPECT_EQ(self.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(self.error().subject(), "confirmer");
  EXPECT_EQ(LastEvent().operation, "takeout.confirm");
  EXPECT_EQ(LastEvent().result, "refused");

  Context manager = TestContext();
  manager.actor = "tanaka_kacho";
  auto done = engine_->ConfirmTakeout(manager, id, TakeoutDisposition::kReturned);
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(done->state, "returned");
  EXPECT_EQ(done->confirmed_by, "tanaka_kacho");
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "takeout.confirm");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.attrs.at("takeout"), id);
  EXPECT_EQ(ev.attrs.at("disposition"), "returned");
  EXPECT_EQ(ev.attrs.count("late"), 0u);
  EXPECT_EQ(done->confirm_seq, ev.seq);

  auto again = engine_->ConfirmTakeout(manager, id, TakeoutDisposition::kDestroyed);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), Code::kFailedPrecondition);
  auto unknown =
      engine_->ConfirmTakeout(manager, std::string(32, 'b'), TakeoutDisposition::kDestroyed);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), Code::kNotFound);
  auto malformed = engine_->ConfirmTakeout(manager, "x'; drop", TakeoutDisposition::kDestroyed);
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(LastEvent().result, "refused");
  auto stored = engine_->GetTakeout(TestContext(), id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, "returned");
}

TEST_F(TakeoutTest, DisposeAfterReadingEndsDestroyedAndLateConfirmationIsMarked) {
  CreateDataset("readonce", 2, {"dispose_after_reading"});
  auto r = engine_->Export(Exporter(), Request("readonce", PutRecords("readonce", 1)));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_TRUE(r->record.destroy_only);
  Context manager = TestContext();
  manager.actor = "tanaka_kacho";
  manager.time = JstMidnight(AddToDate(r->record.until, 0, 0, 2));  // two days late
  auto returned = engine_->ConfirmTakeout(manager, r->record.id, TakeoutDisposition::kReturned);
  ASSERT_FALSE(returned.has_value());
  EXPECT_EQ(returned.error().subject(), "dispose_after_reading");
  auto destroyed = engine_->ConfirmTakeout(manager, r->record.id, TakeoutDisposition::kDestroyed);
  ASSERT_TRUE(destroyed.has_value()) << destroyed.error().ToString();
  EXPECT_EQ(destroyed->state, "destroyed");
  EXPECT_EQ(LastEvent().attrs.at("late"), "true");
}

TEST_F(TakeoutTest, TheRegisterListsWhatIsStillOutAndDue) {
  CreateDataset("staff_c2", 2, {});
  const auto ids = PutRecords("staff_c2", 2);
  TakeoutRequest first = Request("staff_c2", {ids[0]});
  first.until = AddToDate(JstDate(NowMicros()), 0, 0, 3);
  TakeoutRequest second = Request("staff_c2", {ids[1]});
  second.out_path = dir_ / "out/second.p7m";
  second.until = AddToDate(JstDate(NowMicros()), 0, 0, 10);
  auto a = engine_->Export(Exporter(), first);
  auto b = engine_->Export(Exporter(), second);
  ASSERT_TRUE(a.has_value() && b.has_value());

  auto all = engine_->ListTakeouts(TestContext(), {});
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a->record.id);  // in export order
  TakeoutFilter due;
  due.open_only = true;
  due.due_before = AddToDate(first.until, 0, 0, 1);
  auto overdue = engine_->ListTakeouts(TestContext(), due);
  ASSERT_TRUE(overdue.has_value());
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_EQ((*overdue)[0].id, a->record.id);
  EXPECT_TRUE((*overdue)[0].ToJson(AddToDate(first.until, 0, 0, 1))["overdue"]);
  EXPECT_EQ(LastEvent().operation, "takeout.list");
  EXPECT_EQ(LastEvent().attrs.at("count"), "1");

  Context manager = TestContext();
  manager.actor = "tanaka_kacho";
  ASSERT_TRUE(engine_->ConfirmTakeout(manager, a->record.id, TakeoutDisposition::kDestroyed));
  auto after = engine_->ListTakeouts(TestContext(), due);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->empty());
}

TEST_F(TakeoutTest, AnAlteredRegisterEntryIsRefused) {
  CreateDataset("staff_c2", 2, {});
  auto r = engine_->Export(Exporter(), Request("staff_c2", PutRecords("staff_c2", 1)));
  ASSERT_TRUE(r.has_value());
  // Someone with write access to mamori.db marks it returned.
  const std::string key = "to/" + r->record.id;
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
                    auto j = nlohmann::json::parse(*raw);
                    j["state"] = "returned";
                    return txn.Put(key, j.dump());
                  })
                  .ok());
  auto got = engine_->GetTakeout(TestContext(), r->record.id);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), Code::kDataLoss);
  EXPECT_EQ(LastEvent().result, "error");
  auto listed = engine_->ListTakeouts(TestContext(), {});
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code(), Code::kDataLoss);
}

TEST_F(TakeoutTest, AnExportInterruptedBeforeItsCommitIsCleanedAtOpen) {
  auto key = engine_->DeriveModuleKey(kEnvelopeKeyLabel);
  ASSERT_TRUE(key.has_value());
  const std::string id(32, 'c');
  const std::string partial = dir_ / "out/crashed.p7m.partial";
  const std::string planted = dir_ / "out/victim.partial";
  { std::ofstream(partial) << "half a file"; }
  { std::ofstream(planted) << "not ours"; }
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_RETURN_IF_ERROR(txn.Put(
                        "tp/" + id, nlohmann::json({{"path", partial},
                                                    {"dataset", "staff_c2"},
                                                    {"m", PendingExportMac(*key, id, partial)}})
                                        .dump()));
                    // A marker planted without the key names another file.
                    return txn.Put("tp/" + std::string(32, 'd'),
                                   nlohmann::json({{"path", planted},
                                                   {"dataset", "staff_c2"},
                                                   {"m", std::string(64, '0')}})
                                       .dump());
                  })
                  .ok());
  Reopen();
  EXPECT_FALSE(std::filesystem::exists(partial));
  EXPECT_TRUE(std::filesystem::exists(planted));
  EXPECT_EQ(CountKeys("tp/"), 1u);  // the planted one stays for the operator
  // The interruption and the invalid marker are both in the log.
  bool interrupted = false, invalid = false;
  ASSERT_TRUE(engine_->data_store()
                  .View([&](store::ReadTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                    for (uint64_t s = 0; s < head.size; ++s) {
                      MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, s));
                      if (!ev || ev->operation != "record.export") continue;
                      interrupted |= ev->reason == "interrupted" && ev->result == "error";
                      invalid |= ev->reason == "pending_marker_invalid" && ev->result == "error";
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(interrupted);
  EXPECT_TRUE(invalid);
  EXPECT_TRUE(Verify().ok);
}

// The demo organisation (scripts/demo-data): payroll_account is the take-out
// example (confidentiality 3: both officers approve), loan_customer is
// no_takeout, employee_my_number no_copy, resident_tax no_distribution.
TEST_F(TakeoutTest, TheDemoDatasetsTakeOutAsTheWalkThroughSays) {
  const std::string demo = std::string(MAMORI_SOURCE_DIR) + "/scripts/demo-data/";
  for (const char* ds :
       {"payroll_account", "loan_customer", "employee_my_number", "resident_tax"}) {
    auto created =
        engine_->CreateDataset(TestContext(), nlohmann::json::parse(ReadAll(demo + ds + ".json")));
    ASSERT_TRUE(created.has_value()) << ds << ": " << created.error().ToString();
  }
  Context ctx = Exporter();
  ctx.purpose = "payroll_transfer";
  auto put = engine_->Put(ctx, "payroll_account",
                          {{"name", "佐藤 一郎"},
                           {"name_kana", "サトウ イチロウ"},
                           {"account",
                            {{"bank_code", "9999"},
                             {"branch_code", "100"},
                             {"type", "普通"},
                             {"number", "0000001"},
                             {"holder", "サトウ イチロウ"}}}});
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  // As scripts/demo makes recipient-soumu.crt.
  ASSERT_TRUE(pki_->MakeRecipient("soumu", "ec", "keyUsage=critical,keyAgreement"));
  TakeoutRequest req = Request("payroll_account", {put->id}, "soumu");
  req.approvers = {{"tanaka_kacho", "section_manager"}};
  auto one = engine_->Export(ctx, req);
  ASSERT_FALSE(one.has_value());
  EXPECT_EQ(one.error().subject(), "approvers");
  req.approvers.push_back({"suzuki_bucho", "department_officer"});
  auto r = engine_->Export(ctx, req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const auto lines = Open(req.out_path, "soumu");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1]["account"]["number"], "0000001");
  EXPECT_EQ(lines[0]["label"]["classification"]["confidentiality"], 3);

  for (const auto& [ds, purpose, rule] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"loan_customer", "credit_screening", "no_takeout"},
           {"employee_my_number", "withholding", "no_copy"}}) {
    auto def = engine_->Ledger(TestContext(), ds);
    ASSERT_TRUE(def.has_value());
    EXPECT_EQ((*def)["takeout"]["refused_by"], rule);
  }
  auto tax = engine_->Ledger(TestContext(), "resident_tax");
  EXPECT_EQ((*tax)["takeout"]["internal_because"], "no_distribution");
}

TEST_F(TakeoutTest, TheManifestNamesEveryRecordWrittenAndAnAlteredOneIsRefused) {
  CreateDataset("staff_c2", 2, {});
  const auto ids = PutRecords("staff_c2", 1003);
  TakeoutRequest req = Request("staff_c2", {});
  req.all = true;
  auto r = engine_->Export(Exporter(), req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  auto manifest = engine_->TakeoutManifest(TestContext(), r->record.id);
  ASSERT_TRUE(manifest.has_value()) << manifest.error().ToString();
  ASSERT_EQ(manifest->size(), ids.size());
  // `all` writes the records in the store's order: ascending ids.
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    EXPECT_EQ((*manifest)[i].record, sorted[i]);
    EXPECT_EQ((*manifest)[i].version, 1u);
  }
  EXPECT_EQ(LastEvent().operation, "takeout.manifest");
  EXPECT_EQ(LastEvent().attrs.at("count"), "1003");
  // A record removed from the stored manifest (hiding that it was taken out).
  const std::string key = "tom/" + r->record.id + "/00000001";
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
                    return txn.Put(key, raw->substr(raw->find('\n') + 1));
                  })
                  .ok());
  auto altered = engine_->TakeoutManifest(TestContext(), r->record.id);
  ASSERT_FALSE(altered.has_value());
  EXPECT_EQ(altered.error().code(), Code::kDataLoss);
  EXPECT_EQ(LastEvent().result, "error");
}

}  // namespace
}  // namespace mamori::engine
