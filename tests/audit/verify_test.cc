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
                "event 617: content does not match the hash event 618 names for it (modified)");
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

// With a worker thread VerifyLog hashes one batch while it reads the next:
// events on both sides of the batch edges must be checked, and the first bad
// one named, not a later one hashed earlier. Batches of 256 here, so the 1000
// events span four; the one-thread pass must say the same.
TEST_F(VerifyTest, FirstOfSeveralModificationsIsNamedWithOrWithoutTheWorker) {
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
  for (const bool hash_thread : {true, false}) {
    const VerifyReport r = verify(hash_thread);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.events_checked, kEvents);
    EXPECT_EQ(r.head, verify(!hash_thread).head);
  }
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
                    "event " + std::to_string(seq) + ": content does not match the hash");
    }
    RawPut(*store_, EventKey(seq), original);
    RawPut(*store_, EventKey(kEvents - 1), later);
  }
  RawDelete(*store_, EventKey(512));
  for (const bool hash_thread : {true, false}) {
    ExpectProblem(verify(hash_thread), Problem::kEventMissing, 512,
                  "event 512 missing: next stored event is 513 (deleted)");
  }
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

TEST_F(VerifyTest, ModifiedStoredNode) {
  RawPut(*store_, NodeKey(4, 3), std::string(crypto::DigestView(merkle::HashLeaf("forged"))));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeMismatch, 48,
                "subtree node 4/3 covering events 48..63 does not match its recomputed hash");
  EXPECT_EQ(r.bad_node, (std::pair<unsigned, uint64_t>{4, 3}));
}

TEST_F(VerifyTest, ModifiedHigherNode) {
  RawPut(*store_, NodeKey(5, 2), std::string(crypto::DigestView(merkle::HashLeaf("forged"))));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeMismatch, 64,
                "subtree node 5/2 covering events 64..95 does not match its recomputed hash");
  EXPECT_EQ(r.bad_node, (std::pair<unsigned, uint64_t>{5, 2}));
}

TEST_F(VerifyTest, DeletedStoredNode) {
  RawDelete(*store_, NodeKey(4, 7));
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeMissing, 112,
                "subtree node 4/7 covering events 112..127 is missing");
}

// Event 31 closes the stored subtree 4/1 (events 16..31), whose check is the
// first to fail; the link after it shows that the event changed, not the node.
TEST_F(VerifyTest, ModifiedEventThatClosesAStoredSubtree) {
  std::string json = RawGet(*store_, EventKey(31));
  json.replace(json.find("user"), 4, "uzer");
  RawPut(*store_, EventKey(31), json);
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kEventModified, 31,
                "event 31: content does not match the hash the next link names for it");
  EXPECT_EQ(r.bad_node, std::nullopt);
}

// Event 249 ends the first signed head (size 250): the head's root fails
// first, and the link after the event shows the event is what changed.
TEST_F(VerifyTest, ModifiedEventThatEndsASignedHead) {
  std::string json = RawGet(*store_, EventKey(249));
  json.replace(json.find("user"), 4, "uzer");
  RawPut(*store_, EventKey(249), json);
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kEventModified, 249, "event 249: content does not match the hash");
  EXPECT_EQ(r.bad_head_size, std::nullopt);
  EXPECT_EQ(r.events_checked, 249u);
}

TEST_F(VerifyTest, EditedPrevField) {
  // Event 32 now names another hash for event 31: 31 is intact (event 32's
  // own hash, which event 33 names, changed), so 32 is the bad entry.
  std::string json = RawGet(*store_, EventKey(32));
  const size_t at = json.find("\"prev\":\"") + 8;
  json[at] = json[at] == '0' ? '1' : '0';
  RawPut(*store_, EventKey(32), json);
  ExpectProblem(Verify(), Problem::kEventModified, 32,
                "event 32: content does not match the hash the next link names for it");
}

TEST_F(VerifyTest, BrokenChainThatTheNextLinkCannotSettle) {
  // Event 32's prev edited and event 33 unreadable: either 31 or 32 changed.
  std::string json = RawGet(*store_, EventKey(32));
  const size_t at = json.find("\"prev\":\"") + 8;
  json[at] = json[at] == '0' ? '1' : '0';
  RawPut(*store_, EventKey(32), json);
  RawPut(*store_, EventKey(33), "not an event");
  ExpectProblem(Verify(), Problem::kChainBroken, 31,
                "event 32: prev does not match the hash of event 31 (one of them was modified)");
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
  RewriteHistory([](std::vector<Event>& events) { events[3].reason = "nothing_to_see"; });
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
  // Events 980.. cut off and the state made to fit: the stored node 4/61
  // (events 976..991) is left over from the longer log.
  constexpr uint64_t kKept = 980;
  merkle::Frontier frontier;
  merkle::TreeHasher hasher;
  MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
    for (uint64_t seq = 0; seq < kKept; ++seq) {
      MAMORI_ASSIGN_OR_RETURN(auto ev, ReadEvent(txn, seq));
      frontier.Push(EventLeafHash(ev.value()), hasher);
    }
    for (uint64_t seq = kKept; seq < kEvents; ++seq)
      MAMORI_RETURN_IF_ERROR(txn.Delete(EventKey(seq)));
    MAMORI_ASSIGN_OR_RETURN(auto last, ReadEvent(txn, kKept - 1));
    LogState st{kKept, EventLeafHash(last.value())};
    for (unsigned level = 0; level < kStoredLevel; ++level) {
      if ((kKept >> level) & 1) st.edge[level] = frontier.Subtree(level);
    }
    return txn.Put(kStateKey, internal::StateJson(st));
  });
  const VerifyReport r = Verify();
  ExpectProblem(r, Problem::kNodeUnexpected, kKept,
                "subtree node 4/61 exists beyond the 980 stored events");
}

TEST_F(VerifyTest, StateRecordDisagrees) {
  LogState st{kEvents, {}};
  RawPut(*store_, std::string(kStateKey), internal::StateJson(st));
  ExpectProblem(Verify(), Problem::kState, 999, "last leaf hash does not match event 999");
  RawPut(*store_, std::string(kStateKey), "{}");
  ExpectProblem(Verify(), Problem::kState, std::nullopt, "audit/e~state is malformed");
}

TEST_F(VerifyTest, StateRecordEdgeDisagrees) {
  // 1000 = 0b1111101000: the edge holds the subtree 3/124 (events 992..999).
  Result<std::optional<LogState>> st = std::optional<LogState>();
  ASSERT_TRUE(store_
                  ->View([&](store::ReadTxn& txn) {
                    st = ReadState(txn);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(st.has_value() && st->has_value());
  LogState forged = **st;
  forged.edge[3].fill(0x11);
  RawPut(*store_, std::string(kStateKey), internal::StateJson(forged));
  ExpectProblem(Verify(), Problem::kState, 992,
                "the state record's edge hash at level 3 does not match events 992..999");
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
