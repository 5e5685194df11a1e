// Nothing is lost silently: connection settings a migration changes do not outlive it, new
// foreign key violations are never hidden by old ones, a NUL byte never cuts a file short, and
// runner's own records stay where runner keeps them.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

std::string error_line(const RunResult& r) {
    for (const auto& line : lines_of(r.err)) {
        if (starts_with(line, "runner: error: ")) {
            return line;
        }
    }
    return "";
}

BOOST_AUTO_TEST_SUITE(nothing_lost)

BOOST_AUTO_TEST_CASE(foreign_keys_turned_on_by_a_migration_do_not_cascade_in_a_later_rebuild) {
    Project p;
    write_migration(p.dir(), "0001_schema", "r1", {},
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES "
                    "parent (id) ON DELETE CASCADE);\n"
                    "INSERT INTO parent VALUES (1);\nINSERT INTO child VALUES (10, 1);\n",
                    "DROP TABLE child;\nDROP TABLE parent;\n");
    // The end of SQLite's own table-rebuild recipe.
    write_migration(p.dir(), "0002_fk_on", "r2", {"r1"}, "PRAGMA foreign_keys = ON;\n",
                    "SELECT 1;\n", {"transactional: false"});
    // A rebuild of the parent table: with enforcement on, DROP TABLE deletes the children.
    write_migration(p.dir(), "0003_rebuild", "r3", {"r2"},
                    "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT);\n"
                    "INSERT INTO parent_new (id) SELECT id FROM parent;\n"
                    "DROP TABLE parent;\n"
                    "ALTER TABLE parent_new RENAME TO parent;\n",
                    "SELECT 1;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT id || ':' || parent_id FROM child") ==
               std::vector<std::string>{"10:1"});
}

BOOST_AUTO_TEST_CASE(other_connection_settings_a_migration_changes_do_not_outlive_it) {
    Project p;
    write_migration(p.dir(), "0001_settings", "r1", {},
                    "PRAGMA recursive_triggers = ON;\nPRAGMA query_only = ON;\n", "SELECT 1;\n",
                    {"transactional: false"});
    write_migration(p.dir(), "0002_write", "r2", {"r1"},
                    "CREATE TABLE t (x);\nCREATE TABLE log (x);\n"
                    "CREATE TRIGGER again AFTER INSERT ON t WHEN new.x < 5 BEGIN\n"
                    "  INSERT INTO t VALUES (new.x + 1);\nEND;\n"
                    "INSERT INTO t VALUES (1);\n",
                    "SELECT 1;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM t") == std::vector<std::string>{"2"});
}

BOOST_AUTO_TEST_CASE(new_orphans_in_a_without_rowid_table_are_found_beside_an_old_one) {
    Project p;
    write_migration(p.dir(), "0001_schema", "r1", {},
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                    "CREATE TABLE child (k TEXT PRIMARY KEY, parent_id INTEGER REFERENCES "
                    "parent (id)) WITHOUT ROWID;\n"
                    "INSERT INTO parent VALUES (1);\n",
                    "DROP TABLE child;\nDROP TABLE parent;\n");
    write_migration(p.dir(), "0002_orphan", "r2", {"r1"}, "INSERT INTO child VALUES ('new', 99);\n",
                    "DELETE FROM child;\n");
    BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);
    exec_sql(p.db(), "INSERT INTO child VALUES ('old', 42)");  // an orphan from before

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "foreign key check failed"), r);
    BOOST_TEST(contains(error_line(r), "'new'"), r);
    BOOST_TEST(!contains(error_line(r), "'old'"), r);
    BOOST_TEST(p.run({"current"}).out == "r1\n");
}

BOOST_AUTO_TEST_CASE(a_nul_byte_after_the_first_4_kib_is_refused_with_file_and_line) {
    Project p;
    std::string up;
    for (int i = 0; i < 200; ++i) {
        up += "-- padding line " + std::to_string(i) + " .........................\n";
    }
    up += "CREATE TABLE a (x);\n";
    const std::string header = migration_header("0001_nul", "r1", {});
    const int line = line_of(header + up, "CREATE TABLE a") + 1;
    up += std::string("CREATE TABLE b (x);\0CREATE TABLE c (x);\n", 39);
    write_migration(p.dir(), "0001_nul", "r1", {}, up, "SELECT 1;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(error_line(r), "runner: error: " + p.dir() +
                                              "/0001_nul.up.sql:" + std::to_string(line) + ": "),
               r);
    BOOST_TEST(contains(error_line(r), "NUL"), r);
    BOOST_TEST((!file_exists(p.db()) || table_names(p.db()).empty()), r);
}

BOOST_AUTO_TEST_CASE(a_nul_byte_in_a_non_transactional_file_is_refused_before_anything_runs) {
    Project p;
    std::string up = "CREATE TABLE a (x);\n" + std::string(5000, ' ') + "\n";
    up += std::string("CREATE TABLE b (x);\0\n", 21);
    write_migration(p.dir(), "0001_nul", "r1", {}, up, "SELECT 1;\n", {"transactional: false"});

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "NUL"), r);
    BOOST_TEST((!file_exists(p.db()) || table_names(p.db()).empty()), r);
}

BOOST_AUTO_TEST_CASE(a_temp_table_named_like_the_version_table_does_not_capture_records) {
    Project p;
    write_migration(p.dir(), "0001_temp", "r1", {},
                    "CREATE TEMP TABLE runner_version (revision TEXT, applied_at TEXT, "
                    "duration_ms INTEGER, checksum TEXT, how TEXT);\n"
                    "CREATE TABLE a (x);\n",
                    "DROP TABLE a;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM main.runner_version") ==
               std::vector<std::string>{"r1"});
    BOOST_TEST(p.run({"current"}).out == "r1 (head)\n");
}

// r2 runs `statement` against runner's bookkeeping: refused, the database unchanged.
void check_bookkeeping_protected(const std::string& statement) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, "CREATE TABLE a (x);\n", "DROP TABLE a;\n");
    write_migration(p.dir(), "0002_b", "r2", {"r1"}, "CREATE TABLE b (x);\n" + statement + "\n",
                    "DROP TABLE b;\n");
    BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);
    const std::string before = file_bytes(p.db());

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), p.dir() + "/0002_b.up.sql:"), r);
    BOOST_TEST(contains(error_line(r), "runner_version"), r);
    BOOST_TEST((file_bytes(p.db()) == before), "the database changed");
    BOOST_TEST(p.run({"current"}).out == "r1\n");
}

BOOST_AUTO_TEST_CASE(a_migration_that_drops_the_version_table_is_refused) {
    check_bookkeeping_protected("DROP TABLE runner_version;");
}

BOOST_AUTO_TEST_CASE(a_migration_that_empties_the_version_table_is_refused) {
    check_bookkeeping_protected("DELETE FROM Runner_Version;");
}

BOOST_AUTO_TEST_CASE(a_migration_that_renames_the_audit_log_is_refused) {
    check_bookkeeping_protected("ALTER TABLE runner_version_log RENAME TO old_log;");
}

BOOST_AUTO_TEST_CASE(a_non_transactional_migration_that_writes_the_version_table_is_refused) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, "CREATE TABLE a (x);\n", "DROP TABLE a;\n");
    write_migration(p.dir(), "0002_b", "r2", {"r1"},
                    "INSERT INTO runner_version (revision, applied_at) VALUES ('zz', 'now');\n",
                    "SELECT 1;\n", {"transactional: false"});
    BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "runner_version"), r);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version") ==
               std::vector<std::string>{"r1"});
}

BOOST_AUTO_TEST_CASE(version_table_setting_matches_an_existing_table_in_another_case) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, "CREATE TABLE a (x);\n", "DROP TABLE a;\n");
    write_migration(p.dir(), "0002_b", "r2", {"r1"}, "CREATE TABLE b (x);\n", "DROP TABLE b;\n");
    BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);
    write_file(p.path("runner.ini"), "[runner]\nversion_table = Runner_Version\n");

    BOOST_TEST(p.run({"current"}).out == "r1\n");
    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY 1") ==
                   (std::vector<std::string>{"r1", "r2"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
