// SQLite's SQL text: see db/dialect.hpp.
#include "db/sqlite/sqlite_dialect.hpp"

#include <sqlite3.h>

#include "util/text.hpp"

namespace runner {

const SqliteDialect& sqlite_dialect() {
    static const SqliteDialect kDialect;
    return kDialect;
}

std::string SqliteDialect::quote_identifier(std::string_view name) const {
    std::string out = "\"";
    for (const char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string SqliteDialect::identifier(std::string_view name) const {
    const bool bare = is_identifier(name) &&
                      sqlite3_keyword_check(name.data(), static_cast<int>(name.size())) == 0;
    return bare ? std::string(name) : quote_identifier(name);
}

std::string SqliteDialect::table(std::string_view name) const {
    return "main." + quote_identifier(name);
}

std::string SqliteDialect::quote_literal(std::string_view value) const {
    std::string out = "'";
    for (const char c : value) {
        out += c == '\'' ? "''" : std::string(1, c);
    }
    return out + "'";
}

std::string SqliteDialect::parameter(int index) const {
    return "?" + std::to_string(index);
}

std::string SqliteDialect::now() const {
    return "strftime('%Y-%m-%d %H:%M:%S', 'now')";
}

// The bookkeeping tables: applied revisions, the audit log, and (created on first use) failed
// non-transactional migrations awaiting --resume or `runner resolve`.
std::vector<std::string> SqliteDialect::bookkeeping_ddl(const BookkeepingTables& t,
                                                        bool qualified) const {
    const auto name = [&](const std::string& n) { return qualified ? table(n) : identifier(n); };
    return {
        "CREATE TABLE IF NOT EXISTS " + name(t.version) +
            " (\n"
            "    revision TEXT NOT NULL PRIMARY KEY,\n"
            "    applied_at TEXT NOT NULL,\n"
            "    duration_ms INTEGER NOT NULL DEFAULT 0,\n"
            "    checksum TEXT,\n"
            "    how TEXT NOT NULL DEFAULT 'upgrade'\n"
            ")",
        "CREATE TABLE IF NOT EXISTS " + name(t.log) +
            " (\n"
            "    id INTEGER PRIMARY KEY,\n"
            "    at TEXT NOT NULL,\n"
            "    revision TEXT NOT NULL,\n"
            "    action TEXT NOT NULL,\n"
            "    duration_ms INTEGER NOT NULL DEFAULT 0,\n"
            "    checksum TEXT,\n"
            "    user TEXT,\n"
            "    host TEXT,\n"
            "    detail TEXT\n"
            ")",
        "CREATE TABLE IF NOT EXISTS " + name(t.partial) +
            " (\n"
            "    revision TEXT NOT NULL PRIMARY KEY,\n"
            "    direction TEXT NOT NULL,\n"
            "    statement INTEGER NOT NULL,\n"
            "    line INTEGER NOT NULL,\n"
            "    error TEXT NOT NULL,\n"
            "    at TEXT NOT NULL,\n"
            "    digest TEXT\n"
            ")",
    };
}

// Table names are case-insensitive in SQLite: Runner_Version is runner_version.
std::string SqliteDialect::table_exists_query() const {
    return "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE";
}

std::string SqliteDialect::table_columns_query() const {
    return "SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid";
}

std::string SqliteDialect::upsert(const std::string& table_sql,
                                  const std::vector<std::string>& columns,
                                  const std::string& /*key: REPLACE uses every unique key*/) const {
    std::string names;
    std::string values;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        names += (i > 0 ? ", " : "") + identifier(columns[i]);
        values += (i > 0 ? ", " : "") + parameter(static_cast<int>(i) + 1);
    }
    return "INSERT OR REPLACE INTO " + table_sql + " (" + names + ") VALUES (" + values + ")";
}

std::string SqliteDialect::offline_preamble() const {
    return "-- Review it, then run it with the sqlite3 shell: sqlite3 DATABASE < this-file.sql\n"
           "-- (.bail stops at the first error; an open transaction is then rolled back.)\n"
           ".bail on\n"
           "PRAGMA foreign_keys = OFF;\n";
}

// The online run checks foreign keys before each COMMIT and rolls back a migration that left
// new violations. The script does the same with TEMP tables: the violations there are before it
// runs are kept aside, and a CHECK constraint fails (so `sqlite3 -bail` stops, and the open
// transaction is never committed) when a migration adds one.
std::string SqliteDialect::offline_foreign_key_setup() const {
    return "-- Foreign keys are checked before each COMMIT, as the online run does: a migration "
           "that\n"
           "-- leaves new violations fails the CHECK below (violations there before do not "
           "count).\n"
           "DROP TABLE IF EXISTS temp.runner_fk_before;\n"
           "CREATE TEMP TABLE runner_fk_before AS SELECT * FROM pragma_foreign_key_check;\n"
           "DROP TABLE IF EXISTS temp.runner_fk_check;\n"
           "CREATE TEMP TABLE runner_fk_check (new_violations INTEGER\n"
           "    CONSTRAINT \"foreign key check failed: the migration left rows whose parent row "
           "is missing (PRAGMA foreign_key_check lists them); it was not committed\"\n"
           "    CHECK (new_violations = 0));\n";
}

std::string SqliteDialect::offline_foreign_key_check() const {
    return "INSERT INTO temp.runner_fk_check SELECT count(*) FROM pragma_foreign_key_check AS v\n"
           "    WHERE NOT EXISTS (SELECT 1 FROM temp.runner_fk_before AS b WHERE b.\"table\" IS "
           "v.\"table\"\n"
           "        AND b.\"rowid\" IS v.\"rowid\" AND b.\"parent\" IS v.\"parent\" AND "
           "b.\"fkid\" IS v.\"fkid\");\n";
}

}  // namespace runner
