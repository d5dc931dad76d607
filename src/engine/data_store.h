// Where the data store lives: the embedded SQLite file in the data
// directory (the default), or a PostgreSQL database that several servers
// share, named by Paths::store_uri. The key store stays in the local key
// directory either way, apart from the data: a copy of the database alone
// decrypts nothing.
#pragma once

#include <memory>
#include <string>

#include "engine/engine.h"
#include "store/storage.h"

namespace mamori::engine {

// Opens the data store `paths` names. With `create`, an embedded file is
// created when absent and PostgreSQL tables when missing.
Result<std::unique_ptr<store::Storage>> OpenDataStore(const Paths& paths, bool create);

// What to call the data store in messages and reports: the file's path, or
// "PostgreSQL" (never the connection string).
std::string DataStoreName(const Paths& paths);

}  // namespace mamori::engine
