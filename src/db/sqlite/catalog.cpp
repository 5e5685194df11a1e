// Reads the schema of an open SQLite database from its catalog into a schema model.
#include "db/sqlite/catalog.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "schema/ddl_text.hpp"
#include "schema/normalize.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

// One catalog query with text parameters; rows are read with step() and the column getters.
class Query {
  public:
    Query(sqlite3* db, const std::string& sql, const std::vector<std::string>& params = {})
        : db_(db), sql_(sql) {
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
        stmt_.reset(raw);
        check(rc);
        for (std::size_t k = 0; k < params.size(); ++k) {
            check(sqlite3_bind_text(stmt_.get(), static_cast<int>(k) + 1, params[k].c_str(), -1,
                                    SQLITE_TRANSIENT));
        }
    }

    bool step() {
        const int rc = sqlite3_step(stmt_.get());
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc != SQLITE_DONE) {
            check(rc);
        }
        return false;
    }

    std::optional<std::string> text(int column) const {
        const unsigned char* value = sqlite3_column_text(stmt_.get(), column);
        if (!value) {
            return std::nullopt;
        }
        return std::string(reinterpret_cast<const char*>(value),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
    }
    std::string str(int column) const { return text(column).value_or(""); }
    int integer(int column) const { return sqlite3_column_int(stmt_.get(), column); }

  private:
    void check(int rc) const {
        if (rc != SQLITE_OK) {
            throw Error("reading the database schema (" + sql_ + "): " + sqlite3_errmsg(db_));
        }
    }

    sqlite3* db_;
    std::string sql_;
    std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt_;
};

std::string upper(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return s;
}

std::vector<std::string> column_names(const TableDef& table) {
    std::vector<std::string> out;
    for (const ColumnDef& c : table.columns) {
        out.push_back(c.name);
    }
    return out;
}

// The key columns of an index, in order; expressions come from the index's CREATE text.
std::vector<KeyPart> index_parts(sqlite3* db, const std::string& index,
                                 const std::vector<std::string>& expressions,
                                 const NormalizeOptions& options) {
    std::vector<KeyPart> parts;
    Query q(db,
            "SELECT seqno, cid, name, \"desc\", coll FROM pragma_index_xinfo(?1) WHERE key "
            "ORDER BY seqno",
            {index});
    while (q.step()) {
        KeyPart part;
        const int seqno = q.integer(0);
        if (q.integer(1) == -2) {
            const auto at = static_cast<std::size_t>(seqno);
            part.expression = at < expressions.size()
                                  ? strip_outer_parentheses(normalize_sql(expressions[at], options))
                                  : std::string("?");
        } else {
            part.column = q.integer(1) == -1 ? "rowid" : q.str(2);
        }
        part.descending = q.integer(3) != 0;
        part.collation = upper(q.str(4));
        parts.push_back(std::move(part));
    }
    return parts;
}

void read_columns(sqlite3* db, const TableText& text, TableDef& table) {
    Query q(db,
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) "
            "ORDER BY cid",
            {table.name});
    std::vector<std::pair<int, std::string>> pk;
    while (q.step()) {
        ColumnDef c;
        c.name = q.str(0);
        c.type = normalize_type(q.str(1));
        c.not_null = q.integer(2) != 0;
        if (const auto dflt = q.text(3)) {
            c.default_sql = normalize_default(*dflt);
        }
        if (q.integer(4) > 0) {
            pk.emplace_back(q.integer(4), c.name);
        }
        const int hidden = q.integer(5);
        c.generated = hidden == 2   ? Generated::kVirtual
                      : hidden == 3 ? Generated::kStored
                                    : Generated::kNone;
        for (const ColumnText& ct : text.columns) {
            if (same_name(ct.name, c.name)) {
                c.collation = ct.collation;
                c.generated_sql = c.generated == Generated::kNone ? "" : ct.generated_sql;
            }
        }
        table.columns.push_back(std::move(c));
    }
    std::sort(pk.begin(), pk.end());
    for (const auto& [position, name] : pk) {
        const ColumnDef* column = find_column(table, name);
        table.primary_key.push_back({name, "", column ? effective_collation(*column) : "", false});
    }
}

void read_keys(sqlite3* db, TableDef& table) {
    const NormalizeOptions options{column_names(table)};
    Query q(db, "SELECT name, origin FROM pragma_index_list(?1) ORDER BY name", {table.name});
    while (q.step()) {
        const std::string origin = q.str(1);
        if (origin == "pk") {
            table.primary_key = index_parts(db, q.str(0), {}, options);
        } else if (origin == "u") {
            table.uniques.push_back({index_parts(db, q.str(0), {}, options)});
        }
    }
}

void read_foreign_keys(sqlite3* db, const TableText& text, TableDef& table) {
    std::map<int, ForeignKey> by_id;
    Query q(db,
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, match "
            "FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
            {table.name});
    while (q.step()) {
        ForeignKey& fk = by_id[q.integer(0)];
        fk.parent_table = q.str(1);
        fk.columns.push_back(q.str(2));
        if (const auto to = q.text(3)) {
            fk.parent_columns.push_back(*to);
        }
        fk.on_update = upper(q.str(4));
        fk.on_delete = upper(q.str(5));
        fk.match = upper(q.str(6));
    }
    // SQLite numbers foreign keys from the last one written; the text lists them in order.
    std::vector<bool> used(text.foreign_keys.size(), false);
    for (auto it = by_id.rbegin(); it != by_id.rend(); ++it) {
        ForeignKey& fk = it->second;
        for (std::size_t k = 0; k < text.foreign_keys.size(); ++k) {
            const ForeignKeyText& t = text.foreign_keys[k];
            if (!used[k] && same_names(t.columns, fk.columns) &&
                same_name(t.parent_table, fk.parent_table)) {
                used[k] = true;
                fk.deferred = t.deferred;
                break;
            }
        }
        table.foreign_keys.push_back(std::move(fk));
    }
}

struct TableKind {
    std::string type;  // "table", "virtual" or "shadow"
    bool without_rowid = false;
    bool strict = false;
};

// Every table's kind and options in one query: pragma_table_list(name) scans all tables anyway.
std::map<std::string, TableKind> table_kinds(sqlite3* db) {
    std::map<std::string, TableKind> out;
    Query q(db, "SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'");
    while (q.step()) {
        out[fold_name(q.str(0))] = {q.str(1), q.integer(2) != 0, q.integer(3) != 0};
    }
    return out;
}

TableDef read_table(sqlite3* db, const std::string& name, const std::string& sql,
                    const TableKind& kind) {
    TableDef table;
    table.name = name;
    if (kind.type == "virtual") {
        table.virtual_using = parse_create_virtual_table(sql);
        Query q(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", {table.name});
        while (q.step()) {
            table.virtual_columns.push_back(q.str(0));
        }
        return table;
    }
    table.without_rowid = kind.without_rowid;
    table.strict = kind.strict;
    const TableText text = parse_create_table(sql);
    table.autoincrement = text.autoincrement;
    read_columns(db, text, table);
    read_keys(db, table);
    read_foreign_keys(db, text, table);
    const NormalizeOptions names{column_names(table)};
    for (ColumnDef& c : table.columns) {
        c.generated_sql = c.generated_sql.empty() ? "" : normalize_sql(c.generated_sql, names);
    }
    for (const CheckText& check : text.checks) {
        table.checks.push_back({check.name, normalize_sql(check.expression, names)});
    }
    return table;
}

// A foreign key written without parent columns refers to the parent's primary key.
void resolve_parent_keys(Schema& schema) {
    std::map<std::string, std::vector<std::string>> primary_keys;
    for (const TableDef& t : schema.tables) {
        for (const KeyPart& p : t.primary_key) {
            primary_keys[fold_name(t.name)].push_back(p.column);
        }
    }
    for (TableDef& t : schema.tables) {
        for (ForeignKey& fk : t.foreign_keys) {
            if (fk.parent_columns.empty()) {
                fk.parent_columns = primary_keys[fold_name(fk.parent_table)];
            }
        }
    }
}

}  // namespace

std::vector<std::string> bookkeeping_tables(const std::string& version_table) {
    return {version_table, version_table + "_log", version_table + "_partial"};
}

namespace {

bool excluded_name(const std::string& name, const std::vector<std::string>& excluded_tables) {
    return fold_name(name).rfind("sqlite_", 0) == 0 ||
           std::any_of(excluded_tables.begin(), excluded_tables.end(),
                       [&](const std::string& e) { return same_name(e, name); });
}

// One row of sqlite_schema into `schema` (a table of kind `kind`, asked only for tables).
void read_object(sqlite3* db, const std::string& type, const std::string& name,
                 const std::string& table, const std::string& sql,
                 const std::function<TableKind()>& kind, Schema& schema) {
    if (type == "table") {
        const TableKind k = kind();
        if (k.type != "shadow") {
            schema.tables.push_back(read_table(db, name, sql, k));
        }
    } else if (type == "index") {
        IndexDef index;
        index.name = name;
        index.table = table;
        const IndexText text = parse_create_index(sql);
        index.unique = text.unique;
        std::vector<std::string> columns;
        Query c(db, "SELECT name FROM pragma_table_xinfo(?1)", {table});
        while (c.step()) {
            columns.push_back(c.str(0));
        }
        const NormalizeOptions options{columns};
        index.parts = index_parts(db, name, text.items, options);
        index.where = text.where.empty() ? "" : normalize_sql(text.where, options);
        schema.indexes.push_back(std::move(index));
    } else if (type == "view") {
        ViewText text = parse_create_view(sql);
        schema.views.push_back({name, std::move(text.columns), std::move(text.select)});
    } else if (type == "trigger") {
        schema.triggers.push_back({name, table, parse_create_trigger(sql)});
    }
}

const char kSchemaRows[] =
    "SELECT type, name, tbl_name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid";

}  // namespace

Schema read_sqlite_schema(sqlite3* db, const std::vector<std::string>& excluded_tables) {
    Schema schema;
    std::map<std::string, TableKind> kinds = table_kinds(db);
    Query q(db, kSchemaRows);
    while (q.step()) {
        const std::string name = q.str(1);
        const std::string table = q.str(2);
        if (excluded_name(name, excluded_tables) || excluded_name(table, excluded_tables)) {
            continue;
        }
        read_object(
            db, q.str(0), name, table, q.str(3), [&] { return kinds[fold_name(name)]; }, schema);
    }
    resolve_parent_keys(schema);
    canonicalize(schema);
    return schema;
}

// A catalog object as read once: the schema model of that one object, before the foreign keys
// that name no parent columns are resolved (that depends on the other tables).
struct SqliteSchemaMemory::Object {
    std::uint64_t id = 0;
    Schema part;
    bool used = false;
};

SqliteSchemaMemory::SqliteSchemaMemory() = default;
SqliteSchemaMemory::~SqliteSchemaMemory() = default;

SchemaCatalog::Reading read_sqlite_schema_again(sqlite3* db,
                                                const std::vector<std::string>& excluded_tables,
                                                SqliteSchemaMemory& memory) {
    struct Row {
        std::string type, name, table, sql;
    };
    std::vector<Row> rows;
    std::unordered_map<std::string, std::size_t> table_rows;  // folded table name -> row
    {
        Query q(db, kSchemaRows);
        while (q.step()) {
            Row row{q.str(0), q.str(1), q.str(2), q.str(3)};
            if (excluded_name(row.name, excluded_tables) ||
                excluded_name(row.table, excluded_tables)) {
                continue;
            }
            // A virtual table's shadow tables are told apart only by the module: read it all.
            if (row.type == "table" && row.sql.size() > 14 &&
                sqlite3_strnicmp(row.sql.c_str(), "CREATE VIRTUAL", 14) == 0) {
                auto schema =
                    std::make_shared<const Schema>(read_sqlite_schema(db, excluded_tables));
                return {{}, [schema] { return *schema; }, {}};
            }
            if (row.type == "table") {
                table_rows[fold_name(row.name)] = rows.size();
            }
            rows.push_back(std::move(row));
        }
    }
    // What an object reads depends on its CREATE text and, for an index, its table's: the key.
    std::optional<std::map<std::string, TableKind>> kinds;
    std::vector<std::shared_ptr<const SqliteSchemaMemory::Object>> objects;
    SchemaCatalog::Reading reading;
    for (auto& [key, object] : memory.objects_) {
        object->used = false;
    }
    for (const Row& row : rows) {
        std::string key = row.type + '\x1f' + row.name + '\x1f' + row.table + '\x1f' + row.sql;
        if (row.type == "index") {
            const auto t = table_rows.find(fold_name(row.table));
            key += '\x1f';
            key += t == table_rows.end() ? std::string() : rows[t->second].sql;
        }
        auto& slot = memory.objects_[key];
        if (!slot) {
            slot = std::make_shared<SqliteSchemaMemory::Object>();
            slot->id = ++memory.last_id_;
            read_object(
                db, row.type, row.name, row.table, row.sql,
                [&] {
                    if (!kinds) {
                        kinds = table_kinds(db);
                    }
                    return (*kinds)[fold_name(row.name)];
                },
                slot->part);
            canonicalize(slot->part);
        }
        slot->used = true;
        reading.identity.push_back(slot->id);
        objects.push_back(slot);
    }
    if (memory.objects_.size() > 4 * rows.size() + 64) {  // forget what the last read did not see
        std::erase_if(memory.objects_, [](const auto& entry) { return !entry.second->used; });
    }
    using Keep = std::function<bool(const Schema&)>;
    auto assemble = [objects = std::make_shared<const decltype(objects)>(std::move(objects))](
                        const Keep* keep) {
        Schema schema;
        for (const auto& object : *objects) {
            const Schema& p = object->part;
            if (keep != nullptr && !(*keep)(p)) {
                continue;
            }
            schema.tables.insert(schema.tables.end(), p.tables.begin(), p.tables.end());
            schema.indexes.insert(schema.indexes.end(), p.indexes.begin(), p.indexes.end());
            schema.views.insert(schema.views.end(), p.views.begin(), p.views.end());
            schema.triggers.insert(schema.triggers.end(), p.triggers.begin(), p.triggers.end());
        }
        resolve_parent_keys(schema);
        canonicalize(schema);
        return schema;
    };
    reading.build = [assemble] { return assemble(nullptr); };
    reading.select = [assemble](const Keep& keep) { return assemble(&keep); };
    return reading;
}

}  // namespace runner
