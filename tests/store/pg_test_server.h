// A real PostgreSQL server for the postgres backend's tests, run by
// tests/store/pg-test-server in a scratch directory on a unix socket.
//
// Under ctest one server serves the whole binary: a fixture starts it before
// the binary's tests and stops it after, in the build tree's
// test-tmp/pg-server. Run by hand without it, the binary starts one itself
// on first use and stops it at exit. Each store gets a schema of its own in that server.
#pragma once

#include <memory>
#include <string>

#include "store/storage.h"

namespace mamori::store::test {

// The postgres backend opened on `conninfo` with default options.
Result<std::unique_ptr<Storage>> OpenPostgresAt(const std::string& conninfo);

class PgTestServer {
 public:
  // The binary's shared server; nullptr (and a test failure) if it cannot run.
  static PgTestServer* Shared();
  // A server of this test's own, for tests that restart it; stopped when
  // destroyed. nullptr (and a test failure) if it cannot start.
  static std::unique_ptr<PgTestServer> StartOwn();
  ~PgTestServer();
  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;

  // Creates a fresh schema and returns a connection string whose
  // search_path selects it: a new, empty store.
  std::string NewStore();
  // The connection string for an existing schema.
  std::string Conninfo(const std::string& schema) const;
  // Runs SQL as the superuser in the test database; false on failure.
  bool Exec(const std::string& sql) const;
  // Runs a query as the superuser in the test database: the first column of
  // every row, joined by ","; "" (and a test failure) when it fails.
  std::string Query(const std::string& sql) const;
  // An immediate (crash) stop and a start; true once it accepts connections.
  bool RestartImmediate();

 private:
  PgTestServer(std::string dir, std::string sock, std::string port, bool owned)
      : dir_(std::move(dir)), sock_(std::move(sock)), port_(std::move(port)), owned_(owned) {}
  static std::unique_ptr<PgTestServer> StartIn(const std::string& dir);

  std::string dir_;
  std::string sock_;  // the socket's directory
  std::string port_;
  bool owned_;
};

}  // namespace mamori::store::test
