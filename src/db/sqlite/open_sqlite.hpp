// Opening an SQLite database by path or URL (the SQLite backend's entry in open.cpp's table).
#pragma once

#include <memory>
#include <string>

#include "db/connection.hpp"

namespace runner {

// Opens `url`: a path, sqlite:///relative/path, sqlite:////absolute/path (also spelled
// sqlite+pysqlite:// or sqlite+aiosqlite://), or a SQLite URI filename (file:app.db?mode=ro).
// Parameters: mode=ro|rw|rwc, cache=shared|private, uri=true; any other is refused by name, as
// is an in-memory database (it would keep nothing).
std::unique_ptr<Connection> open_sqlite(const std::string& url, const std::string& shown,
                                        OpenMode mode, const OpenOptions& options);

// An empty, private SQLite database in memory (Connection::open_scratch).
std::unique_ptr<Connection> open_sqlite_scratch(const std::string& version_table);

}  // namespace runner
