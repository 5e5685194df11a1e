// The autogenerate corpus: for each pair of schemas (A, B) under corpus/NNN_name/ (a.sql, b.sql,
// rows.sql for A, optional renames with one TABLE=NEW or TABLE.COLUMN=NEW a line), the planned up
// turns A with its rows into B with those rows and no foreign-key violation, the planned down
// gives A and its rows back, and the up run by the sqlite3 shell (foreign keys OFF as
// `runner upgrade --sql` sets them, and ON as a careless shell might) never loses a row.
#define BOOST_TEST_MODULE runner_autogen_corpus
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/sqlite/catalog.hpp"
#include "lint/lint.hpp"
#include "migration/header.hpp"
#include "schema/diff.hpp"
#include "schema/migration_plan.hpp"
#include "schema/normalize.hpp"
#include "schema/render.hpp"

namespace fs = std::filesystem;

namespace runner {
namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class Db {
  public:
    explicit Db(const std::string& path = ":memory:") {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open(path.c_str(), &raw);
        db_.reset(raw);
        if (rc != SQLITE_OK) {
            throw std::runtime_error("cannot open " + path);
        }
    }
    void exec(const std::string& sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message ? message : "unknown error";
            sqlite3_free(message);
            throw std::runtime_error(text);
        }
    }
    // Every row of a query as text lines ("quote(a)|quote(b)"), in the order it gives them.
    std::vector<std::string> rows(const std::string& sql) {
        std::vector<std::string> out;
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string(sqlite3_errmsg(db_.get())) + " in: " + sql);
        }
        std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, sqlite3_finalize);
        while (sqlite3_step(raw) == SQLITE_ROW) {
            std::string line;
            for (int k = 0; k < sqlite3_column_count(raw); ++k) {
                const unsigned char* t = sqlite3_column_text(raw, k);
                line += (k ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "?");
            }
            out.push_back(line);
        }
        return out;
    }
    Schema schema() { return read_sqlite_schema(db_.get(), {}); }

  private:
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db_{nullptr, sqlite3_close};
};

struct Pair {
    std::string name;
    std::string a_sql, b_sql, rows_sql;
    std::vector<RenameHint> renames;
};

std::vector<Pair> load_corpus() {
    std::vector<Pair> out;
    for (const auto& entry : fs::directory_iterator(RUNNER_AUTOGEN_CORPUS)) {
        if (!entry.is_directory()) {
            continue;
        }
        Pair p;
        p.name = entry.path().filename().string();
        p.a_sql = read_text(entry.path() / "a.sql");
        p.b_sql = read_text(entry.path() / "b.sql");
        p.rows_sql = read_text(entry.path() / "rows.sql");
        std::istringstream hints(read_text(entry.path() / "renames"));
        for (std::string line; std::getline(hints, line);) {
            if (!line.empty()) {
                p.renames.push_back(parse_rename_hint(line));
            }
        }
        out.push_back(std::move(p));
    }
    std::sort(out.begin(), out.end(), [](const Pair& x, const Pair& y) { return x.name < y.name; });
    return out;
}

// Where a column of A lives in B: the table and column names after the renames.
std::string renamed_table(const std::vector<RenameHint>& hints, const std::string& table) {
    for (const RenameHint& h : hints) {
        if (h.column.empty() && same_name(h.table, table)) {
            return h.new_name;
        }
    }
    return table;
}
std::string renamed_column(const std::vector<RenameHint>& hints, const std::string& table,
                           const std::string& column) {
    for (const RenameHint& h : hints) {
        if (same_name(h.table, table) && same_name(h.column, column)) {
            return h.new_name;
        }
    }
    return column;
}

// The columns of A's table `t` whose values must survive into B: present in B, not generated
// there, and not made NOT NULL (NULLs then become the default). `same_type` also asks for an
// unchanged declared type (values keep their exact form).
struct Projection {
    std::string a_sql, b_sql;  // SELECT ... ORDER BY ... on each side
};
std::vector<Projection> projections(const Schema& a, const Schema& b,
                                    const std::vector<RenameHint>& hints, bool same_type) {
    std::vector<Projection> out;
    for (const TableDef& t : a.tables) {
        const TableDef* bt = find_table(b, renamed_table(hints, t.name));
        if (!bt) {
            continue;
        }
        std::string a_cols, b_cols;
        // A virtual table's rows are copied by the columns both declare (full-text tables).
        for (const std::string& c : t.virtual_columns) {
            for (const std::string& n : bt->virtual_columns) {
                if (same_name(c, n)) {
                    a_cols += (a_cols.empty() ? "" : ", ") + ("quote(" + quote_name(c) + ")");
                    b_cols += (b_cols.empty() ? "" : ", ") + ("quote(" + quote_name(n) + ")");
                }
            }
        }
        for (const ColumnDef& c : t.columns) {
            const ColumnDef* bc = find_column(*bt, renamed_column(hints, t.name, c.name));
            if (!bc || bc->generated != Generated::kNone || (bc->not_null && !c.not_null) ||
                (same_type && !same_name(bc->type, c.type))) {
                continue;
            }
            a_cols += (a_cols.empty() ? "" : ", ") + ("quote(" + quote_name(c.name) + ")");
            b_cols += (b_cols.empty() ? "" : ", ") + ("quote(" + quote_name(bc->name) + ")");
        }
        if (a_cols.empty()) {
            a_cols = b_cols = "count(*)";
        }
        out.push_back(
            {"SELECT " + a_cols + " FROM " + quote_name(t.name) + " ORDER BY " + a_cols,
             "SELECT " + b_cols + " FROM " + quote_name(bt->name) + " ORDER BY " + b_cols});
    }
    return out;
}

std::vector<std::string> counters(Db& db, const Schema& s) {
    std::vector<std::string> out;
    for (const TableDef& t : s.tables) {
        if (t.autoincrement) {
            for (const std::string& r :
                 db.rows("SELECT seq FROM sqlite_sequence WHERE name = '" + t.name + "'")) {
                out.push_back(t.name + "=" + r);
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void run_in_transaction(Db& db, const std::string& sql) {
    db.exec("PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE;");
    try {
        db.exec(sql);
        const auto violations = db.rows("SELECT count(*) FROM pragma_foreign_key_check");
        if (violations != std::vector<std::string>{"0"}) {
            throw std::runtime_error("foreign_key_check reports violations");
        }
        db.exec("COMMIT;");
    } catch (...) {
        db.exec("ROLLBACK;");
        throw;
    }
}

// Every table's row count, by the table's name in B.
std::map<std::string, std::string> counts(Db& db, const Schema& s,
                                          const std::vector<RenameHint>& hints) {
    std::map<std::string, std::string> out;
    for (const TableDef& t : s.tables) {
        out[fold_name(renamed_table(hints, t.name))] =
            db.rows("SELECT count(*) FROM " + quote_name(t.name)).at(0);
    }
    return out;
}

// The counts of `before` (by table name) are unchanged in `after`, for the tables both have.
bool same_counts(const std::map<std::string, std::string>& before,
                 const std::map<std::string, std::string>& after) {
    for (const auto& [table, count] : before) {
        const auto it = after.find(table);
        if (it != after.end() && it->second != count) {
            return false;
        }
    }
    return true;
}

int run_shell(const fs::path& db, const std::string& script, std::string& err) {
    const fs::path sql = db.string() + ".sql";
    const fs::path errors = db.string() + ".err";
    std::ofstream(sql) << script;
    const std::string command = std::string(RUNNER_SQLITE3_SHELL) + " -bail '" + db.string() +
                                "' < '" + sql.string() + "' > /dev/null 2> '" + errors.string() +
                                "'";
    const int status = std::system(command.c_str());
    err = read_text(errors);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void check_pair(const Pair& p, const fs::path& scratch) {
    Db desired;
    desired.exec(p.b_sql);
    const Schema b = desired.schema();
    Db db;
    db.exec(p.a_sql);
    const Schema a = db.schema();
    db.exec(p.rows_sql);
    for (const TableDef& t : a.tables) {
        BOOST_TEST(db.rows("SELECT count(*) FROM " + quote_name(t.name)).at(0) != "0",
                   "corpus rule: table " << t.name << " has rows");
    }
    const MigrationPlan plan = plan_migration(a, b, p.renames);
    BOOST_TEST_REQUIRE(!plan.up.empty);
    BOOST_TEST_REQUIRE(!plan.down.empty);
    // Under a runner header, the files parse and lint clean.
    for (const std::string* body : {&plan.up.sql, &plan.down.sql}) {
        LintFile file;
        file.path = "generated.sql";
        file.revision = "abc123";
        file.text = "-- revision: abc123\n-- down_revision: \n\n" + *body;
        BOOST_TEST(parse_header(file.text, file.path).revision == "abc123");
        for (const LintFinding& f : lint_file_text(file)) {
            BOOST_ERROR("lint " << f.code << " at line " << f.line << ": " << f.message);
        }
    }
    const std::vector<Projection> same = projections(a, b, p.renames, true);
    const std::vector<Projection> kept = projections(a, b, p.renames, false);
    const auto a_counts = counts(db, a, p.renames);
    std::vector<std::vector<std::string>> before_same, before_all;
    for (const Projection& x : same) {
        before_same.push_back(db.rows((x.a_sql)));
    }
    for (const Projection& x : kept) {
        before_all.push_back(db.rows((x.a_sql)));
    }
    std::vector<std::string> a_counters = counters(db, a);

    const std::string shown = "\n--- up ---\n" + plan.up.sql + "--- down ---\n" + plan.down.sql;
    BOOST_TEST_MESSAGE("corpus pair " << p.name << shown);  // --log_level=message shows them
    BOOST_TEST_CONTEXT(shown) {
        run_in_transaction(db, plan.up.sql);
        const Schema after_up = db.schema();
        BOOST_TEST(render_differences_text(diff_schemas(b, after_up)) == "");
        BOOST_TEST(render_schema_sql(after_up) == render_schema_sql(b));
        for (std::size_t k = 0; k < same.size(); ++k) {
            BOOST_TEST(db.rows((same[k].b_sql)) == before_same[k], same[k].b_sql);
        }
        BOOST_TEST(same_counts(a_counts, counts(db, after_up, {})));

        run_in_transaction(db, plan.down.sql);
        const Schema after_down = db.schema();
        BOOST_TEST(render_differences_text(diff_schemas(a, after_down)) == "");
        for (std::size_t k = 0; k < kept.size(); ++k) {
            BOOST_TEST(db.rows((kept[k].a_sql)) == before_all[k], kept[k].a_sql);
        }
        BOOST_TEST(counters(db, a) == a_counters);

        // The sqlite3 shell, as `runner upgrade --sql` output runs it, then with foreign keys ON.
        for (const bool fk_on : {false, true}) {
            const fs::path file = scratch / (p.name + (fk_on ? "-on.db" : "-off.db"));
            fs::remove(file);
            {
                Db built(file.string());
                built.exec(p.a_sql);
                built.exec(p.rows_sql);
            }
            std::string err;
            const std::string script = std::string("PRAGMA foreign_keys = ") +
                                       (fk_on ? "ON" : "OFF") + ";\nBEGIN IMMEDIATE;\n" +
                                       plan.up.sql + "\n;\nCOMMIT;\n";
            const int rc = run_shell(file, script, err);
            const bool guarded = plan.up.sql.find("runner_autogen_guard") != std::string::npos;
            Db shell_db(file.string());
            const Schema got = shell_db.schema();
            if (fk_on && guarded) {
                BOOST_TEST(rc != 0);
                BOOST_TEST(err.find("foreign keys are ON") != std::string::npos, err);
                BOOST_TEST(render_differences_text(diff_schemas(a, got)) == "");
                BOOST_TEST(same_counts(a_counts, counts(shell_db, got, p.renames)));
                for (std::size_t k = 0; k < kept.size(); ++k) {
                    BOOST_TEST(shell_db.rows(kept[k].a_sql) == before_all[k], kept[k].a_sql);
                }
            } else {
                BOOST_TEST(rc == 0, (fk_on ? "foreign keys ON: " : "foreign keys OFF: ") << err);
                BOOST_TEST(render_differences_text(diff_schemas(b, got)) == "");
                BOOST_TEST(same_counts(a_counts, counts(shell_db, got, {})));
                for (std::size_t k = 0; k < same.size(); ++k) {
                    BOOST_TEST(shell_db.rows(same[k].b_sql) == before_same[k], same[k].b_sql);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(every_corpus_pair_migrates_up_and_down_without_losing_rows) {
    const std::vector<Pair> corpus = load_corpus();
    BOOST_TEST(corpus.size() >= 60u);
    const fs::path scratch =
        fs::temp_directory_path() / ("runner-autogen-" + std::to_string(::getpid()));
    fs::create_directories(scratch);
    for (const Pair& p : corpus) {
        BOOST_TEST_CONTEXT("corpus pair " << p.name) {
            try {
                check_pair(p, scratch);
            } catch (const std::exception& e) {
                BOOST_ERROR(e.what());
            }
        }
    }
    fs::remove_all(scratch);
}

}  // namespace
}  // namespace runner
