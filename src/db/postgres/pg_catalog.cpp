// Reads a PostgreSQL schema from pg_catalog; see pg_catalog.hpp.
#include "db/postgres/pg_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "db/postgres/pg_session.hpp"

namespace runner {
namespace {

// The namespace read, as a subquery on parameter $1 (NULL: current_schema()).
constexpr const char* kNamespace =
    "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = coalesce($1, "
    "pg_catalog.current_schema()))";

// Not an object an extension created (classid is the catalog the object lives in).
std::string not_extension(const std::string& catalog, const std::string& oid) {
    return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog." +
           catalog + "'::pg_catalog.regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
}

// The names of `columns` (attnums) of relation `rel`, in order, separated by U+001F.
std::string column_names(const std::string& columns, const std::string& rel) {
    return "(SELECT pg_catalog.string_agg(a.attname, pg_catalog.chr(31) ORDER BY k.n) FROM "
           "pg_catalog.unnest(" +
           columns +
           ") WITH ORDINALITY k(attnum, n) JOIN pg_catalog.pg_attribute a ON "
           "a.attrelid = " +
           rel + " AND a.attnum = k.attnum)";
}

std::vector<std::string> split_names(const std::optional<std::string>& joined) {
    std::vector<std::string> out;
    if (!joined) {
        return out;
    }
    std::size_t start = 0;
    for (;;) {
        const auto end = joined->find('\x1f', start);
        out.push_back(joined->substr(start, end - start));
        if (end == std::string::npos) {
            return out;
        }
        start = end + 1;
    }
}

const std::string& text(const PgRow& row, std::size_t k) {
    static const std::string empty;
    return row.at(k) ? *row[k] : empty;
}

// One line: runs of white space outside literals and quoted names become one space; the ends
// trimmed, a final ';' dropped (pg_get_viewdef's).
std::string one_line(const std::string& sql) {
    std::string out;
    char quote = 0;
    bool blank = false;
    for (const char c : sql) {
        if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
            blank = !out.empty();
            continue;
        }
        if (blank) {
            out += ' ';
            blank = false;
        }
        out += c;
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
        } else if (c == '\'' || c == '"') {
            quote = c;
        }
    }
    if (!out.empty() && out.back() == ';') {
        out.pop_back();
    }
    return out;
}

std::string action(const std::string& code) {
    return code == "r"   ? "RESTRICT"
           : code == "c" ? "CASCADE"
           : code == "n" ? "SET NULL"
           : code == "d" ? "SET DEFAULT"
                         : "NO ACTION";
}

// "CHECK (expr)" or "CHECK (expr) NOT VALID" -> "expr".
std::string check_expression(const std::string& definition) {
    const auto open = definition.find('(');
    const auto close = definition.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) {
        return definition;
    }
    return definition.substr(open + 1, close - open - 1);
}

}  // namespace

Schema PgCatalog::read_schema(const std::vector<std::string>& excluded_tables) {
    const PgParams ns{schema_.empty() ? std::nullopt : std::optional<std::string>(schema_)};
    const auto query = [&](const std::string& sql, const std::string& what) {
        return session_.query(sql, ns, "reading the schema's " + what + " from pg_catalog");
    };
    const auto excluded = [&](const std::string& table) {
        return std::find(excluded_tables.begin(), excluded_tables.end(), table) !=
               excluded_tables.end();
    };
    const std::string ns_sql = kNamespace;
    Schema schema;
    schema.dialect = SchemaDialect::kPostgres;

    for (const auto& row :
         query("SELECT t.typname, e.enumlabel FROM pg_catalog.pg_type t JOIN pg_catalog.pg_enum "
               "e ON e.enumtypid = t.oid WHERE t.typnamespace = " +
                   ns_sql + " AND " + not_extension("pg_type", "t.oid") +
                   " ORDER BY t.typname, e.enumsortorder",
               "enum types")) {
        if (schema.types.empty() || schema.types.back().name != text(row, 0)) {
            schema.types.push_back({text(row, 0), {}});
        }
        schema.types.back().labels.push_back(text(row, 1));
    }

    for (const auto& row :
         query("SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqincrement, "
               "s.seqmin, s.seqmax, s.seqstart, s.seqcache, s.seqcycle FROM pg_catalog.pg_sequence "
               "s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = " +
                   ns_sql + " AND " + not_extension("pg_class", "c.oid") +
                   " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
                   "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND "
                   "d.refobjsubid > 0 AND d.deptype IN ('a', 'i'))",
               "sequences")) {
        schema.sequences.push_back({text(row, 0), "AS " + text(row, 1) + " INCREMENT BY " +
                                                      text(row, 2) + " MINVALUE " + text(row, 3) +
                                                      " MAXVALUE " + text(row, 4) + " START WITH " +
                                                      text(row, 5) + " CACHE " + text(row, 6) +
                                                      (text(row, 7) == "t" ? " CYCLE" : "")});
    }

    for (const auto& row :
         query("SELECT p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) "
               "|| ')', pg_catalog.pg_get_functiondef(p.oid), pg_catalog.quote_ident(n.nspname) "
               "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = "
               "p.pronamespace WHERE p.pronamespace = " +
                   ns_sql + " AND p.prokind IN ('f', 'p') AND " + not_extension("pg_proc", "p.oid"),
               "functions")) {
        std::string definition = text(row, 1);
        // Without the schema's name, as the rest of the output: "FUNCTION public.f(" -> "f(".
        for (const std::string kind : {"FUNCTION ", "PROCEDURE "}) {
            const std::string qualified = kind + text(row, 2) + ".";
            const auto at = definition.find(qualified);
            if (at != std::string::npos && at < 32) {
                definition.replace(at, qualified.size(), kind);
                break;
            }
        }
        while (!definition.empty() && std::isspace(static_cast<unsigned char>(definition.back()))) {
            definition.pop_back();
        }
        schema.functions.push_back({text(row, 0), definition});
    }

    // Tables, by oid.
    std::map<std::string, std::size_t> tables;
    for (const auto& row : query(
             "SELECT c.oid, c.relname FROM pg_catalog.pg_class c WHERE c.relnamespace = " + ns_sql +
                 " AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND " +
                 not_extension("pg_class", "c.oid") + " ORDER BY c.relname",
             "tables")) {
        if (!excluded(text(row, 1))) {
            tables.emplace(text(row, 0), schema.tables.size());
            schema.tables.push_back(TableDef{});
            schema.tables.back().name = text(row, 1);
        }
    }
    const auto table_of = [&](const std::string& oid) -> TableDef* {
        const auto t = tables.find(oid);
        return t == tables.end() ? nullptr : &schema.tables[t->second];
    };

    for (const auto& row : query(
             "SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
             "a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid, true), a.attidentity, "
             "a.attgenerated, CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation "
             "THEN pg_catalog.quote_ident(co.collname) END, a.atttypid::pg_catalog.regtype::text, "
             "pg_catalog.pg_get_serial_sequence(a.attrelid::pg_catalog.regclass::text, "
             "a.attname) IS NOT NULL FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c "
             "ON c.oid = a.attrelid JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid LEFT JOIN "
             "pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN "
             "pg_catalog.pg_collation co ON co.oid = a.attcollation WHERE c.relnamespace = " +
                 ns_sql +
                 " AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY "
                 "a.attrelid, a.attnum",
             "columns")) {
        TableDef* table = table_of(text(row, 0));
        if (table == nullptr) {
            continue;
        }
        ColumnDef c;
        c.name = text(row, 1);
        c.type = text(row, 2);
        c.not_null = text(row, 3) == "t";
        const std::string identity = text(row, 5);
        c.identity = identity == "a" ? "ALWAYS" : identity == "d" ? "BY DEFAULT" : "";
        if (text(row, 6) == "s") {
            c.generated = Generated::kStored;
            c.generated_sql = text(row, 4);
        } else {
            c.default_sql = text(row, 4);
        }
        c.collation = text(row, 7);
        // A column that owns the sequence its default draws from is serial: written as such,
        // the sequence (named after the table and column) is part of it.
        const std::string type = text(row, 8);
        if (c.identity.empty() && text(row, 9) == "t" && c.default_sql.rfind("nextval(", 0) == 0 &&
            (type == "integer" || type == "bigint" || type == "smallint")) {
            c.type = type == "integer" ? "serial" : type == "bigint" ? "bigserial" : "smallserial";
            c.default_sql.clear();
        }
        table->columns.push_back(std::move(c));
    }

    for (const auto& row :
         query("SELECT con.conrelid, con.contype, con.conname, "
               "pg_catalog.pg_get_constraintdef(con.oid, true), " +
                   column_names("con.conkey", "con.conrelid") + ", pc.relname, " +
                   column_names("con.confkey", "con.confrelid") +
                   ", con.confdeltype, con.confupdtype, con.confmatchtype, con.condeferred FROM "
                   "pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = "
                   "con.conrelid LEFT JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid WHERE "
                   "c.relnamespace = " +
                   ns_sql + " AND con.contype IN ('p', 'u', 'c', 'f') ORDER BY con.conname",
               "constraints")) {
        TableDef* table = table_of(text(row, 0));
        if (table == nullptr) {
            continue;
        }
        const std::string type = text(row, 1);
        const auto columns = split_names(row.at(4));
        if (type == "p" || type == "u") {
            std::vector<KeyPart> parts;
            for (const auto& name : columns) {
                parts.push_back(KeyPart{name, "", "", false});
            }
            if (type == "p") {
                table->primary_key = std::move(parts);
            } else {
                table->uniques.push_back({std::move(parts)});
            }
        } else if (type == "c") {
            table->checks.push_back({text(row, 2), check_expression(text(row, 3))});
        } else {
            ForeignKey f;
            f.columns = columns;
            f.parent_table = text(row, 5);
            f.parent_columns = split_names(row.at(6));
            f.on_delete = action(text(row, 7));
            f.on_update = action(text(row, 8));
            const std::string match = text(row, 9);
            f.match = match == "f" ? "FULL" : match == "p" ? "PARTIAL" : "NONE";
            f.deferred = text(row, 10) == "t";
            table->foreign_keys.push_back(std::move(f));
        }
    }

    // Indexes that back no primary key, UNIQUE or exclusion constraint, by oid.
    std::map<std::string, std::size_t> indexes;
    for (const auto& row :
         query("SELECT i.indexrelid, ic.relname, i.indrelid, i.indisunique, "
               "pg_catalog.pg_get_indexdef(i.indexrelid, 0, true), "
               "pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) FROM pg_catalog.pg_index i "
               "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_class c ON "
               "c.oid = i.indrelid WHERE c.relnamespace = " +
                   ns_sql +
                   " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE "
                   "con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN "
                   "('p', 'u', 'x'))",
               "indexes")) {
        const TableDef* table = table_of(text(row, 2));
        if (table == nullptr) {
            continue;
        }
        IndexDef index;
        index.name = text(row, 1);
        index.table = table->name;
        index.unique = text(row, 3) == "t";
        index.definition = text(row, 4);
        index.where = text(row, 5);
        indexes.emplace(text(row, 0), schema.indexes.size());
        schema.indexes.push_back(std::move(index));
    }
    for (const auto& row :
         query("SELECT i.indexrelid, a.attname, pg_catalog.pg_get_indexdef(i.indexrelid, k.n::int, "
               "true), i.indoption[k.n - 1] FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
               "ON c.oid = i.indrelid CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::int2[]) WITH "
               "ORDINALITY k(attnum, n) LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = "
               "i.indrelid AND a.attnum = k.attnum AND k.attnum > 0 WHERE c.relnamespace = " +
                   ns_sql + " AND k.n <= i.indnkeyatts ORDER BY i.indexrelid, k.n",
               "index columns")) {
        const auto index = indexes.find(text(row, 0));
        if (index == indexes.end()) {
            continue;
        }
        KeyPart part;
        if (row.at(1)) {
            part.column = *row[1];
        } else {
            part.expression = text(row, 2);
        }
        part.descending = (std::stoi(text(row, 3).empty() ? "0" : text(row, 3)) & 1) != 0;
        schema.indexes[index->second].parts.push_back(std::move(part));
    }

    for (const auto& row :
         query("SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid, true) FROM pg_catalog.pg_class "
               "c WHERE c.relnamespace = " +
                   ns_sql + " AND c.relkind = 'v' AND " + not_extension("pg_class", "c.oid"),
               "views")) {
        schema.views.push_back({text(row, 0), {}, one_line(text(row, 1))});
    }

    for (const auto& row :
         query("SELECT t.tgname, c.relname, pg_catalog.pg_get_triggerdef(t.oid, true), "
               "pg_catalog.quote_ident(t.tgname), c.relkind FROM pg_catalog.pg_trigger t JOIN "
               "pg_catalog.pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND "
               "c.relnamespace = " +
                   ns_sql,
               "triggers")) {
        if (excluded(text(row, 1))) {
            continue;
        }
        const std::string prefix = "CREATE TRIGGER " + text(row, 3) + " ";
        std::string definition = text(row, 2);
        if (definition.rfind(prefix, 0) == 0) {
            definition = definition.substr(prefix.size());
        }
        schema.triggers.push_back({text(row, 0), text(row, 1), one_line(definition)});
    }
    canonicalize(schema);
    return schema;
}

}  // namespace runner
