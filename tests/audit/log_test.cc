// The storage-backed log on a real SQLite file: layout, proofs against signed
// heads, queries, and the refusals that keep a damaged log from growing.
#include "audit/log.h"

#include <gtest/gtest.h>

#include <bit>
#include <thread>

#include "audit/audit_test_util.h"
#include "audit/log_internal.h"
#include "audit/merkle.h"
#include "audit/verify.h"
#include "core/encoding.h"

namespace mamori::audit {
namespace {

// These logs are built without signed heads: what is tested is the hashing.
const VerifyOptions kUnsignedOnPurpose{.require_signed_head = false};

using test::AppendEvents;
using test::MakeEvent;
using test::MustUpdate;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = test::OpenStore(dir_.File("audit.db"));
    ASSERT_NE(store_, nullptr);
    auto key = crypto::EcdsaP256PrivateKey::Generate();
    ASSERT_TRUE(key.has_value());
    key_.emplace(std::move(*key));
  }

  template <class Fn>
  void View(Fn fn) {
    const Status s = store_->View([&](store::ReadTxn& txn) -> Status {
      fn(txn);
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  size_t CountKeys(std::string_view prefix) {
    size_t n = 0;
    View([&](store::ReadTxn& txn) { n = txn.Scan(prefix, store::PrefixEnd(prefix), 0)->size(); });
    return n;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Storage> store_;
  std::optional<crypto::EcdsaP256PrivateKey> key_;
};

TEST_F(LogTest, AppendAssignsSeqAndPrevAndWritesTheLayout) {
  std::vector<Event> appended;
  MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
    for (uint64_t i = 0; i < 3; ++i) {
      Event ev = MakeEvent(i);
      MAMORI_ASSIGN_OR_RETURN(uint64_t seq, Append(txn, ev));
      EXPECT_EQ(seq, i);
      appended.push_back(ev);
    }
    return Status::Ok();
  });
  EXPECT_EQ(appended[0].prev, "");
  EXPECT_EQ(appended[1].prev, HexEncode(crypto::DigestView(EventLeafHash(appended[0]))));
  EXPECT_EQ(appended[2].prev, HexEncode(crypto::DigestView(EventLeafHash(appended[1]))));
  EXPECT_EQ(test::RawGet(*store_, "audit/e/0000000000000001"), CanonicalJson(appended[1]));
  // Subtrees below kStoredLevel are not stored: the edge of the state holds
  // the rightmost ones, lowest level first (leaf 2, then node 1/0).
  EXPECT_EQ(CountKeys(kNodePrefix), 0u);
  const auto hex = [](const crypto::Digest& d) { return HexEncode(crypto::DigestView(d)); };
  const crypto::Digest node10 =
      merkle::HashNode(EventLeafHash(appended[0]), EventLeafHash(appended[1]));
  EXPECT_EQ(test::RawGet(*store_, "audit/e~state"),
            R"({"edge":[")" + hex(EventLeafHash(appended[2])) + R"(",")" + hex(node10) +
                R"("],"last":")" + hex(EventLeafHash(appended[2])) + R"(","size":3})");
  View([&](store::ReadTxn& txn) {
    for (const Event& ev : appended) {
      auto back = ReadEvent(txn, ev.seq);
      ASSERT_TRUE(back.has_value() && back->has_value());
      EXPECT_EQ(**back, ev);
    }
    EXPECT_FALSE(ReadEvent(txn, 3)->has_value());
  });
}

// Complete subtrees of level kStoredLevel and up among the first n events:
// the nodes Append stores.
uint64_t StoredNodes(uint64_t n) {
  uint64_t count = 0;
  for (unsigned level = kStoredLevel; level < 64; ++level) count += n >> level;
  return count;
}

TEST_F(LogTest, StoresOneNodePerEightEventsAmortised) {
  AppendEvents(*store_, 1000, nullptr, 0);
  EXPECT_EQ(CountKeys(kEventPrefix), 1000u);
  EXPECT_EQ(CountKeys(kNodePrefix), StoredNodes(1000));
  EXPECT_EQ(StoredNodes(1000), 119u);
  // The 16th event completes the first stored subtree: the hash of 0..15.
  std::vector<crypto::Digest> leaves;
  View([&](store::ReadTxn& txn) {
    for (uint64_t seq = 0; seq < 16; ++seq) leaves.push_back(EventLeafHash(**ReadEvent(txn, seq)));
  });
  EXPECT_EQ(test::RawGet(*store_, NodeKey(kStoredLevel, 0)),
            std::string(crypto::DigestView(merkle::RootOfLeaves(leaves))));
}

// A log written before: every level stored, state without an edge. It reads,
// proves and verifies as it is, grows (the edge worked out once from the
// events), and PruneUnstoredNodes removes the rows nothing reads any more.
TEST_F(LogTest, LogWrittenBeforeTheEdgeKeepsWorkingAndIsPruned) {
  AppendEvents(*store_, 37, &*key_, 20);
  std::vector<crypto::Digest> leaves;
  View([&](store::ReadTxn& txn) {
    for (uint64_t seq = 0; seq < 37; ++seq) leaves.push_back(EventLeafHash(**ReadEvent(txn, seq)));
  });
  // Rewrite it the way the old Append left it.
  MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
    merkle::Frontier frontier;
    merkle::TreeHasher hasher;
    for (uint64_t seq = 0; seq < 37; ++seq) {
      MAMORI_RETURN_IF_ERROR(txn.Put(NodeKey(0, seq), crypto::DigestView(leaves[seq])));
      frontier.Push(leaves[seq], hasher,
                    [&](unsigned level, uint64_t index, const crypto::Digest& h) {
                      if (level < kStoredLevel)
                        (void)txn.Put(NodeKey(level, index), crypto::DigestView(h));
                    });
    }
    return txn.Put(kStateKey,
                   R"({"last":")" + HexEncode(crypto::DigestView(leaves[36])) + R"(","size":37})");
  });
  ASSERT_EQ(CountKeys(kNodePrefix), 37u + 18 + 9 + 4 + StoredNodes(37));
  View([&](store::ReadTxn& txn) {
    auto st = ReadState(txn);
    ASSERT_TRUE(st.has_value() && st->has_value());
    EXPECT_FALSE((*st)->has_edge);
    EXPECT_EQ(CurrentHead(txn)->root, merkle::RootOfLeaves(leaves));
    auto proof = InclusionProof(txn, 35, 37);
    ASSERT_TRUE(proof.has_value()) << proof.error().ToString();
    EXPECT_TRUE(
        merkle::VerifyInclusion(35, 37, leaves[35], *proof, merkle::RootOfLeaves(leaves)).ok());
    const VerifyReport r = VerifyLog(txn, nullptr);
    EXPECT_TRUE(r.ok) << r.reason;
  });
  AppendEvents(*store_, 30, &*key_, 0);
  View([&](store::ReadTxn& txn) {
    auto st = ReadState(txn);
    ASSERT_TRUE(st.has_value() && st->has_value());
    EXPECT_TRUE((*st)->has_edge);
    EXPECT_EQ((*st)->size, 67u);
    const VerifyReport r = VerifyLog(txn, nullptr);
    EXPECT_TRUE(r.ok) << r.reason;
  });
  size_t pruned = 0;
  for (;;) {
    size_t n = 0;
    MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(n, PruneUnstoredNodes(txn, 10));
      return Status::Ok();
    });
    if (n == 0) break;
    pruned += n;
  }
  EXPECT_EQ(pruned, 37u + 18 + 9 + 4);
  EXPECT_EQ(CountKeys(kNodePrefix), StoredNodes(67));
  View([&](store::ReadTxn& txn) {
    const VerifyReport r = VerifyLog(txn, nullptr);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.events_checked, 67u);
  });
}

TEST_F(LogTest, ThousandEventsProveAgainstSignedHeads) {
  AppendEvents(*store_, 1000, &*key_, 100);
  const crypto::EcdsaP256PublicKey pub = key_->PublicKey();
  View([&](store::ReadTxn& txn) {
    auto heads = ListSignedHeads(txn);
    ASSERT_TRUE(heads.has_value());
    ASSERT_EQ(heads->size(), 10u);
    std::vector<crypto::Digest> leaves;
    for (uint64_t seq = 0; seq < 1000; ++seq) {
      auto ev = ReadEvent(txn, seq);
      ASSERT_TRUE(ev.has_value() && ev->has_value());
      leaves.push_back(EventLeafHash(**ev));
    }
    auto current = CurrentHead(txn);
    ASSERT_TRUE(current.has_value());
    EXPECT_EQ(current->size, 1000u);
    EXPECT_EQ(current->root, merkle::RootOfLeaves(leaves));
    auto latest = LatestSignedHead(txn);
    ASSERT_TRUE(latest.has_value() && latest->has_value());
    EXPECT_EQ(**latest, heads->back());

    for (size_t h = 0; h < heads->size(); ++h) {
      const SignedTreeHead& sth = (*heads)[h];
      EXPECT_EQ(sth.size, 100 * (h + 1));
      EXPECT_TRUE(VerifySignedHead(sth, pub).ok());
      EXPECT_EQ(sth.root, merkle::RootOfLeaves(std::span(leaves).first(sth.size)));
      // Every event against the last head, a stride of them against the others.
      const uint64_t stride = h + 1 == heads->size() ? 1 : 13;
      for (uint64_t seq = 0; seq < sth.size; seq += stride) {
        auto proof = InclusionProof(txn, seq, sth.size);
        ASSERT_TRUE(proof.has_value()) << proof.error().ToString();
        EXPECT_TRUE(merkle::VerifyInclusion(seq, sth.size, leaves[seq], *proof, sth.root).ok())
            << seq << " in " << sth.size;
      }
      for (size_t g = 0; g <= h; ++g) {
        const SignedTreeHead& older = (*heads)[g];
        auto proof = ConsistencyProof(txn, older.size, sth.size);
        ASSERT_TRUE(proof.has_value());
        EXPECT_TRUE(
            merkle::VerifyConsistency(older.size, sth.size, older.root, sth.root, *proof).ok());
      }
    }
    EXPECT_EQ(InclusionProof(txn, 5, 1001).error().code(), Code::kInvalidArgument);
    EXPECT_EQ(InclusionProof(txn, 1000, 1000).error().code(), Code::kInvalidArgument);
    EXPECT_EQ(ConsistencyProof(txn, 10, 1001).error().code(), Code::kInvalidArgument);
    EXPECT_EQ(ConsistencyProof(txn, 11, 10).error().code(), Code::kInvalidArgument);

    const VerifyReport pinned = VerifyLog(txn, &pub);
    EXPECT_TRUE(pinned.ok) << pinned.reason;
    EXPECT_TRUE(pinned.key_pinned);
    EXPECT_EQ(pinned.events_checked, 1000u);
    EXPECT_EQ(pinned.heads_checked, 10u);
    EXPECT_EQ(pinned.signed_size, 1000u);
    EXPECT_EQ(pinned.nodes_checked, StoredNodes(1000));
    EXPECT_EQ(pinned.head, *current);
    EXPECT_TRUE(pinned.notes.empty());
    const VerifyReport trusting = VerifyLog(txn, nullptr);
    EXPECT_TRUE(trusting.ok) << trusting.reason;
    EXPECT_FALSE(trusting.key_pinned);
    EXPECT_EQ(trusting.signer_fingerprints, std::vector<std::string>{pub.Fingerprint()});
    ASSERT_EQ(trusting.notes.size(), 1u);
    EXPECT_NE(trusting.notes[0].find("audit/key/"), std::string::npos);
  });
}

TEST_F(LogTest, SignHeadIsANoOpWhileIdleAndStoresTheKeyOnce) {
  AppendEvents(*store_, 10, nullptr, 0);
  SignedTreeHead first, again;
  MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(first, SignHead(txn, *key_, 1000));
    MAMORI_ASSIGN_OR_RETURN(again, SignHead(txn, *key_, 2000));
    return Status::Ok();
  });
  EXPECT_EQ(first, again);
  EXPECT_EQ(first.size, 10u);
  EXPECT_EQ(CountKeys(kHeadPrefix), 1u);
  EXPECT_EQ(CountKeys(kKeyPrefix), 1u);
  EXPECT_EQ(test::RawGet(*store_, PublicKeyKey(first.key_fingerprint)), key_->PublicKey().ToPem());
}

TEST_F(LogTest, EmptyLogHasTheEmptyRootAndVerifies) {
  View([&](store::ReadTxn& txn) {
    auto head = CurrentHead(txn);
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(*head, (TreeHead{0, merkle::EmptyRoot()}));
    EXPECT_FALSE(LatestSignedHead(txn)->has_value());
    EXPECT_TRUE(VerifyLog(txn, nullptr).ok);
  });
  MustUpdate(*store_, [&](store::WriteTxn& txn) { return StatusOf(SignHead(txn, *key_, 5)); });
  const auto pub = key_->PublicKey();
  View([&](store::ReadTxn& txn) {
    const VerifyReport r = VerifyLog(txn, &pub);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.heads_checked, 1u);
  });
}

TEST_F(LogTest, RefusedAppendWritesNothing) {
  AppendEvents(*store_, 3, nullptr, 0);
  Event bad = MakeEvent(3);
  bad.result = "done";
  const Status s = store_->Update([&](store::WriteTxn& txn) { return StatusOf(Append(txn, bad)); });
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.subject(), "result");
  EXPECT_EQ(CountKeys(kEventPrefix), 3u);
  View([&](store::ReadTxn& txn) { EXPECT_EQ(CurrentHead(txn)->size, 3u); });
}

TEST_F(LogTest, StateUnderTheLegacyKeyIsReadAndMovedByTheNextAppend) {
  // A log written before the state record moved next to the events.
  AppendEvents(*store_, 5, nullptr, 0);
  const std::string state = test::RawGet(*store_, std::string(kStateKey));
  test::RawDelete(*store_, std::string(kStateKey));
  test::RawPut(*store_, std::string(kLegacyStateKey), state);
  View([&](store::ReadTxn& txn) {
    EXPECT_EQ(CurrentHead(txn)->size, 5u);
    EXPECT_TRUE(VerifyLog(txn, nullptr, kUnsignedOnPurpose).ok);
  });
  AppendEvents(*store_, 1, nullptr, 0);
  EXPECT_EQ(CountKeys(kLegacyStateKey), 0u);
  View([&](store::ReadTxn& txn) {
    EXPECT_EQ(CurrentHead(txn)->size, 6u);
    const VerifyReport r = VerifyLog(txn, nullptr, kUnsignedOnPurpose);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.events_checked, 6u);
  });
}

TEST_F(LogTest, StateRecordIsReadInTheFormWrittenAndAnyOtherValidJson) {
  const std::string hex(64, 'a');
  crypto::Digest digest;
  digest.fill(0xaa);
  const auto read = [&](const std::string& raw) {
    test::RawPut(*store_, std::string(kStateKey), raw);
    Result<std::optional<LogState>> st = std::optional<LogState>();
    View([&](store::ReadTxn& txn) { st = ReadState(txn); });
    return st;
  };
  // Written before the edge was kept.
  LogState old{12, digest};
  old.has_edge = false;
  EXPECT_EQ(*read(R"({"last":")" + hex + R"(","size":12})"), old);
  EXPECT_EQ(*read(R"({ "size": 12, "last": ")" + hex + R"(" })"), old);
  LogState big{18446744073709551615u, digest};
  big.has_edge = false;
  EXPECT_EQ(*read(R"({"last":")" + hex + R"(","size":18446744073709551615})"), big);
  // With the edge: one hash per set bit of size below kStoredLevel (12 = 8 + 4).
  const std::string b(64, 'b'), c(64, 'c');
  LogState with_edge{12, digest};
  with_edge.edge[2].fill(0xbb);
  with_edge.edge[3].fill(0xcc);
  EXPECT_EQ(*read(R"({"edge":[")" + b + R"(",")" + c + R"("],"last":")" + hex + R"(","size":12})"),
            with_edge);
  EXPECT_EQ(
      *read(R"({"size":12, "edge":[")" + b + R"(", ")" + c + R"("], "last":")" + hex + R"("})"),
      with_edge);
  EXPECT_EQ(*read(internal::StateJson(with_edge)), with_edge);
  LogState empty_edge{16, digest};
  EXPECT_EQ(*read(R"({"edge":[],"last":")" + hex + R"(","size":16})"), empty_edge);
  for (const std::string& bad :
       {R"({"last":")" + hex + R"(","size":012})", R"({"last":")" + hex + R"(","size":-1})",
        R"({"last":")" + hex + R"(","size":18446744073709551616})",
        R"({"last":")" + std::string(64, 'A') + R"(","size":1})",
        R"({"last":")" + hex + R"(","size":1,"x":1})", std::string("{}"),
        // An edge that does not fit the size: one hash too few, one too many.
        R"({"edge":[")" + b + R"("],"last":")" + hex + R"(","size":12})",
        R"({"edge":[")" + b + R"(",")" + c + R"(",")" + c + R"("],"last":")" + hex +
            R"(","size":12})",
        R"({"edge":[")" + b + R"(",],"last":")" + hex + R"(","size":4})",
        R"({"edge":["xyz"],"last":")" + hex + R"(","size":4})"}) {
    EXPECT_EQ(read(bad).error().code(), Code::kDataLoss) << bad;
  }
}

TEST_F(LogTest, DamagedLogRefusesToGrowOrBeSigned) {
  AppendEvents(*store_, 16, &*key_, 16);
  const std::string state = test::RawGet(*store_, std::string(kStateKey));
  // The state record gone while events exist: appending would overwrite event 0.
  test::RawDelete(*store_, std::string(kStateKey));
  Event ev = MakeEvent(16);
  EXPECT_EQ(store_->Update([&](store::WriteTxn& txn) { return StatusOf(Append(txn, ev)); }).code(),
            Code::kDataLoss);
  // A state rolled back to size 5: the next key is taken, and the signed head is larger.
  test::RawPut(*store_, std::string(kStateKey),
               R"({"edge":[")" + std::string(64, '0') + R"(",")" + std::string(64, '0') +
                   R"("],"last":")" + std::string(64, '0') + R"(","size":5})");
  EXPECT_EQ(store_->Update([&](store::WriteTxn& txn) { return StatusOf(Append(txn, ev)); }).code(),
            Code::kDataLoss);
  EXPECT_EQ(store_->Update([&](store::WriteTxn& txn) { return StatusOf(SignHead(txn, *key_, 9)); })
                .code(),
            Code::kDataLoss);
  test::RawPut(*store_, std::string(kStateKey), state);
  // A rewritten subtree under the signed head: signing again would endorse it.
  // (The guard reads the subtrees that make up the old root, here the one node 4/0.)
  AppendEvents(*store_, 1, nullptr, 0);
  test::RawPut(*store_, NodeKey(kStoredLevel, 0), std::string(32, 'x'));
  EXPECT_EQ(store_->Update([&](store::WriteTxn& txn) { return StatusOf(SignHead(txn, *key_, 9)); })
                .code(),
            Code::kDataLoss);
}

TEST_F(LogTest, ConcurrentAppendsShareCommitsAndStayContiguous) {
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::thread> threads;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Event ev = MakeEvent(static_cast<uint64_t>(t) * kEach + static_cast<uint64_t>(i));
        const Status s = store_->Update([&](store::WriteTxn& txn) -> Status {
          MAMORI_ASSIGN_OR_RETURN(uint64_t seq, Append(txn, ev));
          seqs[t].push_back(seq);
          return Status::Ok();
        });
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<uint64_t> all;
  for (const auto& v : seqs) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
  View([&](store::ReadTxn& txn) {
    const VerifyReport r = VerifyLog(txn, nullptr, kUnsignedOnPurpose);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.events_checked, size_t{kThreads * kEach});
  });
}

TEST_F(LogTest, QueryFiltersAndPages) {
  AppendEvents(*store_, 300, nullptr, 0);
  View([&](store::ReadTxn& txn) {
    const auto count = [](auto pred) {
      size_t n = 0;
      for (uint64_t i = 0; i < 300; ++i) n += pred(MakeEvent(i)) ? 1 : 0;
      return n;
    };
    const auto query = [&](EventFilter f) {
      f.limit = 0;
      auto r = Query(txn, f);
      EXPECT_TRUE(r.has_value());
      return r.value_or(std::vector<Event>{});
    };
    // g++ 12 warns on designated initializers that leave members to their defaults.
    const auto filter = [](auto set) {
      EventFilter f;
      set(f);
      return f;
    };
    EXPECT_EQ(query(filter([](EventFilter& f) { f.actor = "user3"; })).size(),
              count([](const Event& e) { return e.actor == "user3"; }));
    EXPECT_EQ(
        query(filter([](EventFilter& f) {
          f.dataset = "employees";
          f.result = "refused";
        })).size(),
        count([](const Event& e) { return e.dataset == "employees" && e.result == "refused"; }));
    EXPECT_EQ(query(filter([](EventFilter& f) { f.operation = "session.login"; })).size(),
              count([](const Event& e) { return e.operation == "session.login"; }));
    const TimeMicros t10 = MakeEvent(10).time, t20 = MakeEvent(20).time;
    const auto window = query(filter([&](EventFilter& f) {
      f.since = t10;
      f.until = t20;
    }));
    ASSERT_EQ(window.size(), 10u);
    EXPECT_EQ(window.front().seq, 10u);
    EXPECT_EQ(window.back().seq, 19u);
    // Paging with from_seq and limit reassembles the whole result.
    std::vector<uint64_t> paged;
    EventFilter f = filter([](EventFilter& f) {
      f.actor = "user1";
      f.limit = 7;
    });
    while (true) {
      auto page = Query(txn, f);
      ASSERT_TRUE(page.has_value());
      for (const Event& e : *page) paged.push_back(e.seq);
      if (page->size() < f.limit) break;
      f.from_seq = page->back().seq + 1;
    }
    std::vector<uint64_t> want;
    for (const Event& e : query(filter([](EventFilter& f) { f.actor = "user1"; }))) {
      want.push_back(e.seq);
    }
    EXPECT_EQ(paged, want);
    EXPECT_EQ(Query(txn, EventFilter()).value().size(), 100u);  // the default limit
  });
}

}  // namespace
}  // namespace mamori::audit
