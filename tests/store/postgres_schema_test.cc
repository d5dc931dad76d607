// The postgres backend's schema migrations (store/postgres/pg_schema.h)
// against a real PostgreSQL server: a version-1 store is migrated at open
// and keeps its data, servers opening one store at once apply a migration
// once, and a store newer than this build is refused unchanged.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "store/pg_test_server.h"
#include "store/postgres/postgres_storage.h"

namespace mamori::store::test {
namespace {

// A store as a version-1 build left it (its tables and one pair), in a
// schema of its own; returns the schema's name.
std::string MakeVersion1Store(PgTestServer& server, const std::string& schema) {
  EXPECT_TRUE(server.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema));
  EXPECT_TRUE(server.Exec("CREATE TABLE " + schema +
                          ".mamori_meta (name text PRIMARY KEY, value text NOT NULL); "
                          "CREATE TABLE " +
                          schema +
                          ".mamori_kv (k bytea PRIMARY KEY, v bytea NOT NULL); "
                          "INSERT INTO " +
                          schema +
                          ".mamori_meta VALUES ('format', 'mamori-kv'), ('version', '1'); "
                          "INSERT INTO " +
                          schema + ".mamori_kv VALUES ('\\x6b'::bytea, '\\x7631'::bytea)"));
  return schema;
}

std::string StoredVersion(PgTestServer& server, const std::string& schema) {
  return server.Query("SELECT value FROM " + schema + ".mamori_meta WHERE name = 'version'");
}

TEST(PostgresSchemaTest, AVersion1StoreIsMigratedAtOpenAndKeepsItsData) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  const std::string schema = MakeVersion1Store(*server, "schema_v1_migrated");
  {
    auto store = OpenPostgresAt(server->Conninfo(schema));
    ASSERT_TRUE(store) << store.error().ToString();
    std::optional<std::string> value;
    ASSERT_TRUE((*store)
                    ->View([&](ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(value, txn.Get("k"));
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(value, std::optional<std::string>("v1"));
    ASSERT_TRUE((*store)->Update([](WriteTxn& txn) { return txn.Put("k2", "v2"); }).ok());
  }
  EXPECT_EQ(StoredVersion(*server, schema), "2");
  EXPECT_EQ(server->Query("SELECT version FROM " + schema + ".mamori_schema_history"), "2");
  // Version 2's change to the table: values are stored uncompressed.
  EXPECT_EQ(server->Query("SELECT attstorage FROM pg_attribute WHERE attrelid = '" + schema +
                          ".mamori_kv'::regclass AND attname = 'v'"),
            "e");
  // Opening again applies nothing twice.
  ASSERT_TRUE(OpenPostgresAt(server->Conninfo(schema)));
  EXPECT_EQ(server->Query("SELECT count(*) FROM " + schema + ".mamori_schema_history"), "1");
  EXPECT_TRUE(server->Exec("DROP SCHEMA " + schema + " CASCADE"));
}

TEST(PostgresSchemaTest, ANewStoreIsCreatedThroughEveryMigration) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Exec("DROP SCHEMA IF EXISTS schema_new CASCADE; CREATE SCHEMA schema_new"));
  ASSERT_TRUE(OpenPostgresAt(server->Conninfo("schema_new")));
  EXPECT_EQ(StoredVersion(*server, "schema_new"), "2");
  EXPECT_EQ(server->Query("SELECT version FROM schema_new.mamori_schema_history"), "2");
  EXPECT_TRUE(server->Exec("DROP SCHEMA schema_new CASCADE"));
}

TEST(PostgresSchemaTest, ServersOpeningAVersion1StoreAtOnceMigrateItOnce) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  const std::string schema = MakeVersion1Store(*server, "schema_v1_race");
  const std::string conninfo = server->Conninfo(schema);
  constexpr int kStarters = 4;
  std::vector<Status> opened(kStarters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([&, i] {
      auto store = OpenPostgresAt(conninfo);
      opened[i] = store ? Status::Ok() : store.error();
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& status : opened) EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(StoredVersion(*server, schema), "2");
  EXPECT_EQ(server->Query("SELECT version FROM " + schema + ".mamori_schema_history"), "2");
  EXPECT_TRUE(server->Exec("DROP SCHEMA " + schema + " CASCADE"));
}

// Opening a version-1 store whose stored version was set to `version`: the
// error (OK if it opened).
Status OpenWithVersion(PgTestServer& server, const std::string& schema,
                       const std::string& version) {
  MakeVersion1Store(server, schema);
  EXPECT_TRUE(server.Exec("UPDATE " + schema + ".mamori_meta SET value = '" + version +
                          "' WHERE name = 'version'"));
  auto store = OpenPostgresAt(server.Conninfo(schema));
  return store ? Status::Ok() : store.error();
}

TEST(PostgresSchemaTest, AStoreNewerThanThisBuildIsRefusedUnchanged) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  const Status refused = OpenWithVersion(*server, "schema_newer", "7");
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.ToString().find("schema version 7, newer than this build's (2)"),
            std::string::npos)
      << refused.ToString();
  EXPECT_EQ(StoredVersion(*server, "schema_newer"), "7");
  EXPECT_EQ(server->Query("SELECT count(*) FROM pg_tables WHERE schemaname = 'schema_newer' "
                          "AND tablename = 'mamori_schema_history'"),
            "0");
  EXPECT_TRUE(server->Exec("DROP SCHEMA schema_newer CASCADE"));
}

TEST(PostgresSchemaTest, AVersionThatIsNotANumberIsRefused) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  const Status refused = OpenWithVersion(*server, "schema_bad_version", "x2");
  EXPECT_EQ(refused.code(), Code::kIoError) << refused.ToString();
  EXPECT_EQ(refused.ToString().find("x2"), std::string::npos);
  EXPECT_TRUE(server->Exec("DROP SCHEMA schema_bad_version CASCADE"));
}

}  // namespace
}  // namespace mamori::store::test
