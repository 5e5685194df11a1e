// verify's snapshots, re-reading only what each step touched; see verify_snapshot.hpp.
#include "exec/verify_snapshot.hpp"

#include <memory>

#include "db/url.hpp"
#include "exec/scratch_schema.hpp"
#include "util/text.hpp"

namespace runner {

void TouchedTables::statement_done(const StatementTouch& touch) {
    for (const auto& name : touch.tables_written) {
        names_.insert(lower_ascii(name));
    }
    for (const auto& name : touch.tables_changed) {
        names_.insert(lower_ascii(name));
        changed_.insert(lower_ascii(name));
    }
}

Schema Snapshot::select(const std::function<bool(const Schema& object)>& keep) const {
    if (reading.select) {
        return reading.select(keep);
    }
    return select_objects(schema(), keep);
}

std::vector<SchemaDifference> diff_snapshots(const Snapshot& expected, const Snapshot& actual) {
    if (!expected.reading.identity.empty() &&
        expected.reading.identity == actual.reading.identity) {
        return {};
    }
    return diff_schemas(expected.schema(), actual.schema());
}

Snapshots::Snapshots(Database& db) : db_(db) {}

namespace {

bool is_sqlite(Connection& c) {
    return c.catalog() != nullptr && c.foreign_keys() != nullptr;
}

std::string quoted_literal(const std::string& text) {
    std::string out = "'";
    for (const char ch : text) {
        out += ch;
        if (ch == '\'') {
            out += '\'';
        }
    }
    return out + "'";
}

}  // namespace

void Snapshots::count(const std::string& table) {
    Connection& c = db_.connection();
    const auto rows =
        c.query("SELECT count(*) FROM " + c.dialect().table(table), {}, "counting rows");
    counts_[table] = rows.empty() || !rows[0][0] ? 0 : std::stoll(*rows[0][0]);
}

std::set<std::string> Snapshots::tables_now() {
    const BookkeepingTables& own = db_.bookkeeping().tables();
    const std::set<std::string> excluded{lower_ascii(own.version), lower_ascii(own.log),
                                         lower_ascii(own.partial)};
    std::set<std::string> out;
    for (const auto& row :
         db_.connection().query("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND "
                                "sql NOT LIKE 'CREATE VIRTUAL%'",
                                {}, "listing tables")) {
        if (!row.empty() && row[0]) {
            std::string name = lower_ascii(*row[0]);
            if (name.rfind("sqlite_", 0) != 0 && excluded.count(name) == 0) {
                out.insert(std::move(name));
            }
        }
    }
    return out;
}

std::vector<std::string> Snapshots::integrity(const std::string* table) {
    std::vector<std::string> problems;
    Connection& c = db_.connection();
    if (!is_sqlite(c)) {
        return problems;
    }
    const std::string sql = table == nullptr
                                ? std::string("PRAGMA integrity_check")
                                : "PRAGMA main.integrity_check(" + quoted_literal(*table) + ")";
    for (const auto& row : c.query(sql, {}, "checking integrity")) {
        if (!row.empty() && row[0] && *row[0] != "ok") {
            problems.push_back("integrity_check: " + *row[0]);
        }
    }
    return problems;
}

std::vector<std::string> Snapshots::after_step() {
    last_changed_ = touched_.changed();
    if (!known_) {
        touched_.clear();
        return integrity(nullptr);
    }
    // Rows change only in tables a statement wrote (triggers included: SQLite's authorizer sees
    // their statements when the statement firing them is compiled; foreign keys do not cascade
    // while migrations run). Tables come and go only by statements that change a schema; a
    // renamed table is noted under its old name, so the new one is found by listing them.
    std::set<std::string> check;
    if (touched_.schema_changed()) {
        const std::set<std::string> now = tables_now();
        for (auto it = counts_.begin(); it != counts_.end();) {
            it = now.count(it->first) == 0 ? counts_.erase(it) : std::next(it);
        }
        for (const auto& name : now) {
            if (counts_.count(name) == 0 || touched_.names().count(name) != 0) {
                check.insert(name);
            }
        }
    } else {
        for (const auto& name : touched_.names()) {
            if (counts_.count(name) != 0) {
                check.insert(name);
            }
        }
    }
    touched_.clear();
    std::vector<std::string> problems;
    for (const auto& name : check) {
        count(name);
        for (auto& p : integrity(&name)) {
            problems.push_back(std::move(p));
        }
    }
    return problems;
}

Snapshot Snapshots::take() {
    Snapshot s;
    SchemaCatalog* catalog = db_.exists() ? db_.connection().catalog() : nullptr;
    if (catalog != nullptr) {
        const BookkeepingTables& own = db_.bookkeeping().tables();
        s.reading = catalog->read_schema_again({own.version, own.log, own.partial});
    } else {
        auto schema = std::make_shared<const Schema>(read_database_schema(db_));
        s.reading.build = [schema] { return *schema; };
    }
    if (!known_ || s.reading.identity.empty()) {
        counts_.clear();
        for (const TableDef& t : s.schema().tables) {
            if (t.virtual_using.empty()) {
                count(lower_ascii(t.name));
            }
        }
        // Only a catalog that names its objects is known to be SQLite's, whose observer tells
        // every table a statement touches.
        known_ = !s.reading.identity.empty() && is_sqlite(db_.connection());
        touched_.clear();
    }
    s.rows = counts_;
    return s;
}

}  // namespace runner
