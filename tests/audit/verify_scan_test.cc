// VerifyLog's building blocks (verify_scan.h), and VerifyLog over a log long
// enough that its node cursors turn pages: the tests in verify_test.cc use
// 1,000 events, fewer than one page.
#include "audit/verify_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit_test_util.h"
#include "audit/event.h"
#include "audit/log.h"
#include "audit/merkle.h"
#include "audit/verify.h"
#include "store/storage.h"

namespace mamori::audit {
namespace {

using internal::PagedCursor;
using internal::Row;

// Bytes as printable text for failure messages.
std::string Printable(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out.push_back(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return out;
}

class PagedCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = test::OpenStore(dir_.File("cursor.db"));
    ASSERT_NE(store_, nullptr);
  }

  void PutKeys(const std::vector<std::string>& keys) {
    test::MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
      for (const auto& k : keys) MAMORI_RETURN_IF_ERROR(txn.Put(k, "v:" + k));
      return Status::Ok();
    });
  }

  // Every row the cursor yields, checking that Peek without Pop repeats.
  std::vector<std::string> Drain(store::ReadTxn& txn, PagedCursor& cursor) {
    std::vector<std::string> keys;
    while (true) {
      auto row = cursor.Peek(txn);
      EXPECT_TRUE(row.has_value());
      if (!row || *row == nullptr) break;
      const std::string key((*row)->key);
      EXPECT_EQ((*row)->value, "v:" + key);
      auto again = cursor.Peek(txn);
      EXPECT_TRUE(again && *again != nullptr && (*again)->key == key);
      keys.push_back(key);
      cursor.Pop();
    }
    // Past the end it stays there.
    auto past = cursor.Peek(txn);
    EXPECT_TRUE(past && *past == nullptr);
    return keys;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Storage> store_;
};

TEST_F(PagedCursorTest, YieldsTheRangeAcrossPages) {
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    char k[16];
    std::snprintf(k, sizeof k, "k%03d", i);
    keys.emplace_back(k);
  }
  // Keys that end in the bytes a page boundary must step over exactly.
  keys.push_back(std::string("k050") + '\0');
  keys.push_back(std::string("k050") + '\xff');
  keys.push_back("other");
  PutKeys(keys);
  std::vector<std::string> want(keys.begin(), keys.end() - 1);
  std::sort(want.begin(), want.end());

  for (size_t page : {1, 5, 7, 51, 102, 500}) {
    SCOPED_TRACE("page " + std::to_string(page));
    ASSERT_TRUE(store_
                    ->View([&](store::ReadTxn& txn) {
                      PagedCursor cursor("k", store::PrefixEnd("k"), page);
                      EXPECT_EQ(Drain(txn, cursor), want);
                      PagedCursor from_middle("k050", "k060", page);
                      std::vector<std::string> middle(want.begin() + 50, want.begin() + 62);
                      EXPECT_EQ(Drain(txn, from_middle), middle);
                      PagedCursor empty("l", "m", page);
                      EXPECT_TRUE(Drain(txn, empty).empty());
                      return Status::Ok();
                    })
                    .ok());
  }
}

// As VerifyLog uses it: filled from inside another scan's visitor.
TEST_F(PagedCursorTest, FillsFromInsideAnotherScan) {
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) keys.push_back('a' + std::to_string(100 + i));
  for (int i = 0; i < 40; ++i) keys.push_back('b' + std::to_string(100 + i));
  PutKeys(keys);
  std::vector<std::pair<std::string, std::string>> pairs;
  ASSERT_TRUE(store_
                  ->View([&](store::ReadTxn& txn) {
                    PagedCursor b("b", "c", 3);
                    return txn.ScanEach(
                        "a", "b", [&](std::string_view key, std::string_view) -> Result<bool> {
                          MAMORI_ASSIGN_OR_RETURN(const Row* row, b.Peek(txn));
                          if (row == nullptr) return false;
                          pairs.emplace_back(std::string(key), std::string(row->key));
                          b.Pop();
                          return true;
                        });
                  })
                  .ok());
  ASSERT_EQ(pairs.size(), 40u);
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(pairs[i].first, keys[i]);
    EXPECT_EQ(pairs[i].second, keys[40 + i]);
  }
}

// ---- ScanEventFields: the fast path agrees with the bytewise reference ----

void ExpectSameScan(const std::string& json) {
  internal::EventFields fast, bytewise;
  const bool fast_ok = internal::ScanEventFields(json, &fast);
  const bool bytewise_ok = internal::ScanEventFieldsBytewise(json, &bytewise);
  ASSERT_EQ(fast_ok, bytewise_ok) << Printable(json);
  if (fast_ok) {
    EXPECT_EQ(fast.seq, bytewise.seq) << Printable(json);
    EXPECT_EQ(fast.prev, bytewise.prev) << Printable(json);
  }
}

TEST(ScanEventFieldsTest, ReadsSeqAndPrevOfStoredEvents) {
  Event ev = test::MakeEvent(12);
  ev.seq = 12;
  ev.prev = std::string(64, 'a');
  internal::EventFields f;
  const std::string plain = CanonicalJson(ev);  // f's views point into it
  ASSERT_TRUE(internal::ScanEventFields(plain, &f));
  EXPECT_EQ(f.seq, 12u);
  EXPECT_EQ(f.prev, ev.prev);
  ev.reason = "say \"no\" \\ \x01 and }{";  // escaped in the stored form
  const std::string escaped = CanonicalJson(ev);
  ASSERT_TRUE(internal::ScanEventFields(escaped, &f));
  EXPECT_EQ(f.prev, ev.prev);
  EXPECT_FALSE(internal::ScanEventFields("{\"seq\":5,", &f));
  EXPECT_FALSE(internal::ScanEventFields("{\"prev\":\"x\"}", &f));  // no seq
}

// Events and random damage to them, escapes, control bytes, quotes across
// 16- and 64-byte boundaries and events too long for the fast path: the two
// readers must agree on every one.
TEST(ScanEventFieldsTest, FastPathAgreesWithBytewise) {
  std::mt19937 rng(7);
  const std::string alphabet =
      std::string("\"\\{}:,019ap s") + '\x01' + '\x1f' + '\x7f' + '\x80' + '\xff' + '\0';
  std::vector<std::string> bases;
  for (uint64_t i = 0; i < 40; ++i) {
    Event ev = test::MakeEvent(i);
    ev.seq = i;
    if (i > 0) ev.prev = std::string(64, "0123456789abcdef"[i % 16]);
    if (i % 4 == 1) ev.reason = std::string(i * 7, 'r') + "\"q\\";
    if (i % 8 == 3) ev.reason = std::string(5000, 'x');  // past the fast path's limit
    bases.push_back(CanonicalJson(ev));
  }
  for (const std::string& base : bases) {
    ExpectSameScan(base);
    for (int m = 0; m < 300; ++m) {
      std::string json = base;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !json.empty(); ++e) {
        const size_t at = rng() % json.size();
        const char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 4) {
          case 0:
            json[at] = c;
            break;
          case 1:
            json.insert(json.begin() + static_cast<std::ptrdiff_t>(at), c);
            break;
          case 2:
            json.erase(at, 1);
            break;
          default:
            json.resize(at);
            break;
        }
      }
      ExpectSameScan(json);
      if (HasFailure()) return;
    }
  }
}

// ---- VerifyLog past the first page of every cursor ----

constexpr uint64_t kLongLog = 9000;  // level-4 nodes fill two pages and part of a third

class LongLogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    path_ = dir_->File("long.db");
    auto store = test::OpenStore(path_);
    ASSERT_NE(store, nullptr);
    auto key = crypto::EcdsaP256PrivateKey::Generate();
    ASSERT_TRUE(key.has_value());
    pub_ = new crypto::EcdsaP256PublicKey(key->PublicKey());
    test::AppendEvents(*store, kLongLog, &*key, 1000, 1000);
    ASSERT_TRUE(store->Close().ok());
  }
  static void TearDownTestSuite() {
    delete pub_;
    delete dir_;
  }

  // A fresh copy of the log for each test to tamper with.
  void SetUp() override {
    copy_ = dir_->File("copy-" + std::to_string(next_copy_++) + ".db");
    ASSERT_TRUE(std::filesystem::copy_file(path_, copy_));
    store_ = test::OpenStore(copy_);
    ASSERT_NE(store_, nullptr);
  }

  VerifyReport Verify() {
    VerifyReport r;
    EXPECT_TRUE(store_
                    ->View([&](store::ReadTxn& txn) {
                      r = VerifyLog(txn, pub_);
                      return Status::Ok();
                    })
                    .ok());
    return r;
  }

  static test::TempDir* dir_;
  static std::string path_;
  static crypto::EcdsaP256PublicKey* pub_;
  static int next_copy_;
  std::string copy_;
  std::unique_ptr<store::Storage> store_;
};

test::TempDir* LongLogTest::dir_ = nullptr;
std::string LongLogTest::path_;
crypto::EcdsaP256PublicKey* LongLogTest::pub_ = nullptr;
int LongLogTest::next_copy_ = 0;

TEST_F(LongLogTest, IntactLogVerifies) {
  const VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.events_checked, kLongLog);
  uint64_t stored = 0;
  for (unsigned level = kStoredLevel; level < 64; ++level) stored += kLongLog >> level;
  EXPECT_EQ(r.nodes_checked, stored);
  EXPECT_EQ(r.heads_checked, 9u);
}

TEST_F(LongLogTest, ModifiedEventOnALaterPage) {
  std::string json = test::RawGet(*store_, EventKey(8200));
  json.replace(json.find("user"), 4, "uzer");
  test::RawPut(*store_, EventKey(8200), json);
  const VerifyReport r = Verify();
  EXPECT_EQ(r.problem, Problem::kEventModified) << r.reason;
  EXPECT_EQ(r.bad_seq, 8200u);
}

TEST_F(LongLogTest, DeletedNodeOnALaterPage) {
  test::RawDelete(*store_, NodeKey(4, 513));
  const VerifyReport r = Verify();
  EXPECT_EQ(r.problem, Problem::kNodeMissing) << r.reason;
  EXPECT_EQ(r.bad_seq, 8208u);
  EXPECT_EQ(r.bad_node, (std::pair<unsigned, uint64_t>{4, 513}));
}

TEST_F(LongLogTest, DeletedNodeAtAPageBoundary) {
  // Level 4 is read 256 nodes a page: node 256 starts the second page.
  test::RawDelete(*store_, NodeKey(4, 256));
  const VerifyReport r = Verify();
  EXPECT_EQ(r.problem, Problem::kNodeMissing) << r.reason;
  EXPECT_EQ(r.bad_seq, 4096u);
  EXPECT_EQ(r.bad_node, (std::pair<unsigned, uint64_t>{4, 256}));
}

TEST_F(LongLogTest, DeletedEventAtAPageBoundary) {
  test::RawDelete(*store_, EventKey(4096));
  const VerifyReport r = Verify();
  EXPECT_EQ(r.problem, Problem::kEventMissing) << r.reason;
  EXPECT_EQ(r.bad_seq, 4096u);
}

}  // namespace
}  // namespace mamori::audit
