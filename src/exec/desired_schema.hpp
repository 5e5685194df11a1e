// The desired schema of autogenerate and `runner diff`: a plain SQL file of CREATE statements,
// run on an empty scratch database and read back through the catalog.
#pragma once

#include <string>
#include <vector>

#include "db/connection.hpp"
#include "schema/model.hpp"

namespace runner {

struct SchemaFile {
    std::string path;    // as the user named it (relative to the working directory)
    std::string origin;  // where that name came from: "--schema-file", "schema_file in runner.ini"
};

// Runs `file` on `scratch` (an empty scratch database, Connection::open_scratch) inside one
// transaction that is rolled back afterwards, and returns the schema it built, without
// `excluded_tables`. A missing or unreadable file is an Error naming the path and its origin;
// a failing statement a StatementError "PATH:LINE: what the database said".
Schema load_schema_file(Connection& scratch, const SchemaFile& file,
                        const std::vector<std::string>& excluded_tables);

}  // namespace runner
