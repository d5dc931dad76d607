// The conformance suite, part 1: the data model (operations, byte strings,
// order, scans). See storage_suite.h.
#include <algorithm>
#include <random>

#include "store/storage_suite.h"

namespace mamori::store::test {
namespace {

// ---- basic operations ----

TEST_P(StorageSuite, BackendHasAName) { EXPECT_FALSE(store().Backend().empty()); }

TEST_P(StorageSuite, GetOfAbsentKeyIsNullopt) {
  EXPECT_EQ(GetOne(store(), "absent"), std::nullopt);
}

TEST_P(StorageSuite, PutThenGet) {
  ASSERT_TRUE(PutOne(store(), "k", "v").ok());
  EXPECT_EQ(GetOne(store(), "k"), "v");
}

TEST_P(StorageSuite, PutOverwrites) {
  ASSERT_TRUE(PutOne(store(), "k", "first").ok());
  ASSERT_TRUE(PutOne(store(), "k", "second, longer than the first").ok());
  ASSERT_TRUE(PutOne(store(), "k", "3").ok());
  EXPECT_EQ(GetOne(store(), "k"), "3");
  EXPECT_EQ(ScanView(store(), "", "").size(), 1u);
}

TEST_P(StorageSuite, DeleteRemovesOnlyThatKey) {
  ASSERT_TRUE(PutAll(store(), {"a", "b", "c"}).ok());
  ASSERT_TRUE(store().Update([](WriteTxn& txn) { return txn.Delete("b"); }).ok());
  EXPECT_EQ(GetOne(store(), "b"), std::nullopt);
  EXPECT_EQ(KeysOf(ScanView(store(), "", "")), (std::vector<std::string>{"a", "c"}));
}

TEST_P(StorageSuite, DeleteOfAbsentKeyIsOk) {
  EXPECT_TRUE(store().Update([](WriteTxn& txn) { return txn.Delete("never-there"); }).ok());
}

TEST_P(StorageSuite, EmptyValueIsPresentNotAbsent) {
  ASSERT_TRUE(PutOne(store(), "k", "").ok());
  EXPECT_EQ(GetOne(store(), "k"), std::optional<std::string>(""));
}

TEST_P(StorageSuite, BinaryKeysAndValuesRoundTrip) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  std::vector<std::string> keys = {
      "",  // the empty key is a key like any other
      Bytes({0x00}),
      Bytes({0x00, 0x00}),
      Bytes({'a', 0x00}),
      Bytes({'a', 0x00, 'b'}),
      Bytes({0xff, 0x00, 0xff}),
      every_byte,
  };
  auto value_of = [](const std::string& key) { return Bytes({0x00, 0xff}) + key + Bytes({0x00}); };
  ASSERT_TRUE(store()
                  .Update([&](WriteTxn& txn) -> Status {
                    for (const auto& key : keys)
                      MAMORI_RETURN_IF_ERROR(txn.Put(key, value_of(key)));
                    return Status::Ok();
                  })
                  .ok());
  for (const auto& key : keys) EXPECT_EQ(GetOne(store(), key), value_of(key));
  std::vector<KeyValue> all = ScanView(store(), "", "");
  ASSERT_EQ(all.size(), keys.size());
  for (const auto& kv : all) EXPECT_EQ(kv.value, value_of(kv.key));
  // A key that differs only after a NUL is a different key.
  EXPECT_EQ(GetOne(store(), Bytes({'a', 0x00, 'c'})), std::nullopt);
}

// ---- ordering and scans ----

TEST_P(StorageSuite, KeysOrderBytewise) {
  // 0x80 and above must sort after 0x7f (unsigned bytes, unlike signed char),
  // and a key sorts before its own extensions, even by 0x00.
  std::vector<std::string> keys = {
      Bytes({0x00}),
      Bytes({0x00, 0x00}),
      Bytes({0x01}),
      Bytes({0x7f}),
      Bytes({0x7f, 0xff}),
      Bytes({0x80}),
      Bytes({0x80, 0x00}),
      Bytes({0xfe, 0xff}),
      Bytes({0xff}),
      Bytes({0xff, 0x00}),
      Bytes({0xff, 0xff}),
      Bytes({0xff, 0xff, 0xff}),
      "a",
      Bytes({'a', 0x00}),
      Bytes({'a', 0x01}),
      "ab",
      "b",
      "B",
      "0",
  };
  std::vector<std::string> shuffled = keys;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(42));
  ASSERT_TRUE(PutAll(store(), shuffled).ok());

  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end(), BytewiseLess);
  EXPECT_EQ(KeysOf(ScanView(store(), "", "")), expected);
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(KeysOf(ScanView(store(), "", "", 0, true)), expected);
}

TEST_P(StorageSuite, ScanRangeIsHalfOpen) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k2", "k3", "k4", "k5"}).ok());
  using V = std::vector<std::string>;
  EXPECT_EQ(KeysOf(ScanView(store(), "k2", "k4")), (V{"k2", "k3"}));
  EXPECT_EQ(KeysOf(ScanView(store(), "k2a", "k4")), (V{"k3"}));  // begin need not exist
  EXPECT_EQ(KeysOf(ScanView(store(), "k0", "k9")), (V{"k1", "k2", "k3", "k4", "k5"}));
  EXPECT_EQ(KeysOf(ScanView(store(), "k3", "k3")), V{});
  EXPECT_EQ(KeysOf(ScanView(store(), "k4", "k2")), V{});
  EXPECT_EQ(KeysOf(ScanView(store(), "k2", "k4", 0, true)), (V{"k3", "k2"}));
  std::vector<KeyValue> kvs = ScanView(store(), "k5", "k6");
  ASSERT_EQ(kvs.size(), 1u);
  EXPECT_EQ(kvs[0].value, "v:k5");
}

TEST_P(StorageSuite, ScanWithEmptyEndIsUnbounded) {
  std::string top = Bytes({0xff, 0xff});
  ASSERT_TRUE(PutAll(store(), {"k1", "k2", "k3", top}).ok());
  using V = std::vector<std::string>;
  EXPECT_EQ(KeysOf(ScanView(store(), "k2", "")), (V{"k2", "k3", top}));
  EXPECT_EQ(KeysOf(ScanView(store(), "", "")), (V{"k1", "k2", "k3", top}));
  EXPECT_EQ(KeysOf(ScanView(store(), "k2", "", 0, true)), (V{top, "k3", "k2"}));
}

TEST_P(StorageSuite, ScanHonoursLimit) {
  ASSERT_TRUE(PutAll(store(), {"k1", "k2", "k3", "k4", "k5"}).ok());
  using V = std::vector<std::string>;
  EXPECT_EQ(ScanView(store(), "", "", 0).size(), 5u);  // 0: no limit
  EXPECT_EQ(KeysOf(ScanView(store(), "", "", 1)), (V{"k1"}));
  EXPECT_EQ(KeysOf(ScanView(store(), "k2", "", 2)), (V{"k2", "k3"}));
  EXPECT_EQ(ScanView(store(), "", "", 100).size(), 5u);
  // Reverse with a limit gives the last keys of the range, highest first.
  EXPECT_EQ(KeysOf(ScanView(store(), "k2", "k5", 2, true)), (V{"k4", "k3"}));
  EXPECT_EQ(KeysOf(ScanView(store(), "", "", 2, true)), (V{"k5", "k4"}));
}

TEST_P(StorageSuite, PrefixScanWithPrefixEnd) {
  std::vector<std::string> keys = {
      Bytes({'o', 0xff}),
      "p",
      Bytes({'p', 0x00}),
      Bytes({'p', 0x01}),
      Bytes({'p', 0xff}),
      Bytes({'p', 0xff, 0xff}),
      "q",
      Bytes({0xff}),
      Bytes({0xff, 0xff}),
      Bytes({0xff, 0xff, 0x00}),
      Bytes({0xff, 0xff, 0xff}),
  };
  ASSERT_TRUE(PutAll(store(), keys).ok());
  auto prefix_scan = [&](const std::string& prefix) {
    return KeysOf(ScanView(store(), prefix, PrefixEnd(prefix)));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(prefix_scan("p"), (V{"p", Bytes({'p', 0x00}), Bytes({'p', 0x01}), Bytes({'p', 0xff}),
                                 Bytes({'p', 0xff, 0xff})}));
  EXPECT_EQ(prefix_scan(Bytes({'p', 0xff})), (V{Bytes({'p', 0xff}), Bytes({'p', 0xff, 0xff})}));
  EXPECT_EQ(prefix_scan(Bytes({0xff, 0xff})),
            (V{Bytes({0xff, 0xff}), Bytes({0xff, 0xff, 0x00}), Bytes({0xff, 0xff, 0xff})}));
  EXPECT_EQ(prefix_scan("r"), V{});
}

}  // namespace
}  // namespace mamori::store::test
