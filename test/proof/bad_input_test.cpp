// Proof that bad input fails cleanly: a non-zero exit, one error line that names the cause, and
// nothing on disk created, removed or changed (the database file stays byte-identical, and is not
// created when it did not exist).
//
// The shape of stderr on failure, which every case below asserts exactly:
//   - normally one line, "runner: error: <cause>";
//   - when a statement of a migration fails (SQL syntax, a constraint, a full disk, a read-only
//     file, a nested BEGIN), the step's progress line "Running upgrade A -> B, msg ... failed"
//     comes first, and the error line is followed by the failing statement's line, indented by 4;
//   - for a syntax error, whose position SQLite reports, one more indented line puts a caret under
//     it. So: 1 line, 3 lines (runtime SQL errors) or 4 lines (syntax errors).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "proof_support.hpp"

namespace runner::proof {
namespace {

using integration::contains;
using integration::exec_sql;
using integration::lines_of;
using integration::migration_header;
using integration::Project;
using integration::run_runner;
using integration::starts_with;
using integration::write_file;
using integration::write_migration;

struct BadInputCase {
    const char* name = "";
    // Apply the base project first, so the command meets an existing, populated database.
    bool with_database = true;
    // What makes the input bad, done before the snapshot; may be empty.
    std::function<void(const Project&)> change = {};
    // Global options, then the command; {db}, {dir} and {root} stand for the project's paths.
    std::vector<std::string> args = {};
    int exit_code = 1;
    // Substrings of the "runner: error: " line.
    std::vector<std::string> says = {};
    // A "Running ... failed" progress line precedes the error line.
    bool step_line = false;
    // Indented lines after the error line (see the top of the file).
    int excerpt_lines = 0;
    // Must appear on neither stream.
    std::string never_says = {};
    // A non-empty reason skips the case (printed).
    std::function<std::string()> skip_reason = {};
    // Undoes what would stop the temporary directory from being removed.
    std::function<void(const Project&)> cleanup = {};
};

const std::vector<std::string> kUpgradeHead = {"--db", "{db}", "--dir", "{dir}", "upgrade", "head"};

// The base project: base0001 <- base0002, each creating and filling a table.
void write_base(const Project& p) {
    write_migration(p.dir(), "0001_base_a", "base0001", {},
                    "CREATE TABLE base_a (id INTEGER PRIMARY KEY, v TEXT);\n"
                    "INSERT INTO base_a (v) VALUES ('one'), ('two'), ('three');\n",
                    "DROP TABLE base_a;\n");
    write_migration(p.dir(), "0002_base_b", "base0002", {"base0001"},
                    "CREATE TABLE base_b (id INTEGER PRIMARY KEY, v TEXT);\n"
                    "INSERT INTO base_b (v) VALUES ('four'), ('five');\n",
                    "DROP TABLE base_b;\n");
}

// Writes 0003_x.up.sql and 0003_x.down.sql (revision xxxx0003 on base0002) with these bodies.
void add_x(const Project& p, const std::string& up_sql,
           std::vector<std::string> parents = {"base0002"}) {
    write_migration(p.dir(), "0003_x", "xxxx0003", parents, up_sql, "SELECT 1;\n");
}

std::string up_x(const Project& p) {
    return p.dir() + "/0003_x.up.sql";
}

// "0003_x.up.sql:N:" where N is the line of `statement` in the file add_x writes for up_sql.
std::string location_x(const std::string& up_sql, const std::string& statement) {
    const int line = integration::line_of(
        migration_header("0003_x", "xxxx0003", {"base0002"}) + up_sql, statement);
    return "0003_x.up.sql:" + std::to_string(line) + ": ";
}

// Runs `chattr +i` or `chattr -i` on path; true when it worked.
bool chattr(const std::string& path, char plus_or_minus) {
    const std::string command =
        std::string("chattr ") + plus_or_minus + "i '" + path + "' >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
}

std::string skip_when_root(const char* what) {
    return ::geteuid() == 0 ? std::string("running as root, which ignores ") + what : "";
}

// Random bytes without a NUL, from a fixed seed.
std::string garbage_without_nuls() {
    std::mt19937 rng(20261121);
    std::uniform_int_distribution<int> byte(1, 255);
    std::string text;
    for (int i = 0; i < 3000; ++i) {
        text += static_cast<char>(byte(rng));
    }
    return text;
}

std::string with_placeholders(std::string text, const Project& p) {
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"{db}", p.db()},
                                     {"{dir}", p.dir()},
                                     {"{root}", p.root()}}) {
        for (auto at = text.find(key); at != std::string::npos; at = text.find(key)) {
            text.replace(at, key.size(), value);
        }
    }
    return text;
}

// A disk too small for the migration: max_page_count caps the file a little above its size.
const std::string kDiskFullUp =
    "PRAGMA max_page_count = 12;\n"
    "CREATE TABLE big (x BLOB);\n"
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000)\n"
    "INSERT INTO big SELECT randomblob(1000) FROM c;\n";
const std::string kCheckUp =
    "CREATE TABLE checked (x INTEGER CHECK (x > 0));\n"
    "INSERT INTO checked VALUES (1);\n"
    "INSERT INTO checked VALUES (-1);\n"
    "INSERT INTO checked VALUES (2);\n";
const std::string kSyntaxUp =
    "CREATE TABLE fine (x);\n"
    "INSRT INTO fine VALUES (1);\n";
const std::string kNestedUp =
    "CREATE TABLE outer_t (x);\n"
    "BEGIN;\n"
    "CREATE TABLE inner_t (x);\n"
    "COMMIT;\n";

std::vector<BadInputCase> bad_input_cases() {
    return {
        // Migration files the graph cannot be built from.
        {.name = "a cycle between two revisions",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n", {"base0002", "yyyy0004"});
                 write_migration(p.dir(), "0004_y", "yyyy0004", {"xxxx0003"}, "SELECT 1;\n",
                                 "SELECT 1;\n");
             },
         .args = kUpgradeHead,
         .says = {"Cycle is detected", "xxxx0003", "yyyy0004"}},
        {.name = "a cycle, and no database yet",
         .with_database = false,
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n", {"base0002", "yyyy0004"});
                 write_migration(p.dir(), "0004_y", "yyyy0004", {"xxxx0003"}, "SELECT 1;\n",
                                 "SELECT 1;\n");
             },
         .args = kUpgradeHead,
         .says = {"Cycle is detected", "xxxx0003", "yyyy0004"}},
        {.name = "a revision that is its own parent",
         .change = [](const Project& p) { add_x(p, "SELECT 1;\n", {"xxxx0003"}); },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql:2: ", "Self-loop", "xxxx0003"}},
        {.name = "the same revision declared by two files",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 write_migration(p.dir(), "0004_y", "xxxx0003", {"base0002"}, "SELECT 1;\n",
                                 "SELECT 1;\n");
             },
         .args = kUpgradeHead,
         .says = {"0004_y.up.sql:1: ", "xxxx0003 is already declared by", "0003_x.up.sql"}},
        {.name = "a parent no file declares",
         .change = [](const Project& p) { add_x(p, "SELECT 1;\n", {"zzzz9999"}); },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql:2: ", "'zzzz9999'", "not declared by any migration file"}},
        {.name = "a misspelled header key",
         .change =
             [](const Project& p) {
                 const std::string text =
                     "-- revison: xxxx0003\n-- down_revision: base0002\n\n"
                     "SELECT 1;\n";
                 write_file(up_x(p), text);
                 write_file(p.dir() + "/0003_x.down.sql", text);
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql:1: ", "'revison'", "did you mean 'revision'?"}},
        {.name = "a dashed key (depends-on), and no database yet",
         .with_database = false,
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 const std::string text =
                     "-- revision: xxxx0003\n-- down_revision: base0002\n"
                     "-- depends-on: base0001\n\nSELECT 1;\n";
                 write_file(up_x(p), text);
                 write_file(p.dir() + "/0003_x.down.sql", text);
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql:3: ", "'depends-on'", "did you mean 'depends_on'?"}},
        {.name = "up and down files that disagree on down_revision",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 write_file(p.dir() + "/0003_x.down.sql",
                            migration_header("0003_x", "xxxx0003", {"base0001"}) + "SELECT 1;\n");
             },
         .args = kUpgradeHead,
         .says = {"0003_x.down.sql:2: ", "down_revision 'base0001' does not match 'base0002'",
                  "0003_x.up.sql:2"}},
        {.name = "an up file without its down file",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 std::remove((p.dir() + "/0003_x.down.sql").c_str());
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql", "has no matching 0003_x.down.sql"}},
        {.name = "a down file without its up file",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 std::remove(up_x(p).c_str());
             },
         .args = kUpgradeHead,
         .says = {"0003_x.down.sql", "has no matching 0003_x.up.sql"}},
        {.name = "a file with SQL but no header",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 write_file(up_x(p), "CREATE TABLE headless (x);\n");
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql:1: ", "missing header"}},
        {.name = "an empty file, and no database yet",
         .with_database = false,
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 write_file(up_x(p), "");
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql", "missing header"}},
        {.name = "binary garbage with NUL bytes",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 write_file(up_x(p), std::string("\x7f"
                                                 "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                                                 16) +
                                         garbage_without_nuls());
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql", "not a text file", "NUL"}},
        {.name = "random bytes without NULs",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 write_file(up_x(p), garbage_without_nuls());
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql:1: ", "missing header"}},
        {.name = "an unreadable file (chmod 000)",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 ::chmod(up_x(p).c_str(), 0);
             },
         .args = kUpgradeHead,
         .says = {"cannot open", "0003_x.up.sql", "Permission denied"},
         .skip_reason = [] { return skip_when_root("file permissions"); },
         .cleanup = [](const Project& p) { ::chmod(up_x(p).c_str(), 0644); }},
        {.name = "a directory named like an up file",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 std::remove(up_x(p).c_str());
                 ::mkdir(up_x(p).c_str(), 0755);
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql", "Is a directory"}},
        {.name = "a dangling symlink named like an up file",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n");
                 std::remove(up_x(p).c_str());
                 BOOST_REQUIRE(::symlink((p.root() + "/gone.sql").c_str(), up_x(p).c_str()) == 0);
             },
         .args = kUpgradeHead,
         .says = {"0003_x.up.sql", "No such file or directory"}},
        {.name = "a migrations directory that does not exist",
         .args = {"--db", "{db}", "--dir", "{root}/nope", "upgrade", "head"},
         .says = {"nope", "does not exist"}},

        // Databases runner cannot use.
        {.name = "a text file as the database",
         .change = [](const Project& p) { write_file(p.root() + "/notes.txt", "hello\n"); },
         .args = {"--db", "{root}/notes.txt", "--dir", "{dir}", "upgrade", "head"},
         .says = {"notes.txt", "file is not a database", "SQLITE_NOTADB"}},
        {.name = "a text file as the database, for current",
         .change = [](const Project& p) { write_file(p.root() + "/notes.txt", "hello\n"); },
         .args = {"--db", "{root}/notes.txt", "--dir", "{dir}", "current"},
         .says = {"notes.txt", "file is not a database", "SQLITE_NOTADB"}},
        {.name = "a directory as the database",
         .change = [](const Project& p) { ::mkdir((p.root() + "/dbdir").c_str(), 0755); },
         .args = {"--db", "{root}/dbdir", "--dir", "{dir}", "upgrade", "head"},
         .says = {"dbdir", "is a directory"}},
        {.name = "a database in a directory that does not exist",
         .with_database = false,
         .args = {"--db", "{root}/missing/test.db", "--dir", "{dir}", "upgrade", "head"},
         .says = {"cannot open database", "missing/test.db", "unable to open database file"}},
        {.name = "a read-only database file (chmod 444)",
         .change =
             [](const Project& p) {
                 add_x(p, "CREATE TABLE x (y);\n");
                 ::chmod(p.db().c_str(), 0444);
             },
         .args = kUpgradeHead,
         .says = {"readonly database", "SQLITE_READONLY"},
         .step_line = true,
         .excerpt_lines = 1,
         .skip_reason = [] { return skip_when_root("file permissions"); },
         .cleanup = [](const Project& p) { ::chmod(p.db().c_str(), 0644); }},
        // Root may write any file, but not an immutable one.
        {.name = "an immutable database file (chattr +i)",
         .change =
             [](const Project& p) {
                 add_x(p, "CREATE TABLE x (y);\n");
                 BOOST_REQUIRE(chattr(p.db(), '+'));
             },
         .args = kUpgradeHead,
         .says = {"readonly database", "SQLITE_READONLY"},
         .step_line = true,
         .excerpt_lines = 1,
         .skip_reason =
             [] {
                 const integration::TempDir probe;
                 write_file(probe / "probe", "");
                 const bool works = chattr(probe / "probe", '+') && chattr(probe / "probe", '-');
                 return works ? std::string() : "chattr +i does not work in $TMPDIR";
             },
         .cleanup = [](const Project& p) { chattr(p.db(), '-'); }},
        {.name = "no database given at all",
         .with_database = false,
         .args = {"--dir", "{dir}", "upgrade", "head"},
         .says = {"no database given", "--db", "DATABASE_URL"}},
        {.name = "an unsupported URL scheme with a password",
         .args = {"--db", "mysql://u:secret@host/db", "--dir", "{dir}", "upgrade", "head"},
         .says = {"mysql://u:***@host/db", "'mysql'", "sqlite", "postgresql"},
         .never_says = "secret"},
        {.name = "an unreachable PostgreSQL server with a password",
         .args = {"--db", "postgresql://u:secret@host.invalid/db", "--dir", "{dir}", "upgrade",
                  "head"},
         .says = {"cannot connect to postgresql://u:***@host.invalid/db"},
         .never_says = "secret"},

        // A database that records a revision no file declares.
        {.name = "an unknown recorded revision, for upgrade",
         .change =
             [](const Project& p) {
                 exec_sql(p.db(),
                          "INSERT INTO runner_version VALUES "
                          "('ghost0009', '2026-01-02 03:04:05', 0, NULL, 'upgrade')");
             },
         .args = kUpgradeHead,
         .says = {"Can't locate revision identified by 'ghost0009'", "no migration file"}},
        {.name = "an unknown recorded revision, for current",
         .change =
             [](const Project& p) {
                 exec_sql(p.db(),
                          "INSERT INTO runner_version VALUES "
                          "('ghost0009', '2026-01-02 03:04:05', 0, NULL, 'upgrade')");
             },
         .args = {"--db", "{db}", "--dir", "{dir}", "current"},
         .says = {"Can't locate revision identified by 'ghost0009'", "no migration file"}},
        {.name = "an unknown recorded revision, for stamp",
         .change =
             [](const Project& p) {
                 exec_sql(p.db(),
                          "INSERT INTO runner_version VALUES "
                          "('ghost0009', '2026-01-02 03:04:05', 0, NULL, 'upgrade')");
             },
         .args = {"--db", "{db}", "--dir", "{dir}", "stamp", "base0001"},
         .says = {"Can't locate revision identified by 'ghost0009'", "stamp --purge"}},

        // Targets that name nothing, or too much.
        {.name = "an unknown target, and no database yet",
         .with_database = false,
         .args = {"--db", "{db}", "--dir", "{dir}", "upgrade", "zzzz"},
         .says = {"Can't locate revision identified by 'zzzz'", "no such revision"}},
        {.name = "an ambiguous prefix",
         .args = {"--db", "{db}", "--dir", "{dir}", "upgrade", "base000"},
         .says = {"'base000'", "ambiguous", "base0001", "base0002"}},
        {.name = "upgrade head with two heads",
         .change = [](const Project& p) { add_x(p, "SELECT 1;\n", {"base0001"}); },
         .args = kUpgradeHead,
         .says = {"Multiple head revisions", "base0002", "xxxx0003"}},
        {.name = "downgrade to a revision above the current one",
         .change = [](const Project& p) { add_x(p, "SELECT 1;\n"); },
         .args = {"--db", "{db}", "--dir", "{dir}", "downgrade", "xxxx0003"},
         .says = {"xxxx0003", "not a valid downgrade target"}},
        {.name = "downgrade -1 with several heads applied",
         .change =
             [](const Project& p) {
                 add_x(p, "SELECT 1;\n", {"base0001"});
                 const RunResult r = p.run({"upgrade", "heads"});
                 BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r);
             },
         .args = {"--db", "{db}", "--dir", "{dir}", "downgrade", "-1"},
         .says = {"ambiguous", "several heads", "base0002", "xxxx0003"}},
        // Stamping both would record one revision below another: Alembic 1.8.1 writes such an
        // inconsistent version table, runner refuses (test/alembic_compat/compare.py, known
        // difference (a)). On a database already at base0002, both tools move it to base0001.
        {.name = "stamp of a revision and its ancestor, on a database with nothing applied",
         .change =
             [](const Project& p) {
                 const RunResult r = p.run({"downgrade", "base"});
                 BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r);
             },
         .args = {"--db", "{db}", "--dir", "{dir}", "stamp", "base0001", "base0002"},
         .says = {"overlaps", "base0001", "base0002"}},
        {.name = "stamp of a revision and its ancestor, and no database yet",
         .with_database = false,
         .args = {"--db", "{db}", "--dir", "{dir}", "stamp", "base0001", "base0002"},
         .says = {"overlaps", "base0001", "base0002"}},
        {.name = "a range as the upgrade target",
         .args = {"--db", "{db}", "--dir", "{dir}", "upgrade", "base0001:base0002"},
         .exit_code = 2,
         .says = {"Range revision not allowed", "base0001:base0002"}},
        {.name = "an unknown command",
         .args = {"--db", "{db}", "--dir", "{dir}", "frobnicate"},
         .exit_code = 2,
         .says = {"unknown command 'frobnicate'"}},

        // Statements that fail: the migration rolls back, the error shows the statement.
        {.name = "an SQL syntax error",
         .change = [](const Project& p) { add_x(p, kSyntaxUp); },
         .args = kUpgradeHead,
         .says = {location_x(kSyntaxUp, "INSRT"), "near \"INSRT\": syntax error", "SQLITE_ERROR"},
         .step_line = true,
         .excerpt_lines = 2},
        {.name = "a CHECK constraint failing in the third statement",
         .change = [](const Project& p) { add_x(p, kCheckUp); },
         .args = kUpgradeHead,
         .says = {location_x(kCheckUp, "INSERT INTO checked VALUES (-1)"),
                  "CHECK constraint failed", "SQLITE_CONSTRAINT_CHECK"},
         .step_line = true,
         .excerpt_lines = 1},
        {.name = "a full disk (max_page_count)",
         .change = [](const Project& p) { add_x(p, kDiskFullUp); },
         .args = kUpgradeHead,
         .says = {location_x(kDiskFullUp, "WITH RECURSIVE"), "database or disk is full",
                  "SQLITE_FULL"},
         .step_line = true,
         .excerpt_lines = 1},
        {.name = "a migration with its own BEGIN and COMMIT",
         .change = [](const Project& p) { add_x(p, kNestedUp); },
         .args = kUpgradeHead,
         .says = {location_x(kNestedUp, "BEGIN;"), "BEGIN would nest the transaction",
                  "transactional: false"},
         .step_line = true,
         .excerpt_lines = 1},
    };
}

std::string joined(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args) {
        text += (text.empty() ? "" : " ") + a;
    }
    return text;
}

// Undoes a case's changes on scope exit, even when an assertion threw.
class Cleanup {
  public:
    Cleanup(const BadInputCase& c, const Project& p) : case_(c), project_(p) {}
    ~Cleanup() {
        if (case_.cleanup) {
            case_.cleanup(project_);
        }
    }
    Cleanup(const Cleanup&) = delete;
    Cleanup& operator=(const Cleanup&) = delete;

  private:
    const BadInputCase& case_;
    const Project& project_;
};

// What a database holds, but for audit-log entries of failed steps: its schema and every row
// of its tables, for the cases where a migration fails (and is logged as failed).
std::vector<std::string> logical_content(const Project& p, const BadInputCase& c) {
    if (!(c.step_line && c.with_database)) {
        return {};
    }
    std::vector<std::string> out = integration::schema_dump(p.db());
    for (const auto& table : integration::table_names(p.db())) {
        const std::string filter =
            table == "runner_version_log" ? " WHERE action <> 'failed'" : std::string();
        std::string row = "''";
        for (const auto& column : integration::table_columns(p.db(), table)) {
            row += " || '|' || quote(\"" + column + "\")";
        }
        for (auto& text : integration::query_column(
                 p.db(), "SELECT " + row + " FROM \"" + table + "\"" + filter + " ORDER BY 1")) {
            out.push_back(table + ": " + text);
        }
    }
    return out;
}

void check_bad_input(const BadInputCase& c) {
    if (c.skip_reason) {
        if (const std::string why = c.skip_reason(); !why.empty()) {
            BOOST_TEST_MESSAGE("skipped '" << c.name << "': " << why);
            return;
        }
    }
    Project p;
    write_base(p);
    if (c.with_database) {
        const RunResult r = p.run({"upgrade", "head"});
        BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r);
    }
    const Cleanup cleanup(c, p);
    if (c.change) {
        c.change(p);
    }
    std::vector<std::string> args;
    for (const auto& a : c.args) {
        args.push_back(with_placeholders(a, p));
    }
    BOOST_TEST_CONTEXT("case '" << c.name << "': runner " << joined(args)) {
        auto before = tree_snapshot(p.root());
        const auto db_before = logical_content(p, c);
        const RunResult r = run_runner(args, p.root());
        auto after = tree_snapshot(p.root());

        BOOST_TEST(r.exit_code == c.exit_code, r);
        if (c.step_line && c.with_database) {
            // A migration that failed is rolled back and then logged as failed (README: Audit):
            // the database's content is the same apart from that one audit-log entry.
            BOOST_TEST(logical_content(p, c) == db_before, boost::test_tools::per_element());
            const auto failed = integration::query_column(
                p.db(), "SELECT count(*) FROM runner_version_log WHERE action = 'failed'");
            BOOST_TEST((failed == std::vector<std::string>{"1"} ||
                        (failed == std::vector<std::string>{"0"} &&
                         (contains(r.err, "readonly database") || contains(r.err, "refused")))),
                       r);
            before.erase("test.db");
            after.erase("test.db");
        }
        BOOST_TEST((before == after), "files changed:\n" << tree_difference(before, after));
        BOOST_TEST(integration::file_exists(p.db()) == c.with_database);
        BOOST_TEST(r.out == "", r);

        const auto lines = lines_of(r.err);
        const std::size_t error_at = c.step_line ? 1 : 0;
        BOOST_TEST_REQUIRE(lines.size() == error_at + 1 + c.excerpt_lines, r);
        if (c.step_line) {
            BOOST_TEST(starts_with(lines[0], "Running upgrade "), r);
            BOOST_TEST(contains(lines[0], " ... failed"), r);
        }
        const std::string& error = lines[error_at];
        BOOST_TEST(starts_with(error, "runner: error: "), r);
        for (const auto& part : c.says) {
            BOOST_TEST(contains(error, part), "expected '" << part << "' in\n" << error);
        }
        for (std::size_t i = error_at + 1; i < lines.size(); ++i) {
            BOOST_TEST(starts_with(lines[i], "    "), r);
        }
        if (!c.never_says.empty()) {
            BOOST_TEST(!contains(r.out + r.err, c.never_says), r);
        }
        BOOST_TEST_MESSAGE(c.name << ":\n" << r.err);
    }
}

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(bad_input_fails_with_one_line_naming_the_cause_and_changes_nothing) {
    const auto cases = bad_input_cases();
    BOOST_TEST(cases.size() >= 25u);
    for (const auto& c : cases) {
        check_bad_input(c);
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::proof
