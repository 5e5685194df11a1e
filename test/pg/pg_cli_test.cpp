// The built runner against PostgreSQL, command by command: the same files, commands and
// guarantees as on SQLite (upgrade/downgrade/current/history/heads/check/stamp/rebless/resolve,
// non-transactional migrations with --resume, --atomic, offline scripts for psql), and errors a
// user can act on.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::lines_of;
using integration::RunResult;
using integration::write_file;
using integration::write_migration;

namespace {

// sql/0001_<rev>: writes `up` and `down` with the usual header, `extra` header lines added.
void migration(const PgProject& p, const std::string& stem, const std::string& rev,
               const std::vector<std::string>& parents, const std::string& up,
               const std::string& down, const std::vector<std::string>& extra = {}) {
    write_migration(p.dir(), stem, rev, parents, up, down, extra);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_cli)

BOOST_AUTO_TEST_CASE(the_daily_commands_walk_up_and_down_the_graph) {
    PgProject p;
    p.write_chain({"a1", "b2", "c3"});
    auto r = p.run({"upgrade", "+2"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running upgrade  -> a1"), r);
    BOOST_TEST(contains(r.err, "Running upgrade a1 -> b2"), r);
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2"}));
    BOOST_TEST(p.run({"current"}).out == "b2\n");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 3, r);
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.run({"current"}).out == "c3 (head)\n");
    BOOST_TEST(p.run({"heads"}).out == "c3 (head)\n");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 0, r);
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Nothing to upgrade"), r);

    r = p.run({"history", "-v"});
    BOOST_TEST(r.exit_code == 0, r);
    // Applied times come back from timestamptz as UTC, with the duration.
    int applied_lines = 0;
    for (const auto& line : lines_of(r.out)) {
        if (integration::starts_with(line, "Applied: ")) {
            ++applied_lines;
            BOOST_TEST(line.size() > 28, line);
            BOOST_TEST(line.substr(9, 2) == "20", line);
            BOOST_TEST(contains(line, " UTC in "), line);
        }
    }
    BOOST_TEST(applied_lines == 3, r);
    BOOST_TEST(contains(r.out, "upgrade by "), r);

    r = p.run({"downgrade", "-1"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running downgrade c3 -> b2"), r);
    BOOST_TEST(p.value("SELECT to_regclass('t_c3') IS NULL") == "t");
    r = p.run({"downgrade", "base"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.applied().empty());
    BOOST_TEST(p.tables() == (std::vector<std::string>{"runner_version", "runner_version_log"}));
    BOOST_TEST(p.run({"current"}).out == "");

    r = p.run({"stamp", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2", "c3"}));
    BOOST_TEST(p.value("SELECT how FROM runner_version WHERE revision = 'c3'") == "stamp");
    BOOST_TEST(p.value("SELECT to_regclass('t_a1') IS NULL") == "t", "stamp ran nothing");
}

BOOST_AUTO_TEST_CASE(check_reports_drift_and_rebless_accepts_it) {
    PgProject p;
    p.write_chain({"a1", "b2"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    write_migration(p.dir(), "0002_b2", "b2", {"a1"}, "CREATE TABLE t_b2 (x bigint);\n",
                    "DROP TABLE t_b2;\n");
    auto r = p.run({"check"});
    BOOST_TEST(r.exit_code == 4, r);
    BOOST_TEST(contains(r.out + r.err, "b2"), r);
    r = p.run({"rebless", "b2", "--reason", "widened the column by hand"});
    BOOST_TEST(r.exit_code == 0, r);
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.value("SELECT detail FROM runner_version_log WHERE action = 'rebless'") ==
               "widened the column by hand");
}

BOOST_AUTO_TEST_CASE(a_non_transactional_migration_stops_part_way_and_resumes_exactly_there) {
    PgProject p;
    p.write_chain({"a1"});
    migration(p, "0002_b2", "b2", {"a1"},
              "CREATE TABLE counted (n integer);\n"
              "INSERT INTO counted VALUES (1);\n"
              "CREATE INDEX CONCURRENTLY counted_n ON counted (n);\n"
              "INSERT INTO missing_table VALUES (2);\n"
              "INSERT INTO counted VALUES (3);\n",
              "DROP TABLE counted;\n", {"transactional: false"});
    auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "0002_b2.up.sql:9: "), r);
    BOOST_TEST(contains(r.err, "(SQLSTATE 42P01)"), r);
    BOOST_TEST(p.column("SELECT n FROM counted ORDER BY n") == std::vector<std::string>{"1"});
    BOOST_TEST(
        p.value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'counted_n'::regclass") == "t");
    BOOST_TEST(p.value("SELECT statement FROM runner_version_partial") == "4");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 5, r);
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code != 0, r);
    BOOST_TEST(contains(r.err, "--resume"), r);

    // The failed statement corrected; --resume runs it and what follows, nothing twice.
    migration(p, "0002_b2", "b2", {"a1"},
              "CREATE TABLE counted (n integer);\n"
              "INSERT INTO counted VALUES (1);\n"
              "CREATE INDEX CONCURRENTLY counted_n ON counted (n);\n"
              "INSERT INTO counted VALUES (2);\n"
              "INSERT INTO counted VALUES (3);\n",
              "DROP TABLE counted;\n", {"transactional: false"});
    r = p.run({"upgrade", "head", "--resume"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.column("SELECT n FROM counted ORDER BY n") ==
               (std::vector<std::string>{"1", "2", "3"}));
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2"}));
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version_partial") == "0");
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(resolve_records_a_migration_finished_by_hand) {
    PgProject p;
    migration(p, "0001_a1", "a1", {}, "CREATE TABLE done_by_hand (n integer);\nSELECT 1/0;\n",
              "DROP TABLE done_by_hand;\n", {"transactional: false"});
    auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "division by zero (SQLSTATE 22012)"), r);
    r = p.run({"resolve", "a1"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Resolved upgrade of a1"), r);
    BOOST_TEST(p.applied() == std::vector<std::string>{"a1"});
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_failed_atomic_run_leaves_the_server_exactly_as_before) {
    PgProject p;
    migration(p, "0001_a1", "a1", {},
              "CREATE TABLE first (n integer);\nINSERT INTO first VALUES (1);\n",
              "DROP TABLE first;\n");
    migration(p, "0002_b2", "b2", {"a1"},
              "CREATE TYPE mood AS ENUM ('ok');\nCREATE TABLE second (m mood);\n",
              "DROP TABLE second;\nDROP TYPE mood;\n");
    migration(p, "0003_c3", "c3", {"b2"}, "INSERT INTO first VALUES ('not a number');\n",
              "DELETE FROM first;\n");
    const std::string before = p.fingerprint();
    auto r = p.run({"upgrade", "head", "--atomic"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "0003_c3.up.sql:5: "), r);
    BOOST_TEST(contains(r.err, "(SQLSTATE 22P02)"), r);
    BOOST_TEST(p.fingerprint() == before, "no table, type or bookkeeping left behind");
    BOOST_TEST(p.tables().empty());
}

BOOST_AUTO_TEST_CASE(offline_sql_is_a_psql_script_that_migrates_like_the_online_run) {
    PgProject p;
    p.write_chain({"a1", "b2"});
    const auto r = p.run({"upgrade", "head", "--sql"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "\\set ON_ERROR_STOP on\n"), r);
    BOOST_TEST(contains(r.out, "BEGIN;\n"), r);
    BOOST_TEST(contains(r.out, "COMMIT;\n"), r);
    BOOST_TEST(contains(r.out, "CREATE TABLE t_a1 (x integer);"), r);
    BOOST_TEST(p.tables().empty(), "--sql ran nothing");
    write_file(p.path("up.sql"), r.out);
    const auto& c = cluster();
    integration::ProcessOptions psql;
    psql.argv = {"psql", "-X", "-q",         "-h", c.host,          "-p", c.port, "-U",
                 c.user, "-d", p.database(), "-f", p.path("up.sql")};
    psql.search_path = true;
    psql.cwd = p.root();
    const auto ran = integration::run_process(psql);
    BOOST_TEST(ran.exit_code == 0, ran);
    BOOST_TEST(p.run({"current"}).out == "b2 (head)\n");
    BOOST_TEST(p.run({"check"}).exit_code == 0);
    // Down again, offline.
    const auto down = p.run({"downgrade", "b2:base", "--sql"});
    BOOST_TEST(down.exit_code == 0, down);
    write_file(p.path("down.sql"), down.out);
    psql.argv.back() = p.path("down.sql");
    BOOST_TEST(integration::run_process(psql).exit_code == 0);
    BOOST_TEST(p.applied().empty());
    BOOST_TEST(p.value("SELECT to_regclass('t_a1') IS NULL") == "t");
}

BOOST_AUTO_TEST_CASE(a_failing_offline_script_stops_psql_with_that_transaction_rolled_back) {
    PgProject p;
    p.write_chain({"a1"});
    migration(p, "0002_b2", "b2", {"a1"}, "CREATE TABLE b (n integer);\nSELECT 1/0;\n",
              "DROP TABLE b;\n");
    const auto r = p.run({"upgrade", "head", "--sql"});
    write_file(p.path("up.sql"), r.out);
    const auto& c = cluster();
    integration::ProcessOptions psql;
    psql.argv = {"psql", "-X", "-q",         "-h", c.host,          "-p", c.port, "-U",
                 c.user, "-d", p.database(), "-f", p.path("up.sql")};
    psql.search_path = true;
    psql.cwd = p.root();
    const auto ran = integration::run_process(psql);
    BOOST_TEST(ran.exit_code != 0, ran);
    BOOST_TEST(p.applied() == std::vector<std::string>{"a1"});
    BOOST_TEST(p.value("SELECT to_regclass('b') IS NULL") == "t");
}

BOOST_AUTO_TEST_CASE(backup_is_refused_with_a_pointer_to_pg_dump) {
    PgProject p;
    p.write_chain({"a1"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"backup"}, {"downgrade", "base", "--backup"}}) {
        const auto r = p.run(args);
        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(contains(r.err, "pg_dump"), r);
        BOOST_TEST(lines_of(r.err).size() == 1u, r);
    }
    BOOST_TEST(p.applied() == std::vector<std::string>{"a1"}, "--backup refused before running");
}

BOOST_AUTO_TEST_CASE(a_failing_statement_names_file_line_sqlstate_detail_hint_and_a_caret) {
    PgProject p;
    migration(p, "0001_a1", "a1", {},
              "CREATE TABLE parent (id integer PRIMARY KEY);\n"
              "CREATE TABLE child (p integer REFERENCES parent (id));\n"
              "INSERT INTO child VALUES (7);\n",
              "DROP TABLE child;\nDROP TABLE parent;\n");
    auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0001_a1.up.sql:7: insert or update on table "
                        "\"child\" violates foreign key constraint"),
               r);
    BOOST_TEST(contains(r.err,
                        "(SQLSTATE 23503); DETAIL: Key (p)=(7) is not present in table "
                        "\"parent\"."),
               r);
    BOOST_TEST(p.value("SELECT to_regclass('parent') IS NULL") == "t", "rolled back");

    // A position counted in characters: the caret sits under the misspelt column, after
    // multi-byte text on the same line.
    PgProject q;
    migration(q, "0001_a1", "a1", {},
              "CREATE TABLE café (prénom text);\n"
              "SELECT 'ééé', prénomm FROM café;\n",
              "DROP TABLE café;\n");
    r = q.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0001_a1.up.sql:6: column \"prénomm\" does not exist (SQLSTATE "
                        "42703); HINT: Perhaps you meant"),
               r);
    BOOST_TEST(contains(r.err,
                        "    SELECT 'ééé', prénomm FROM café;\n"
                        "                  ^\n"),
               r);
}

BOOST_AUTO_TEST_CASE(copy_from_stdin_is_refused_before_anything_runs) {
    PgProject p;
    migration(p, "0001_a1", "a1", {},
              "CREATE TABLE loaded (n integer);\nCOPY loaded (n) FROM stdin;\n1\n2\n\\.\n",
              "DROP TABLE loaded;\n");
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "0001_a1.up.sql:6: "), r);
    BOOST_TEST(contains(r.err, "COPY"), r);
    BOOST_TEST(p.value("SELECT to_regclass('loaded') IS NULL") == "t", r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
