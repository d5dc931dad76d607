// Backend-independent parts of store/storage.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/storage.h"

namespace mamori::store {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

bool BytewiseLess(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  return c != 0 ? c < 0 : a.size() < b.size();
}

TEST(PrefixEndTest, IncrementsTheLastByte) {
  EXPECT_EQ(PrefixEnd("a"), "b");
  EXPECT_EQ(PrefixEnd("abc"), "abd");
  EXPECT_EQ(PrefixEnd(Bytes({0x00})), Bytes({0x01}));
  EXPECT_EQ(PrefixEnd(Bytes({0x7f})), Bytes({0x80}));  // no signed-char wrap
  EXPECT_EQ(PrefixEnd(Bytes({'a', 0xfe})), Bytes({'a', 0xff}));
  EXPECT_EQ(PrefixEnd(Bytes({'a', 0x00})), Bytes({'a', 0x01}));
}

TEST(PrefixEndTest, CarriesOverTrailingFF) {
  EXPECT_EQ(PrefixEnd(Bytes({'a', 0xff})), "b");
  EXPECT_EQ(PrefixEnd(Bytes({'a', 'b', 0xff, 0xff})), "ac");
  EXPECT_EQ(PrefixEnd(Bytes({0x00, 0xff})), Bytes({0x01}));
  EXPECT_EQ(PrefixEnd(Bytes({0xfe, 0xff, 0xff})), Bytes({0xff}));
}

TEST(PrefixEndTest, AllFFOrEmptyMeansUnbounded) {
  EXPECT_EQ(PrefixEnd(""), "");
  EXPECT_EQ(PrefixEnd(Bytes({0xff})), "");
  EXPECT_EQ(PrefixEnd(Bytes({0xff, 0xff})), "");
  EXPECT_EQ(PrefixEnd(Bytes({0xff, 0xff, 0xff, 0xff})), "");
}

// The defining property, over random short keys from a small alphabet that
// includes the edge bytes: key has the prefix iff prefix <= key < end.
TEST(PrefixEndTest, BoundsExactlyTheKeysWithThePrefix) {
  const unsigned char alphabet[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
  std::mt19937 rng(1);
  auto random_bytes = [&](size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    for (char& c : s) c = static_cast<char>(alphabet[rng() % sizeof(alphabet)]);
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string prefix = random_bytes(3);
    std::string key = random_bytes(5);
    std::string end = PrefixEnd(prefix);
    bool in_range = !BytewiseLess(key, prefix) && (end.empty() || BytewiseLess(key, end));
    EXPECT_EQ(in_range, key.starts_with(prefix)) << "prefix size " << prefix.size();
  }
}

// ---- ReadTxn::ScanEach's default, over Scan ----

// A backend that implements only what it must: Get and Scan over a map, and
// counts its Scan calls. std::string orders bytewise, as the contract needs.
class MapTxn final : public ReadTxn {
 public:
  explicit MapTxn(std::map<std::string, std::string> rows) : rows_(std::move(rows)) {}

  Result<std::optional<std::string>> Get(std::string_view key) override {
    auto it = rows_.find(std::string(key));
    if (it == rows_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Result<std::vector<KeyValue>> Scan(std::string_view begin, std::string_view end, size_t limit,
                                     bool reverse) override {
    ++scans;
    if (fail_scan_after >= 0 && scans > fail_scan_after) {
      return Fail(Status::IoError("scan failed"));
    }
    std::vector<KeyValue> out;
    for (auto it = rows_.lower_bound(std::string(begin)); it != rows_.end(); ++it) {
      if (!end.empty() && it->first >= end) break;
      if (limit != 0 && out.size() == limit) break;
      out.push_back({it->first, it->second});
    }
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
  }

  int scans = 0;
  int fail_scan_after = -1;  // fail every Scan after this many; -1 never

 private:
  std::map<std::string, std::string> rows_;
};

// Rows whose keys end in 0x00 and 0xff, so that resuming a page after the
// last key seen is exercised at the awkward bytes.
std::map<std::string, std::string> ManyRows(int n) {
  std::map<std::string, std::string> rows;
  for (int i = 0; i < n; ++i) {
    std::string key = 'k' + std::to_string(100000 + i);
    if (i % 3 == 1) key.push_back('\0');
    if (i % 3 == 2) key += Bytes({0xff, 0xff});
    rows[key] = Bytes({0x00}) + key;
  }
  return rows;
}

std::vector<KeyValue> Collect(ReadTxn& txn, std::string_view begin, std::string_view end,
                              Status* status) {
  std::vector<KeyValue> out;
  *status = txn.ScanEach(begin, end, [&](std::string_view k, std::string_view v) {
    out.push_back({std::string(k), std::string(v)});
    return true;
  });
  return out;
}

TEST(DefaultScanEachTest, VisitsEveryRowOfTheRangeAcrossPages) {
  MapTxn txn(ManyRows(1000));
  for (const auto& [begin, end] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"k100300", "k100900"}, {"k100999", ""}, {"x", ""}, {"k1005", "k1005"}}) {
    SCOPED_TRACE(begin + ".." + end);
    auto want = txn.Scan(begin, end, 0, false);
    ASSERT_TRUE(want);
    Status status;
    const auto got = Collect(txn, begin, end, &status);
    EXPECT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(got.size(), want->size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].key, (*want)[i].key);
      EXPECT_EQ(got[i].value, (*want)[i].value);
    }
  }
  // Pages, not one Scan per row nor one Scan of everything.
  txn.scans = 0;
  Status status;
  EXPECT_EQ(Collect(txn, "", "", &status).size(), 1000u);
  EXPECT_GT(txn.scans, 1);
  EXPECT_LT(txn.scans, 10);
}

TEST(DefaultScanEachTest, StopsWhereTheVisitorStops) {
  MapTxn txn(ManyRows(1000));
  int visited = 0;
  Status status = txn.ScanEach("", "", [&](std::string_view, std::string_view) {
    return ++visited < 300;  // past the first page
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(visited, 300);
  EXPECT_EQ(txn.scans, 2);
}

TEST(DefaultScanEachTest, PassesOnTheVisitorsErrorAndTheStoresError) {
  MapTxn txn(ManyRows(1000));
  int visited = 0;
  Status status = txn.ScanEach("", "", [&](std::string_view, std::string_view) -> Result<bool> {
    if (++visited == 5) return Fail(Status::DataLoss("bad row", "", "row"));
    return true;
  });
  EXPECT_EQ(status.code(), Code::kDataLoss);
  EXPECT_EQ(status.subject(), "row");
  EXPECT_EQ(visited, 5);

  txn.scans = 0;
  txn.fail_scan_after = 1;  // the second page fails
  Collect(txn, "", "", &status);
  EXPECT_EQ(status.code(), Code::kIoError);
}

}  // namespace
}  // namespace mamori::store
