// Tampering with a real SQLite log, as an administrator covering their tracks
// might, and what VerifyLog names as the first bad entry.
#include "audit/verify.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>

#include "audit/audit_test_util.h"
#include "audit/log.h"
#include "audit/log_internal.h"
#include "audit/merkle.h"
#include "core/encoding.h"

namespace mamori::audit {
namespace {

using test::MustUpdate;
using test::RawDelete;
using test::RawGet;
using test::RawPut;

constexpr uint64_t kEvents = 1000;
constexpr uint64_t kSignEvery = 250;  // signed heads at 250, 500, 750, 1000

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("audit.db");
    store_ = test::OpenStore(path_);
    ASSERT_NE(store_, nullptr);
    auto key = crypto::EcdsaP256PrivateKey::Generate();
    ASSERT_TRUE(key.has_value());
    key_.emplace(std::move(*key));
    pub_.emplace(key_->PublicKey());
    test::AppendEvents(*store_, kEvents, &*key_, kSignEvery);
  }

  VerifyReport Verify(bool pinned = true) {
    VerifyReport r;
    const Status s = store_->View([&](store::ReadTxn& txn) {
      r = VerifyLog(txn, pinned ? &*pub_ : nullptr);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }

  // Rewrites history as an insider with write access but no signing key
  // would: edits the events, then rebuilds every hash, link and the state,
  // leaving the signed heads as they were.
  void RewriteHistory(const std::function<void(std::vector<Event>&)>& edit) {
    MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
      std::vector<Event> events;
      for (uint64_t seq = 0;; ++seq) {
        MAMORI_ASSIGN_OR_RETURN(auto ev, ReadEvent(txn, seq));
        if (!ev) break;
        events.push_back(std::move(*ev));
      }
      edit(events);
      for (std::string_view prefix : {kEventPrefix, kNodePrefix}) {
        MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
        for (const auto& kv : rows) MAMORI_RETURN_IF_ERROR(txn.Delete(kv.key));
      }
      MAMORI_RETURN_IF_ERROR(txn.Delete(kStateKey));
      for (Event& ev : events) MAMORI_RETURN_IF_ERROR(StatusOf(Append(txn, ev)));
      return Status::Ok();
    });
  }

  void ExpectProblem(const VerifyReport& r, Problem problem, std::optional<uint64_t> seq,
                     std::string_view reason) {
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(ProblemName(r.problem), ProblemName(problem)) << r.reason;
    EXPECT_EQ(r.bad_seq, seq) << r.reason;
    EXPECT_NE(r.reason.find(reason), std::string::npos) << r.reason;
    EXPECT_FALSE(r.reason_ja.empty());
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<store::Storage> store_;
  std::optional<crypto::EcdsaP256PrivateKey> key_;
  std::optional<crypto::EcdsaP256PublicKey> pub_;
};

TEST_F(VerifyTest, IntactLogVerifies) {
  const VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.events_checked, kEvents);
  EXPECT_EQ(r.heads_checked, 4u);
  EXPECT_EQ(r.signed_size, kEvents);
  EXPECT_GT(r.bytes_hashed, kEvents * 100);
}

TEST_F(VerifyTest, ModifiedEvent) {
  std::string json = RawGet(*store_, EventKey(617));
  json.replace(json.find("user"), 4, "uzer");
  RawPut(*store_, EventKey(617), json);
  ExpectProblem(Verify(), Problem::kEventModified, 617,
                "event 617: content does not match its leaf hash (modified)");
}

TEST_F(VerifyTest, ModifiedEventInTheSqliteFileItself) {
  // Straight into the kv table with sqlite3, bypassing mamori entirely.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE kv SET v = replace(v, 'payroll', 'pAyroll') WHERE k = ?",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  const std::string key = EventKey(123);
  sqlite3_bind_blob(stmt, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  ExpectProblem(Verify(), Problem::kEventModified, 123, "event 123: content does not match");
}

TEST_F(VerifyTest, DeletedEvent) {
  RawDelete(*store_, EventKey(400));
  ExpectProblem(Verify(), Problem::kEventMissing, 400,
                "event 400 missing: next stored event is 401 (deleted)");
}

TEST_F(VerifyTest, DeletedLastEvent) {
  RawDelete(*store_, EventKey(kEvents - 1));
  ExpectProblem(Verify(), Problem::kEventMissing, 999,
                "event 999 missing: the state records 1000 events but only 999 are stored");
}

TEST_F(VerifyTest, LogLongerThanOneReadBatchVerifiesAndNamesTheFirstBadEntry) {
  // With a second thread VerifyLog reads events in batches and hashes one
  // batch while it reads the next: events on both sides of the batch edges
  // must be checked, and the first bad one named, not a later one that was
  // hashed earlier. Batches of 256 here, so the 1000 events span four.
  const auto verify = [&](bool hash_thread) {
    VerifyReport r;
    EXPECT_TRUE(store_
                    ->View([&](store::ReadTxn& txn) {
                      r = VerifyLog(txn, &*pub_,
                                    VerifyOptions{.hash_thread = hash_thread, .batch_events = 256});
                      return Status::Ok();
                    })
                    .ok());
    return r;
  };
  VerifyReport r = verify(true);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.events_checked, kEvents);
  for (const uint64_t seq : {uint64_t{255}, uint64_t{256}, uint64_t{3 * 256 + 1}}) {
    const std::string original = RawGet(*store_, EventKey(seq));
    std::string json = original;
    json.replace(json.find("user"), 4, "uzer");
    RawPut(*store_, EventKey(seq), json);
    // A second, later modification: the first one is still the one named.
    const std::string later = RawGet(*store_, EventKey(kEvents - 1));
    std::string later_json = later;
    later_json.replace(later_json.find("user"), 4, "uzer");
    RawPut(*store_, EventKey(kEvents - 1), later_json);
    for (const bool hash_thread : {true, false}) {
      ExpectProblem(verify(hash_thread), Problem::kEventModified, seq,
                    "event " + std::to_string(seq) + ": content does not match its leaf hash");
    }
    RawPut(*store_, EventKey(seq), original);
    RawPut(*store_, EventKey(kEvents - 1), later);
  }
  RawDelete(*store_, EventKey(512));
  ExpectProblem(verify(true), Problem::kEventMissing, 512,
                "event 512 missing: next stored event is 513 (deleted)");
}

TEST_F(VerifyTest, SwappedEvents) {
  const std::string a = RawGet(*store_, EventKey(100)), b = RawGet(*store_, EventKey(300));
  RawPut(*store_, EventKey(100), b);
  RawPut(*store_, EventKey(300), a);
  ExpectProblem(Verify(), Problem::kEventReordered, 100,
                "event at position 100 has seq 300 (reordered)");
}

TEST_F(VerifyTest, EditedSeqField) {
  std::string json = RawGet(*store_, EventKey(20));
  json.replace(json.find("\"seq\":20"), 8, "\"seq\":21");
  RawPut(*store_, EventKey(20), json);
  ExpectProblem(Verify(), Problem::kEventModified, 20, "content carries seq 21");
}

TEST_F(VerifyTest, GarbageEvent) {
  RawPut(*store_, EventKey(5), "{\"seq\":5,");
  ExpectProblem(Verify(), Problem::kEventModified, 5, "not a valid event");
}

TEST_F(VerifyTest, ModifiedLeafHash) {
  RawPut(*store_, NodeKey(0, 55), std::string(crypto::DigestView(merkle::HashLeaf("forged"))));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeMismatch, 55, "subtree node 0/55 does not match event 55");
  EXPECT_EQ(r.bad_node, (std::pair<unsigned, uint64_t>{0, 55}));
}

TEST_F(VerifyTest, ModifiedInnerNode) {
  RawPut(*store_, NodeKey(3, 10), std::string(crypto::DigestView(merkle::HashLeaf("forged"))));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeMismatch, 80,
                "subtree node 3/10 covering events 80..87 does not match its recomputed hash");
  EXPECT_EQ(r.bad_node, (std::pair<unsigned, uint64_t>{3, 10}));
}

TEST_F(VerifyTest, DeletedInnerNode) {
  RawDelete(*store_, NodeKey(2, 7));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeMissing, 28, "subtree node 2/7 covering events 28..31 is missing");
}

// An event and its leaf hash changed together. Event 31 (odd) completes the
// subtree 1/15, whose stored hash is the first thing that no longer fits.
TEST_F(VerifyTest, EventModifiedWithItsLeafHash) {
  std::string json = RawGet(*store_, EventKey(31));
  json.replace(json.find("user"), 4, "uzer");
  RawPut(*store_, EventKey(31), json);
  RawPut(*store_, NodeKey(0, 31), std::string(crypto::DigestView(merkle::HashLeaf(json))));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeMismatch, 30,
                "subtree node 1/15 covering events 30..31 does not match");
  EXPECT_EQ(r.bad_node, (std::pair<unsigned, uint64_t>{1, 15}));
}

TEST_F(VerifyTest, BrokenChainLink) {
  // Event 32 (even, so no subtree completes at it) and its leaf hash changed
  // together: event 33's prev is the first thing that no longer fits.
  std::string json = RawGet(*store_, EventKey(32));
  json.replace(json.find("user"), 4, "uzer");
  RawPut(*store_, EventKey(32), json);
  RawPut(*store_, NodeKey(0, 32), std::string(crypto::DigestView(merkle::HashLeaf(json))));
  ExpectProblem(Verify(), Problem::kChainBroken, 32,
                "event 33: prev does not match the hash of event 32");
}

TEST_F(VerifyTest, ForgedSignedHeadRoot) {
  std::string sth = RawGet(*store_, HeadKey(500));
  const size_t at = sth.find("\"root\":\"") + 8;
  sth[at] = sth[at] == '0' ? '1' : '0';
  RawPut(*store_, HeadKey(500), sth);
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kHeadInvalid, std::nullopt,
                "signed head for size 500: signature invalid (forged or modified)");
  EXPECT_EQ(r.bad_head_size, 500u);
  EXPECT_EQ(r.heads_checked, 1u);  // the head at 250 was fine
}

TEST_F(VerifyTest, HistoryRewrittenConsistently) {
  RewriteHistory([](std::vector<Event>& events) { events[600].actor = "someone-else"; });
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kHeadRoot, 500,
                "signed head for size 750: root mismatch (history rewritten between entries 500 "
                "and 749)");
  EXPECT_EQ(r.bad_head_size, 750u);
  EXPECT_EQ(r.events_checked, 750u);
}

TEST_F(VerifyTest, HistoryRewrittenBeforeTheFirstHead) {
  RewriteHistory([](std::vector<Event>& events) { events[3].reason = "nothing to see"; });
  ExpectProblem(Verify(), Problem::kHeadRoot, 0,
                "signed head for size 250: root mismatch (history rewritten before entry 250)");
}

TEST_F(VerifyTest, TruncatedConsistently) {
  RewriteHistory([](std::vector<Event>& events) { events.resize(990); });
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kHeadBeyondLog, 990,
                "signed head for size 1000: covers more events than the 990 stored");
  EXPECT_EQ(r.bad_head_size, 1000u);
}

TEST_F(VerifyTest, TruncatedLeavingSubtreeHashes) {
  for (uint64_t seq = 997; seq < kEvents; ++seq) RawDelete(*store_, EventKey(seq));
  const std::string last = RawGet(*store_, NodeKey(0, 996));
  LogState st{997, {}};
  std::copy(last.begin(), last.end(), st.last_leaf.begin());
  RawPut(*store_, std::string(kStateKey), internal::StateJson(st));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeUnexpected, 997,
                "subtree node 0/997 exists beyond the 997 stored events");
}

TEST_F(VerifyTest, StateRecordDisagrees) {
  LogState st{kEvents, {}};
  RawPut(*store_, std::string(kStateKey), internal::StateJson(st));
  ExpectProblem(Verify(), Problem::kState, 999, "last leaf hash does not match event 999");
  RawPut(*store_, std::string(kStateKey), "{}");
  ExpectProblem(Verify(), Problem::kState, std::nullopt, "audit/e~state is malformed");
}

TEST_F(VerifyTest, MalformedKey) {
  RawPut(*store_, "audit/e/zz", "{}");
  ExpectProblem(Verify(), Problem::kMalformedKey, 1000, "\"audit/e/zz\" is not an event key");
}

TEST_F(VerifyTest, KeysAndPinning) {
  auto other = crypto::EcdsaP256PrivateKey::Generate();
  ASSERT_TRUE(other.has_value());
  const crypto::EcdsaP256PublicKey other_pub = other->PublicKey();
  VerifyReport r;
  ASSERT_TRUE(store_
                  ->View([&](store::ReadTxn& txn) {
                    r = VerifyLog(txn, &other_pub);
                    return Status::Ok();
                  })
                  .ok());
  ExpectProblem(r, Problem::kHeadInvalid, std::nullopt, "not the pinned key");
  EXPECT_EQ(r.bad_head_size, 250u);

  // Without the stored key only a pinned verification can check signatures.
  RawDelete(*store_, PublicKeyKey(pub_->Fingerprint()));
  EXPECT_TRUE(Verify(true).ok);
  ExpectProblem(Verify(false), Problem::kHeadInvalid, std::nullopt,
                "is not stored under audit/key/");
}

TEST_F(VerifyTest, UnsignedTailIsNoted) {
  test::AppendEvents(*store_, 5, nullptr, 0);
  const VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.reason;
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("events 1000..1004 are not yet covered"), std::string::npos);
}

}  // namespace
}  // namespace mamori::audit
