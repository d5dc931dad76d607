#include "engine/data_store.h"

#include "store/postgres/postgres_storage.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::engine {

Result<std::unique_ptr<store::Storage>> OpenDataStore(const Paths& paths, bool create) {
  if (!paths.store_uri.empty()) {
    store::PostgresOptions options;
    options.conninfo = paths.store_uri;
    return store::OpenPostgresStorage(options);
  }
  store::SqliteOptions options;
  options.path = paths.DataStore();
  options.create_if_missing = create;
  return store::OpenSqliteStorage(options);
}

std::string DataStoreName(const Paths& paths) {
  return paths.store_uri.empty() ? paths.DataStore() : std::string("PostgreSQL");
}

}  // namespace mamori::engine
