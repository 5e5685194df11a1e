// Opening a database by URL: the one place URLs are dispatched to backends, and the one function
// that masks secrets in a URL before any message shows it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "db/connection.hpp"

namespace runner {

// Opens a backend's connection. `url` is what the user gave, `shown` the same masked.
using BackendOpener = std::unique_ptr<Connection> (*)(const std::string& url,
                                                      const std::string& shown, OpenMode mode,
                                                      const OpenOptions& options);

// Opens `url` with the backend its scheme names (a path without a scheme is an SQLite file).
// Checks options.version_table first (a plain identifier, not alembic_version).
std::unique_ptr<Connection> open_connection(const std::string& url, OpenMode mode,
                                            const OpenOptions& options);

// Whether `url` names a PostgreSQL database (by its scheme, or libpq's keyword/value form),
// without opening it: for reading migration files in that backend's dialect.
bool names_postgres(const std::string& url);

// An empty, private, in-memory database of the default backend (SQLite), for commands that need
// a scratch database when no database is configured (Connection::open_scratch otherwise).
std::unique_ptr<Connection> open_default_scratch(const std::string& version_table);

// Replaces every secret in a database URL or connection string with "***": the password in
// scheme://user:password@host, secret query parameters (?password=, ?sslpassword=, ?token=,
// ...) and libpq keyword/value `password=...`. Every message that shows a URL uses it.
std::string mask_secrets(const std::string& url);

}  // namespace runner
