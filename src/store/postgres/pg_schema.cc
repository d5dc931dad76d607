#include "store/postgres/pg_schema.h"

#include <string>

namespace mamori::store::postgres {
namespace {

Status NotAStore(std::string_view why) {
  return Status::IoError("the PostgreSQL schema does not hold a mamori store: " + std::string(why),
                         "PostgreSQL のスキーマは mamori のデータストアではありません", "store");
}

Status CreateAndCheck(PgConnection& conn) {
  // Any fixed number serves: it only serialises first opens in this database.
  MAMORI_RETURN_IF_ERROR(
      conn.Exec("SELECT pg_advisory_xact_lock(hashtext('mamori schema'))", "schema lock"));
  MAMORI_RETURN_IF_ERROR(conn.Exec(
      "CREATE TABLE IF NOT EXISTS mamori_meta (name text PRIMARY KEY, value text NOT NULL)",
      "create mamori_meta"));
  MAMORI_RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS mamori_kv (k bytea PRIMARY KEY, v bytea NOT NULL)",
                "create mamori_kv"));
  const std::string seed =
      "INSERT INTO mamori_meta (name, value) VALUES ('format', 'mamori-kv'), "
      "('version', '" +
      std::to_string(kSchemaVersion) + "') ON CONFLICT (name) DO NOTHING";
  MAMORI_RETURN_IF_ERROR(conn.Exec(seed.c_str(), "seed mamori_meta"));
  MAMORI_ASSIGN_OR_RETURN(
      PgResult rows,
      conn.ExecRows("SELECT name, value FROM mamori_meta WHERE name IN ('format', 'version')",
                    "read mamori_meta"));
  std::string format, version;
  for (int i = 0; i < PQntuples(rows.get()); ++i) {
    std::string_view name = PQgetvalue(rows.get(), i, 0);
    (name == "format" ? format : version) = PQgetvalue(rows.get(), i, 1);
  }
  if (format != "mamori-kv") return NotAStore("no mamori-kv format marker");
  if (version != std::to_string(kSchemaVersion)) {
    return Status::FailedPrecondition(
        "the PostgreSQL store has another schema version than this build's (" +
            std::to_string(kSchemaVersion) + ")",
        "PostgreSQL のデータストアのスキーマ版がこの版 (" + std::to_string(kSchemaVersion) +
            ") と異なります",
        "store");
  }
  return Status::Ok();
}

}  // namespace

Status EnsureSchema(PgConnection& conn) {
  MAMORI_RETURN_IF_ERROR(conn.Exec("BEGIN", "begin"));
  Status status = CreateAndCheck(conn);
  if (status.ok()) return conn.Exec("COMMIT", "commit");
  if (conn.Healthy()) (void)conn.Exec("ROLLBACK", "rollback");
  return status;
}

}  // namespace mamori::store::postgres
