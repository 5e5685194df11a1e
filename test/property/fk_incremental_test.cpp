// Property: after any migration script, runner's incremental foreign-key check (only where the
// script can have made new violations) finds exactly the new violations the full check finds,
// i.e. what PRAGMA foreign_key_check reports minus the violations that existed before the run.
//
// Random cases: tables with foreign keys (single and composite keys, WITHOUT ROWID, ON DELETE
// CASCADE, deferred, self-references, names in other letter cases), inserts of orphans,
// deletes, key updates, upserts, INSERT OR REPLACE, renames of tables and columns, table
// rebuilds (create new, copy, drop, rename), dropped parents, added REFERENCES columns,
// triggers that write elsewhere, savepoints rolled back. Each case starts with plain-SQLite
// data that may already violate its foreign keys (the baseline), then runs steps the way the
// executor does: baseline full check, then per step BEGIN, script, incremental check, COMMIT.
//
// A table a step renames keeps the violations it had: the run's baseline follows the renames
// (the generator's, which the guard must follow the same way).
//
// RUNNER_PROPERTY_CASES (default 500) sets the number of cases; RUNNER_PROPERTY_SEED replays
// one seed (each case prints its seed and its SQL when it fails); RUNNER_PROPERTY_RENAMES=0
// leaves ALTER TABLE ... RENAME TO out of the generated scripts.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fk_subject.hpp"

namespace runner::property {
namespace {

namespace fs = std::filesystem;

struct ForeignKey {
    std::vector<std::string> columns;
    std::string parent;  // as the model knows it (references are rewritten on rename)
};

struct Table {
    std::string name;
    bool without_rowid = false;
    bool rowid_alias = false;  // a single INTEGER PRIMARY KEY column
    std::string key_type;      // INTEGER, TEXT, or "" (no affinity)
    bool nocase = false;
    std::vector<std::string> key;      // primary-key column names
    std::vector<std::string> columns;  // every column, key first
    std::vector<ForeignKey> fks;
};

// A table rename: (old name, new name).
using Rename = std::pair<std::string, std::string>;

struct Model {
    std::vector<Table> tables;
    int serial = 0;               // for fresh names
    std::vector<Rename> renames;  // ALTER TABLE ... RENAME TO, in the order they ran
};

class Generator {
  public:
    Generator(std::uint64_t seed, bool table_renames) : rng_(seed), table_renames_(table_renames) {}

    int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))];
    }

    // The name as written in SQL: quoted, sometimes in another letter case (names are
    // case-insensitive in SQLite).
    std::string ref(const std::string& name) {
        std::string s = name;
        if (chance(30)) {
            for (auto& c : s) {
                c = static_cast<char>(chance(50) ? std::toupper(static_cast<unsigned char>(c))
                                                 : std::tolower(static_cast<unsigned char>(c)));
            }
        }
        return "\"" + s + "\"";
    }

    // A key value: small domains so that keys collide and references often (not always) hit.
    std::string value(const std::string& type) {
        static const std::vector<std::string> ints = {"1", "2", "3", "4", "5"};
        static const std::vector<std::string> texts = {"'a'", "'b'", "'A'", "'c'", "'B'"};
        static const std::vector<std::string> mixed = {"1",   "'1'", "2.0",   "'2'", "'a'",
                                                       "'A'", "3",   "x'33'", "'01'"};
        if (type == "INTEGER") {
            return chance(85) ? pick(ints) : pick(mixed);
        }
        if (type == "TEXT") {
            return chance(85) ? pick(texts) : pick(mixed);
        }
        return pick(mixed);
    }
    std::string fk_value(const std::string& parent_type) {
        if (chance(12)) {
            return "NULL";
        }
        if (chance(8)) {
            return chance(50) ? "99" : "'zz'";  // an orphan for sure
        }
        return value(parent_type);
    }

    Table* find(Model& m, const std::string& name) {
        for (auto& t : m.tables) {
            if (lower(t.name) == lower(name)) {
                return &t;
            }
        }
        return nullptr;
    }
    static std::string lower(std::string s) {
        for (auto& c : s) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return s;
    }

    std::string fresh(Model& m, const char* prefix) { return prefix + std::to_string(++m.serial); }

    // CREATE TABLE for `t` named `as`.
    std::string create_sql(const Table& t, const std::string& as, const Model& m) {
        std::ostringstream s;
        s << "CREATE TABLE \"" << as << "\" (";
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            const std::string& c = t.columns[i];
            s << (i ? ", " : "") << "\"" << c << "\"";
            const bool is_key = std::find(t.key.begin(), t.key.end(), c) != t.key.end();
            if (is_key) {
                s << (t.key_type.empty() ? "" : " " + t.key_type);
                if (t.nocase) {
                    s << " COLLATE NOCASE";
                }
                if (t.rowid_alias) {
                    s << " PRIMARY KEY";
                }
            } else if (c.rfind("f", 0) == 0) {
                s << " " << column_types_[std::hash<std::string>{}(as + c) % 4];
            }
        }
        if (!t.rowid_alias) {
            s << ", PRIMARY KEY (";
            for (std::size_t i = 0; i < t.key.size(); ++i) {
                s << (i ? ", " : "") << "\"" << t.key[i] << "\"";
            }
            s << ")";
        }
        for (const auto& fk : t.fks) {
            s << ", FOREIGN KEY (";
            for (std::size_t i = 0; i < fk.columns.size(); ++i) {
                s << (i ? ", " : "") << "\"" << fk.columns[i] << "\"";
            }
            s << ") REFERENCES " << ref(fk.parent);
            // Explicit parent columns sometimes (the parent's key, in its order).
            const Table* p = nullptr;
            for (const auto& o : m.tables) {
                if (lower(o.name) == lower(fk.parent)) {
                    p = &o;
                }
            }
            if (p == nullptr && lower(fk.parent) == lower(t.name)) {
                p = &t;
            }
            if (p != nullptr && p->key.size() == fk.columns.size() && chance(40)) {
                s << " (";
                for (std::size_t i = 0; i < p->key.size(); ++i) {
                    s << (i ? ", " : "") << "\"" << p->key[i] << "\"";
                }
                s << ")";
            }
            if (chance(25)) {
                s << " ON DELETE CASCADE";
            }
            if (chance(20)) {
                s << " ON UPDATE CASCADE";
            }
            if (chance(25)) {
                s << " DEFERRABLE INITIALLY DEFERRED";
            }
        }
        s << ")" << (t.without_rowid ? " WITHOUT ROWID" : "") << ";\n";
        return s.str();
    }

    // A row for `t`: key values, payload, foreign-key values.
    std::string row_values(const Model& m, const Table& t) {
        std::ostringstream s;
        s << "(";
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            const std::string& c = t.columns[i];
            s << (i ? ", " : "");
            const bool is_key = std::find(t.key.begin(), t.key.end(), c) != t.key.end();
            if (is_key) {
                s << (t.rowid_alias ? pick(std::vector<std::string>{"1", "2", "3", "4", "5"})
                                    : value(t.key_type));
            } else if (const ForeignKey* fk = fk_of(t, c)) {
                const Table* p = nullptr;
                for (const auto& o : m.tables) {
                    if (lower(o.name) == lower(fk->parent)) {
                        p = &o;
                    }
                }
                s << fk_value(p ? p->key_type : "");
            } else {
                s << below(10);
            }
        }
        s << ")";
        return s.str();
    }
    static const ForeignKey* fk_of(const Table& t, const std::string& column) {
        for (const auto& fk : t.fks) {
            if (std::find(fk.columns.begin(), fk.columns.end(), column) != fk.columns.end()) {
                return &fk;
            }
        }
        return nullptr;
    }

    std::string column_list(const Table& t) {
        std::string s;
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            s += (i ? ", \"" : "\"") + t.columns[i] + "\"";
        }
        return s;
    }

    // A predicate on some rows of `t`.
    std::string where(const Table& t) {
        const std::string& c = pick(t.columns);
        switch (below(4)) {
            case 0:
                return "\"" + c + "\" = " + value(t.key_type);
            case 1:
                return "\"" + c + "\" IS NULL";
            case 2:
                return "rowid % 2 = 0";  // not valid on WITHOUT ROWID: the step then fails
            default:
                return "\"" + c + "\" > " + value("");
        }
    }

    // One statement (or a few that belong together), changing `m` as it would the schema.
    std::string statement(Model& m) {
        if (m.tables.empty() || (m.tables.size() < 6 && chance(18))) {
            return create_table(m);
        }
        Table& t = m.tables[static_cast<std::size_t>(below(static_cast<int>(m.tables.size())))];
        const int op = below(100);
        if (op < 30) {
            const int rows = 1 + below(3);
            std::string s = std::string("INSERT ") +
                            (chance(50)   ? "OR IGNORE "
                             : chance(50) ? "OR REPLACE "
                                          : "") +
                            "INTO " + ref(t.name) + " (" + column_list(t) + ") VALUES ";
            for (int i = 0; i < rows; ++i) {
                s += (i ? ", " : "") + row_values(m, t);
            }
            if (chance(15) && !t.key.empty() && s.find(" OR ") == std::string::npos) {
                s += " ON CONFLICT DO UPDATE SET \"" + pick(t.columns) + "\" = excluded.\"" +
                     pick(t.columns) + "\"";
            }
            return s + ";\n";
        }
        if (op < 42) {
            return "DELETE FROM " + ref(t.name) + (chance(80) ? " WHERE " + where(t) : "") + ";\n";
        }
        if (op < 54) {
            const std::string& c = pick(t.columns);
            const ForeignKey* fk = fk_of(t, c);
            return std::string("UPDATE ") + (chance(50) ? "OR IGNORE " : "") + ref(t.name) +
                   " SET \"" + c + "\" = " + (fk ? fk_value("") : value(t.key_type)) +
                   (chance(80) ? " WHERE " + where(t) : "") + ";\n";
        }
        if (op < 60 && table_renames_) {
            const std::string old = t.name;
            t.name = fresh(m, "t");
            m.renames.emplace_back(old, t.name);
            return "ALTER TABLE " + ref(old) + " RENAME TO \"" + t.name + "\";\n";
        }
        if (op < 64) {
            std::string& c =
                t.columns[static_cast<std::size_t>(below(static_cast<int>(t.columns.size())))];
            const std::string old = c;
            const std::string now = old.substr(0, 1) + fresh(m, "c");
            for (auto& k : t.key) {
                k = k == old ? now : k;
            }
            for (auto& fk : t.fks) {
                for (auto& fc : fk.columns) {
                    fc = fc == old ? now : fc;
                }
            }
            c = now;
            return "ALTER TABLE " + ref(t.name) + " RENAME COLUMN \"" + old + "\" TO \"" + now +
                   "\";\n";
        }
        if (op < 76) {
            return rebuild(m, t);
        }
        if (op < 80) {
            const std::string name = t.name;
            m.tables.erase(m.tables.begin() + (&t - m.tables.data()));
            return "DROP TABLE " + ref(name) + ";\n";
        }
        if (op < 86) {
            // ADD COLUMN ... REFERENCES a one-column-key parent.
            std::vector<const Table*> parents;
            for (const auto& p : m.tables) {
                if (p.key.size() == 1) {
                    parents.push_back(&p);
                }
            }
            if (parents.empty()) {
                return "SELECT 1;\n";
            }
            const Table& p = *pick(parents);
            const std::string col = fresh(m, "f");
            const std::string sql = "ALTER TABLE " + ref(t.name) + " ADD COLUMN \"" + col +
                                    "\" REFERENCES " + ref(p.name) + ";\n";
            t.fks.push_back(ForeignKey{{col}, p.name});
            t.columns.push_back(col);
            return sql;
        }
        if (op < 92) {
            // A trigger that writes to another table when this one changes.
            const Table& other = pick(m.tables);
            const std::string body =
                chance(50) ? "DELETE FROM " + ref(other.name) + " WHERE \"" +
                                 other.columns.front() + "\" = " + value(other.key_type) + ";"
                           : "UPDATE " + ref(other.name) + " SET \"" + pick(other.columns) +
                                 "\" = " + fk_value("") + ";";
            return "CREATE TRIGGER \"" + fresh(m, "tr") + "\" AFTER " +
                   (chance(50) ? "INSERT" : "DELETE") + " ON " + ref(t.name) + " BEGIN " + body +
                   " END;\n";
        }
        // Changes undone by a savepoint: nothing of them is left to check.
        return "SAVEPOINT s; DELETE FROM " + ref(t.name) + "; INSERT OR IGNORE INTO " +
               ref(t.name) + " (" + column_list(t) + ") VALUES " + row_values(m, t) +
               "; ROLLBACK TO s; RELEASE s;\n";
    }

    std::string create_table(Model& m) {
        Table t;
        t.name = fresh(m, "t");
        t.without_rowid = chance(30);
        const int arity = chance(30) ? 2 : 1;
        static const std::vector<std::string> types = {"INTEGER", "TEXT", ""};
        t.key_type = pick(types);
        t.rowid_alias = !t.without_rowid && arity == 1 && t.key_type == "INTEGER" && chance(70);
        t.nocase = t.key_type == "TEXT" && chance(30);
        for (int i = 0; i < arity; ++i) {
            t.key.push_back("k" + std::to_string(i + 1));
        }
        t.columns = t.key;
        t.columns.push_back("v");
        // Up to two foreign keys: to existing tables or to itself.
        const int fks = below(3);
        for (int i = 0; i < fks; ++i) {
            const bool self = m.tables.empty() || chance(15);
            const Table& p = self ? t : pick(m.tables);
            ForeignKey fk;
            fk.parent = p.name;
            for (std::size_t j = 0; j < p.key.size(); ++j) {
                fk.columns.push_back("f" + std::to_string(i) + "_" + std::to_string(j));
                t.columns.push_back(fk.columns.back());
            }
            t.fks.push_back(fk);
        }
        const std::string sql = create_sql(t, t.name, m);
        m.tables.push_back(t);
        return sql;
    }

    // The table rebuilt the way SQLite's documentation says to change a table: a new table,
    // the rows copied (maybe not all), the old one dropped, the new one renamed.
    std::string rebuild(Model& m, Table& t) {
        Table n = t;
        if (!n.fks.empty() && chance(40)) {
            n.fks.erase(n.fks.begin() + below(static_cast<int>(n.fks.size())));
        } else if (chance(40)) {
            const Table& p = pick(m.tables);
            ForeignKey fk;
            fk.parent = p.name;
            const std::string stem = fresh(m, "f");
            for (std::size_t j = 0; j < p.key.size(); ++j) {
                fk.columns.push_back(stem + "_" + std::to_string(j));
                n.columns.push_back(fk.columns.back());
            }
            n.fks.push_back(fk);
        }
        if (chance(25)) {
            n.without_rowid = !n.without_rowid && !n.rowid_alias;
        }
        const std::string tmp = fresh(m, "new_");
        std::string sql = create_sql(n, tmp, m);
        std::string cols;
        std::string vals;
        for (const auto& c : n.columns) {
            const bool old = std::find(t.columns.begin(), t.columns.end(), c) != t.columns.end();
            cols += (cols.empty() ? "\"" : ", \"") + c + "\"";
            vals += (vals.empty() ? "" : ", ") + (old ? "\"" + c + "\"" : fk_value(""));
        }
        sql += "INSERT OR IGNORE INTO \"" + tmp + "\" (" + cols + ") SELECT " + vals + " FROM " +
               ref(t.name) + (chance(30) ? " WHERE " + where(t) : "") + ";\n";
        sql += "DROP TABLE " + ref(t.name) + ";\n";
        sql += "ALTER TABLE \"" + tmp + "\" RENAME TO " + ref(t.name) + ";\n";
        n.name = t.name;
        t = n;
        return sql;
    }

    std::string script(Model& m) {
        std::string s;
        for (int i = 0, n = 1 + below(3); i < n; ++i) {
            s += statement(m);
        }
        return s;
    }

  private:
    std::mt19937_64 rng_;
    bool table_renames_;
    const std::vector<std::string> column_types_ = {"INTEGER", "TEXT", "", "NUMERIC"};
};

// `violations` with the names `renames` gave their tables and parents (compared as SQLite
// compares names), sorted: what the executor's baseline becomes after a step that renamed.
Violations follow(Violations violations, const std::vector<Rename>& renames) {
    for (const auto& [from, to] : renames) {
        for (auto& v : violations) {
            // "table|key|parent|fk": the key may hold '|', the names do not
            const auto first = v.find('|');
            const auto last = v.rfind('|');
            const auto parent = v.rfind('|', last - 1);
            std::string table = v.substr(0, first);
            std::string parent_name = v.substr(parent + 1, last - parent - 1);
            table = Generator::lower(table) == Generator::lower(from) ? to : table;
            parent_name =
                Generator::lower(parent_name) == Generator::lower(from) ? to : parent_name;
            v = table + v.substr(first, parent + 1 - first) + parent_name + v.substr(last);
        }
    }
    std::sort(violations.begin(), violations.end());
    return violations;
}

// Violations in `found` that are not in `baseline`, as the executor counts them.
Violations added(const Violations& found, const Violations& baseline) {
    Violations out;
    for (const auto& v : found) {
        if (!std::binary_search(baseline.begin(), baseline.end(), v)) {
            out.push_back(v);
        }
    }
    return out;
}

std::string show(const Violations& v) {
    std::string s;
    for (const auto& x : v) {
        s += "\n    " + x;
    }
    return s.empty() ? " (none)" : s;
}

int env_int(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

// ALTER TABLE ... RENAME TO in the generated scripts: on unless RUNNER_PROPERTY_RENAMES=0.
// (Table rebuilds, which end with a rename, and column renames are always on.)
bool table_renames() {
    return env_int("RUNNER_PROPERTY_RENAMES", 1) == 1;
}

struct Counts {
    int steps = 0;
    int failed_steps = 0;
    int steps_with_new = 0;
    int runs_with_baseline = 0;
};

// A step as the reference pass ran it: its script, whether it ran, the full check after, and
// the run's baseline after it (with the names the step's renames gave).
struct Step {
    std::string sql;
    bool ran = false;
    Violations full;
    Violations baseline;
};
struct Run {
    Violations baseline;
    std::vector<Step> steps;
};

// The case is run twice from the same starting file. The reference pass commits each step and
// asks for the full check on its connection; the subject pass runs the same scripts the way the
// executor does (only the baseline at the start of a run, then the incremental check before each
// commit), so nothing the reference needs disturbs what the incremental check remembers between
// the steps of a run. (Two runner connections to one file cannot be open at once: a runner that
// writes keeps others out.)
std::string check_case(std::uint64_t seed, const std::string& path, Counts& counts,
                       std::ostringstream& log) {
    Generator g(seed, table_renames());
    Model model;
    // The data the runs start from, written outside runner: it may break its foreign keys.
    for (int i = 0, n = g.below(5); i < n; ++i) {
        Model next = model;
        const std::string sql = g.script(next);
        try {
            exec_plain(path, "BEGIN;\n" + sql + "COMMIT;\n");
            model = next;
            log << "-- setup (plain sqlite3, committed):\n" << sql;
        } catch (const std::exception&) {
            // the connection closed with its transaction open: nothing of it stayed
        }
    }
    exec_plain(path, "SELECT 1;");  // the file exists, even when empty
    const std::string reference = path + ".reference";
    fs::copy_file(path, reference, fs::copy_options::overwrite_existing);

    // Reference pass: scripts, where runs end, and the full check after every step.
    std::vector<Run> runs;
    for (int steps = 3 + g.below(8); steps > 0;) {
        FkSubject db(reference);
        Run& run = runs.emplace_back();
        run.baseline = db.full_check();
        Violations baseline = run.baseline;
        for (; steps > 0;) {
            Model next = model;
            next.renames.clear();
            Step& step = run.steps.emplace_back();
            step.sql = g.script(next);
            --steps;
            std::string error;
            step.ran = db.run_script(step.sql, error);
            if (!step.ran) {
                break;  // the run ends, as the executor's does
            }
            model = next;
            db.commit();
            step.full = db.full_check();
            baseline = follow(baseline, next.renames);
            step.baseline = baseline;
            // The full check is PRAGMA foreign_key_check's verdict, row by row (rows of a
            // WITHOUT ROWID table whose parent has no key to look up are one coarse entry).
            const auto pragma = pragma_broken_foreign_keys(reference);
            if (broken_foreign_keys(step.full) != pragma) {
                log << "-- step:\n" << step.sql;
                return log.str() + "-- the full check lists:" + show(step.full) +
                       "\n-- PRAGMA foreign_key_check's broken foreign keys:" + show(pragma) + "\n";
            }
            if (!added(step.full, baseline).empty()) {
                break;  // the executor would roll back and stop; here it stays, and a new run
                        // starts from it (with these violations in its baseline)
            }
        }
    }

    // Subject pass: the executor's way.
    for (const Run& run : runs) {
        FkSubject db(path);
        const Violations baseline = db.start_run();
        counts.runs_with_baseline += baseline.empty() ? 0 : 1;
        log << "-- run starts; baseline:" << show(baseline) << "\n";
        if (baseline != run.baseline) {
            return log.str() + "-- the reference pass started this run with:" + show(run.baseline) +
                   "\n";
        }
        for (const Step& step : run.steps) {
            ++counts.steps;
            std::string error;
            const bool ran = db.run_script(step.sql, error);
            if (!ran) {
                ++counts.failed_steps;
                log << "-- step (failed, rolled back: " << error << "):\n" << step.sql;
            } else {
                log << "-- step:\n" << step.sql;
            }
            if (ran != step.ran) {
                return log.str() + "-- the reference pass " + (step.ran ? "ran" : "failed") +
                       " this step\n";
            }
            if (!ran) {
                break;
            }
            const Violations changed = db.changed_check();
            db.commit();
            if (db.baseline() != step.baseline) {
                return log.str() + "-- the baseline, its tables renamed as the script did:" +
                       show(step.baseline) +
                       "\n-- the baseline as the guard renamed it:" + show(db.baseline()) + "\n";
            }
            const Violations want = added(step.full, step.baseline);
            const Violations got = added(changed, db.baseline());
            if (got != want) {
                return log.str() + "-- new violations the full check finds:" + show(want) +
                       "\n-- new violations the incremental check finds:" + show(got) + "\n";
            }
            if (!want.empty()) {
                ++counts.steps_with_new;
                log << "-- new violations (the executor rolls back; here committed, and a new "
                       "run starts):"
                    << show(want) << "\n";
            }
        }
    }
    fs::remove(reference);
    return "";
}

// One random case; returns an empty string when the property held, else the report: the seed
// and every script run, as SQL.
std::string run_case(std::uint64_t seed, const std::string& path, Counts& counts) {
    std::ostringstream log;
    log << "-- seed " << seed << "\n";
    try {
        return check_case(seed, path, counts, log);
    } catch (const std::exception& e) {
        return log.str() + "-- stopped by an exception: " + e.what() + "\n";
    }
}

BOOST_AUTO_TEST_SUITE(fk_incremental)

BOOST_AUTO_TEST_CASE(incremental_check_finds_exactly_the_new_violations_the_full_check_finds) {
    const int cases = env_int("RUNNER_PROPERTY_CASES", 500);
    const char* fixed = std::getenv("RUNNER_PROPERTY_SEED");
    const std::uint64_t first =
        fixed != nullptr && *fixed != '\0'
            ? std::strtoull(fixed, nullptr, 10)
            : static_cast<std::uint64_t>(
                  std::chrono::system_clock::now().time_since_epoch().count());
    BOOST_TEST_MESSAGE("first seed " << first << " (RUNNER_PROPERTY_SEED=" << first << " replays), "
                                     << cases << " cases");
    // A RAM file system when there is one: every step commits, and fsync is most of the cost.
    std::error_code shm;
    const fs::path dir =
        (fs::is_directory("/dev/shm", shm) && ::access("/dev/shm", W_OK) == 0
             ? fs::path("/dev/shm")
             : fs::temp_directory_path()) /
        ("runner-property-" + std::to_string(::getpid()) + "-" + std::to_string(first));
    fs::create_directories(dir);
    Counts counts;
    int failures = 0;
    for (int i = 0; i < cases && failures < 3; ++i) {
        const std::uint64_t seed = first + static_cast<std::uint64_t>(i);
        const std::string path = (dir / ("case-" + std::to_string(seed) + ".db")).string();
        const std::string report = run_case(seed, path, counts);
        if (!report.empty()) {
            ++failures;
            BOOST_ERROR("case with seed " << seed << " (RUNNER_PROPERTY_SEED=" << seed
                                          << " RUNNER_PROPERTY_CASES=1 replays it):\n"
                                          << report);
        }
        std::error_code ec;
        fs::remove(path, ec);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    BOOST_TEST_MESSAGE(counts.steps << " steps, " << counts.failed_steps << " failed, "
                                    << counts.steps_with_new << " made new violations, "
                                    << counts.runs_with_baseline
                                    << " runs started with violations");
    // The generator must really exercise the check: new violations and baselines both occur.
    BOOST_TEST(counts.steps_with_new > cases / 20);
    BOOST_TEST(counts.runs_with_baseline > cases / 20);
}

BOOST_AUTO_TEST_SUITE_END()

// Cases the property test found, kept as plain regression tests.
BOOST_AUTO_TEST_SUITE(fk_incremental_regressions)

const char* const kParentAndChild =
    "CREATE TABLE p (id INTEGER PRIMARY KEY);"
    "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id REFERENCES p (id));"
    "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);";

// A fresh file with `setup` run on it by plain SQLite; removed at the end of the test.
struct CaseFile {
    fs::path path;
    explicit CaseFile(const std::string& setup)
        : path(fs::temp_directory_path() /
               ("runner-property-regression-" + std::to_string(::getpid()) + ".db")) {
        fs::remove(path);
        exec_plain(path.string(), setup);
    }
    ~CaseFile() {
        std::error_code ec;
        fs::remove(path, ec);
    }
};

// Runs `scripts` as the steps of one run after `setup`, as the executor does, and checks each
// step's incremental verdict against the full check's (both minus the run's baseline, which
// follows the renames). Returns the new violations of the last step.
Violations new_violations_after(const std::string& setup, const std::vector<std::string>& scripts) {
    CaseFile file(setup);
    FkSubject db(file.path.string());
    db.start_run();
    Violations got;
    for (const auto& script : scripts) {
        std::string error;
        BOOST_TEST_REQUIRE(db.run_script(script, error), error);
        const Violations changed = db.changed_check();  // before baseline(): it follows renames
        got = added(changed, db.baseline());
        db.commit();
        const Violations want = added(db.full_check(), db.baseline());
        BOOST_TEST(got == want, "after:\n"
                                    << script << "-- the full check finds:" << show(want)
                                    << "\n-- the incremental check finds:" << show(got));
    }
    return got;
}

BOOST_AUTO_TEST_CASE(an_orphan_inserted_into_a_table_renamed_later_in_the_script_is_found) {
    const Violations got = new_violations_after(
        kParentAndChild, {"INSERT INTO c VALUES (2, 99);\nALTER TABLE c RENAME TO c2;\n"});
    BOOST_TEST(got == Violations{"c2|rowid 2|p|0"}, show(got));
}

BOOST_AUTO_TEST_CASE(rows_deleted_from_a_parent_renamed_later_in_the_script_are_found) {
    const Violations got =
        new_violations_after(kParentAndChild, {"DELETE FROM p;\nALTER TABLE p RENAME TO p2;\n"});
    BOOST_TEST(got == Violations{"c|rowid 1|p2|0"}, show(got));
}

BOOST_AUTO_TEST_CASE(an_orphan_written_before_two_renames_of_its_table_is_found) {
    const Violations got = new_violations_after(
        kParentAndChild,
        {"UPDATE c SET p_id = 99;\nALTER TABLE c RENAME TO c2;\nALTER TABLE c2 RENAME TO c3;\n"});
    BOOST_TEST(got == Violations{"c3|rowid 1|p|0"}, show(got));
}

// The executor checks the whole database after each step when the baseline is too long to
// hold (and the incremental check looks at whole renamed tables): either way an old violation
// of a renamed table is still old.
BOOST_AUTO_TEST_CASE(an_old_violation_is_not_new_after_its_table_is_renamed) {
    const std::string setup = std::string(kParentAndChild) + "INSERT INTO c VALUES (2, 99);";
    CaseFile file(setup);
    FkSubject db(file.path.string());
    BOOST_TEST(db.start_run() == Violations{"c|rowid 2|p|0"});
    std::string error;
    BOOST_TEST_REQUIRE(db.run_script("ALTER TABLE c RENAME TO c2;\n", error), error);
    const Violations changed = db.changed_check();
    BOOST_TEST(db.baseline() == Violations{"c2|rowid 2|p|0"});
    BOOST_TEST(added(changed, db.baseline()).empty(), show(changed));
    db.commit();
    BOOST_TEST_REQUIRE(db.run_script("ALTER TABLE p RENAME TO p2;\n", error), error);
    const Violations full = db.full_step_check();
    BOOST_TEST(db.baseline() == Violations{"c2|rowid 2|p2|0"});
    BOOST_TEST(added(full, db.baseline()).empty(), show(full));
}

BOOST_AUTO_TEST_CASE(an_old_violation_is_not_new_after_its_parent_is_renamed) {
    const Violations got =
        new_violations_after(std::string(kParentAndChild) + "INSERT INTO c VALUES (2, 99);",
                             {"ALTER TABLE p RENAME TO p2;\n",
                              "ALTER TABLE p2 RENAME TO p3;\nINSERT INTO p3 VALUES (5);\n"});
    BOOST_TEST(got.empty(), show(got));
}

// The row lookup for c was prepared while p existed; after p is dropped it cannot be run.
BOOST_AUTO_TEST_CASE(rows_written_to_a_child_whose_parent_was_dropped_are_checked_without_error) {
    const Violations got =
        new_violations_after(kParentAndChild, {"INSERT INTO c VALUES (2, 1);\n", "DROP TABLE p;\n",
                                               "INSERT OR REPLACE INTO c VALUES (3, 1);\n"});
    // (The rows the drop orphaned are new too: the executor would have stopped the run there.)
    BOOST_TEST(got == (Violations{"c|rowid 1|p|0", "c|rowid 2|p|0", "c|rowid 3|p|0"}), show(got));
}

BOOST_AUTO_TEST_CASE(
    rows_written_to_a_child_after_its_parent_is_dropped_in_the_same_script_are_found) {
    const Violations got = new_violations_after(
        kParentAndChild,
        {"INSERT INTO c VALUES (2, 1);\n", "DROP TABLE p;\nINSERT INTO c VALUES (3, 1);\n"});
    BOOST_TEST(got == (Violations{"c|rowid 1|p|0", "c|rowid 2|p|0", "c|rowid 3|p|0"}), show(got));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::property
