// The sqlite backend: the shared conformance suite, then what only this
// backend promises (file format and permissions, errors, group commit). The
// crash test is in sqlite_crash_test.cc.
#include "store/sqlite/sqlite_storage.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "store/storage_suite.h"
#include "store/temp_dir.h"

namespace mamori::store::test {
namespace {

StorageBackend SqliteBackend() {
  StorageBackend backend;
  backend.name = "sqlite";
  backend.open = [](const std::string& dir) {
    SqliteOptions options;
    options.path = dir + "/store.db";
    return OpenSqliteStorage(options);
  };
  backend.group_commit = true;
  return backend;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StorageSuite, ::testing::Values(SqliteBackend()),
                         StorageSuite::ParamName);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Permission bits, or -1 when the file is absent.
int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

// A plain SQLite connection, as another program would use the file.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errstr(rc);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }
  // The first column of the first row, as text.
  std::string One(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      if (text != nullptr) out = reinterpret_cast<const char*>(text);
    } else {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStorageTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  SqliteOptions Options() const {
    SqliteOptions options;
    options.path = path_;
    return options;
  }
  std::unique_ptr<Storage> MustOpen(const SqliteOptions& options) {
    auto opened = OpenSqliteStorage(options);
    EXPECT_TRUE(opened) << opened.error().ToString();
    return opened ? std::move(*opened) : nullptr;
  }

  // Opening `path_` is refused with kIoError naming it, and changes nothing.
  void ExpectRefusedUnchanged(std::string_view why) {
    std::string before = ReadFile(path_);
    auto opened = OpenSqliteStorage(Options());
    ASSERT_FALSE(opened) << "opened a file that is not a mamori store: " << why;
    EXPECT_EQ(opened.error().code(), Code::kIoError) << opened.error().ToString();
    EXPECT_NE(opened.error().message().find(path_), std::string::npos)
        << "the error should name the file: " << opened.error().message();
    EXPECT_TRUE(ReadFile(path_) == before) << "the refused file was modified";
    EXPECT_FALSE(Exists(path_ + "-wal"));
  }

  TempDir dir_;
  std::string path_ = dir_.File("store.db");
};

// ---- the file ----

TEST_F(SqliteStorageTest, NewFilesAreOwnerOnly) {
  mode_t old_umask = ::umask(0);  // the mode must not depend on the umask
  auto store = MustOpen(Options());
  ::umask(old_umask);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(PutOne(*store, "k", "v").ok());
  EXPECT_EQ(ModeOf(path_), 0600);
  EXPECT_EQ(ModeOf(path_ + "-wal"), 0600);
  EXPECT_EQ(ModeOf(path_ + "-shm"), 0600);
  EXPECT_TRUE(store->Close().ok());
}

TEST_F(SqliteStorageTest, FileIsWalWithFormatMarkerAndBlobKeys) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(PutOne(*store, "k", "v").ok());
  ASSERT_TRUE(store->Close().ok());
  RawDb raw(path_);
  EXPECT_EQ(raw.One("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.One("SELECT v FROM meta WHERE k = 'format'"), "mamori-kv");
  EXPECT_EQ(raw.One("SELECT v FROM meta WHERE k = 'version'"), "2");
  EXPECT_EQ(raw.One("SELECT group_concat(version) FROM schema_history"), "2");
  // TEXT would sort before every BLOB and break the bytewise order.
  EXPECT_EQ(raw.One("SELECT typeof(k) || ',' || typeof(v) FROM kv"), "blob,blob");
}

TEST_F(SqliteStorageTest, NonSqliteFileIsRefusedUnchanged) {
  WriteFile(path_, "this is not a database\n" + std::string(200, 'Z'));
  ExpectRefusedUnchanged("text file");
  WriteFile(path_, "SQL");
  ExpectRefusedUnchanged("shorter than the SQLite header");
}

TEST_F(SqliteStorageTest, CorruptSqliteFileIsRefusedUnchanged) {
  WriteFile(path_, std::string("SQLite format 3\0", 16) + std::string(8192, '\x5a'));
  ExpectRefusedUnchanged("SQLite header followed by garbage");
}

TEST_F(SqliteStorageTest, ForeignSqliteDatabaseIsRefusedUnchanged) {
  {
    RawDb raw(path_);
    raw.Exec(
        "CREATE TABLE items(id INTEGER PRIMARY KEY, label TEXT);"
        "INSERT INTO items(label) VALUES('x');");
  }
  ExpectRefusedUnchanged("another application's database");
  RawDb raw(path_);
  EXPECT_EQ(raw.One("PRAGMA journal_mode"), "delete") << "the journal mode was switched";
}

TEST_F(SqliteStorageTest, ForeignMetaTableIsRefused) {
  {
    RawDb raw(path_);
    raw.Exec(
        "CREATE TABLE meta(k TEXT, v TEXT); INSERT INTO meta VALUES('format', 'other');"
        "CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB NOT NULL);");
  }
  ExpectRefusedUnchanged("meta table with another format");
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  {
    RawDb raw(path_);
    raw.Exec("CREATE TABLE meta(name TEXT);");
  }
  ExpectRefusedUnchanged("meta table of another shape");
}

TEST_F(SqliteStorageTest, LaterFormatVersionIsRefused) {
  {
    auto store = MustOpen(Options());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Close().ok());
    RawDb raw(path_);
    raw.Exec("UPDATE meta SET v = '3' WHERE k = 'version'");
  }
  auto opened = OpenSqliteStorage(Options());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kIoError);
  EXPECT_NE(opened.error().message().find("version 3"), std::string::npos)
      << opened.error().message();
  RawDb raw(path_);
  EXPECT_EQ(raw.One("SELECT v FROM meta WHERE k = 'version'"), "3");
}

// A file as a version-1 build left it: the tables and one pair.
void MakeVersion1File(const std::string& path) {
  RawDb raw(path);
  raw.Exec(
      "PRAGMA journal_mode=WAL;"
      "CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
      "INSERT INTO meta(k, v) VALUES('format', 'mamori-kv'), ('version', '1');"
      "INSERT INTO kv(k, v) VALUES(x'6b', x'7631');");
}

TEST_F(SqliteStorageTest, AVersion1FileIsMigratedAtOpenAndKeepsItsData) {
  MakeVersion1File(path_);
  {
    auto store = MustOpen(Options());
    ASSERT_NE(store, nullptr);
    std::optional<std::string> value;
    ASSERT_TRUE(store
                    ->View([&](ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(value, txn.Get("k"));
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(value, std::optional<std::string>("v1"));
    ASSERT_TRUE(store->Close().ok());
  }
  ASSERT_NE(MustOpen(Options()), nullptr);  // a second open migrates nothing
  RawDb raw(path_);
  EXPECT_EQ(raw.One("SELECT v FROM meta WHERE k = 'version'"), "2");
  EXPECT_EQ(raw.One("SELECT group_concat(version) FROM schema_history"), "2");
}

TEST_F(SqliteStorageTest, ProcessesOpeningAVersion1FileAtOnceMigrateItOnce) {
  MakeVersion1File(path_);
  constexpr int kOpeners = 3;
  std::vector<Status> opened(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto store = OpenSqliteStorage(Options());
      opened[i] = store ? (*store)->Close() : store.error();
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& status : opened) EXPECT_TRUE(status.ok()) << status.ToString();
  RawDb raw(path_);
  EXPECT_EQ(raw.One("SELECT v FROM meta WHERE k = 'version'"), "2");
  EXPECT_EQ(raw.One("SELECT group_concat(version) FROM schema_history"), "2");
}

TEST_F(SqliteStorageTest, DirectoryIsRefused) {
  SqliteOptions options = Options();
  options.path = dir_.path();
  auto opened = OpenSqliteStorage(options);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kIoError);
}

TEST_F(SqliteStorageTest, MissingFileWithoutCreateIsNotFound) {
  SqliteOptions options = Options();
  options.create_if_missing = false;
  auto opened = OpenSqliteStorage(options);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kNotFound) << opened.error().ToString();
  EXPECT_NE(opened.error().message().find(path_), std::string::npos);
  EXPECT_FALSE(Exists(path_));
}

TEST_F(SqliteStorageTest, EmptyFileWithoutCreateIsNotFound) {
  WriteFile(path_, "");
  SqliteOptions options = Options();
  options.create_if_missing = false;
  auto opened = OpenSqliteStorage(options);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kNotFound) << opened.error().ToString();
  EXPECT_EQ(ReadFile(path_), "");
}

TEST_F(SqliteStorageTest, ExistingStoreOpensWithoutCreate) {
  ASSERT_NE(MustOpen(Options()), nullptr);
  SqliteOptions options = Options();
  options.create_if_missing = false;
  auto store = MustOpen(options);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(PutOne(*store, "k", "v").ok());
}

TEST_F(SqliteStorageTest, EmptyPathIsInvalidArgument) {
  SqliteOptions options;
  auto opened = OpenSqliteStorage(options);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Code::kInvalidArgument);
}

TEST_F(SqliteStorageTest, CompactLeavesNoTraceOfDeletedValues) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  std::string marker;
  for (int i = 0; i < 20; ++i) marker += "deleted-value-marker-" + std::to_string(i) + ";";
  ASSERT_TRUE(PutOne(*store, "keep", "kept").ok());
  ASSERT_TRUE(PutOne(*store, "wrapped-key", marker).ok());
  ASSERT_NE(ReadFile(path_ + "-wal").find(marker), std::string::npos)
      << "the test needs the value to reach the WAL first";
  ASSERT_TRUE(store->Update([](WriteTxn& txn) { return txn.Delete("wrapped-key"); }).ok());
  Status compacted = store->Compact();
  ASSERT_TRUE(compacted.ok()) << compacted.ToString();
  // secure_delete zeroed the cell; the checkpoint carried that page into the
  // database file and the truncated WAL holds no older copy.
  EXPECT_EQ(ReadFile(path_ + "-wal").size(), 0u);
  EXPECT_EQ(ReadFile(path_).find(marker.substr(0, 40)), std::string::npos);
  EXPECT_EQ(GetOne(*store, "keep"), "kept");
  EXPECT_TRUE(store->Close().ok());
}

// ---- group commit ----

TEST_F(SqliteStorageTest, WaitingUpdatesShareOneCommit) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  uint64_t commits_before = store->Stats().commits;
  std::vector<std::unique_ptr<QueuedUpdate>> queued;
  {
    CommitterGate gate(*store);
    for (int i = 0; i < 5; ++i) {
      queued.push_back(std::make_unique<QueuedUpdate>(
          *store, [i](WriteTxn& txn) { return txn.Put('k' + std::to_string(i), "v"); }));
    }
    EXPECT_EQ(store->Stats().pending, 5u);
    EXPECT_TRUE(gate.Finish().ok());
  }
  for (auto& q : queued) EXPECT_TRUE(q->Wait().ok());
  // One commit for the gate's own group, one for the five queued behind it.
  EXPECT_EQ(store->Stats().commits - commits_before, 2u);
  EXPECT_EQ(ScanView(*store, "k", "l").size(), 5u);
}

TEST_F(SqliteStorageTest, MaxBatchBoundsAGroup) {
  SqliteOptions options = Options();
  options.max_batch = 2;
  auto store = MustOpen(options);
  ASSERT_NE(store, nullptr);
  uint64_t commits_before = store->Stats().commits;
  std::vector<std::unique_ptr<QueuedUpdate>> queued;
  {
    CommitterGate gate(*store);
    for (int i = 0; i < 5; ++i) {
      queued.push_back(std::make_unique<QueuedUpdate>(
          *store, [i](WriteTxn& txn) { return txn.Put('k' + std::to_string(i), "v"); }));
    }
    EXPECT_TRUE(gate.Finish().ok());
  }
  for (auto& q : queued) EXPECT_TRUE(q->Wait().ok());
  // The gate's group, then 2 + 2 + 1.
  EXPECT_EQ(store->Stats().commits - commits_before, 4u);
}

TEST_F(SqliteStorageTest, CompactRunsBetweenTheUpdatesAroundIt) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  uint64_t commits_before = store->Stats().commits;
  Status compacted;
  std::thread compactor;
  std::unique_ptr<QueuedUpdate> first, second;
  {
    CommitterGate gate(*store);
    first =
        std::make_unique<QueuedUpdate>(*store, [](WriteTxn& txn) { return txn.Put("first", "1"); });
    compactor = std::thread([&] { compacted = store->Compact(); });
    EXPECT_TRUE(WaitUntil([&] { return store->Stats().pending == 2; }));
    second = std::make_unique<QueuedUpdate>(*store,
                                            [](WriteTxn& txn) { return txn.Put("second", "1"); });
    EXPECT_TRUE(gate.Finish().ok());
  }
  EXPECT_TRUE(first->Wait().ok());
  compactor.join();
  EXPECT_TRUE(compacted.ok()) << compacted.ToString();
  EXPECT_TRUE(second->Wait().ok());
  // The gate's group, then `first` alone: the Compact queued after it keeps
  // `second` out of its group.
  EXPECT_EQ(store->Stats().commits - commits_before, 3u);
}

TEST_F(SqliteStorageTest, CallsFromInsideAnUpdateFailInsteadOfDeadlocking) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  Status nested_update, nested_view, nested_close;
  Status outer = store->Update([&](WriteTxn& txn) {
    nested_update = store->Update([](WriteTxn&) { return Status::Ok(); });
    nested_view = store->View([](ReadTxn&) { return Status::Ok(); });
    nested_close = store->Close();
    return txn.Put("k", "v");
  });
  EXPECT_TRUE(outer.ok()) << outer.ToString();
  EXPECT_EQ(nested_update.code(), Code::kInternal);
  EXPECT_EQ(nested_view.code(), Code::kInternal);
  EXPECT_EQ(nested_close.code(), Code::kInternal);
  EXPECT_EQ(GetOne(*store, "k"), "v");
}

TEST_F(SqliteStorageTest, EmptyFunctionIsInvalidArgument) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Update(nullptr).code(), Code::kInvalidArgument);
  EXPECT_EQ(store->View(nullptr).code(), Code::kInvalidArgument);
}

TEST_F(SqliteStorageTest, DroppedErrorStillFailsTheCall) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  // A View's connection refuses writes, which makes a failing call easy to
  // provoke. A function that drops an error and returns OK still fails, so an
  // Update cannot commit around a write that did not happen.
  Status view = store->View([](ReadTxn& txn) {
    (void)dynamic_cast<WriteTxn&>(txn).Put("k", "v");
    return Status::Ok();
  });
  EXPECT_EQ(view.code(), Code::kIoError) << view.ToString();
  EXPECT_EQ(GetOne(*store, "k"), std::nullopt);
}

TEST_F(SqliteStorageTest, TwoHandlesOnOneFileSerialiseThroughTheLock) {
  auto first = MustOpen(Options());
  auto second = MustOpen(Options());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (Storage* store : {first.get(), second.get(), first.get(), second.get()}) {
    threads.emplace_back([store, &failures] {
      for (int i = 0; i < 100; ++i) {
        Status status = store->Update([](WriteTxn& txn) -> Status {
          MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get("counter"));
          return txn.Put("counter", std::to_string((current ? std::stoi(*current) : 0) + 1));
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(GetOne(*first, "counter"), "400");
  EXPECT_EQ(GetOne(*second, "counter"), "400");
}

TEST_F(SqliteStorageTest, LockHeldElsewhereIsUnavailableAndNamesNoKey) {
  SqliteOptions options = Options();
  options.busy_timeout_ms = 20;
  auto store = MustOpen(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(PutOne(*store, "visible", "1").ok());
  RawDb other(path_);
  other.Exec("BEGIN IMMEDIATE");  // another process's writer holds the lock

  const std::string key = "record-id-0123456789";
  const std::string value = "ciphertext-abcdef";
  Status status = PutOne(*store, key, value);
  EXPECT_EQ(status.code(), Code::kUnavailable) << status.ToString();
  EXPECT_NE(status.message().find(path_), std::string::npos) << status.message();
  EXPECT_EQ(status.ToString().find(key), std::string::npos) << status.ToString();
  EXPECT_EQ(status.ToString().find(value), std::string::npos) << status.ToString();
  // WAL: readers are not blocked by the writer.
  EXPECT_EQ(GetOne(*store, "visible"), "1");

  other.Exec("ROLLBACK");
  EXPECT_TRUE(PutOne(*store, key, value).ok());
}

TEST_F(SqliteStorageTest, CloseWaitsForARunningView) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(PutOne(*store, "k", "v").ok());
  std::thread closer;
  Status view = store->View([&](ReadTxn& txn) -> Status {
    closer = std::thread([&] { EXPECT_TRUE(store->Close().ok()); });
    // Once Updates are refused, Close is under way; this View's connection
    // must still be usable until it returns.
    EXPECT_TRUE(WaitUntil([&] { return PutOne(*store, "x", "y").code() == Code::kUnavailable; }));
    MAMORI_ASSIGN_OR_RETURN(auto value, txn.Get("k"));
    EXPECT_EQ(value, "v");
    return Status::Ok();
  });
  EXPECT_TRUE(view.ok()) << view.ToString();
  closer.join();
  EXPECT_EQ(store->View([](ReadTxn&) { return Status::Ok(); }).code(), Code::kUnavailable);
}

// Commits never copy the WAL into the database file themselves; a background
// thread does, and the WAL is rewound rather than left to grow under a steady
// stream of commits (each commit here adds a frame or more; without
// checkpoints 800 of them would leave several megabytes of WAL). The
// background thread is given the chance to run every 100 commits: on a loaded machine it may
// otherwise not be scheduled at all during the loop, which would test the
// scheduler, not the store.
TEST_F(SqliteStorageTest, BackgroundCheckpointsKeepTheWalBounded) {
  SqliteOptions options = Options();
  options.checkpoint_frames = 50;
  auto store = MustOpen(options);
  ASSERT_NE(store, nullptr);
  off_t largest_wal = 0;
  uint64_t checkpoints = 0;
  for (int i = 0; i < 800; ++i) {
    ASSERT_TRUE(PutOne(*store, 'k' + std::to_string(i), std::string(600, 'v')).ok());
    if (i % 100 == 99) {  // 100 commits: more than twice checkpoint_frames
      ASSERT_TRUE(WaitUntil([&] { return store->Stats().checkpoints > checkpoints; }))
          << "no checkpoint in the last 100 commits, at " << i + 1;
      checkpoints = store->Stats().checkpoints;
    }
    struct stat st {};
    if (::stat((path_ + "-wal").c_str(), &st) == 0) largest_wal = std::max(largest_wal, st.st_size);
  }
  EXPECT_GT(store->Stats().checkpoints, 0u);
  EXPECT_LT(largest_wal, off_t{1} << 20) << "the WAL grew to " << largest_wal << " bytes";
  EXPECT_EQ(ScanView(*store, "k", "l").size(), 800u);
  ASSERT_TRUE(store->Close().ok());
  auto reopened = MustOpen(options);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(ScanView(*reopened, "k", "l").size(), 800u);
}

// A lone Update runs without a savepoint; when it fails, its writes are
// rolled back with the transaction and the store stays usable.
TEST_F(SqliteStorageTest, ALoneFailingUpdateLeavesNothing) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  Status failed = store->Update([](WriteTxn& txn) -> Status {
    MAMORI_RETURN_IF_ERROR(txn.Put("half", "written"));
    return Status::FailedPrecondition("no", "いいえ");
  });
  EXPECT_EQ(failed.code(), Code::kFailedPrecondition);
  EXPECT_EQ(GetOne(*store, "half"), std::nullopt);
  EXPECT_TRUE(PutOne(*store, "after", "1").ok());
  EXPECT_EQ(GetOne(*store, "after"), "1");
}

// ViewShared: the Views a thread makes inside it read its one snapshot,
// even of a write committed meanwhile; other threads' Views do not join it.
TEST_F(SqliteStorageTest, ViewSharedGivesNestedViewsItsSnapshot) {
  auto store = MustOpen(Options());
  ASSERT_TRUE(PutOne(*store, "k", "1").ok());
  std::optional<std::string> first, nested, other_thread;
  Status shared = store->ViewShared([&](ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(first, txn.Get("k"));
    MAMORI_RETURN_IF_ERROR(PutOne(*store, "k", "2"));
    nested = GetOne(*store, "k");
    std::thread([&] { other_thread = GetOne(*store, "k"); }).join();
    return Status::Ok();
  });
  ASSERT_TRUE(shared.ok()) << shared.ToString();
  EXPECT_EQ(first, "1");
  EXPECT_EQ(nested, "1");
  EXPECT_EQ(other_thread, "2");
  EXPECT_EQ(GetOne(*store, "k"), "2");  // after it, Views open their own again
  ASSERT_TRUE(store->Close().ok());
}

}  // namespace
}  // namespace mamori::store::test
