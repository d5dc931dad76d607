// The conformance suite, part 3: ScanEach, the streaming scan. Each test holds
// it to what Scan returns over the same range. See storage_suite.h.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <utility>

#include "store/storage_suite.h"

namespace mamori::store::test {
namespace {

// Every row ScanEach visits in [begin, end), copied out of the visitor, or
// nullopt when it failed.
std::optional<std::vector<KeyValue>> EachView(Storage& store, std::string begin, std::string end) {
  std::vector<KeyValue> out;
  Status status = store.View([&](ReadTxn& txn) {
    return txn.ScanEach(begin, end, [&](std::string_view key, std::string_view value) {
      out.push_back({std::string(key), std::string(value)});
      return true;
    });
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  if (!status.ok()) return std::nullopt;
  return out;
}

bool SameRows(const std::vector<KeyValue>& a, const std::vector<KeyValue>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key || a[i].value != b[i].value) return false;
  }
  return true;
}

// Checks ScanEach against Scan over [begin, end).
void ExpectSameAsScan(Storage& store, const std::string& begin, const std::string& end) {
  const std::vector<KeyValue> want = ScanView(store, begin, end);
  const auto got = EachView(store, begin, end);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(SameRows(*got, want))
      << got->size() << " rows visited, Scan returned " << want.size();
}

TEST_P(StorageSuite, ScanEachVisitsWhatScanReturns) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k2", "k3", "k4", "k5", Bytes({0xff, 0xff})}).ok());
  for (const auto& [begin, end] : std::vector<std::pair<std::string, std::string>>{
           {"", ""},
           {"k2", "k4"},
           {"k2a", "k4"},
           {"k0", "k9"},
           {"k2", ""},
           {"k", PrefixEnd("k")},
           {"k5", "k6"},
       }) {
    SCOPED_TRACE(begin + ".." + end);
    ExpectSameAsScan(store(), begin, end);
  }
  const auto all = EachView(store(), "", "");
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(KeysOf(*all),
            (std::vector<std::string>{"k1", "k2", "k3", "k4", "k5", Bytes({0xff, 0xff})}));
  EXPECT_EQ((*all)[2].value, "v:k3");
}

TEST_P(StorageSuite, ScanEachOfAnEmptyRangeVisitsNothing) {
  auto count = [&](const std::string& begin, const std::string& end) {
    int visited = 0;
    Status status = store().View([&](ReadTxn& txn) {
      return txn.ScanEach(begin, end, [&](std::string_view, std::string_view) {
        ++visited;
        return true;
      });
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return visited;
  };
  EXPECT_EQ(count("", ""), 0);  // an empty store
  ASSERT_TRUE(PutAll(store(), {"k1", "k2", "k3"}).ok());
  EXPECT_EQ(count("k2", "k2"), 0);
  EXPECT_EQ(count("k3", "k1"), 0);
  EXPECT_EQ(count("k4", ""), 0);
  EXPECT_EQ(count("j", "k"), 0);
  EXPECT_EQ(count("", ""), 3);
}

TEST_P(StorageSuite, ScanEachStopsWhenTheVisitorSaysSo) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k2", "k3", "k4", "k5"}).ok());
  std::vector<std::string> seen;
  Status status = store().View([&](ReadTxn& txn) {
    return txn.ScanEach("", "", [&](std::string_view key, std::string_view) {
      seen.emplace_back(key);
      return seen.size() < 3;
    });
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"k1", "k2", "k3"}));
}

TEST_P(StorageSuite, ScanEachPassesBinaryKeysAndValuesIntact) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  const std::vector<std::string> keys = {
      "",
      Bytes({0x00}),
      Bytes({0x00, 0x00}),
      Bytes({'a', 0x00}),
      Bytes({'a', 0x00, 'b'}),
      Bytes({0x7f}),
      Bytes({0x80}),
      Bytes({0xff, 0x00, 0xff}),
      every_byte,
  };
  // An empty value, values with NULs inside and at either end, a large one.
  auto value_of = [&](size_t i) -> std::string {
    if (i == 0) return "";
    if (i == 1) return std::string(100'000, '\0') + every_byte;
    return Bytes({0x00, 0xff}) + keys[i] + Bytes({0x00});
  };
  ASSERT_TRUE(store()
                  .Update([&](WriteTxn& txn) -> Status {
                    for (size_t i = 0; i < keys.size(); ++i)
                      MAMORI_RETURN_IF_ERROR(txn.Put(keys[i], value_of(i)));
                    return Status::Ok();
                  })
                  .ok());
  ExpectSameAsScan(store(), "", "");
  ExpectSameAsScan(store(), Bytes({0x00}), Bytes({'a', 0x00, 'b'}));
  ExpectSameAsScan(store(), Bytes({'a', 0x00}), PrefixEnd(Bytes({'a', 0x00})));
  const auto all = EachView(store(), "", "");
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), keys.size());
  for (const auto& kv : *all) {
    const size_t i = std::find(keys.begin(), keys.end(), kv.key) - keys.begin();
    ASSERT_LT(i, keys.size());
    EXPECT_EQ(kv.value, value_of(i));
  }
}

// Enough rows to cross any page a backend (or the default ScanEach) reads in.
TEST_P(StorageSuite, ScanEachOverManyRows) {
  std::vector<std::string> keys;
  for (int i = 0; i < 3000; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "r%05d", i);
    keys.push_back(key);
  }
  ASSERT_TRUE(PutAll(store(), keys).ok());
  ExpectSameAsScan(store(), "", "");
  ExpectSameAsScan(store(), "r00255", "r02049");
  ExpectSameAsScan(store(), "r02999", "");
}

TEST_P(StorageSuite, ScanEachReturnsTheVisitorsErrorUnchanged) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k2", "k3"}).ok());
  std::vector<std::string> seen;
  Status status = store().View([&](ReadTxn& txn) -> Status {
    Status each = txn.ScanEach("", "", [&](std::string_view key, std::string_view) -> Result<bool> {
      seen.emplace_back(key);
      if (key == "k2") return Fail(Status::DataLoss("visitor refused", "", "k2"));
      return true;
    });
    EXPECT_EQ(each.code(), Code::kDataLoss);
    EXPECT_EQ(each.message(), "visitor refused");
    EXPECT_EQ(each.subject(), "k2");
    // The transaction is still good for reading.
    MAMORI_ASSIGN_OR_RETURN(auto v, txn.Get("k3"));
    EXPECT_EQ(v, "v:k3");
    return each;
  });
  EXPECT_EQ(status.code(), Code::kDataLoss);
  EXPECT_EQ(seen, (std::vector<std::string>{"k1", "k2"}));
}

// The visitor's error is the caller's to handle: an Update that handles it
// and succeeds commits, unlike one that drops a storage error.
TEST_P(StorageSuite, VisitorErrorHandledByAnUpdateDoesNotFailIt) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k2"}).ok());
  Status status = store().Update([](WriteTxn& txn) -> Status {
    Status each = txn.ScanEach("", "", [](std::string_view, std::string_view) -> Result<bool> {
      return Fail(Status::NotFound("not the one"));
    });
    EXPECT_EQ(each.code(), Code::kNotFound);
    return txn.Put("k3", "written");
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(GetOne(store(), "k3"), "written");
}

TEST_P(StorageSuite, ThrowingVisitorLeavesTheStoreUsable) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k2"}).ok());
  Status status = store().View([](ReadTxn& txn) {
    return txn.ScanEach("", "", [](std::string_view, std::string_view) -> Result<bool> {
      throw std::runtime_error("thrown");
    });
  });
  EXPECT_EQ(status.code(), Code::kInternal);
  ExpectSameAsScan(store(), "", "");
  ASSERT_TRUE(PutOne(store(), "k3", "v").ok());
  EXPECT_EQ(GetOne(store(), "k3"), "v");
}

// Reading through the same transaction from inside the visitor, including
// the very same scan, neither disturbs the outer scan nor sees other rows.
TEST_P(StorageSuite, ScanEachVisitorMayReadThroughTheTransaction) {
  std::vector<std::string> keys;
  for (int i = 0; i < 600; ++i) keys.push_back('k' + std::to_string(1000 + i));
  ASSERT_TRUE(PutAll(store(), keys).ok());
  const std::vector<KeyValue> all = ScanView(store(), "", "");
  std::vector<KeyValue> outer;
  Status status = store().View([&](ReadTxn& txn) {
    return txn.ScanEach("", "", [&](std::string_view key, std::string_view value) -> Result<bool> {
      outer.push_back({std::string(key), std::string(value)});
      MAMORI_ASSIGN_OR_RETURN(auto got, txn.Get(key));
      EXPECT_EQ(got, value);
      MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(key, "", 2));
      EXPECT_FALSE(rows.empty());
      if (!rows.empty()) {
        EXPECT_EQ(rows[0].key, key);
      }
      // A nested ScanEach over the same range, and one bounded like the outer.
      std::vector<KeyValue> inner;
      for (const std::string& end : {std::string(), PrefixEnd("k")}) {
        inner.clear();
        MAMORI_RETURN_IF_ERROR(txn.ScanEach(key, end, [&](std::string_view k, std::string_view v) {
          inner.push_back({std::string(k), std::string(v)});
          return inner.size() < 3;
        }));
        EXPECT_FALSE(inner.empty());
        if (!inner.empty()) {
          EXPECT_EQ(inner[0].key, key);
        }
      }
      return true;
    });
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(SameRows(outer, all)) << outer.size() << " of " << all.size() << " rows";
}

TEST_P(StorageSuite, ScanEachInAnUpdateSeesItsOwnWrites) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k3"}).ok());
  std::vector<std::string> seen;
  Status status = store().Update([&](WriteTxn& txn) -> Status {
    MAMORI_RETURN_IF_ERROR(txn.Put("k2", "new"));
    MAMORI_RETURN_IF_ERROR(txn.Delete("k3"));
    return txn.ScanEach("", "", [&](std::string_view key, std::string_view) {
      seen.emplace_back(key);
      return true;
    });
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"k1", "k2"}));
}

}  // namespace
}  // namespace mamori::store::test
