// Bad input on PostgreSQL, as tables: what the user got wrong (where the server is, who they are,
// what they may do, a statement that fails in any position of any migration) gives one clear
// `runner: error:` line, a non-zero exit, and the server as it was: compared as snapshots of the
// catalog and every row taken before and after, not assumed. A failed migration leaves one audit
// entry (README: Audit, action `failed`) where runner's tables already existed; a
// non-transactional migration keeps exactly the statements that ran before the failing one, and
// the record of where it stopped.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::lines_of;
using integration::run_runner;
using integration::RunResult;
using integration::starts_with;
using integration::write_file;
using integration::write_migration;

namespace {

std::string url_as(const std::string& user, const std::string& database,
                   const std::string& password = {}) {
    const auto& c = cluster();
    return "postgresql://" + user + (password.empty() ? "" : ":" + password) + "@/" + database +
           "?host=" + c.host + "&port=" + c.port;
}

int error_lines(const RunResult& r) {
    int n = 0;
    for (const auto& line : lines_of(r.err)) {
        n += starts_with(line, "runner: error: ") ? 1 : 0;
    }
    return n;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) {
        out += l + "\n";
    }
    return out;
}

// What the whole server shows beyond one database: its databases with their privileges, its
// roles, and the database's own fingerprint (catalog and every row).
std::string server_snapshot(const PgProject& p) {
    return joined(p.column("SELECT datname || ' ' || coalesce(datacl::text, '') FROM pg_database "
                           "ORDER BY 1")) +
           joined(p.column("SELECT rolname::text FROM pg_roles ORDER BY 1")) +
           joined(p.column("SELECT nspname || ' ' || coalesce(nspacl::text, '') FROM "
                           "pg_namespace ORDER BY 1")) +
           p.fingerprint();
}

// The fingerprint without the rows of the audit log's `failed` entries.
std::string without_failed_entries(const PgProject& p) {
    std::string out;
    for (const auto& line : lines_of(p.fingerprint())) {
        if (!(starts_with(line, "public.runner_version_log (") && contains(line, ",failed,"))) {
            out += line + "\n";
        }
    }
    return out;
}

// Where non-transactional migrations stopped: "rev direction statement line".
std::vector<std::string> partials(const PgProject& p) {
    if (p.value("SELECT to_regclass('runner_version_partial') IS NOT NULL") != "t") {
        return {};
    }
    return p.column(
        "SELECT revision || ' ' || direction || ' ' || statement || ' ' || line FROM "
        "runner_version_partial ORDER BY 1");
}

// The schema and user rows, and the bookkeeping without its times: what two databases that ran
// the same migrations at different moments have in common.
std::string state(const PgProject& p) {
    std::string out;
    for (const auto& line : lines_of(p.fingerprint())) {
        if (!starts_with(line, "public.runner_version")) {
            out += line + "\n";
        } else if (!contains(line, " (")) {
            out += line + "\n";  // a catalog line of runner's tables (their rows come below)
        }
    }
    if (p.value("SELECT to_regclass('runner_version') IS NOT NULL") == "t") {
        out += joined(p.column("SELECT revision || ' ' || how FROM runner_version ORDER BY 1"));
        out +=
            joined(p.column("SELECT revision || ' ' || action FROM runner_version_log WHERE "
                            "action <> 'failed' ORDER BY id"));
        out += joined(partials(p));
    }
    return out;
}

std::string failed_entries(const PgProject& p) {
    if (p.value("SELECT to_regclass('runner_version_log') IS NOT NULL") != "t") {
        return "";
    }
    return joined(
        p.column("SELECT revision FROM runner_version_log WHERE action = 'failed' "
                 "ORDER BY id"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_bad_input)

BOOST_AUTO_TEST_CASE(where_and_who_is_wrong_gives_one_line_and_changes_nothing) {
    add_password_role("bad_input_pw", "the-Right-1");
    admin_sql("postgres",
              "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
              "'bad_input_user') THEN CREATE ROLE bad_input_user LOGIN; END IF; END $$");
    PgProject p;
    p.write_chain({"a1", "b2"});
    // No CREATE on the database for anyone but its owner (PostgreSQL 15 already keeps PUBLIC
    // from creating in schema public).
    admin_sql(p.database(), "REVOKE CREATE ON DATABASE " + p.database() + " FROM PUBLIC");
    write_file(p.path("meta.ini"), "version_table_schema = runner_meta\n");
    const std::string weak = url_as("bad_input_user", p.database());
    const auto before = server_snapshot(p);
    struct Row {
        std::string what;
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Row> table = {
        {"unreachable host",
         {"--db", "postgresql://someone:hidden-Pw-9@127.0.0.1:1/" + p.database(), "upgrade",
          "head"},
         "runner: error: cannot connect to postgresql://someone:***@127.0.0.1:1/" + p.database() +
             ": connection to server at \"127.0.0.1\", port 1 failed: Connection refused"},
        {"wrong password",
         {"--db", url_as("bad_input_pw", p.database(), "hidden-Pw-9"), "upgrade", "head"},
         "password authentication failed for user \"bad_input_pw\""},
        {"missing database",
         {"--db", url_as(cluster().user, "no_such_database_here"), "upgrade", "head"},
         "database \"no_such_database_here\" does not exist"},
        {"no privilege to create the --schema",
         {"--db", weak, "--schema", "app", "upgrade", "head"},
         "creating the schema app: permission denied for database " + p.database() +
             " (SQLSTATE 42501)"},
        {"no privilege to create the --schema, under --atomic",
         {"--db", weak, "--schema", "app", "upgrade", "head", "--atomic"},
         "creating the schema app: permission denied for database " + p.database() +
             " (SQLSTATE 42501)"},
        {"no privilege to create the version_table_schema",
         {"-c", p.path("meta.ini"), "--db", weak, "upgrade", "head"},
         "creating the schema runner_meta: permission denied for database " + p.database() +
             " (SQLSTATE 42501)"},
        {"no privilege to create the version_table_schema when stamping",
         {"-c", p.path("meta.ini"), "--db", weak, "stamp", "head"},
         "creating the schema runner_meta: permission denied for database " + p.database() +
             " (SQLSTATE 42501)"},
        {"no privilege to create tables in schema public",
         {"--db", weak, "upgrade", "head"},
         "0001_a1.up.sql:5: permission denied for schema public (SQLSTATE 42501)"},
        {"no privilege to create runner's tables in schema public when stamping",
         {"--db", weak, "stamp", "head"},
         "permission denied for schema public (SQLSTATE 42501)"},
    };
    for (const auto& row : table) {
        BOOST_TEST_CONTEXT(row.what) {
            std::vector<std::string> args = {"--dir", p.dir()};
            args.insert(args.end(), row.args.begin(), row.args.end());
            const auto r = run_runner(args, p.root());
            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(error_lines(r) == 1, r);
            BOOST_TEST(contains(r.err, row.says), r);
            BOOST_TEST(!contains(r.out + r.err, "hidden-Pw-9"), r);
            BOOST_TEST(server_snapshot(p) == before);
        }
    }
}

namespace {

// Where the failing migration is: the first of an empty database's plan; the third of one run
// (the two before it committed by that run); or the first of a run after an earlier one.
enum class Where { kFirstOfEmpty, kLaterInTheRun, kLaterRun };

const char* where_name(Where w) {
    switch (w) {
        case Where::kFirstOfEmpty:
            return "the first migration of an empty database";
        case Where::kLaterInTheRun:
            return "the third migration of the run";
        case Where::kLaterRun:
            return "the first migration of a run after an earlier one";
    }
    return "";
}

struct Failing {
    std::string stem;
    std::string rev;
    std::vector<std::string> before;  // revisions applied when it fails (but under --atomic)
};

// Writes a1 <- b2 <- c3, one of them (per `where`) `body` with the extra header lines, the
// others creating t_<rev>; for kLaterRun, applies a1 first.
Failing write_project(const PgProject& p, Where where, const std::string& body,
                      const std::vector<std::string>& extra) {
    const std::vector<std::string> revs = {"a1", "b2", "c3"};
    const std::size_t failing = where == Where::kFirstOfEmpty    ? 0
                                : where == Where::kLaterInTheRun ? 2
                                                                 : 1;
    std::vector<std::string> parent;
    for (std::size_t i = 0; i < revs.size(); ++i) {
        const std::string stem = "000" + std::to_string(i + 1) + "_" + revs[i];
        if (i == failing) {
            write_migration(p.dir(), stem, revs[i], parent, body, "SELECT 1;\n", extra);
        } else {
            write_migration(p.dir(), stem, revs[i], parent,
                            "CREATE TABLE t_" + revs[i] + " (x integer);\n",
                            "DROP TABLE t_" + revs[i] + ";\n");
        }
        parent = {revs[i]};
    }
    if (where == Where::kLaterRun) {
        const auto r = p.run({"upgrade", "a1"});
        BOOST_TEST_REQUIRE(r.exit_code == 0, r);
    }
    Failing f{"000" + std::to_string(failing + 1) + "_" + revs[failing], revs[failing], {}};
    f.before.assign(revs.begin(), revs.begin() + static_cast<std::ptrdiff_t>(failing));
    return f;
}

// A bad statement over two lines: one the server points into (line 2 of it), one it gives no
// position for (runner names the statement's first line).
struct Bad {
    std::string sql;
    int line_in_statement;
    std::string says;
};
const std::vector<Bad> kBad = {
    {"INSERT INTO\n  nowhere VALUES (1);", 1,
     "relation \"nowhere\" does not exist (SQLSTATE 42P01)"},
    {"SELECT\n  1/0;", 0, "division by zero (SQLSTATE 22012)"},
};

// The two kinds take turns, so every position and every place sees both.
const Bad& bad_for(Where where, std::size_t at) {
    return kBad[(static_cast<std::size_t>(where) + at) % kBad.size()];
}

// Two good statements with the bad one at `at` (0, 1, 2); `first_line` is the body's first line
// in the file. Returns the body and sets `bad_line` to the line the error must name.
std::string body_with(const Bad& bad, std::size_t at, int first_line, int& bad_line) {
    const std::vector<std::string> good = {"CREATE TABLE f_one (x integer);",
                                           "INSERT INTO f_one VALUES (1);"};
    std::string body;
    int line = first_line;
    for (std::size_t k = 0; k <= good.size(); ++k) {
        if (k == at) {
            bad_line = line + bad.line_in_statement;
            body += bad.sql + "\n";
            line += 2;
        }
        if (k < good.size()) {
            body += good[k] + "\n";
            line += 1;
        }
    }
    return body;
}

const char* const kPositions[] = {"first", "middle", "last"};

}  // namespace

BOOST_AUTO_TEST_CASE(
    a_statement_error_in_any_position_of_a_transactional_migration_changes_nothing) {
    for (const Where where : {Where::kFirstOfEmpty, Where::kLaterInTheRun, Where::kLaterRun}) {
        for (const bool atomic : {false, true}) {
            for (std::size_t at = 0; at < 3; ++at) {
                {
                    const Bad& bad = bad_for(where, at);
                    BOOST_TEST_CONTEXT(where_name(where)
                                       << (atomic ? ", --atomic" : "") << ", the " << kPositions[at]
                                       << " statement: " << bad.says) {
                        PgProject p;
                        int bad_line = 0;
                        const Failing f =
                            write_project(p, where, body_with(bad, at, 5, bad_line), {});
                        const auto before = p.fingerprint();
                        const bool had_tables = where == Where::kLaterRun;
                        std::vector<std::string> args = {"upgrade", "head"};
                        if (atomic) {
                            args.push_back("--atomic");
                        }
                        const auto r = p.run(args);
                        BOOST_TEST(r.exit_code == 1, r);
                        BOOST_TEST(error_lines(r) == 1, r);
                        BOOST_TEST(contains(r.err, "sql/" + f.stem + ".up.sql:" +
                                                       std::to_string(bad_line) + ": " + bad.says),
                                   r);
                        if (atomic || where != Where::kLaterInTheRun) {
                            // Exactly as before: the plan's one transaction (or the failing
                            // migration's, the first of the run) was rolled back.
                            BOOST_TEST(without_failed_entries(p) == before);
                            BOOST_TEST(failed_entries(p) == (had_tables ? f.rev + "\n" : ""));
                        } else {
                            // The two migrations before it stay, as a run of them alone leaves
                            // the server; the failing one left only its audit entry.
                            PgProject twin;
                            write_project(twin, where, body_with(bad, at, 5, bad_line), {});
                            BOOST_TEST_REQUIRE(twin.run({"upgrade", "b2"}).exit_code == 0);
                            BOOST_TEST(state(p) == state(twin));
                            BOOST_TEST(p.applied() == f.before);
                            BOOST_TEST(failed_entries(p) == f.rev + "\n");
                        }
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(
    a_statement_error_in_any_position_of_a_non_transactional_migration_keeps_what_ran_before_it) {
    for (const Where where : {Where::kFirstOfEmpty, Where::kLaterInTheRun, Where::kLaterRun}) {
        for (std::size_t at = 0; at < 3; ++at) {
            {
                const Bad& bad = bad_for(where, at);
                BOOST_TEST_CONTEXT(where_name(where)
                                   << ", the " << kPositions[at] << " statement: " << bad.says) {
                    PgProject p;
                    int bad_line = 0;
                    const std::string body = body_with(bad, at, 6, bad_line);
                    const Failing f = write_project(p, where, body, {"transactional: false"});
                    const auto before = p.fingerprint();
                    // --atomic refuses the plan before anything runs.
                    auto r = p.run({"upgrade", "head", "--atomic"});
                    BOOST_TEST(r.exit_code != 0, r);
                    BOOST_TEST(error_lines(r) == 1, r);
                    BOOST_TEST(contains(r.err, "transactional: false"), r);
                    BOOST_TEST(p.fingerprint() == before);

                    r = p.run({"upgrade", "head"});
                    BOOST_TEST(r.exit_code == 1, r);
                    BOOST_TEST(error_lines(r) == 1, r);
                    BOOST_TEST(contains(r.err, "sql/" + f.stem + ".up.sql:" +
                                                   std::to_string(bad_line) + ": " + bad.says),
                               r);
                    BOOST_TEST(p.applied() == f.before);
                    // What ran before the failing statement stays (the file said so), nothing
                    // after it ran.
                    const std::string f_one = at == 0 ? "NULL" : at == 1 ? "0" : "1";
                    const std::string rows = p.value("SELECT to_regclass('f_one') IS NULL") == "t"
                                                 ? "NULL"
                                                 : p.value("SELECT count(*) FROM f_one");
                    BOOST_TEST(rows == f_one);
                    if (at == 0) {
                        // Nothing of it ran: nothing to resume, the server as before the
                        // failing migration.
                        BOOST_TEST(!contains(r.err, "--resume"), r);
                        if (where != Where::kLaterInTheRun) {
                            BOOST_TEST(without_failed_entries(p) == before);
                        }
                        BOOST_TEST(partials(p).empty());
                        BOOST_TEST(p.run({"check"}).exit_code == 3);
                        BOOST_TEST(failed_entries(p) ==
                                   (where == Where::kFirstOfEmpty ? "" : f.rev + "\n"));
                    } else {
                        BOOST_TEST(contains(r.err, "--resume"), r);
                        BOOST_TEST(partials(p) ==
                                   std::vector<std::string>{
                                       f.rev + " upgrade " + std::to_string(at + 1) + " " +
                                       std::to_string(bad_line - bad.line_in_statement)});
                        BOOST_TEST(p.run({"check"}).exit_code == 5);
                        BOOST_TEST(failed_entries(p) == f.rev + "\n");
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
