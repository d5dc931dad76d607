// The on-disk identity of a mamori SQLite store: the file is created with mode
// 0600, and a `meta` table holds a format marker so that any other file, SQLite
// or not, is refused before anything is written to it. Internal to the sqlite
// backend.
#pragma once

#include <string>

#include "core/status.h"
#include "store/sqlite/connection.h"

namespace mamori::store::sqlite {

// Readies path for Connection::Open. When absent: kNotFound unless
// create_if_missing, else creates it empty with mode 0600 (SQLite gives the
// -wal and -shm files the mode of the database file) and sets *created. When
// present: kIoError naming the path if it is not a regular file or does not
// start with the SQLite header. Reads only; never modifies an existing file.
Status PrepareFile(const std::string& path, bool create_if_missing, bool* created);

// Makes conn's database a usable mamori store: refuses (kIoError naming the
// path) a database that holds anything but a mamori store, or a store of a
// newer format version than this build's, before writing to it; switches
// the file to WAL; creates the tables and the marker in an empty database,
// or returns kNotFound for one when create_if_missing is false; applies the
// format migrations past the file's version. Creation and migrations run in
// one write transaction (BEGIN IMMEDIATE), so processes opening the same
// file at the same time create it and migrate it once; a failure leaves the
// file at the version it had.
//
// Format versions (meta 'version'):
//   1  meta(k, v) with 'format' = 'mamori-kv' and 'version'; kv(k, v).
//   2  schema_history(version, applied_at): when each migration ran.
Status EnsureStore(Connection& conn, bool create_if_missing);

}  // namespace mamori::store::sqlite
