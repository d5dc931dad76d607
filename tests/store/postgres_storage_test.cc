// The postgres backend against a real PostgreSQL server (pg_test_server.h):
// the conformance suite, and what is particular to this backend — the
// connection string's password never echoed, foreign tables refused, errors
// that quote no key, and two stores on one database (two servers) whose
// writes stay serial.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "store/pg_test_server.h"
#include "store/postgres/postgres_storage.h"
#include "store/sqlite/sqlite_storage.h"
#include "store/storage_suite.h"
#include "store/store_copy.h"

namespace mamori::store::test {
namespace {

StorageBackend PostgresBackend() {
  StorageBackend backend;
  backend.name = "postgres";
  backend.open = [](const std::string& dir) -> Result<std::unique_ptr<Storage>> {
    // One schema per test directory, so that Reopen finds the same store.
    static std::mutex mu;
    static std::map<std::string, std::string> stores;
    PgTestServer* server = PgTestServer::Shared();
    if (server == nullptr) return Fail(Status::Unavailable("no test server"));
    std::string conninfo;
    {
      std::lock_guard lock(mu);
      auto [it, fresh] = stores.try_emplace(dir);
      if (fresh) it->second = server->NewStore();
      conninfo = it->second;
    }
    return OpenPostgresAt(conninfo);
  };
  backend.group_commit = true;
  return backend;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StorageSuite, ::testing::Values(PostgresBackend()),
                         StorageSuite::ParamName);

TEST(PostgresStorageTest, PasswordInTheConnectionStringIsRefusedAndNeverEchoed) {
  const std::string secret = "Zx9-hunter2-secret";
  for (const std::string& conninfo :
       {"postgresql://mamori:" + secret + "@localhost:1/postgres",
        "host=/nonexistent port=1 user=mamori password=" + secret,
        "postgresql://mamori@localhost:1/postgres?password=" + secret}) {
    auto opened = OpenPostgresAt(conninfo);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(opened.error().ToString().find(secret), std::string::npos)
        << opened.error().ToString();
  }
}

TEST(PostgresStorageTest, UnparsableConnectionStringIsNotEchoed) {
  auto opened = OpenPostgresAt("postgresql://mamori@localhost:1/postgres?bogus_option=Zx9-secret");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(opened.error().ToString().find("Zx9-secret"), std::string::npos);
}

TEST(PostgresStorageTest, UnreachableServerIsUnavailable) {
  auto opened = OpenPostgresAt("postgresql:///postgres?host=/nonexistent-mamori-socket&port=1");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kUnavailable) << opened.error().ToString();
}

TEST(PostgresStorageTest, TablesThatAreNotAStoreAreRefused) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Exec("CREATE SCHEMA foreign_tables"));
  ASSERT_TRUE(server->Exec(
      "CREATE TABLE foreign_tables.mamori_meta (name text PRIMARY KEY, value text NOT NULL); "
      "INSERT INTO foreign_tables.mamori_meta VALUES ('format', 'something-else')"));
  auto opened = OpenPostgresAt(server->Conninfo("foreign_tables"));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kIoError) << opened.error().ToString();
  EXPECT_EQ(opened.error().ToString().find("something-else"), std::string::npos);
  EXPECT_TRUE(server->Exec("DROP SCHEMA foreign_tables CASCADE"));
}

TEST(PostgresStorageTest, AFailedWriteQuotesNoKey) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  auto store = OpenPostgresAt(server->NewStore());
  ASSERT_TRUE(store) << store.error().ToString();
  // Past the largest key a btree index holds: the server refuses the row.
  // Incompressible, or the index would store it compressed and accept it.
  std::string key = "secret-key-";
  uint32_t x = 2463534242u;
  for (int i = 0; i < 10000; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    key.push_back(static_cast<char>('a' + x % 26));
  }
  Status put = PutOne(**store, key, "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.code(), Code::kIoError);
  EXPECT_EQ(put.ToString().find("secret-key-"), std::string::npos) << put.ToString();
  // The store is usable after it.
  EXPECT_TRUE(PutOne(**store, "k", "v").ok());
  EXPECT_EQ(GetOne(**store, "k"), "v");
}

// A key past the largest a btree index holds: the server refuses the row.
// Incompressible, or the index would store it compressed and accept it.
std::string OversizedKey() {
  std::string key = "secret-key-";
  uint32_t x = 2463534242u;
  for (int i = 0; i < 10000; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    key.push_back(static_cast<char>('a' + x % 26));
  }
  return key;
}

TEST(PostgresStorageTest, AWriteRefusedLaterFailsOnlyItsFunctionInASharedBatch) {
  // The writer sends a function's writes without waiting for them (libpq's
  // pipeline mode): the refusal of b's first write shows only when b ends,
  // after b sent a second write. b alone fails with it; a's and c's writes
  // commit, in one transaction with b's undone.
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  auto store = OpenPostgresAt(server->NewStore());
  ASSERT_TRUE(store) << store.error().ToString();
  const std::string key = OversizedKey();
  std::optional<std::string> c_saw_a, c_saw_b;
  std::vector<UpdateFn> fns = {
      [](WriteTxn& txn) { return txn.Put("a", "from a"); },
      [&](WriteTxn& txn) -> Status {
        MAMORI_RETURN_IF_ERROR(txn.Put(key, "v"));
        return txn.Put("b", "from b");
      },
      [&](WriteTxn& txn) -> Status {
        MAMORI_ASSIGN_OR_RETURN(c_saw_a, txn.Get("a"));
        MAMORI_ASSIGN_OR_RETURN(c_saw_b, txn.Get("b"));
        return txn.Put("c", "from c");
      },
  };
  std::optional<uint64_t> commits;
  std::vector<Status> results = RunAsOneGroup(**store, true, fns, &commits);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  EXPECT_EQ(results[1].code(), Code::kIoError) << results[1].ToString();
  EXPECT_EQ(results[1].ToString().find("secret-key-"), std::string::npos) << results[1].ToString();
  EXPECT_TRUE(results[2].ok()) << results[2].ToString();
  EXPECT_EQ(commits, 1u);
  EXPECT_EQ(c_saw_a, "from a");
  EXPECT_EQ(c_saw_b, std::nullopt);
  EXPECT_EQ(GetOne(**store, "a"), "from a");
  EXPECT_EQ(GetOne(**store, "b"), std::nullopt);
  EXPECT_EQ(GetOne(**store, "c"), "from c");
}

TEST(PostgresStorageTest, AReadAfterARefusedWriteReturnsTheRefusal) {
  // A function's read of a key the batch has not read or written yet goes
  // to the server and waits for the writes sent before it: the refusal of
  // one reaches the function there, and the function that drops it and
  // returns OK fails anyway. Nothing of it is written.
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  auto store = OpenPostgresAt(server->NewStore());
  ASSERT_TRUE(store) << store.error().ToString();
  const std::string key = OversizedKey();
  Status read_status;
  Status status = (*store)->Update([&](WriteTxn& txn) -> Status {
    MAMORI_RETURN_IF_ERROR(txn.Put("before", "1"));
    MAMORI_RETURN_IF_ERROR(txn.Put(key, "v"));
    read_status = StatusOf(txn.Get("not-read-yet"));
    return Status::Ok();  // drops the error
  });
  EXPECT_EQ(read_status.code(), Code::kIoError) << read_status.ToString();
  EXPECT_EQ(status.code(), Code::kIoError) << status.ToString();
  EXPECT_EQ(status.ToString().find("secret-key-"), std::string::npos);
  EXPECT_EQ(GetOne(**store, "before"), std::nullopt);
  // The writer is usable after it.
  EXPECT_TRUE(PutOne(**store, "k", "v").ok());
  EXPECT_EQ(GetOne(**store, "k"), "v");
}

TEST(PostgresStorageTest, TheBatchCacheForgetsTheWritesOfAFailedFunction) {
  // The writer answers a Get of a key its batch already read or wrote from
  // memory. A function that fails has its writes undone, and the functions
  // after it in the batch must not see them from that memory either.
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  auto store = OpenPostgresAt(server->NewStore());
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE(PutOne(**store, "k", "committed").ok());
  std::optional<std::string> b_saw, c_saw, c_saw_gone;
  std::vector<UpdateFn> fns = {
      [&](WriteTxn& txn) -> Status {
        MAMORI_RETURN_IF_ERROR(StatusOf(txn.Get("k")));  // now known to the batch
        return txn.Put("k", "from a");
      },
      [&](WriteTxn& txn) -> Status {
        MAMORI_ASSIGN_OR_RETURN(b_saw, txn.Get("k"));
        MAMORI_RETURN_IF_ERROR(txn.Put("k", "from b"));
        MAMORI_RETURN_IF_ERROR(txn.Put("gone", "from b"));
        return Status::FailedPrecondition("b refuses", "b は拒否します");
      },
      [&](WriteTxn& txn) -> Status {
        MAMORI_ASSIGN_OR_RETURN(c_saw, txn.Get("k"));
        MAMORI_ASSIGN_OR_RETURN(c_saw_gone, txn.Get("gone"));
        return Status::Ok();
      },
  };
  std::optional<uint64_t> commits;
  std::vector<Status> results = RunAsOneGroup(**store, true, fns, &commits);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  EXPECT_EQ(results[1].code(), Code::kFailedPrecondition);
  EXPECT_TRUE(results[2].ok()) << results[2].ToString();
  EXPECT_EQ(commits, 1u);
  EXPECT_EQ(b_saw, "from a");
  EXPECT_EQ(c_saw, "from a");
  EXPECT_EQ(c_saw_gone, std::nullopt);
  EXPECT_EQ(GetOne(**store, "k"), "from a");
  EXPECT_EQ(GetOne(**store, "gone"), std::nullopt);
}

TEST(PostgresStorageTest, TwoStoresOnOneDatabaseSerialiseTheirWrites) {
  // Two mamori servers on one database: read-modify-write from both at once
  // loses no increment, because every write transaction takes the store's
  // writer lock before its first read.
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  const std::string conninfo = server->NewStore();
  auto first = OpenPostgresAt(conninfo);
  auto second = OpenPostgresAt(conninfo);
  ASSERT_TRUE(first && second);
  constexpr int kThreads = 3, kEach = 20;
  std::vector<std::thread> threads;
  for (Storage* store : {first->get(), second->get()}) {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([store] {
        for (int i = 0; i < kEach; ++i) {
          Status status = store->Update([](WriteTxn& txn) -> Status {
            MAMORI_ASSIGN_OR_RETURN(auto value, txn.Get("counter"));
            const int n = value ? std::stoi(*value) : 0;
            return txn.Put("counter", std::to_string(n + 1));
          });
          EXPECT_TRUE(status.ok()) << status.ToString();
        }
      });
    }
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(GetOne(**first, "counter"), std::to_string(2 * kThreads * kEach));
  EXPECT_EQ(GetOne(**second, "counter"), std::to_string(2 * kThreads * kEach));
}

TEST(PostgresStorageTest, AnEmbeddedStoreCopiesIntoPostgres) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  TempDir dir;
  SqliteOptions options;
  options.path = dir.File("store.db");
  auto from = OpenSqliteStorage(options);
  auto to = OpenPostgresAt(server->NewStore());
  ASSERT_TRUE(from && to);
  std::vector<std::string> keys;
  for (int i = 0; i < 1500; ++i) keys.push_back("k/" + std::to_string(i));
  ASSERT_TRUE(PutAll(**from, keys).ok());
  ASSERT_TRUE(PutOne(**from, Bytes({0x00, 0x80, 0xff}), "").ok());
  auto copied = CopyStore(**from, **to);
  ASSERT_TRUE(copied) << copied.error().ToString();
  EXPECT_EQ(copied->rows, 1501u);
  EXPECT_EQ(*DigestOf(**to), *copied);
  EXPECT_EQ(GetOne(**to, Bytes({0x00, 0x80, 0xff})), "");
  EXPECT_EQ(CopyStore(**from, **to).error().code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace mamori::store::test
