#include "store/postgres/pg_schema.h"

#include <charconv>
#include <string>
#include <vector>

namespace mamori::store::postgres {
namespace {

struct Migration {
  int to;  // the version the store has after it
  std::vector<const char*> statements;
};

// In order; each applies to a store at version `to - 1`. Append only: a
// released migration is never edited, since stores out there already ran it.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kList = {
      {2,
       {"CREATE TABLE IF NOT EXISTS mamori_schema_history "
        "(version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
        "ALTER TABLE mamori_kv ALTER COLUMN v SET STORAGE EXTERNAL"}},
  };
  return kList;
}

Status NotAStore(std::string_view why) {
  return Status::IoError("the PostgreSQL schema does not hold a mamori store: " + std::string(why),
                         "PostgreSQL のスキーマは mamori のデータストアではありません", "store");
}

// The stored version, or 0 when it is not a positive number.
int ParseVersion(std::string_view text) {
  int version = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || end != text.data() + text.size() || version <= 0) return 0;
  return version;
}

Status Apply(PgConnection& conn, const Migration& migration) {
  for (const char* sql : migration.statements) {
    MAMORI_RETURN_IF_ERROR(conn.Exec(sql, "schema migration"));
  }
  const std::string to = std::to_string(migration.to);
  const std::string record = "UPDATE mamori_meta SET value = '" + to +
                             "' WHERE name = 'version'; "
                             "INSERT INTO mamori_schema_history (version) VALUES (" +
                             to + ")";
  return conn.Exec(record.c_str(), "record schema migration");
}

Status CreateCheckAndMigrate(PgConnection& conn) {
  // Any fixed number serves: it only serialises opens in this database, so
  // that a migration runs once and the servers after it find it applied.
  MAMORI_RETURN_IF_ERROR(
      conn.Exec("SELECT pg_advisory_xact_lock(hashtext('mamori schema'))", "schema lock"));
  MAMORI_RETURN_IF_ERROR(conn.Exec(
      "CREATE TABLE IF NOT EXISTS mamori_meta (name text PRIMARY KEY, value text NOT NULL)",
      "create mamori_meta"));
  MAMORI_RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS mamori_kv (k bytea PRIMARY KEY, v bytea NOT NULL)",
                "create mamori_kv"));
  // A new store starts at version 1 and takes every migration, so that a
  // fresh store and a migrated one are the same by construction.
  MAMORI_RETURN_IF_ERROR(conn.Exec(
      "INSERT INTO mamori_meta (name, value) VALUES ('format', 'mamori-kv'), ('version', '1') "
      "ON CONFLICT (name) DO NOTHING",
      "seed mamori_meta"));
  MAMORI_ASSIGN_OR_RETURN(
      PgResult rows,
      conn.ExecRows("SELECT name, value FROM mamori_meta WHERE name IN ('format', 'version')",
                    "read mamori_meta"));
  std::string format, version_text;
  for (int i = 0; i < PQntuples(rows.get()); ++i) {
    std::string_view name = PQgetvalue(rows.get(), i, 0);
    (name == "format" ? format : version_text) = PQgetvalue(rows.get(), i, 1);
  }
  if (format != "mamori-kv") return NotAStore("no mamori-kv format marker");
  const int version = ParseVersion(version_text);
  if (version == 0) return NotAStore("the schema version is not a number");
  if (version > kSchemaVersion) {
    const std::string ours = std::to_string(kSchemaVersion);
    const std::string theirs = std::to_string(version);
    return Status::FailedPrecondition(
        "the PostgreSQL store is at schema version " + theirs + ", newer than this build's (" +
            ours + "); use a mamori release that knows version " + theirs + ". Nothing was changed",
        "PostgreSQL のデータストアのスキーマ版 " + theirs + " はこのビルドの版 (" + ours +
            ") より新しいため開けません。版 " + theirs +
            " に対応する mamori を使ってください。何も変更していません",
        "store");
  }
  for (const Migration& migration : Migrations()) {
    if (migration.to > version) MAMORI_RETURN_IF_ERROR(Apply(conn, migration));
  }
  return Status::Ok();
}

}  // namespace

Status EnsureSchema(PgConnection& conn) {
  MAMORI_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL READ COMMITTED", "begin"));
  Status status = CreateCheckAndMigrate(conn);
  if (status.ok()) return conn.Exec("COMMIT", "commit");
  if (conn.Healthy()) (void)conn.Exec("ROLLBACK", "rollback");
  return status;
}

}  // namespace mamori::store::postgres
