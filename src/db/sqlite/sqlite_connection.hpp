// The SQLite backend's Connection: a connection to one database file (or a scratch database in
// memory), with the foreign-key guard, backups and the schema catalog as capabilities.
#pragma once

#include <memory>
#include <string>

#include "db/connection.hpp"
#include "db/sqlite/handles.hpp"

namespace runner {

class DatabaseFileLock;

// What a SqliteConnection is opened on.
struct SqliteTarget {
    SqliteHandle handle;  // null: a read-only view of a file that does not exist
    std::string path;     // the file ("" for a scratch database)
    std::string shown;    // how messages name the database (masked)
    std::string version_table;
    int lock_timeout_ms = 60'000;
    // A writer's exclusive lock on the file, held for the connection's whole life.
    std::unique_ptr<DatabaseFileLock> lock;
};

// Opens the connection on `target`. When the lock says this run created the file, the file is
// removed again on close if it is still empty (a failed first migration leaves no file behind).
std::unique_ptr<Connection> make_sqlite_connection(SqliteTarget target);

}  // namespace runner
