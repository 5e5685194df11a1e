// PostgreSQL's SQL text: see db/dialect.hpp and pg_dialect.hpp.
#include "db/postgres/pg_dialect.hpp"

#include <algorithm>
#include <iterator>

#include "util/text.hpp"

namespace runner {

namespace {

// PostgreSQL's reserved key words (and those that cannot be a column name): these need quotes.
constexpr std::string_view kReserved[] = {"all",
                                          "analyse",
                                          "analyze",
                                          "and",
                                          "any",
                                          "array",
                                          "as",
                                          "asc",
                                          "asymmetric",
                                          "authorization",
                                          "between",
                                          "bigint",
                                          "binary",
                                          "both",
                                          "case",
                                          "cast",
                                          "check",
                                          "collate",
                                          "collation",
                                          "column",
                                          "concurrently",
                                          "constraint",
                                          "create",
                                          "cross",
                                          "current_catalog",
                                          "current_date",
                                          "current_role",
                                          "current_schema",
                                          "current_time",
                                          "current_timestamp",
                                          "current_user",
                                          "default",
                                          "deferrable",
                                          "desc",
                                          "distinct",
                                          "do",
                                          "else",
                                          "end",
                                          "except",
                                          "false",
                                          "fetch",
                                          "for",
                                          "foreign",
                                          "freeze",
                                          "from",
                                          "full",
                                          "grant",
                                          "group",
                                          "having",
                                          "ilike",
                                          "in",
                                          "initially",
                                          "inner",
                                          "intersect",
                                          "into",
                                          "is",
                                          "isnull",
                                          "join",
                                          "lateral",
                                          "leading",
                                          "left",
                                          "like",
                                          "limit",
                                          "localtime",
                                          "localtimestamp",
                                          "natural",
                                          "not",
                                          "notnull",
                                          "null",
                                          "offset",
                                          "on",
                                          "only",
                                          "or",
                                          "order",
                                          "outer",
                                          "overlaps",
                                          "placing",
                                          "primary",
                                          "references",
                                          "returning",
                                          "right",
                                          "select",
                                          "session_user",
                                          "similar",
                                          "some",
                                          "symmetric",
                                          "system_user",
                                          "table",
                                          "tablesample",
                                          "then",
                                          "to",
                                          "trailing",
                                          "true",
                                          "union",
                                          "unique",
                                          "user",
                                          "using",
                                          "variadic",
                                          "verbose",
                                          "when",
                                          "where",
                                          "window",
                                          "with"};

bool lower_plain(std::string_view name) {
    if (!is_identifier(name) || (name[0] >= '0' && name[0] <= '9')) {
        return false;
    }
    return std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

std::string PgDialect::quote_identifier(std::string_view name) const {
    std::string out = "\"";
    for (const char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string PgDialect::identifier(std::string_view name) const {
    const bool bare = lower_plain(name) && std::find(std::begin(kReserved), std::end(kReserved),
                                                     name) == std::end(kReserved);
    return bare ? std::string(name) : quote_identifier(name);
}

std::string PgDialect::table(std::string_view name) const {
    return schema_.empty() ? quote_identifier(name)
                           : quote_identifier(schema_) + "." + quote_identifier(name);
}

std::string PgDialect::offline_table(std::string_view name) const {
    return schema_.empty() ? identifier(name) : table(name);
}

// standard_conforming_strings is on (the default since 9.1): a backslash is an ordinary
// character; E'' spelling is used only when the value holds one, so it reads the same either way.
std::string PgDialect::quote_literal(std::string_view value) const {
    const bool backslash = value.find('\\') != std::string_view::npos;
    std::string out = backslash ? "E'" : "'";
    for (const char c : value) {
        if (c == '\'') {
            out += "''";
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::string PgDialect::parameter(int index) const {
    return "$" + std::to_string(index);
}

std::string PgDialect::now() const {
    return "date_trunc('second', now())";
}

std::vector<std::string> PgDialect::bookkeeping_ddl(const BookkeepingTables& t,
                                                    bool qualified) const {
    const auto name = [&](const std::string& n) { return qualified ? table(n) : offline_table(n); };
    return {
        "CREATE TABLE IF NOT EXISTS " + name(t.version) +
            " (\n"
            "    revision text NOT NULL PRIMARY KEY,\n"
            "    applied_at timestamptz NOT NULL,\n"
            "    duration_ms bigint NOT NULL DEFAULT 0,\n"
            "    checksum text,\n"
            "    how text NOT NULL DEFAULT 'upgrade',\n"
            "    seq bigint GENERATED BY DEFAULT AS IDENTITY\n"
            ")",
        "CREATE TABLE IF NOT EXISTS " + name(t.log) +
            " (\n"
            "    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
            "    at timestamptz NOT NULL,\n"
            "    revision text NOT NULL,\n"
            "    action text NOT NULL,\n"
            "    duration_ms bigint NOT NULL DEFAULT 0,\n"
            "    checksum text,\n"
            "    \"user\" text,\n"
            "    host text,\n"
            "    detail text\n"
            ")",
        "CREATE TABLE IF NOT EXISTS " + name(t.partial) +
            " (\n"
            "    revision text NOT NULL PRIMARY KEY,\n"
            "    direction text NOT NULL,\n"
            "    statement integer NOT NULL,\n"
            "    line integer NOT NULL,\n"
            "    error text NOT NULL,\n"
            "    at timestamptz NOT NULL,\n"
            "    digest text\n"
            ")",
    };
}

// The version table's identity column: the order rows were inserted, whatever updates did.
std::string PgDialect::insertion_order() const {
    return "seq";
}

std::string PgDialect::schema_condition() const {
    return schema_.empty() ? "n.nspname = current_schema()"
                           : "n.nspname = " + quote_literal(schema_);
}

// Names match exactly: runner's SQL quotes them, so Runner_Version is not runner_version.
std::string PgDialect::table_exists_query() const {
    return "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
           "c.relnamespace WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND " +
           schema_condition();
}

std::string PgDialect::table_columns_query() const {
    return "SELECT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid "
           "= a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
           "c.relname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
           "AND " +
           schema_condition() + " ORDER BY a.attnum";
}

std::string PgDialect::upsert(const std::string& table_sql, const std::vector<std::string>& columns,
                              const std::string& key) const {
    std::string names;
    std::string values;
    std::string updates;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto column = identifier(columns[i]);
        names += (i > 0 ? ", " : "") + column;
        values += (i > 0 ? ", " : "") + parameter(static_cast<int>(i) + 1);
        if (columns[i] != key) {
            updates += (updates.empty() ? "" : ", ") + column + " = EXCLUDED." + column;
        }
    }
    return "INSERT INTO " + table_sql + " (" + names + ") VALUES (" + values + ") ON CONFLICT (" +
           identifier(key) + ") DO " + (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
}

std::string PgDialect::offline_preamble() const {
    std::string out =
        "-- Review it, then run it with psql, which stops at the first error:\n"
        "--   psql -X -f this-file.sql DATABASE_URL\n"
        "-- (an open transaction is then rolled back when psql exits).\n"
        "\\set ON_ERROR_STOP on\n";
    for (const auto& s : {schema_, search_schema_}) {
        if (!s.empty()) {
            out += "CREATE SCHEMA IF NOT EXISTS " + quote_identifier(s) + ";\n";
        }
    }
    if (!search_schema_.empty()) {
        out += "SET search_path TO " + quote_identifier(search_schema_) + ";\n";
    }
    return out;
}

std::string PgDialect::offline_begin() const {
    return "BEGIN;\n";
}
std::string PgDialect::offline_commit() const {
    return "COMMIT;\n";
}

// PostgreSQL enforces foreign keys itself, inside every transaction.
std::string PgDialect::offline_foreign_key_setup() const {
    return {};
}
std::string PgDialect::offline_foreign_key_check() const {
    return {};
}

}  // namespace runner
