#include "store/pg_test_server.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "store/postgres/postgres_storage.h"

namespace mamori::store::test {
namespace {

std::string Script() { return MAMORI_PG_TEST_SERVER; }

bool RunScript(const std::string& verb, const std::string& dir) {
  // dir comes from mkdtemp or the build tree: no quote in it.
  const std::string command = "'" + Script() + "' " + verb + " '" + dir + "'";
  return std::system(command.c_str()) == 0;
}

// A word the script left in DIR/name ("port", "sockdir"); empty if none.
std::string ReadWord(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/" + name);
  std::string word;
  in >> word;
  return word;
}

}  // namespace

std::unique_ptr<PgTestServer> PgTestServer::StartIn(const std::string& dir) {
  if (!RunScript("start", dir)) {
    ADD_FAILURE() << "cannot start a PostgreSQL server in " << dir;
    return nullptr;
  }
  return std::unique_ptr<PgTestServer>(
      new PgTestServer(dir, ReadWord(dir, "sockdir"), ReadWord(dir, "port"), true));
}

std::unique_ptr<PgTestServer> PgTestServer::StartOwn() {
  const char* root = std::getenv("MAMORI_TEST_TMP");
  std::string base = (root != nullptr && *root != '\0') ? root : "/tmp";
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  std::string pattern = base + "/pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp under " << base;
    return nullptr;
  }
  return StartIn(pattern);
}

PgTestServer* PgTestServer::Shared() {
  static std::once_flag once;
  static std::unique_ptr<PgTestServer> server;
  std::call_once(once, [] {
    // The ctest fixture's server, when it runs (its socket is there).
    const std::string fixture = MAMORI_PG_SERVER_DIR;
    const std::string port = ReadWord(fixture, "port");
    const std::string sock = ReadWord(fixture, "sockdir");
    if (!port.empty() && std::filesystem::exists(sock + "/.s.PGSQL." + port)) {
      server.reset(new PgTestServer(fixture, sock, port, false));
    } else {
      server = StartOwn();
    }
  });
  if (server == nullptr) ADD_FAILURE() << "no PostgreSQL server for the tests";
  return server.get();
}

PgTestServer::~PgTestServer() {
  if (owned_) (void)RunScript("stop", dir_);
}

std::string PgTestServer::Conninfo(const std::string& schema) const {
  return "postgresql:///postgres?host=" + sock_ + "&port=" + port_ +
         "&user=mamori&options=-csearch_path%3D" + schema;
}

bool PgTestServer::Exec(const std::string& sql) const {
  PGconn* conn = PQconnectdb(Conninfo("public").c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  if (ok) {
    PGresult* r = PQexec(conn, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) ADD_FAILURE() << "SQL failed: " << PQresultErrorMessage(r);
    PQclear(r);
  } else {
    ADD_FAILURE() << "cannot connect to the test server: " << PQerrorMessage(conn);
  }
  PQfinish(conn);
  return ok;
}

Result<std::unique_ptr<Storage>> OpenPostgresAt(const std::string& conninfo) {
  PostgresOptions options;
  options.conninfo = conninfo;
  return OpenPostgresStorage(options);
}

std::string PgTestServer::Query(const std::string& sql) const {
  PGconn* conn = PQconnectdb(Conninfo("public").c_str());
  std::string out;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      for (int i = 0; i < PQntuples(r); ++i) {
        if (i > 0) out += ",";
        out += PQgetvalue(r, i, 0);
      }
    } else {
      ADD_FAILURE() << "SQL failed: " << PQresultErrorMessage(r);
    }
    PQclear(r);
  } else {
    ADD_FAILURE() << "cannot connect to the test server: " << PQerrorMessage(conn);
  }
  PQfinish(conn);
  return out;
}

std::string PgTestServer::NewStore() {
  // Unique across the processes ctest runs at once on the shared server.
  static std::atomic<int> next{0};
  const std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(next++);
  EXPECT_TRUE(Exec("CREATE SCHEMA " + schema));
  return Conninfo(schema);
}

bool PgTestServer::RestartImmediate() { return RunScript("restart", dir_); }

}  // namespace mamori::store::test
